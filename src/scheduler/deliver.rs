//! Sending pending outbox rows: paced, retried within bounds, each marked when done.
//!
//! The sending itself is behind [`Deliver`] so this module stays free of Discord; the
//! adapter implements it with the real REST API.

use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::task::JoinSet;

use super::{RunReport, Scheduler};
use crate::store::OutboxRow;

pub use crate::delivery::SendError;

/// A boxed future, so [`Deliver`] can be used as a trait object.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// Sends one outbox row to Discord, with its nonce and `enforce_nonce`.
pub trait Deliver: Send + Sync {
    fn deliver<'a>(&'a self, row: &'a OutboxRow) -> BoxFuture<'a, Result<(), SendError>>;
}

/// What became of one row.
enum Fate {
    Sent,
    Failed,
    Deferred,
}

impl Scheduler {
    /// Sends every pending row due at `now`, in batches, `in_flight` at a time. Each row is
    /// tried at most once per run: one that stays pending (rate limited, or its task died)
    /// waits for the next run instead of spinning here.
    pub(super) async fn deliver_due(&self, now: DateTime<Utc>) -> anyhow::Result<RunReport> {
        let mut report = RunReport::default();
        let mut tried = std::collections::HashSet::new();
        loop {
            let rows: Vec<OutboxRow> = self
                .store
                .due_outbox(now, self.tuning.batch)
                .await?
                .into_iter()
                .filter(|row| tried.insert(row.id))
                .collect();
            if rows.is_empty() {
                return Ok(report);
            }
            let mut tasks = JoinSet::new();
            for row in rows {
                while tasks.len() >= self.tuning.in_flight.max(1) {
                    collect(tasks.join_next().await, &mut report);
                }
                let this = self.clone();
                tasks.spawn(async move {
                    let id = row.id;
                    (id, this.send_one(row, now).await)
                });
            }
            while let Some(done) = tasks.join_next().await {
                collect(Some(done), &mut report);
            }
        }
    }

    /// Sends one row with its retries, then records the outcome.
    async fn send_one(&self, row: OutboxRow, now: DateTime<Utc>) -> anyhow::Result<Fate> {
        let mut attempts = row.attempts;
        let mut transient = 0;
        let mut limited = 0;
        loop {
            self.pacer.wait().await;
            attempts += 1;
            let error = match self.deliver.deliver(&row).await {
                Ok(()) => {
                    self.store.mark_sent(row.id, attempts, now).await?;
                    return Ok(Fate::Sent);
                }
                Err(error) => error,
            };
            match error {
                SendError::RateLimited {
                    retry_after,
                    global,
                } if limited < self.tuning.rate_limit_retries => {
                    limited += 1;
                    // Unknown retry_after (serenity could not read the body): a conservative second.
                    let wait = retry_after
                        .unwrap_or(Duration::from_secs(1))
                        .min(self.tuning.max_retry_after);
                    if global {
                        self.pacer.hold(wait).await;
                    } else {
                        tokio::time::sleep(wait).await;
                    }
                }
                SendError::RateLimited { .. } => {
                    self.store
                        .record_attempts(row.id, attempts, "rate limited")
                        .await?;
                    return Ok(Fate::Deferred);
                }
                SendError::Transient(reason) if transient < self.tuning.transient_retries => {
                    tracing::debug!(outbox = row.id, reason, "transient send failure, retrying");
                    tokio::time::sleep(self.tuning.backoff * 2u32.saturating_pow(transient)).await;
                    transient += 1;
                }
                SendError::DmsClosed => {
                    tracing::info!(
                        outbox = row.id,
                        "direct messages closed: member paused until they open them"
                    );
                    if let Some(member) = row.member {
                        self.store.mark_unreachable(member).await?;
                    }
                    self.store
                        .mark_failed(row.id, attempts, "direct messages closed")
                        .await?;
                    return Ok(Fate::Failed);
                }
                other => {
                    tracing::warn!(outbox = row.id, kind = %row.kind, error = %other, "message not sent");
                    self.store
                        .mark_failed(row.id, attempts, &other.to_string())
                        .await?;
                    return Ok(Fate::Failed);
                }
            }
        }
    }
}

fn collect(
    done: Option<Result<(i64, anyhow::Result<Fate>), tokio::task::JoinError>>,
    report: &mut RunReport,
) {
    match done {
        Some(Ok((_, Ok(Fate::Sent)))) => report.sent += 1,
        Some(Ok((_, Ok(Fate::Failed)))) => report.failed += 1,
        Some(Ok((_, Ok(Fate::Deferred)))) => report.deferred += 1,
        Some(Ok((id, Err(error)))) => {
            // The row stays pending; the next run tries again with the same nonce.
            tracing::error!(
                outbox = id,
                error = format!("{error:#}"),
                "could not record a send"
            );
            report.deferred += 1;
        }
        Some(Err(join)) => {
            // Likewise: the row is still pending and its nonce makes the retry safe.
            tracing::error!(error = %join, "a send task ended abnormally");
            report.deferred += 1;
        }
        None => {}
    }
}
