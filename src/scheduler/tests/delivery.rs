//! Sending: committed before sent, retries and rate limits, closed DMs, settling stale rows, purges.

use super::*;

#[tokio::test]
async fn every_row_is_committed_before_it_is_sent_and_marked_after() {
    let w = world().await;
    w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    // The send fails for good: the row stays, marked failed, with its error.
    w.recorder
        .script([Err(SendError::Rejected("400 bad".into()))]);
    let report = w.run(utc(2026, 6, 1, 17, 0)).await;
    assert_eq!(report.failed, 1);
    assert_eq!(
        w.count(
            "SELECT COUNT(*) FROM outbox WHERE status = 'failed' AND last_error LIKE '%400 bad%'"
        )
        .await,
        1
    );
    // The check-in that never arrived is missed, not open, and gets no reminder.
    assert_eq!(
        w.count("SELECT COUNT(*) FROM checkins WHERE status = 'missed'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_rate_limit_storm_delivers_every_message_exactly_once() {
    let w = world().await;
    for id in 1..=50 {
        w.enrol(id, utc(2026, 6, 1, 9, 0)).await;
    }
    // Every fifth answer is a 429.
    let answers = (0..200).map(|i| {
        if i % 5 == 0 {
            Err(SendError::RateLimited {
                retry_after: Some(StdDuration::from_millis(2)),
                global: i % 10 == 0,
            })
        } else {
            Ok(())
        }
    });
    w.recorder.script(answers);
    let report = w.run(utc(2026, 6, 1, 17, 0)).await;
    assert_eq!(report.sent, 50);
    let mut members: Vec<u64> = w
        .recorder
        .sent()
        .iter()
        .filter_map(|r| r.member.map(MemberId::get))
        .collect();
    members.sort_unstable();
    members.dedup();
    assert_eq!(members.len(), 50);
    assert_eq!(w.recorder.sent().len(), 50, "no duplicates");
    assert_eq!(
        w.count("SELECT COUNT(*) FROM outbox WHERE status = 'sent'")
            .await,
        50
    );
}

#[tokio::test]
async fn server_errors_are_retried_with_backoff_then_succeed() {
    let w = world().await;
    w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    w.recorder.script([
        Err(SendError::Transient("502".into())),
        Err(SendError::Transient("503".into())),
    ]);
    let report = w.run(utc(2026, 6, 1, 17, 0)).await;
    assert_eq!((report.sent, report.failed), (1, 0));
    assert_eq!(w.count("SELECT attempts FROM outbox").await, 3);
}

#[tokio::test]
async fn endless_server_errors_mark_the_row_failed_and_the_schedule_moves_on() {
    let w = world().await;
    w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    w.recorder
        .script((0..4).map(|_| Err(SendError::Transient("500".into()))));
    let report = w.run(utc(2026, 6, 1, 17, 0)).await;
    assert_eq!((report.sent, report.failed), (0, 1));
    assert_eq!(
        w.count("SELECT attempts FROM outbox").await,
        4,
        "bounded: one try and three retries"
    );
    assert_eq!(
        w.run(utc(2026, 6, 2, 17, 0)).await.sent,
        1,
        "tomorrow's arrives"
    );
}

#[tokio::test]
async fn closed_dms_pause_the_member_without_retries() {
    let w = world().await;
    let member = w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    *w.recorder.closed.lock().expect("lock") = Some(member);
    let report = w.run(utc(2026, 6, 1, 17, 0)).await;
    assert_eq!(report.failed, 1);
    let row = w.store.member(member).await.expect("read").expect("member");
    assert!(!row.reachable);
    assert!(row.unreachable_notice_pending);
    assert_eq!(
        w.count("SELECT COUNT(*) FROM programs WHERE next_checkin_at IS NOT NULL")
            .await,
        0
    );
    // Days later, nothing is tried again.
    let later = w.run(utc(2026, 6, 5, 17, 0)).await;
    assert_eq!(later, RunReport::default());
}

#[tokio::test]
async fn old_reflections_are_purged_after_the_retention_period() {
    let w = world().await;
    let member = w.enrol(1, utc(2026, 1, 1, 9, 0)).await;
    service::checkin::dm_text(w.ctx(utc(2026, 1, 1, 10, 0)), member, "an old thought")
        .await
        .expect("kept");
    service::checkin::dm_text(w.ctx(utc(2026, 6, 1, 10, 0)), member, "a recent thought")
        .await
        .expect("kept");
    w.run(utc(2026, 7, 1, 0, 0)).await;
    assert_eq!(w.count("SELECT COUNT(*) FROM reflections").await, 1);
}

#[tokio::test]
async fn a_run_with_nothing_due_does_nothing() {
    let w = world().await;
    w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    assert_eq!(w.run(utc(2026, 6, 1, 10, 0)).await, RunReport::default());
    assert!(w.recorder.sent().is_empty());
}

#[tokio::test]
async fn sent_outbox_rows_are_purged_after_a_week() {
    let w = world().await;
    w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    w.run(utc(2026, 6, 1, 17, 0)).await;
    assert_eq!(w.count("SELECT COUNT(*) FROM outbox").await, 1);
    w.run(utc(2026, 6, 9, 16, 0)).await;
    assert_eq!(
        w.count("SELECT COUNT(*) FROM outbox WHERE due_at < 1780500000")
            .await,
        0
    );
}

#[tokio::test]
async fn after_two_days_of_downtime_a_queued_old_check_in_is_never_sent_beside_the_new_one() {
    let w = world().await;
    w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    // The first check-in is queued but rate limited every time: it stays pending.
    w.recorder.script((0..6).map(|_| {
        Err(SendError::RateLimited {
            retry_after: Some(StdDuration::from_millis(1)),
            global: false,
        })
    }));
    let first = w.run(utc(2026, 6, 1, 17, 0)).await;
    assert_eq!((first.sent, first.deferred), (0, 1));
    // The bot was down for two days.
    let report = w.run(utc(2026, 6, 3, 17, 30)).await;
    assert_eq!(report.sent, 1, "only today's check-in");
    assert_eq!(report.settled, 1, "the old one is settled, never sent");
    assert_eq!(w.recorder.sent_kinds(), vec!["checkin"]);
    assert_eq!(
        w.count("SELECT COUNT(*) FROM outbox WHERE status = 'pending'")
            .await,
        0
    );
}

#[tokio::test]
async fn on_start_rows_older_than_the_stale_window_are_expired_and_their_check_ins_missed() {
    let w = world().await;
    w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    w.recorder.script((0..6).map(|_| {
        Err(SendError::RateLimited {
            retry_after: Some(StdDuration::from_millis(1)),
            global: false,
        })
    }));
    w.run(utc(2026, 6, 1, 17, 0)).await;
    let expired = w
        .store
        .expire_outbox_before(utc(2026, 6, 2, 6, 0))
        .await
        .expect("expired");
    assert_eq!(expired, 1);
    assert_eq!(
        w.count("SELECT COUNT(*) FROM outbox WHERE status = 'expired'")
            .await,
        1
    );
    assert_eq!(
        w.count("SELECT COUNT(*) FROM checkins WHERE status = 'missed'")
            .await,
        1
    );
}

#[tokio::test]
async fn three_failed_deliveries_within_the_hour_alert_the_team_once() {
    let w = world().await;
    let (guild, alerts) = (
        crate::domain::ids::GuildId::new(100),
        crate::domain::ids::ChannelId::new(555),
    );
    w.store
        .set_alerts_channel(guild, Some(alerts), utc(2026, 6, 1, 9, 0))
        .await
        .expect("saved");
    for id in 1..=5 {
        w.enrol(id, utc(2026, 6, 1, 9, 0)).await;
    }
    let alerts_sent = || {
        w.recorder
            .sent()
            .iter()
            .filter(|s| s.kind == "alert" && s.channel == Some(alerts.get()))
            .count()
    };
    // Two failures are a bad moment: no alert.
    w.recorder.script([
        Err(SendError::Rejected("400 bad".into())),
        Err(SendError::Rejected("400 bad".into())),
    ]);
    let report = w.run(utc(2026, 6, 1, 17, 0)).await;
    assert_eq!((report.failed, report.sent), (2, 3));
    assert_eq!(alerts_sent(), 0);
    // A third within the hour: the team is told, once.
    for id in 6..=8 {
        w.enrol(id, utc(2026, 6, 1, 9, 0)).await;
    }
    w.recorder.script([
        Err(SendError::Rejected("400 bad".into())),
        Err(SendError::Rejected("400 bad".into())),
    ]);
    let report = w.run(utc(2026, 6, 1, 17, 30)).await;
    assert_eq!(report.failed, 2);
    assert_eq!(alerts_sent(), 1);
}

/// Holds every send until released, and says when one has begun.
struct Gate {
    begun: tokio::sync::Notify,
    release: tokio::sync::Semaphore,
}

impl Default for Gate {
    fn default() -> Self {
        Gate {
            begun: tokio::sync::Notify::new(),
            release: tokio::sync::Semaphore::new(0),
        }
    }
}

impl crate::service::messages::Messenger for Gate {
    fn send<'a>(
        &'a self,
        _to: crate::service::messages::Destination,
        _message: &'a crate::service::messages::Outgoing,
        _lane: Lane,
        _nonce: Option<&'a str>,
    ) -> crate::service::messages::BoxFuture<'a, Result<crate::domain::ids::ChannelId, SendError>>
    {
        Box::pin(async move {
            self.begun.notify_one();
            if let Ok(permit) = self.release.acquire().await {
                permit.forget();
            }
            Ok(crate::domain::ids::ChannelId::new(1))
        })
    }

    fn channel_guild(
        &self,
        _channel: crate::domain::ids::ChannelId,
    ) -> crate::service::messages::BoxFuture<
        '_,
        Result<Option<crate::domain::ids::GuildId>, crate::delivery::SendError>,
    > {
        Box::pin(async { Ok(None) })
    }
}

#[tokio::test]
async fn a_pause_waits_for_a_check_in_already_on_its_way_so_nothing_arrives_after_it() {
    // "I won't send you anything until you say so" must hold from the moment it is said:
    // a check-in already on its way arrives first, then the pause is answered.
    let w = world().await;
    let member = w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    let (gate, run) = a_check_in_on_its_way(&w).await;
    let pausing = service::program::pause(w.ctx(utc(2026, 6, 1, 17, 0)), member);
    tokio::pin!(pausing);
    let deadline = tokio::time::Instant::now() + StdDuration::from_secs(10);
    while w.guards.holders_and_waiters(member) < 2 {
        assert!(tokio::time::Instant::now() < deadline, "the pause waits");
        tokio::select! {
            _ = &mut pausing => panic!("paused while a check-in was still on its way"),
            () = tokio::time::sleep(StdDuration::from_millis(1)) => {}
        }
    }
    gate.release.add_permits(1);
    pausing.await.expect("paused");
    let report = run.await.expect("the run").expect("a scheduler run");
    assert_eq!(report.sent, 1);
}

/// A scheduler run at 17:00 UTC (the member's 19:00 check-in) whose send is held open by a
/// [`Gate`]; returns once the send has begun.
async fn a_check_in_on_its_way(
    w: &World,
) -> (
    Arc<Gate>,
    tokio::task::JoinHandle<Result<RunReport, Stopped>>,
) {
    let gate = Arc::new(Gate::default());
    let services = Services {
        store: w.store.clone(),
        content: SharedContent::new(w.content.clone()),
        settings: w.settings.clone(),
        clock: Arc::new(crate::clock::ManualClock::new(utc(2026, 6, 1, 17, 0))),
        messenger: gate.clone(),
        guards: w.guards.clone(),
        safety: Arc::new(SafetyNet::new()),
        telemetry: Arc::new(crate::telemetry::Telemetry::new(
            crate::telemetry::Status::new(Utc::now(), Tuning::default().max_sleep),
        )),
    };
    let scheduler = Scheduler::new(services, Tuning::default());
    let run = tokio::spawn(async move { scheduler.run_due(utc(2026, 6, 1, 17, 0)).await });
    gate.begun.notified().await;
    (gate, run)
}

#[tokio::test]
async fn a_pause_until_a_date_waits_for_a_check_in_already_on_its_way_so_nothing_arrives_after_it()
{
    // "Your check-ins are paused until …" holds from the moment it is said, as for a pause
    // without an end.
    let w = world().await;
    let member = w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    let (gate, run) = a_check_in_on_its_way(&w).await;
    let pausing =
        service::program::pause_until(w.ctx(utc(2026, 6, 1, 17, 0)), member, "2026-06-05");
    tokio::pin!(pausing);
    let deadline = tokio::time::Instant::now() + StdDuration::from_secs(10);
    while w.guards.holders_and_waiters(member) < 2 {
        assert!(tokio::time::Instant::now() < deadline, "the pause waits");
        tokio::select! {
            _ = &mut pausing => panic!("paused until a date while a check-in was still on its way"),
            () = tokio::time::sleep(StdDuration::from_millis(1)) => {}
        }
    }
    gate.release.add_permits(1);
    pausing.await.expect("paused");
    let report = run.await.expect("the run").expect("a scheduler run");
    assert_eq!(report.sent, 1);
}
