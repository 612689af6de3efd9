//! The scheduler against a real SQLite file and a recording sender: what is sent, when,
//! and exactly once.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::TimeZone;

use super::*;
use crate::config::Settings;
use crate::content::Content;
use crate::content::SharedContent;
use crate::delivery::Lane;
use crate::domain::member::MemberId;
use crate::domain::settings::{LocalTime, Timezone};
use crate::service::guards::Guards;
use crate::service::safety::SafetyNet;
use crate::service::testing::{Recorder, Sent};
use crate::service::Services;
use crate::service::{self, Ctx};
use crate::store::test_support::temp_store;
use crate::store::PublicPost;

/// The test messenger, seen as the outbox's sender: only scheduled messages count.
trait Outbox {
    fn sent(&self) -> Vec<Sent>;
    fn sent_kinds(&self) -> Vec<String>;
}

impl Outbox for Recorder {
    fn sent(&self) -> Vec<Sent> {
        self.sent_on(Lane::Scheduled)
    }

    fn sent_kinds(&self) -> Vec<String> {
        self.sent().into_iter().map(|sent| sent.kind).collect()
    }
}

struct World {
    store: crate::store::Store,
    content: Content,
    settings: Arc<Settings>,
    recorder: Arc<Recorder>,
    guards: Arc<Guards>,
    scheduler: Scheduler,
    _dir: tempfile::TempDir,
}

fn settings() -> Settings {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/default.toml");
    let mut settings = Settings::load(&path, |_| None).unwrap_or_else(|e| panic!("{e}"));
    settings.content_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/content.toml");
    settings.defaults.timezone = Timezone::parse("Europe/Berlin").expect("valid");
    settings.defaults.checkin_time = LocalTime::parse("19:00").expect("valid");
    // No pacing delay in these tests: pacing has its own.
    settings.delivery.max_messages_per_second = 1_000_000;
    settings
}

async fn world() -> World {
    let (store, dir) = temp_store().await;
    let settings = Arc::new(settings());
    let content = Content::load(&settings.content_path).unwrap_or_else(|e| panic!("{e}"));
    let recorder = Arc::new(Recorder::default());
    let tuning = Tuning {
        backoff: StdDuration::from_millis(1),
        ..Tuning::default()
    };
    let guards = Arc::new(Guards::new());
    let services = Services {
        store: store.clone(),
        content: SharedContent::new(content.clone()),
        settings: settings.clone(),
        clock: Arc::new(crate::clock::ManualClock::new(Utc::now())),
        messenger: recorder.clone(),
        guards: guards.clone(),
        safety: Arc::new(SafetyNet::new()),
    };
    let scheduler = Scheduler::new(services, tuning);
    World {
        store,
        content,
        settings,
        recorder,
        guards,
        scheduler,
        _dir: dir,
    }
}

impl World {
    fn ctx(&self, now: DateTime<Utc>) -> Ctx<'_> {
        Ctx {
            store: &self.store,
            content: &self.content,
            now,
            settings: &self.settings,
            messenger: self.recorder.as_ref(),
            guards: &self.guards,
        }
    }

    async fn enrol(&self, id: u64, now: DateTime<Utc>) -> MemberId {
        let member = MemberId::new(id);
        service::program::begin(self.ctx(now), member)
            .await
            .expect("enrolled");
        member
    }

    async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(self.store.pool())
            .await
            .expect("count")
    }
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
        .single()
        .expect("valid")
}

#[tokio::test]
async fn a_check_in_goes_out_at_the_members_local_time_and_not_before() {
    let w = world().await;
    // 19:00 in Berlin in June is 17:00 UTC.
    w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    let early = w
        .scheduler
        .run_due(utc(2026, 6, 1, 16, 59))
        .await
        .expect("run");
    assert_eq!(early.sent, 0);
    let on_time = w
        .scheduler
        .run_due(utc(2026, 6, 1, 17, 0))
        .await
        .expect("run");
    assert_eq!((on_time.queued, on_time.sent), (1, 1));
    assert_eq!(w.recorder.sent_kinds(), vec!["checkin"]);
    // Running again at the same instant sends nothing more.
    assert_eq!(
        w.scheduler
            .run_due(utc(2026, 6, 1, 17, 0))
            .await
            .expect("run")
            .sent,
        0
    );
    // The next one comes the next day.
    assert_eq!(
        w.scheduler
            .run_due(utc(2026, 6, 2, 17, 0))
            .await
            .expect("run")
            .sent,
        1
    );
}

#[tokio::test]
async fn every_row_is_committed_before_it_is_sent_and_marked_after() {
    let w = world().await;
    w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    // The send fails for good: the row stays, marked failed, with its error.
    w.recorder
        .script([Err(SendError::Rejected("400 bad".into()))]);
    let report = w
        .scheduler
        .run_due(utc(2026, 6, 1, 17, 0))
        .await
        .expect("run");
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
async fn after_two_days_of_downtime_each_member_gets_at_most_one_check_in() {
    let w = world().await;
    for id in 1..=5 {
        w.enrol(id, utc(2026, 6, 1, 9, 0)).await;
    }
    let report = w
        .scheduler
        .run_due(utc(2026, 6, 3, 18, 0))
        .await
        .expect("run");
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
    let report = w
        .scheduler
        .run_due(utc(2026, 6, 2, 6, 0))
        .await
        .expect("run");
    assert_eq!(report.sent, 0);
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
    let report = w
        .scheduler
        .run_due(utc(2026, 6, 1, 17, 0))
        .await
        .expect("run");
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
    let report = w
        .scheduler
        .run_due(utc(2026, 6, 1, 17, 0))
        .await
        .expect("run");
    assert_eq!((report.sent, report.failed), (1, 0));
    assert_eq!(w.count("SELECT attempts FROM outbox").await, 3);
}

#[tokio::test]
async fn endless_server_errors_mark_the_row_failed_and_the_schedule_moves_on() {
    let w = world().await;
    w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    w.recorder
        .script((0..4).map(|_| Err(SendError::Transient("500".into()))));
    let report = w
        .scheduler
        .run_due(utc(2026, 6, 1, 17, 0))
        .await
        .expect("run");
    assert_eq!((report.sent, report.failed), (0, 1));
    assert_eq!(
        w.count("SELECT attempts FROM outbox").await,
        4,
        "bounded: one try and three retries"
    );
    assert_eq!(
        w.scheduler
            .run_due(utc(2026, 6, 2, 17, 0))
            .await
            .expect("run")
            .sent,
        1,
        "tomorrow's arrives"
    );
}

#[tokio::test]
async fn closed_dms_pause_the_member_without_retries() {
    let w = world().await;
    let member = w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    *w.recorder.closed.lock().expect("lock") = Some(member);
    let report = w
        .scheduler
        .run_due(utc(2026, 6, 1, 17, 0))
        .await
        .expect("run");
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
    let later = w
        .scheduler
        .run_due(utc(2026, 6, 5, 17, 0))
        .await
        .expect("run");
    assert_eq!(later, RunReport::default());
}

#[tokio::test]
async fn an_unanswered_check_in_gets_one_reminder_and_never_a_second() {
    let w = world().await;
    let mut settings = w.settings.as_ref().clone();
    settings.defaults.frequency = crate::domain::settings::Frequency::Weekly;
    let w = World {
        settings: Arc::new(settings),
        ..w
    };
    w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    w.scheduler
        .run_due(utc(2026, 6, 1, 17, 0))
        .await
        .expect("run");
    assert_eq!(
        w.scheduler
            .run_due(utc(2026, 6, 2, 12, 59))
            .await
            .expect("run")
            .sent,
        0,
        "not before 20 hours"
    );
    assert_eq!(
        w.scheduler
            .run_due(utc(2026, 6, 2, 13, 0))
            .await
            .expect("run")
            .sent,
        1
    );
    for day in 2..6 {
        assert_eq!(
            w.scheduler
                .run_due(utc(2026, 6, day, 23, 0))
                .await
                .expect("run")
                .sent,
            0
        );
    }
    assert_eq!(w.recorder.sent_kinds(), vec!["checkin", "reminder"]);
}

#[tokio::test]
async fn an_answered_check_in_gets_no_reminder() {
    let w = world().await;
    let member = w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    w.scheduler
        .run_due(utc(2026, 6, 1, 17, 0))
        .await
        .expect("run");
    let checkin = w
        .store
        .latest_checkin(member)
        .await
        .expect("read")
        .expect("a check-in");
    service::checkin::record_mood(w.ctx(utc(2026, 6, 1, 18, 0)), member, checkin.id, "3")
        .await
        .expect("mood");
    w.scheduler
        .run_due(utc(2026, 6, 2, 14, 0))
        .await
        .expect("run");
    assert_eq!(w.recorder.sent_kinds(), vec!["checkin"]);
}

#[tokio::test]
async fn pausing_stops_everything_and_resuming_starts_again() {
    let w = world().await;
    let member = w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    service::program::pause(w.ctx(utc(2026, 6, 1, 10, 0)), member)
        .await
        .expect("paused");
    assert_eq!(
        w.scheduler
            .run_due(utc(2026, 6, 10, 17, 0))
            .await
            .expect("run"),
        RunReport::default()
    );
    service::program::resume(w.ctx(utc(2026, 6, 10, 18, 0)), member)
        .await
        .expect("resumed");
    assert_eq!(
        w.scheduler
            .run_due(utc(2026, 6, 11, 17, 0))
            .await
            .expect("run")
            .sent,
        1
    );
}

#[tokio::test]
async fn encouragement_comes_every_few_days_never_twice_the_same_in_a_row_and_can_be_turned_off() {
    let w = world().await;
    let member = w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    // Every 3 days at local noon (10:00 UTC in Berlin summer).
    let mut indexes = Vec::new();
    for cycle in 0..4 {
        let day = 4 + cycle * 3;
        w.scheduler
            .run_due(utc(2026, 6, day, 10, 0))
            .await
            .expect("run");
        let last = w
            .recorder
            .sent()
            .into_iter()
            .rfind(|r| r.kind == "encouragement")
            .expect("an encouragement");
        indexes.push(last.message_index);
    }
    assert_eq!(indexes.len(), 4);
    assert!(
        indexes.windows(2).all(|pair| pair[0] != pair[1]),
        "{indexes:?}"
    );
    let change = service::settings::RawChange {
        encouragement: Some(false),
        ..Default::default()
    };
    service::settings::update(w.ctx(utc(2026, 6, 13, 11, 0)), member, change)
        .await
        .expect("updated");
    let before = w
        .recorder
        .sent_kinds()
        .iter()
        .filter(|k| *k == "encouragement")
        .count();
    w.scheduler
        .run_due(utc(2026, 6, 20, 10, 0))
        .await
        .expect("run");
    let after = w
        .recorder
        .sent_kinds()
        .iter()
        .filter(|k| *k == "encouragement")
        .count();
    assert_eq!(before, after, "no encouragement after opting out");
}

#[tokio::test]
async fn no_encouragement_is_delivered_in_quiet_hours() {
    let w = world().await;
    w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    // Downtime: the noon encouragement is found late, at 23:30 Berlin time (21:30 UTC).
    w.scheduler
        .run_due(utc(2026, 6, 4, 21, 30))
        .await
        .expect("run");
    assert!(!w
        .recorder
        .sent_kinds()
        .contains(&"encouragement".to_owned()));
    // It waits for 08:00 local.
    w.scheduler
        .run_due(utc(2026, 6, 5, 5, 59))
        .await
        .expect("run");
    assert!(!w
        .recorder
        .sent_kinds()
        .contains(&"encouragement".to_owned()));
    w.scheduler
        .run_due(utc(2026, 6, 5, 6, 0))
        .await
        .expect("run");
    assert!(w
        .recorder
        .sent_kinds()
        .contains(&"encouragement".to_owned()));
}

#[tokio::test]
async fn the_public_post_goes_out_daily_and_cycles_through_every_message() {
    let w = world().await;
    let zone = Timezone::parse("America/New_York").expect("valid");
    let time = LocalTime::parse("09:30").expect("valid");
    let rhythm = crate::domain::schedule::Rhythm {
        tz: zone.tz(),
        time,
        frequency: crate::domain::settings::Frequency::Daily,
    };
    let now = utc(2026, 6, 1, 0, 0);
    let post = PublicPost {
        guild: crate::domain::ids::GuildId::new(77),
        channel: crate::domain::ids::ChannelId::new(88),
        time,
        timezone: zone,
        enabled: true,
        next: Some(rhythm.first_after(now)),
        next_index: 0,
    };
    w.store.save_public_post(&post).await.expect("saved");
    let count = w.content.public_encouragements.len();
    for day in 1..=(count as u32 + 1) {
        // 09:30 EDT is 13:30 UTC.
        assert_eq!(
            w.scheduler
                .run_due(utc(2026, 6, day, 13, 29))
                .await
                .expect("run")
                .sent,
            0
        );
        assert_eq!(
            w.scheduler
                .run_due(utc(2026, 6, day, 13, 30))
                .await
                .expect("run")
                .sent,
            1
        );
    }
    let indexes: Vec<usize> = w
        .recorder
        .sent()
        .iter()
        .filter_map(|r| r.message_index)
        .collect();
    let mut first_cycle = indexes[..count].to_vec();
    first_cycle.sort_unstable();
    assert_eq!(
        first_cycle,
        (0..count).collect::<Vec<_>>(),
        "every message once before any repeats"
    );
    assert_eq!(indexes[count], indexes[0]);
    assert!(w.recorder.sent().iter().all(|r| r.channel == Some(88)));
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
    w.scheduler
        .run_due(utc(2026, 7, 1, 0, 0))
        .await
        .expect("run");
    assert_eq!(w.count("SELECT COUNT(*) FROM reflections").await, 1);
}

#[tokio::test]
async fn a_run_with_nothing_due_does_nothing() {
    let w = world().await;
    w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    assert_eq!(
        w.scheduler
            .run_due(utc(2026, 6, 1, 10, 0))
            .await
            .expect("run"),
        RunReport::default()
    );
    assert!(w.recorder.sent().is_empty());
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
    assert_eq!(
        w.scheduler
            .run_due(utc(2026, 6, 3, 12, 0))
            .await
            .expect("run"),
        RunReport::default()
    );
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
    assert_eq!(
        w.scheduler
            .run_due(utc(2026, 6, 1, 17, 0))
            .await
            .expect("run")
            .sent,
        0
    );
    assert_eq!(
        w.scheduler
            .run_due(utc(2026, 6, 2, 5, 0))
            .await
            .expect("run")
            .sent,
        1
    );
}

#[tokio::test]
async fn snoozing_a_weekly_check_in_brings_the_next_one_to_tomorrow() {
    let w = world().await;
    let mut settings = w.settings.as_ref().clone();
    settings.defaults.frequency = crate::domain::settings::Frequency::Weekly;
    let w = World {
        settings: Arc::new(settings),
        ..w
    };
    let member = w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    w.scheduler
        .run_due(utc(2026, 6, 1, 17, 0))
        .await
        .expect("run");
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
        w.scheduler
            .run_due(utc(2026, 6, 2, 17, 0))
            .await
            .expect("run")
            .sent,
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
async fn sent_outbox_rows_are_purged_after_a_week() {
    let w = world().await;
    w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    w.scheduler
        .run_due(utc(2026, 6, 1, 17, 0))
        .await
        .expect("run");
    assert_eq!(w.count("SELECT COUNT(*) FROM outbox").await, 1);
    w.scheduler
        .run_due(utc(2026, 6, 9, 16, 0))
        .await
        .expect("run");
    assert_eq!(
        w.count("SELECT COUNT(*) FROM outbox WHERE due_at < 1780500000")
            .await,
        0
    );
}

#[tokio::test]
async fn a_manual_check_in_supersedes_the_open_one_so_only_one_reminder_can_come() {
    let w = world().await;
    let member = w.enrol(1, utc(2026, 6, 1, 9, 0)).await;
    w.scheduler
        .run_due(utc(2026, 6, 1, 17, 0))
        .await
        .expect("run");
    service::checkin::prepare(w.ctx(utc(2026, 6, 1, 18, 0)), member)
        .await
        .expect("a manual check-in");
    w.scheduler
        .run_due(utc(2026, 6, 2, 14, 30))
        .await
        .expect("run");
    let reminders = w
        .recorder
        .sent_kinds()
        .iter()
        .filter(|k| *k == "reminder")
        .count();
    assert_eq!(reminders, 1, "one reminder, for the newest check-in");
    assert_eq!(
        w.count("SELECT COUNT(*) FROM checkins WHERE status = 'open'")
            .await,
        1
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
    let first = w
        .scheduler
        .run_due(utc(2026, 6, 1, 17, 0))
        .await
        .expect("run");
    assert_eq!((first.sent, first.deferred), (0, 1));
    // The bot was down for two days.
    let report = w
        .scheduler
        .run_due(utc(2026, 6, 3, 17, 30))
        .await
        .expect("run");
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
    w.scheduler
        .run_due(utc(2026, 6, 1, 17, 0))
        .await
        .expect("run");
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
