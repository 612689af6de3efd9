//! Starting the real bot (poise + serenity, the same `app::start` that `main` uses) against
//! the fake Discord, on a SQLite file in a temporary folder.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use rekindle::app::{self, Running, StartOptions};
use rekindle::clock::ManualClock;
use rekindle::config::Settings;
use rekindle::scheduler::Tuning;

use super::fake::{FakeDiscord, TOKEN};

/// How long a test waits for any one thing before it fails with what was recorded.
pub const WAIT: Duration = Duration::from_secs(10);

/// A bot, the fake it talks to, its clock and its database folder.
pub struct TestBot {
    pub fake: FakeDiscord,
    pub clock: ManualClock,
    pub running: Option<Running>,
    pub dir: Arc<tempfile::TempDir>,
    pub database_url: String,
}

/// 2026-03-02 10:00 UTC: a Monday, away from any DST change.
pub fn start_instant() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0)
        .single()
        .expect("a valid instant")
}

/// The settings the bot gets in tests: the shipped files, the fake's origin, a temp database.
pub fn test_settings(fake: &FakeDiscord, database_url: &str, extra: &[(&str, &str)]) -> Settings {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut env: HashMap<String, String> = HashMap::from([
        ("DISCORD_TOKEN".to_owned(), TOKEN.to_owned()),
        ("DISCORD_API_BASE".to_owned(), fake.origin()),
        ("DATABASE_URL".to_owned(), database_url.to_owned()),
    ]);
    for (key, value) in extra {
        env.insert((*key).to_owned(), (*value).to_owned());
    }
    let mut settings = Settings::load(&root.join("config/default.toml"), |name| {
        env.get(name).cloned()
    })
    .unwrap_or_else(|e| panic!("{e}"));
    settings.content_path = root.join(&settings.content_path);
    settings
}

/// Scheduler tuning for tests: short backoffs, so retries take milliseconds.
pub fn test_tuning() -> Tuning {
    Tuning {
        backoff: Duration::from_millis(5),
        ..Tuning::default()
    }
}

/// How tests start the bot: no scheduler loop (tests call `run_due` with their own time).
pub fn test_options() -> StartOptions {
    StartOptions {
        background_scheduler: false,
        tuning: test_tuning(),
    }
}

impl TestBot {
    /// A fresh fake, a fresh database, and the bot connected and registered.
    pub async fn start() -> TestBot {
        let fake = FakeDiscord::start().await;
        let dir = Arc::new(tempfile::tempdir().expect("a temporary folder"));
        let database_url = format!("sqlite://{}", dir.path().join("rekindle.db").display());
        let clock = ManualClock::new(start_instant());
        let mut bot = TestBot {
            fake,
            clock,
            running: None,
            dir,
            database_url,
        };
        bot.boot().await;
        bot
    }

    /// Like [`TestBot::start`], with the settings changed by `edit` first.
    pub async fn start_with(edit: impl FnOnce(&mut Settings)) -> TestBot {
        let fake = FakeDiscord::start().await;
        let dir = Arc::new(tempfile::tempdir().expect("a temporary folder"));
        let database_url = format!("sqlite://{}", dir.path().join("rekindle.db").display());
        let clock = ManualClock::new(start_instant());
        let mut bot = TestBot {
            fake,
            clock,
            running: None,
            dir,
            database_url,
        };
        let mut settings = test_settings(&bot.fake, &bot.database_url, &[]);
        edit(&mut settings);
        bot.boot_with(settings).await;
        bot
    }

    /// Starts the bot process (again) on the same database and fake.
    pub async fn boot(&mut self) {
        let settings = test_settings(&self.fake, &self.database_url, &[]);
        self.boot_with(settings).await;
    }

    pub async fn boot_with(&mut self, settings: Settings) {
        let registration =
            |r: &crate::support::Recorded| r.method == "PUT" && r.path.ends_with("/commands");
        let registered_before = self
            .fake
            .requests()
            .iter()
            .filter(|r| registration(r))
            .count();
        let running = app::start(settings, Arc::new(self.clock.clone()), test_options())
            .await
            .unwrap_or_else(|e| panic!("{e:#}"));
        self.running = Some(running);
        // Registration happens once the session is ready: this boot's, not an earlier one's.
        self.fake
            .wait_for_requests(
                "the bot to register its commands",
                registered_before + 1,
                WAIT,
                registration,
            )
            .await;
    }

    /// Stops the bot cleanly.
    pub async fn stop(&mut self) {
        if let Some(running) = self.running.take() {
            tokio::time::timeout(WAIT, running.stop())
                .await
                .expect("the bot stops in time")
                .expect("a clean stop");
        }
    }

    pub fn running(&self) -> &Running {
        self.running.as_ref().expect("the bot is running")
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("rekindle.db")
    }

    /// A second connection holding the database's write lock (`BEGIN IMMEDIATE` and a write)
    /// until it is dropped or rolled back, as another process (a backup, a hand edit) would.
    pub async fn lock_database(&self) -> sqlx::SqliteConnection {
        use sqlx::{ConnectOptions as _, Executor as _};
        let options =
            sqlx::sqlite::SqliteConnectOptions::from_str(&self.database_url).expect("a SQLite URL");
        let mut connection = options.connect().await.expect("a second connection");
        connection
            .execute("BEGIN IMMEDIATE")
            .await
            .expect("the write lock");
        connection
            .execute("UPDATE members SET encouragement = encouragement")
            .await
            .expect("a write inside the lock");
        connection
    }
}

/// Whether the file at `path` holds `needle`'s bytes anywhere (a missing file holds nothing).
pub fn file_holds(path: &Path, needle: &str) -> bool {
    std::fs::read(path)
        .map(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
        .unwrap_or(false)
}

/// Waits until `sql` (a single integer) returns `expected`, with a deadline: for writes the
/// bot makes after it has already replied (usage counts).
pub async fn wait_for_count(bot: &TestBot, sql: &str, expected: i64) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let value: i64 = sqlx::query_scalar(sql)
            .fetch_one(bot.running().store.pool())
            .await
            .expect("a count");
        if value == expected {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{sql} stayed at {value}, expected {expected}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// The real release binary, pointed at `fake` and the database `url`, for benchmarks that
/// measure the bot as its own process (memory, start-up). Killed if the handle is dropped.
pub fn bot_process(fake: &FakeDiscord, url: &str) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_rekindle"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_clear()
        .env("DISCORD_TOKEN", TOKEN)
        .env("DISCORD_API_BASE", fake.origin())
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .kill_on_drop(true);
    command
}
