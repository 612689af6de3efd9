//! The program's use cases on a real SQLite file, with time passed in.

use std::path::Path;

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::*;
use crate::config::Settings;
use crate::content::Content;
use crate::delivery::SendError;
use crate::domain::checkin::Mood;
use crate::domain::member::MemberSettings;
use crate::domain::program::Outcome;
use crate::domain::timing::{Frequency, LocalTime, Timezone};
use crate::service::checkin::{self, Kept};
use crate::service::settings::{self, RawChange};
use crate::service::Ctx;
use crate::store::test_support::temp_store;
use crate::store::Store;

fn content() -> Content {
    Content::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("config/content.toml"))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn settings() -> &'static Settings {
    static SETTINGS: std::sync::OnceLock<Settings> = std::sync::OnceLock::new();
    SETTINGS.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/default.toml");
        let mut settings = Settings::load(&path, |_| None).unwrap_or_else(|e| panic!("{e}"));
        settings.defaults = MemberSettings {
            timezone: Timezone::parse("Europe/Berlin").expect("valid"),
            checkin_time: LocalTime::parse("19:00").expect("valid"),
            frequency: Frequency::Daily,
            days: crate::domain::days::Days::EVERY_DAY,
            encouragement: true,
        };
        settings
    })
}

fn defaults() -> MemberSettings {
    settings().defaults
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 18, 0, 0)
        .single()
        .expect("valid")
}

fn ctx<'a>(store: &'a Store, content: &'a Content, now: DateTime<Utc>) -> Ctx<'a> {
    Ctx {
        store,
        content,
        now,
        settings: settings(),
        messenger: crate::service::testing::quiet(),
        guards: crate::service::testing::guards(),
    }
}

/// A store, the content and a recorder of what would be sent, for tests that fail a send.
struct Rig {
    store: Store,
    _dir: tempfile::TempDir,
    content: Content,
    recorder: crate::service::testing::Recorder,
    guards: crate::service::guards::Guards,
}

impl Rig {
    async fn new() -> Rig {
        let (store, dir) = temp_store().await;
        Rig {
            store,
            _dir: dir,
            content: content(),
            recorder: crate::service::testing::Recorder::default(),
            guards: crate::service::guards::Guards::new(),
        }
    }

    fn at(&self, now: DateTime<Utc>) -> Ctx<'_> {
        Ctx {
            messenger: &self.recorder,
            guards: &self.guards,
            ..ctx(&self.store, &self.content, now)
        }
    }
}

const ALICE: MemberId = MemberId::new(111);
const BOB: MemberId = MemberId::new(222);

#[tokio::test]
async fn a_member_goes_through_all_seven_steps_to_an_outcome() {
    let (store, _dir) = temp_store().await;
    let content = content();
    let mut now = t0();
    assert_eq!(
        begin(ctx(&store, &content, now), ALICE)
            .await
            .expect("enrolled"),
        StepNumber::FIRST
    );
    for number in 1..=7u8 {
        let min_days = content.step(number).expect("step").min_days;
        // Too early: refused, nothing changes.
        if min_days > 0 {
            let early = next_step(ctx(&store, &content, now), ALICE)
                .await
                .unwrap_err();
            assert!(
                matches!(early, ServiceError::Refused(Refusal::TooEarly { .. })),
                "{early}"
            );
        }
        now += Duration::days(i64::from(min_days));
        let prepared = checkin::prepare(ctx(&store, &content, now), ALICE)
            .await
            .expect("check-in");
        assert!(
            prepared.offer_next,
            "step {number} offers the next step after min_days"
        );
        checkin::record_mood(ctx(&store, &content, now), ALICE, prepared.id, "4")
            .await
            .expect("mood");
        let next = next_step(ctx(&store, &content, now), ALICE)
            .await
            .expect("next");
        if number < 7 {
            assert_eq!(
                next,
                NextStep::Advanced(StepNumber::new(number + 1).expect("step"))
            );
        } else {
            assert_eq!(next, NextStep::AskOutcome);
        }
    }
    finish(ctx(&store, &content, now), ALICE, Outcome::MovingOn)
        .await
        .expect("finished");
    let status = status(ctx(&store, &content, now), ALICE)
        .await
        .expect("status");
    assert!(matches!(
        status.program,
        Program::Finished {
            outcome: Outcome::MovingOn,
            ..
        }
    ));
    assert_eq!(status.answered, 7);
    assert_eq!(status.streak, 7);
    let history: Vec<String> = store
        .step_history(ALICE)
        .await
        .expect("history")
        .into_iter()
        .map(|h| h.event.as_str().to_owned())
        .collect();
    assert_eq!(history.first().map(String::as_str), Some("enrolled"));
    assert_eq!(history.iter().filter(|e| *e == "advanced").count(), 6);
    assert_eq!(history.last().map(String::as_str), Some("finished"));
    // After finishing, answers are refused and nothing is stored.
    let latest = store
        .latest_checkin(ALICE)
        .await
        .expect("read")
        .expect("a check-in");
    let refused = checkin::record_mood(ctx(&store, &content, now), ALICE, latest.id, "2")
        .await
        .unwrap_err();
    assert!(matches!(
        refused,
        ServiceError::Refused(Refusal::AlreadyFinished)
    ));
    assert_eq!(
        store
            .checkin(latest.id)
            .await
            .expect("read")
            .and_then(|c| c.mood)
            .map(Mood::get),
        Some(4)
    );
}

#[tokio::test]
async fn restarting_keeps_the_history_and_returns_to_step_one() {
    let (store, _dir) = temp_store().await;
    let content = content();
    begin(ctx(&store, &content, t0()), ALICE)
        .await
        .expect("enrolled");
    let later = t0() + Duration::days(20);
    next_step(ctx(&store, &content, later), ALICE)
        .await
        .expect("step 2");
    restart(ctx(&store, &content, later), ALICE)
        .await
        .expect("restarted");
    let status = status(ctx(&store, &content, later), ALICE)
        .await
        .expect("status");
    assert!(matches!(
        status.program,
        Program::InStep {
            step: StepNumber::FIRST,
            ..
        }
    ));
    assert_eq!(store.step_history(ALICE).await.expect("history").len(), 3);
}

#[tokio::test]
async fn prompts_rotate_within_a_step() {
    let (store, _dir) = temp_store().await;
    let content = content();
    begin(ctx(&store, &content, t0()), ALICE)
        .await
        .expect("enrolled");
    let mut previous = None;
    for day in 0..6 {
        let now = t0() + Duration::days(day);
        let prepared = checkin::prepare(ctx(&store, &content, now), ALICE)
            .await
            .expect("check-in");
        assert_ne!(Some(prepared.prompt_index), previous);
        previous = Some(prepared.prompt_index);
    }
}

#[tokio::test]
async fn nobody_can_answer_another_members_check_in() {
    let (store, _dir) = temp_store().await;
    let content = content();
    begin(ctx(&store, &content, t0()), ALICE)
        .await
        .expect("enrolled");
    begin(ctx(&store, &content, t0()), BOB)
        .await
        .expect("enrolled");
    let alices = checkin::prepare(ctx(&store, &content, t0()), ALICE)
        .await
        .expect("check-in");
    let error = checkin::record_mood(ctx(&store, &content, t0()), BOB, alices.id, "1")
        .await
        .unwrap_err();
    assert!(matches!(error, ServiceError::UnknownCheckin));
    let error = checkin::record_reflection(ctx(&store, &content, t0()), BOB, alices.id, "hi")
        .await
        .unwrap_err();
    assert!(matches!(error, ServiceError::UnknownCheckin));
    assert_eq!(
        store
            .checkin(alices.id)
            .await
            .expect("read")
            .and_then(|c| c.mood)
            .map(Mood::get),
        None
    );
}

#[tokio::test]
async fn a_plain_dm_answers_the_open_check_in_then_becomes_journal() {
    let (store, _dir) = temp_store().await;
    let content = content();
    let now = t0();
    begin(ctx(&store, &content, now), ALICE)
        .await
        .expect("enrolled");
    assert_eq!(
        checkin::dm_text(ctx(&store, &content, now), ALICE, "before any check-in")
            .await
            .expect("kept"),
        Kept::Journal
    );
    checkin::prepare(ctx(&store, &content, now), ALICE)
        .await
        .expect("check-in");
    let kept = checkin::dm_text(ctx(&store, &content, now), ALICE, "today was hard")
        .await
        .expect("kept");
    assert_eq!(
        kept,
        Kept::Reflection {
            step: StepNumber::FIRST
        }
    );
    let again = checkin::dm_text(ctx(&store, &content, now), ALICE, "one more thought")
        .await
        .expect("kept");
    assert_eq!(again, Kept::Journal);
}

#[tokio::test]
async fn a_dm_from_someone_not_enrolled_stores_nothing() {
    let (store, _dir) = temp_store().await;
    let content = content();
    let error = checkin::dm_text(ctx(&store, &content, t0()), BOB, "hello?")
        .await
        .unwrap_err();
    assert!(matches!(error, ServiceError::Refused(Refusal::NotEnrolled)));
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reflections")
        .fetch_one(store.pool())
        .await
        .expect("count");
    assert_eq!(rows, 0);
    assert!(store.member(BOB).await.expect("read").is_none());
}

#[tokio::test]
async fn an_over_long_reflection_changes_nothing() {
    let (store, _dir) = temp_store().await;
    let content = content();
    begin(ctx(&store, &content, t0()), ALICE)
        .await
        .expect("enrolled");
    let prepared = checkin::prepare(ctx(&store, &content, t0()), ALICE)
        .await
        .expect("check-in");
    let long = "a".repeat(4001);
    let error = checkin::record_reflection(ctx(&store, &content, t0()), ALICE, prepared.id, &long)
        .await
        .unwrap_err();
    assert!(error.member_message().is_some_and(|m| m.contains("4000")));
    let row = store
        .checkin(prepared.id)
        .await
        .expect("read")
        .expect("exists");
    assert!(!row.has_reflection);
    assert_eq!(row.status.as_str(), "open");
}

#[tokio::test]
async fn settings_change_only_when_every_option_is_valid() {
    let (store, _dir) = temp_store().await;
    let content = content();
    begin(ctx(&store, &content, t0()), ALICE)
        .await
        .expect("enrolled");
    let bad = RawChange {
        timezone: Some("Asia/Kolkata"),
        checkin_time: Some("25:99"),
        ..RawChange::default()
    };
    let error = settings::update(ctx(&store, &content, t0()), ALICE, bad)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("25:99"));
    let unchanged = store
        .member(ALICE)
        .await
        .expect("read")
        .expect("member")
        .settings;
    assert_eq!(unchanged, defaults());
    let good = RawChange {
        timezone: Some("Asia/Kolkata"),
        frequency: Some("weekly"),
        ..RawChange::default()
    };
    let updated = settings::update(ctx(&store, &content, t0()), ALICE, good)
        .await
        .expect("updated");
    let updated = updated.settings;
    assert_eq!(updated.timezone.name(), "Asia/Kolkata");
    assert_eq!(updated.frequency, Frequency::Weekly);
    assert_eq!(updated.checkin_time, defaults().checkin_time);
}

#[tokio::test]
async fn status_needs_enrolment() {
    let (store, _dir) = temp_store().await;
    let content = content();
    let error = status(ctx(&store, &content, t0()), ALICE)
        .await
        .unwrap_err();
    assert!(matches!(error, ServiceError::Refused(Refusal::NotEnrolled)));
}

#[tokio::test]
async fn pause_and_resume_round_trip_and_refuse_repeats() {
    let (store, _dir) = temp_store().await;
    let content = content();
    begin(ctx(&store, &content, t0()), ALICE)
        .await
        .expect("enrolled");
    pause(ctx(&store, &content, t0()), ALICE)
        .await
        .expect("paused");
    assert!(matches!(
        pause(ctx(&store, &content, t0()), ALICE).await,
        Err(ServiceError::Refused(Refusal::AlreadyPaused))
    ));
    resume(ctx(&store, &content, t0()), ALICE)
        .await
        .expect("resumed");
    assert!(matches!(
        resume(ctx(&store, &content, t0()), ALICE).await,
        Err(ServiceError::Refused(Refusal::NotPaused))
    ));
}

#[tokio::test]
async fn an_old_check_in_cannot_move_a_member_past_a_later_step() {
    let (store, _dir) = temp_store().await;
    let content = content();
    let t0 = t0();
    begin(ctx(&store, &content, t0), ALICE)
        .await
        .expect("enrolled");
    let old = checkin::prepare(ctx(&store, &content, t0), ALICE)
        .await
        .expect("check-in");
    let later = t0 + Duration::days(20);
    checkin::next_step_from(ctx(&store, &content, later), ALICE, old.id)
        .await
        .expect("step 2");
    let much_later = later + Duration::days(30);
    let refused = checkin::next_step_from(ctx(&store, &content, much_later), ALICE, old.id)
        .await
        .unwrap_err();
    assert!(
        matches!(refused, ServiceError::Refused(Refusal::OlderStep(_))),
        "{refused}"
    );
    let status = status(ctx(&store, &content, much_later), ALICE)
        .await
        .expect("status");
    assert!(matches!(status.program, Program::InStep { step, .. } if step.get() == 2));
}

#[tokio::test]
async fn a_pause_with_an_end_moves_its_end_keeps_it_on_a_step_and_forgets_it_on_resume() {
    let (store, _dir) = temp_store().await;
    let content = content();
    let now = t0(); // Monday 5 January 2026, 18:00 UTC; the member is in Berlin.
    begin(ctx(&store, &content, now), ALICE)
        .await
        .expect("enrolled");
    let date = |d| chrono::NaiveDate::from_ymd_opt(2026, 1, d).expect("valid");
    let resume_at = || async {
        sqlx::query_scalar::<_, Option<i64>>("SELECT resume_at FROM programs WHERE member_id = ?1")
            .bind(ALICE)
            .fetch_one(store.pool())
            .await
            .expect("read")
    };
    assert_eq!(
        pause_until(ctx(&store, &content, now), ALICE, "2026-01-09")
            .await
            .expect("paused"),
        date(9)
    );
    // 08:00 in Berlin (CET) is 07:00 UTC.
    assert_eq!(
        resume_at().await,
        Some(
            Utc.with_ymd_and_hms(2026, 1, 9, 7, 0, 0)
                .single()
                .expect("valid")
                .timestamp()
        )
    );
    // Already paused: a new end replaces the old one.
    assert_eq!(
        pause_until(ctx(&store, &content, now), ALICE, "2")
            .await
            .expect("a new end"),
        date(7)
    );
    assert_eq!(store.pause_end(ALICE).await.expect("read"), Some(date(7)));
    // A new timezone keeps the date and moves the instant to that morning there.
    let tokyo = RawChange {
        timezone: Some("Asia/Tokyo"),
        ..RawChange::default()
    };
    settings::update(ctx(&store, &content, now), ALICE, tokyo)
        .await
        .expect("updated");
    assert_eq!(
        resume_at().await,
        Some(
            Utc.with_ymd_and_hms(2026, 1, 6, 23, 0, 0)
                .single()
                .expect("valid")
                .timestamp()
        )
    );
    // Resumed by hand: the end is forgotten, and nothing will resume it again.
    resume(ctx(&store, &content, now), ALICE)
        .await
        .expect("resumed");
    assert_eq!(store.pause_end(ALICE).await.expect("read"), None);
    assert_eq!(resume_at().await, None);
    // An open-ended pause stays open-ended.
    pause(ctx(&store, &content, now), ALICE)
        .await
        .expect("paused");
    assert_eq!(resume_at().await, None);
    // Someone who is not a member cannot pause.
    let refused = pause_until(ctx(&store, &content, now), BOB, "3")
        .await
        .unwrap_err();
    assert!(
        matches!(refused, ServiceError::Refused(Refusal::NotEnrolled)),
        "{refused}"
    );
}

#[tokio::test]
async fn a_full_journal_refuses_more_words_kindly_and_keeps_what_it_has() {
    let (store, _dir) = temp_store().await;
    let content = content();
    let now = t0();
    begin(ctx(&store, &content, now), ALICE)
        .await
        .expect("enrolled");
    sqlx::query(
        "INSERT INTO reflections (member_id, body, created_at)
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2)
         SELECT ?1, 'a line', ?3 FROM n",
    )
    .bind(ALICE)
    .bind(crate::domain::checkin::MAX_ENTRIES as i64)
    .bind(now.timestamp())
    .execute(store.pool())
    .await
    .expect("a full journal");
    let written = crate::service::journal::write(ctx(&store, &content, now), ALICE, "one more")
        .await
        .unwrap_err();
    assert!(
        written.to_string().contains("holds 10000 entries"),
        "{written}"
    );
    let dm = checkin::dm_text(ctx(&store, &content, now), ALICE, "and by DM")
        .await
        .unwrap_err();
    assert!(dm.to_string().contains("didn't save this one"), "{dm}");
    assert_eq!(
        store.journal_count(ALICE).await.expect("count"),
        crate::domain::checkin::MAX_ENTRIES
    );
}

#[tokio::test]
async fn dms_that_work_again_do_not_restart_a_schedule_paused_meanwhile() {
    // A DM reaches a member whose DMs were closed: their schedule is planned from a read
    // of their program made just before they pressed Pause in another window.
    let (store, _dir) = temp_store().await;
    let content = content();
    let now = t0();
    begin(ctx(&store, &content, now), ALICE)
        .await
        .expect("enrolled");
    store.mark_unreachable(ALICE).await.expect("unreachable");
    let plan = schedule::plan(&defaults(), now, &settings().policy());
    pause(ctx(&store, &content, now), ALICE)
        .await
        .expect("paused");
    store
        .mark_reachable(ALICE, Some(plan))
        .await
        .expect("reachable");
    let scheduled: Option<i64> =
        sqlx::query_scalar("SELECT next_checkin_at FROM programs WHERE member_id = ?1")
            .bind(ALICE)
            .fetch_one(store.pool())
            .await
            .expect("the program");
    assert_eq!(scheduled, None, "paused: nothing scheduled");
}

#[tokio::test]
async fn a_timezone_changed_at_the_moment_of_a_pause_until_leaves_the_end_in_the_new_timezone() {
    let (store, _dir) = temp_store().await;
    let content = content();
    let now = t0();
    let mut wrong = Vec::new();
    for round in 0..40u64 {
        let member = MemberId::new(5000 + round);
        begin(ctx(&store, &content, now), member)
            .await
            .expect("enrolled");
        let zone = if round % 2 == 0 {
            "Pacific/Kiritimati"
        } else {
            "Etc/GMT+12"
        };
        let change = RawChange {
            timezone: Some(zone),
            ..RawChange::default()
        };
        let (paused, changed) = tokio::join!(
            pause_until(ctx(&store, &content, now), member, "2026-01-09"),
            settings::update(ctx(&store, &content, now), member, change),
        );
        let date = paused.expect("paused");
        changed.expect("updated");
        let tz: chrono_tz::Tz = zone.parse().expect("known");
        let expected = crate::domain::pause::resume_at(tz, date, settings().policy().quiet_end);
        let stored: Option<i64> =
            sqlx::query_scalar("SELECT resume_at FROM programs WHERE member_id = ?1")
                .bind(member)
                .fetch_one(store.pool())
                .await
                .expect("read");
        if stored != Some(expected.timestamp()) {
            wrong.push(round);
        }
    }
    assert!(
        wrong.is_empty(),
        "the morning of the old timezone in rounds {wrong:?}"
    );
}

/// Discord fails the welcome (and then a step's introduction) after the lane's retries:
/// the member is told it did not go, and the caller's retry (`patiently`, as the buttons
/// use) is not given an error to retry into "already in: sent".
#[tokio::test]
async fn a_welcome_or_introduction_discord_fails_is_said_not_sent() {
    let rig = Rig::new().await;
    let (store, recorder) = (&rig.store, &rig.recorder);
    let at = |now| rig.at(now);
    recorder.script([Err(SendError::Transient("502 Bad Gateway".into()))]);
    let began =
        crate::service::patiently(crate::service::LONG_WAIT, || enrol(at(t0()), ALICE, None))
            .await
            .expect("an answer, not an error");
    assert_eq!(began, Began::EnrolledUnsent);
    assert!(matches!(
        store.program(ALICE).await.expect("read"),
        Some(Program::InStep { .. })
    ));
    assert!(recorder.sent_on(Lane::Interactive).is_empty());

    let later = t0() + Duration::days(30);
    recorder.script([Err(SendError::Transient("503 Service Unavailable".into()))]);
    let moved = crate::service::patiently(crate::service::LONG_WAIT, || {
        move_on(at(later), ALICE, StepNumber::FIRST)
    })
    .await
    .expect("an answer, not an error");
    assert_eq!(
        moved,
        MovedOn::AdvancedUnsent {
            to: StepNumber::new(2).expect("step")
        }
    );
}

/// A press repeating one whose DM Discord failed, a moment later, says the same (not
/// "sent"); ten minutes on, it is an ordinary "already in".
#[tokio::test]
async fn a_press_repeating_one_whose_dm_failed_says_not_sent_too() {
    let rig = Rig::new().await;
    let at = |now| rig.at(now);
    rig.recorder
        .script([Err(SendError::Transient("502 Bad Gateway".into()))]);
    let first = enrol(at(t0()), ALICE, None).await.expect("an answer");
    assert_eq!(first, Began::EnrolledUnsent);
    let again = enrol(at(t0() + Duration::seconds(1)), ALICE, None)
        .await
        .expect("an answer");
    assert_eq!(again, Began::EnrolledUnsent, "the repeat says the same");
    let later = enrol(at(t0() + Duration::minutes(11)), ALICE, None)
        .await
        .expect("an answer");
    assert_eq!(
        later,
        Began::AlreadyIn {
            step: StepNumber::FIRST,
            reachable: true
        }
    );

    let moved_at = t0() + Duration::days(30);
    rig.recorder
        .script([Err(SendError::Transient("503 Service Unavailable".into()))]);
    let to = StepNumber::new(2).expect("step");
    let first = move_on(at(moved_at), ALICE, StepNumber::FIRST)
        .await
        .expect("an answer");
    assert_eq!(first, MovedOn::AdvancedUnsent { to });
    let again = move_on(
        at(moved_at + Duration::seconds(1)),
        ALICE,
        StepNumber::FIRST,
    )
    .await
    .expect("an answer");
    assert_eq!(
        again,
        MovedOn::AdvancedUnsent { to },
        "the repeat says the same"
    );
}

/// `/program restart` whose step 1 Discord fails: back at step 1 once, and said not sent,
/// not an error the command would retry whole (which restarted twice).
#[tokio::test]
async fn a_restart_whose_step_one_discord_fails_restarts_once_and_says_not_sent() {
    let rig = Rig::new().await;
    let (store, recorder) = (&rig.store, &rig.recorder);
    let at = |now| rig.at(now);
    begin(at(t0()), ALICE).await.expect("enrolled");
    recorder.script([Err(SendError::Transient("502 Bad Gateway".into()))]);
    let started = start_over(at(t0() + Duration::days(3)), ALICE)
        .await
        .expect("an answer, not an error");
    assert_eq!(started, StartedOver::Unsent);
    let history = store.step_history(ALICE).await.expect("history");
    let restarts = history
        .iter()
        .filter(|h| h.event.as_str() == "restarted")
        .count();
    assert_eq!(restarts, 1, "{history:?}");

    let started = start_over(at(t0() + Duration::days(4)), ALICE)
        .await
        .expect("an answer");
    assert_eq!(started, StartedOver::Delivered(Delivery::Sent));
    assert_eq!(recorder.sent_on(Lane::Interactive).len(), 1);
}

/// A pause end that is not a date (a hand edit, a restore gone wrong) is an error the member
/// hears an apology for, not a status that says the pause has no end.
#[tokio::test]
async fn an_unreadable_pause_end_is_an_error_not_an_open_ended_pause() {
    use sqlx::Connection as _;
    let (store, dir) = temp_store().await;
    let content = content();
    let now = t0();
    begin(ctx(&store, &content, now), ALICE)
        .await
        .expect("enrolled");
    pause_until(ctx(&store, &content, now), ALICE, "3")
        .await
        .expect("paused until a date");
    let path = dir.path().join("nested/rekindle.db");
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("a second connection");
    sqlx::query("UPDATE programs SET paused_until = 'soon' WHERE member_id = ?1")
        .bind(ALICE)
        .execute(&mut conn)
        .await
        .expect("corrupted");
    conn.close().await.expect("closed");
    let shown = status(ctx(&store, &content, now), ALICE).await;
    assert!(
        matches!(&shown, Err(ServiceError::Internal(error)) if format!("{error:#}").contains("soon")),
        "{shown:?}"
    );
}
