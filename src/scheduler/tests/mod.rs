//! The scheduler against a real SQLite file and a recording sender: what is sent, when,
//! and exactly once.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::TimeZone;

use super::*;

mod check_ins;
mod corrupt_rows;
mod delivery;
mod reminders_and_encouragement;
use crate::config::Settings;
use crate::content::Content;
use crate::content::SharedContent;
use crate::delivery::Lane;
use crate::domain::member::MemberId;
use crate::domain::timing::{LocalTime, Timezone};
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
        telemetry: Arc::new(crate::telemetry::Telemetry::new(
            crate::telemetry::Status::new(Utc::now(), tuning.max_sleep),
        )),
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
    /// One scheduler run at `now`.
    async fn run(&self, now: DateTime<Utc>) -> RunReport {
        self.scheduler.run_due(now).await.expect("a scheduler run")
    }

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
