//! When check-ins go out: local time, catch-up after downtime, settings, pause, snooze.

use super::*;

#[tokio::test]
async fn a_check_in_goes_out_at_the_members_local_time_and_not_before() {
    let w = world().await;
    // 19:00 in Berlin in June is 17:00 UTC.
    w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    let early = w.run(utc(2026, 6, 1, 16, 59)).await;
    assert_eq!(early.sent, 0);
    let on_time = w.run(utc(2026, 6, 1, 17, 0)).await;
    assert_eq!((on_time.queued, on_time.sent), (1, 1));
    assert_eq!(w.recorder.sent_kinds(), vec!["checkin"]);
    // Running again at the same instant sends nothing more.
    assert_eq!(w.run(utc(2026, 6, 1, 17, 0)).await.sent, 0);
    // The next one comes the next day.
    assert_eq!(w.run(utc(2026, 6, 2, 17, 0)).await.sent, 1);
}

#[tokio::test]
async fn after_two_days_of_downtime_each_member_gets_at_most_one_check_in() {
    let w = world().await;
    for id in 1..=5 {
        w.enrol(id, utc(2026, 6, 1, 9, 0)).await;
    }
    let report = w.run(utc(2026, 6, 3, 18, 0)).await;
    assert_eq!(report.sent, 5, "one each: the latest due slot");
    let missed = w
        .count("SELECT COUNT(*) FROM checkins WHERE status = 'missed'")
        .await;
    assert_eq!(missed, 10, "two skipped days each are recorded as missed");
}

#[tokio::test]
async fn a_slot_older_than_stale_after_is_recorded_missed_and_not_sent() {
    let w = world().await;
    w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    // 17:00 UTC due; 13 hours later is past the 12-hour stale window.
    let report = w.run(utc(2026, 6, 2, 6, 0)).await;
    assert_eq!(report.sent, 0);
    assert_eq!(
        w.count("SELECT COUNT(*) FROM checkins WHERE status = 'missed'")
            .await,
        1
    );
}

#[tokio::test]
async fn pausing_stops_everything_and_resuming_starts_again() {
    let w = world().await;
    let member = w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    service::program::pause(w.ctx(utc(2026, 6, 1, 10, 0)), member)
        .await
        .expect("paused");
    assert_eq!(w.run(utc(2026, 6, 10, 17, 0)).await, RunReport::default());
    service::program::resume(w.ctx(utc(2026, 6, 10, 18, 0)), member)
        .await
        .expect("resumed");
    assert_eq!(w.run(utc(2026, 6, 11, 17, 0)).await.sent, 1);
}

#[tokio::test]
async fn changing_settings_while_paused_does_not_restart_check_ins() {
    let w = world().await;
    let member = w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    service::program::pause(w.ctx(utc(2026, 6, 1, 10, 0)), member)
        .await
        .expect("paused");
    let change = service::settings::RawChange {
        checkin_time: Some("07:00"),
        ..Default::default()
    };
    service::settings::update(w.ctx(utc(2026, 6, 1, 11, 0)), member, change)
        .await
        .expect("updated");
    assert_eq!(w.run(utc(2026, 6, 3, 12, 0)).await, RunReport::default());
}

#[tokio::test]
async fn a_new_check_in_time_applies_from_the_next_slot() {
    let w = world().await;
    let member = w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    let change = service::settings::RawChange {
        checkin_time: Some("07:00"),
        ..Default::default()
    };
    service::settings::update(w.ctx(utc(2026, 6, 1, 11, 0)), member, change)
        .await
        .expect("updated");
    // 07:00 Berlin is 05:00 UTC; today's 07:00 has passed, so tomorrow's.
    assert_eq!(w.run(utc(2026, 6, 1, 17, 0)).await.sent, 0);
    assert_eq!(w.run(utc(2026, 6, 2, 5, 0)).await.sent, 1);
}

#[tokio::test]
async fn snoozing_a_weekly_check_in_brings_the_next_one_to_tomorrow() {
    let w = world().await;
    let mut settings = w.settings.as_ref().clone();
    settings.defaults.frequency = crate::domain::timing::Frequency::Weekly;
    let w = World {
        settings: Arc::new(settings),
        ..w
    };
    let member = w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    w.run(utc(2026, 6, 1, 17, 0)).await;
    let checkin = w
        .store
        .latest_checkin(member)
        .await
        .expect("read")
        .expect("a check-in");
    service::checkin::snooze(w.ctx(utc(2026, 6, 1, 18, 0)), member, checkin.id)
        .await
        .expect("snoozed");
    assert_eq!(
        w.run(utc(2026, 6, 2, 17, 0)).await.sent,
        1,
        "tomorrow, not in a week"
    );
    assert_eq!(
        w.recorder.sent_kinds(),
        vec!["checkin", "checkin"],
        "and no reminder for the snoozed one"
    );
}

#[tokio::test]
async fn a_clock_that_ran_a_month_ahead_and_was_set_back_silences_nobody_for_a_month() {
    // The host's clock jumped 30 days ahead (a bad RTC, a wrong NTP answer), the scheduler
    // ran, then the clock was put right. Schedules planned from the wrong time must not
    // wait for it to come round again.
    let w = world().await;
    w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    let post = PublicPost {
        guild: crate::domain::ids::GuildId::new(77),
        channel: crate::domain::ids::ChannelId::new(88),
        time: LocalTime::parse("09:30").expect("valid"),
        timezone: Timezone::parse("UTC").expect("valid"),
        enabled: true,
        next: Some(crate::domain::schedule::Slot {
            date: utc(2026, 6, 1, 9, 30).date_naive(),
            at: utc(2026, 6, 1, 9, 30),
        }),
        next_index: 0,
        last_failure: None,
    };
    w.store.save_public_post(&post).await.expect("saved");
    assert_eq!(w.run(utc(2026, 6, 1, 17, 0)).await.sent, 2);
    w.run(utc(2026, 7, 1, 17, 0)).await;
    let before = w.recorder.sent().len();
    // Set back, to the next morning: the next days bring the daily check-in, the public
    // post, and (every 3 days) an encouragement, as before the jump.
    w.run(utc(2026, 6, 2, 8, 0)).await;
    for day in 2..=5 {
        w.run(utc(2026, 6, day, 9, 30)).await;
        w.run(utc(2026, 6, day, 10, 0)).await;
        w.run(utc(2026, 6, day, 17, 0)).await;
    }
    let kinds: Vec<String> = w.recorder.sent()[before..]
        .iter()
        .map(|sent| sent.kind.clone())
        .collect();
    let count = |kind: &str| kinds.iter().filter(|k| *k == kind).count();
    assert_eq!(
        (count("checkin"), count("public"), count("encouragement")),
        (4, 4, 1),
        "{kinds:?}"
    );
}

#[tokio::test]
async fn a_check_in_queued_for_a_day_the_member_has_just_taken_off_their_days_is_not_sent() {
    // Saturday 6 June 2026, 19:00 in Berlin: the check-in is queued (the sender is behind,
    // or the bot stopped between queuing and sending), then the member says weekdays only.
    let w = world().await;
    let member = w.enrol(1, utc(2026, 6, 6, 9, 0)).await;
    let saturday = utc(2026, 6, 6, 17, 0);
    assert_eq!(w.scheduler.plan(saturday).await.expect("planned"), 1);
    let change = service::settings::RawChange {
        days: Some("weekdays"),
        ..Default::default()
    };
    service::settings::update(w.ctx(saturday), member, change)
        .await
        .expect("updated");
    let report = w.run(saturday).await;
    assert_eq!(report.sent, 0, "nothing on a Saturday now: {report:?}");
    assert!(w.recorder.sent_kinds().is_empty());
    assert_eq!(
        w.count("SELECT COUNT(*) FROM checkins WHERE status = 'open'")
            .await,
        0,
        "the check-in that never went out is not left open"
    );
    // Monday's comes as usual.
    assert_eq!(w.run(utc(2026, 6, 8, 17, 0)).await.sent, 1);
}

#[tokio::test]
async fn snoozing_on_a_friday_with_weekdays_only_brings_the_next_check_in_to_monday() {
    let w = world().await;
    let mut settings = w.settings.as_ref().clone();
    settings.defaults.frequency = crate::domain::timing::Frequency::Weekly;
    let w = World {
        settings: Arc::new(settings),
        ..w
    };
    // Friday 5 June 2026.
    let member = w.enrol(1, utc(2026, 6, 5, 9, 0)).await;
    let change = service::settings::RawChange {
        days: Some("weekdays"),
        ..Default::default()
    };
    service::settings::update(w.ctx(utc(2026, 6, 5, 9, 0)), member, change)
        .await
        .expect("updated");
    assert_eq!(w.run(utc(2026, 6, 5, 17, 0)).await.sent, 1);
    let checkin = w
        .store
        .latest_checkin(member)
        .await
        .expect("read")
        .expect("a check-in");
    service::checkin::snooze(w.ctx(utc(2026, 6, 5, 18, 0)), member, checkin.id)
        .await
        .expect("snoozed");
    // Encouragement keeps its own rhythm; only check-ins are counted.
    w.run(utc(2026, 6, 6, 17, 0)).await;
    w.run(utc(2026, 6, 7, 17, 0)).await;
    assert_eq!(
        w.recorder
            .sent_kinds()
            .iter()
            .filter(|k| *k == "checkin")
            .count(),
        1,
        "nothing on Saturday or Sunday"
    );
    w.run(utc(2026, 6, 8, 17, 0)).await;
    let checkins: Vec<String> = w
        .recorder
        .sent_kinds()
        .into_iter()
        .filter(|kind| kind == "checkin")
        .collect();
    assert_eq!(checkins, ["checkin"; 2], "Friday and Monday");
}

#[tokio::test]
async fn days_changed_during_a_pause_with_an_end_shape_the_check_ins_after_it() {
    let w = world().await;
    // Monday 1 June 2026; paused until Wednesday, then weekends only.
    let member = w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    service::program::pause_until(w.ctx(utc(2026, 6, 1, 10, 0)), member, "2026-06-03")
        .await
        .expect("paused");
    let change = service::settings::RawChange {
        days: Some("weekends"),
        ..Default::default()
    };
    service::settings::update(w.ctx(utc(2026, 6, 1, 11, 0)), member, change)
        .await
        .expect("updated");
    // Wednesday 08:00 in Berlin: resumed with its hello; no check-in until Saturday.
    w.run(utc(2026, 6, 3, 6, 0)).await;
    assert_eq!(w.recorder.sent_kinds(), ["resumed"]);
    for day in 3..=5 {
        w.run(utc(2026, 6, day, 17, 0)).await;
    }
    w.run(utc(2026, 6, 6, 17, 0)).await;
    let checkins: Vec<String> = w
        .recorder
        .sent_kinds()
        .into_iter()
        .filter(|kind| kind != "encouragement")
        .collect();
    assert_eq!(checkins, ["resumed", "checkin"]);
}

#[tokio::test]
async fn a_friday_check_in_sent_a_little_late_after_midnight_still_goes_to_a_weekdays_member() {
    // Friday 5 June 2026 at 23:30 in Berlin; the scheduler gets to it at 00:10 on Saturday
    // (it was busy, or restarting): still Friday's check-in, on one of the member's days.
    let w = world().await;
    let member = w.enrol(1, utc(2026, 6, 5, 9, 0)).await;
    let change = service::settings::RawChange {
        days: Some("weekdays"),
        checkin_time: Some("23:30"),
        ..Default::default()
    };
    service::settings::update(w.ctx(utc(2026, 6, 5, 9, 0)), member, change)
        .await
        .expect("updated");
    let report = w.run(utc(2026, 6, 5, 22, 10)).await;
    assert_eq!(report.sent, 1, "{report:?}");
}
