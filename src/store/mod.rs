//! SQLite through sqlx: the only module that writes SQL.
//!
//! One file per table group. The database file and its folder are created on first start;
//! migrations are embedded in the binary and run at start. Connections use WAL (readers never
//! wait for the writer), enforce foreign keys (deleting a member cascades to everything about
//! them) and wait up to five seconds for a lock instead of failing at once.

mod checkins;
mod faq_usage;
mod guilds;
mod members;
mod outbox;
mod privacy;
mod program;
mod public_post;
mod schedule;
mod stats;
mod time;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context as _;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

pub use checkins::{CheckinRow, CheckinSummary};
pub use faq_usage::TopicCount;
pub use guilds::CrisisContext;
pub use members::MemberRow;
pub use outbox::OutboxRow;
pub use privacy::{Deleted, MemberRecord};
pub use program::HistoryRow;
pub use public_post::PublicPost;
pub use schedule::{
    DueCheckin, DueEncouragement, PlannedCheckin, PlannedEncouragement, ReminderCandidate,
};
pub use stats::Totals;

/// A handle on the database; cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
    /// Whether any member may have a "your DMs are closed" notice waiting. Checked before
    /// every command, so in the common case (none) that check costs no query.
    notices_pending: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Store {
    /// Opens (creating if needed) the database at `url` and brings its schema up to date.
    pub async fn connect(url: &str) -> anyhow::Result<Store> {
        let options = SqliteConnectOptions::from_str(url)
            .with_context(|| {
                format!("DATABASE_URL “{url}” is not a SQLite URL like sqlite://data/rekindle.db")
            })?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // With WAL, NORMAL loses no committed transaction on a process crash.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        if let Some(folder) = options
            .get_filename()
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            create_folder(folder).await?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            // The default pings a connection before every use, which guards against dead
            // network connections; an embedded SQLite file cannot go away, and the ping
            // doubled the cost of every query (BENCHMARKS.md, "Why the misses").
            .test_before_acquire(false)
            .connect_with(options)
            .await
            .with_context(|| format!("cannot open the database {url}"))?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .context("cannot bring the database schema up to date")?;
        let store = Store {
            pool,
            notices_pending: Default::default(),
        };
        store.refresh_notices_pending().await?;
        Ok(store)
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Starts a transaction: every multi-row write goes through one.
    pub(crate) async fn begin(&self) -> anyhow::Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        self.pool
            .begin()
            .await
            .context("cannot begin a transaction")
    }

    /// Waits for every connection to finish and closes the pool: the last step of shutdown.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Whether `error` is SQLite saying the database is busy or locked (another connection holds
/// the write lock): worth trying again, unlike every other failure.
pub fn is_busy(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<sqlx::Error>()
            .and_then(|error| match error {
                sqlx::Error::Database(database) => database.code(),
                _ => None,
            })
            .is_some_and(|code| {
                // SQLITE_BUSY (5) and SQLITE_LOCKED (6), with their extended codes.
                let primary = code.parse::<i32>().map(|c| c & 0xff).unwrap_or(0);
                primary == 5 || primary == 6
            })
    }) || error.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<sqlx::Error>(),
            Some(sqlx::Error::PoolTimedOut)
        )
    })
}

async fn create_folder(folder: &Path) -> anyhow::Result<()> {
    tokio::fs::create_dir_all(folder)
        .await
        .with_context(|| format!("cannot create the database folder {}", folder.display()))
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::Store;

    /// A fresh database in a temporary folder, kept alive by the returned guard.
    pub async fn temp_store() -> (Store, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let url = format!(
            "sqlite://{}",
            dir.path().join("nested/rekindle.db").display()
        );
        let store = Store::connect(&url).await.expect("the database opens");
        (store, dir)
    }
}
