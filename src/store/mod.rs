//! SQLite through sqlx: the only module that writes SQL.
//!
//! One file per table group. The database file and its folder are created on first start;
//! migrations are embedded in the binary and run at start. Connections use WAL (readers never
//! wait for the writer), enforce foreign keys (deleting a member cascades to everything about
//! them), overwrite deleted content (`secure_delete`, so erased words leave the file), and
//! wait a short while for the write lock ([`BUSY_WAIT`]): callers that can wait longer retry
//! (`service::patiently`), and interactions defer instead of holding Discord's 3 seconds.
//!
//! Every read-then-write step runs in one `BEGIN IMMEDIATE` transaction ([`Store::begin`]):
//! it takes the write lock first, so no other writer can slip in between the read and the
//! write, and two presses of the same button cannot both act.

mod checkins;
mod faq_layer;
mod faq_usage;
mod guilds;
mod journal;
mod members;
mod moods;
mod operations;
mod outbox;
mod pause;
mod privacy;
mod program;
mod public_post;
mod schedule;
mod stats;
pub mod types;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context as _;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

pub use checkins::{CheckinRow, CheckinSummary};
pub use faq_layer::{FaqChange, FaqChangeRow, LayerState, LayerWrite};
pub use faq_usage::TopicCount;
pub use guilds::CrisisContext;
pub use journal::JournalEntry;
pub use members::MemberRow;
pub use moods::{MoodAt, StepAnswers};
pub use operations::OutboxSummary;
pub use outbox::{NotSent, OutboxId, OutboxRow};
pub use pause::DueResume;
pub use privacy::{Deleted, MemberRecord};
pub use program::{Decision, HistoryRow, Standing};
pub use public_post::PublicPost;
pub use schedule::{
    DueCheckin, DueEncouragement, PlannedCheckin, PlannedEncouragement, ReminderCandidate,
};
pub use stats::Totals;
pub use types::UnixTime;

/// How long a statement waits for another connection's write lock before SQLite says busy.
pub const BUSY_WAIT: Duration = Duration::from_millis(1500);
/// Checkpoint attempts before giving up until the next scrub.
const SCRUB_TRIES: usize = 50;

/// A handle on the database; cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
    /// Whether any member may have a "your DMs are closed" notice waiting. Checked before
    /// every command, so in the common case (none) that check costs no query.
    notices_pending: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// Whether a scrub could not finish (a reader held an old snapshot): erased words may
    /// still be in the write-ahead log until one does ([`Store::scrub_if_owed`]).
    scrub_owed: std::sync::Arc<std::sync::atomic::AtomicBool>,
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
            // Deleted rows are overwritten with zeros, not just marked free.
            .pragma("secure_delete", "on")
            .busy_timeout(BUSY_WAIT);
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
            scrub_owed: Default::default(),
        };
        store.refresh_notices_pending().await?;
        Ok(store)
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Starts a write transaction with the write lock taken up front (`BEGIN IMMEDIATE`):
    /// every multi-row write, and every read that decides a write, goes through one.
    pub(crate) async fn begin(&self) -> anyhow::Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        self.pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .context("cannot begin a transaction")
    }

    /// Starts a read transaction: one consistent snapshot for several reads.
    pub(crate) async fn snapshot(
        &self,
    ) -> anyhow::Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        self.pool.begin().await.context("cannot begin a read")
    }

    /// Copies the write-ahead log into the database file and empties it, so words deleted a
    /// moment ago are in neither file (with `secure_delete`, their pages were zeroed). A
    /// checkpoint cannot pass a reader holding an older snapshot (a backup in progress, a
    /// long read), so it is retried for about a second, each try without waiting for that
    /// reader: waiting the usual [`BUSY_WAIT`] per try held a deletion's answer for over a
    /// minute. Returns whether it completed; if not, the scrub is owed and the scheduler's
    /// next run tries again ([`Store::scrub_if_owed`]).
    pub async fn scrub(&self) -> anyhow::Result<bool> {
        use std::sync::atomic::Ordering;
        let mut conn = self
            .pool
            .acquire()
            .await
            .context("cannot checkpoint the database")?;
        // This connection stops waiting for locks: it is closed afterwards, never reused.
        conn.close_on_drop();
        sqlx::query("PRAGMA busy_timeout = 0")
            .execute(&mut *conn)
            .await
            .context("cannot checkpoint the database")?;
        for _ in 0..SCRUB_TRIES {
            let (busy, _, _): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
                .fetch_one(&mut *conn)
                .await
                .context("cannot checkpoint the database")?;
            if busy == 0 {
                self.scrub_owed.store(false, Ordering::Release);
                return Ok(true);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.scrub_owed.store(true, Ordering::Release);
        tracing::warn!("the write-ahead log could not be emptied now: a reader held an old snapshot; the next scrub will");
        Ok(false)
    }

    /// Scrubs again if the last scrub could not finish; otherwise costs nothing.
    pub async fn scrub_if_owed(&self) -> anyhow::Result<()> {
        if self.scrub_owed.load(std::sync::atomic::Ordering::Acquire) {
            self.scrub().await?;
        }
        Ok(())
    }

    /// Waits for every connection to finish and closes the pool: the last step of shutdown.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Whether `error` is SQLite saying the database is busy or locked (another connection holds
/// the write lock): worth trying again, unlike every other failure.
/// Whether `error` is a stored value that does not fit its type (a corrupt or out-of-range
/// row): reading the row again fails the same way, so trying again cannot help.
pub fn is_unreadable(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<sqlx::Error>(),
            Some(sqlx::Error::ColumnDecode { .. })
        )
    })
}

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
mod tests;

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
