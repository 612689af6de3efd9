//! The durable outbox and the sender loop.
//!
//! One step, [`Scheduler::run_due`], does everything that is due at `now`: it turns due
//! slots into outbox rows (check-ins, reminders, encouragement, public posts), then sends the
//! pending rows, paced, and marks each sent. Every message is a committed row before it is
//! sent and carries a deterministic nonce, so a crash at any point neither loses a message
//! nor sends one twice. Tests call `run_due` directly with the time they want; the bot runs
//! it in [`Scheduler::run`], a loop that sleeps until the next due instant (or a wake-up)
//! and stops on the shutdown signal: it then claims nothing more, lets the sends in flight
//! finish, and returns. A refused token (401) stops it with [`Stopped::TokenRefused`], every
//! row left pending.
//!
//! It must never hold a member's words in memory longer than a send, nor log them.

mod deliver;
mod message;
pub mod nonce;
mod pacer;
mod plan;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::Notify;

pub use crate::delivery::SendError;
pub use pacer::Pacer;

use crate::clock::Clock;
use crate::service::Services;

/// Why the scheduler stopped, or a run could not finish.
#[derive(Debug, thiserror::Error)]
pub enum Stopped {
    #[error("Discord refused the bot token (401 Unauthorized). Check DISCORD_TOKEN in .env or the environment: it may have been reset or mistyped. Nothing was lost: pending messages are kept and go out once the bot runs with a valid token.")]
    TokenRefused,
    #[error("database: {0:#}")]
    Database(#[from] anyhow::Error),
}

/// What one run did, for logs, tests and benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunReport {
    pub queued: usize,
    pub sent: usize,
    pub failed: usize,
    /// Left pending for a later run (rate limited).
    pub deferred: usize,
    /// Never to be sent: cancelled (answered, superseded, paused) or expired (too old).
    pub settled: usize,
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
    services: Services,
    pacer: Arc<Pacer>,
    tuning: Tuning,
    wake: Arc<Notify>,
    /// Set on shutdown: no row is claimed after it.
    stop: Arc<AtomicBool>,
    /// Set when Discord refused the token: nothing is sent after it.
    token_refused: Arc<AtomicBool>,
    /// When old reflections and outbox rows were last purged.
    last_purge: Arc<std::sync::Mutex<Option<DateTime<Utc>>>>,
    /// When the last run finished (for health checks).
    last_run: Arc<std::sync::Mutex<Option<DateTime<Utc>>>>,
    /// Set when a scheduled message failed for a reason other than closed DMs during the
    /// current run: the run then checks whether deliveries are failing repeatedly.
    failures_seen: Arc<AtomicBool>,
}

impl Scheduler {
    pub fn new(services: Services, tuning: Tuning) -> Scheduler {
        let pacer = Arc::new(Pacer::new(
            services.settings.delivery.max_messages_per_second,
        ));
        Scheduler {
            services,
            pacer,
            tuning,
            wake: Arc::new(Notify::new()),
            stop: Arc::new(AtomicBool::new(false)),
            token_refused: Arc::new(AtomicBool::new(false)),
            last_purge: Arc::new(std::sync::Mutex::new(None)),
            last_run: Arc::new(std::sync::Mutex::new(None)),
            failures_seen: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Stops claiming rows: sends in flight finish, nothing new starts.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Release);
        self.wake.notify_one();
    }

    /// When the last run finished, if one has.
    pub fn last_run(&self) -> Option<DateTime<Utc>> {
        *self
            .last_run
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Does everything due at `now`: plan, then send.
    pub async fn run_due(&self, now: DateTime<Utc>) -> Result<RunReport, Stopped> {
        let telemetry = &self.services.telemetry;
        telemetry.status.scheduler_alive(now);
        let queued = self.plan(now).await?;
        let mut report = self.deliver_due(now).await?;
        report.queued = queued;
        *self
            .last_run
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(now);
        telemetry.status.scheduler_pass(now);
        if self.failures_seen.swap(false, Ordering::AcqRel) {
            let content = self.services.content.get();
            let mut ctx = self.services.ctx(&content);
            ctx.now = now;
            crate::service::alerts::deliveries_checked(ctx, telemetry).await;
        }
        tracing::debug!(
            queued,
            sent = report.sent,
            failed = report.failed,
            deferred = report.deferred,
            settled = report.settled,
            "outbox run finished"
        );
        Ok(report)
    }

    /// Runs `run_due` whenever something is due, until `shutdown` completes (then returns
    /// `Ok`) or Discord refuses the token (`Err`). Rows too old to send when the bot starts
    /// are expired first: after downtime nothing stale goes out.
    pub async fn run(
        self,
        clock: Arc<dyn Clock>,
        shutdown: impl std::future::Future<Output = ()>,
    ) -> Result<(), Stopped> {
        tokio::pin!(shutdown);
        match self
            .services
            .store
            .expire_outbox_before(clock.now() - self.stale_after())
            .await
        {
            Ok(0) => {}
            Ok(expired) => {
                tracing::info!(expired, "messages too old to send after downtime: expired")
            }
            Err(error) => {
                tracing::warn!(error = format!("{error:#}"), "cannot expire old messages")
            }
        }
        loop {
            let now = clock.now();
            let run = self.run_due(now);
            tokio::pin!(run);
            let result = tokio::select! {
                result = &mut run => result,
                () = &mut shutdown => {
                    // Claim nothing more; let the sends in flight finish.
                    self.stop();
                    let _ = run.await;
                    break;
                }
            };
            match result {
                Ok(report) if report != RunReport::default() => {
                    tracing::info!(
                        queued = report.queued,
                        sent = report.sent,
                        failed = report.failed,
                        deferred = report.deferred,
                        settled = report.settled,
                        "outbox run"
                    );
                }
                Ok(_) => {}
                Err(Stopped::TokenRefused) => return Err(Stopped::TokenRefused),
                Err(error) => tracing::error!(error = %error, "outbox run failed"),
            }
            let sleep = self.sleep_after(now).await;
            tokio::select! {
                () = &mut shutdown => break,
                () = self.wake.notified() => {}
                () = tokio::time::sleep(sleep) => {}
            }
        }
        tracing::info!("scheduler stopped");
        Ok(())
    }

    fn stale_after(&self) -> chrono::Duration {
        chrono::Duration::hours(i64::from(self.services.settings.schedule.stale_after_hours))
    }

    /// How long to sleep: until the next due instant, at most `max_sleep`, at least a moment.
    async fn sleep_after(&self, now: DateTime<Utc>) -> Duration {
        let reminder_after = chrono::Duration::hours(i64::from(
            self.services.settings.schedule.reminder_after_hours,
        ));
        match self.services.store.next_due(reminder_after).await {
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
