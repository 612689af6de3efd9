//! The durable outbox and the sender loop.
//!
//! One step, [`Scheduler::run_due`], does everything that is due at `now`: it turns due
//! slots into outbox rows (check-ins, reminders, encouragement, public posts), then sends the
//! pending rows, paced, and marks each sent. Every message is a committed row before it is
//! sent and carries a deterministic nonce, so a crash at any point neither loses a message
//! nor sends one twice. Tests call `run_due` directly with the time they want; the bot runs
//! it in [`Scheduler::run`], a loop that sleeps until the next due instant (or a wake-up)
//! and stops on the shutdown signal.
//!
//! It must never hold a member's words in memory longer than a send, nor log them.

mod deliver;
pub mod nonce;
mod pacer;
mod plan;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::Notify;

pub use deliver::{BoxFuture, Deliver, SendError};
pub use pacer::Pacer;

use crate::clock::Clock;
use crate::config::Settings;
use crate::content::SharedContent;
use crate::store::Store;

/// What one run did, for logs, tests and benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunReport {
    pub queued: usize,
    pub sent: usize,
    pub failed: usize,
    /// Left pending for a later run (rate limited).
    pub deferred: usize,
}

/// Tuning that tests and benchmarks change; the defaults suit Discord.
#[derive(Debug, Clone, Copy)]
pub struct Tuning {
    /// Sends in flight at once (each still waits for its pacing slot).
    pub in_flight: usize,
    /// Retries of a 5xx or network error before the row is marked failed.
    pub transient_retries: u32,
    /// The first backoff; it doubles each retry.
    pub backoff: Duration,
    /// Retries of a 429 within one run; after that the row waits for the next run.
    pub rate_limit_retries: u32,
    /// The longest 429 wait honoured within a run.
    pub max_retry_after: Duration,
    /// Rows read per database round trip.
    pub batch: u32,
    /// The loop wakes at least this often, whatever the next due instant.
    pub max_sleep: Duration,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            in_flight: 16,
            transient_retries: 3,
            backoff: Duration::from_millis(500),
            rate_limit_retries: 5,
            max_retry_after: Duration::from_secs(60),
            batch: 500,
            max_sleep: Duration::from_secs(30),
        }
    }
}

/// The outbox scheduler; cheap to clone.
#[derive(Clone)]
pub struct Scheduler {
    store: Store,
    content: SharedContent,
    settings: Arc<Settings>,
    deliver: Arc<dyn Deliver>,
    pacer: Arc<Pacer>,
    tuning: Tuning,
    wake: Arc<Notify>,
    /// When old reflections and outbox rows were last purged.
    last_purge: Arc<std::sync::Mutex<Option<DateTime<Utc>>>>,
}

impl Scheduler {
    pub fn new(
        store: Store,
        content: SharedContent,
        settings: Arc<Settings>,
        deliver: Arc<dyn Deliver>,
        tuning: Tuning,
    ) -> Scheduler {
        let pacer = Arc::new(Pacer::new(settings.delivery.max_messages_per_second));
        Scheduler {
            store,
            content,
            settings,
            deliver,
            pacer,
            tuning,
            wake: Arc::new(Notify::new()),
            last_purge: Arc::new(std::sync::Mutex::new(None)),
        }
    }

    /// Wakes the loop early: something may have become due sooner than it planned.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// A handle that wakes the loop, for the Discord adapter.
    pub fn waker(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    /// Does everything due at `now`: plan, then send.
    pub async fn run_due(&self, now: DateTime<Utc>) -> anyhow::Result<RunReport> {
        let queued = self.plan(now).await?;
        let mut report = self.deliver_due(now).await?;
        report.queued = queued;
        tracing::debug!(
            queued,
            sent = report.sent,
            failed = report.failed,
            deferred = report.deferred,
            "outbox run finished"
        );
        Ok(report)
    }

    /// Runs `run_due` whenever something is due, until `shutdown` completes.
    pub async fn run(self, clock: Arc<dyn Clock>, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            let now = clock.now();
            match self.run_due(now).await {
                Ok(report) if report != RunReport::default() => {
                    tracing::info!(
                        queued = report.queued,
                        sent = report.sent,
                        failed = report.failed,
                        deferred = report.deferred,
                        "outbox run"
                    );
                }
                Ok(_) => {}
                Err(error) => tracing::error!(error = format!("{error:#}"), "outbox run failed"),
            }
            let sleep = self.sleep_after(now).await;
            tokio::select! {
                () = &mut shutdown => break,
                () = self.wake.notified() => {}
                () = tokio::time::sleep(sleep) => {}
            }
        }
        tracing::info!("scheduler stopped");
    }

    /// How long to sleep: until the next due instant, at most `max_sleep`, at least a moment.
    async fn sleep_after(&self, now: DateTime<Utc>) -> Duration {
        let reminder_after =
            chrono::Duration::hours(i64::from(self.settings.schedule.reminder_after_hours));
        match self.store.next_due(reminder_after).await {
            Ok(Some(next)) => (next - now)
                .to_std()
                .unwrap_or(Duration::ZERO)
                .clamp(Duration::from_millis(200), self.tuning.max_sleep),
            Ok(None) => self.tuning.max_sleep,
            Err(error) => {
                tracing::warn!(
                    error = format!("{error:#}"),
                    "cannot read the next due time"
                );
                self.tuning.max_sleep
            }
        }
    }
}

#[cfg(test)]
mod tests;
