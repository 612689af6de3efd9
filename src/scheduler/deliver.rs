//! Sending pending outbox rows: paced, retried within bounds, each claimed afresh and marked
//! when done.
//!
//! For every attempt the row is read again under its member's lock ([`Store::claim`]), so
//! nothing is sent to a member once their erasure has committed, nor a check-in that was
//! answered, superseded or grew stale. Sending goes through the service's one DM path, so
//! closed DMs mean the same here as everywhere. The loop stops claiming when the bot shuts
//! down, and stops sending at all when Discord refuses the token.
//!
//! [`Store::claim`]: crate::store::Store::claim

use std::sync::atomic::Ordering;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::task::JoinSet;

use super::{RunReport, Scheduler, Stopped};
use crate::delivery::{Lane, SendError};
use crate::domain::outbox::Kind;
use crate::service::dm::{self, ClosedDms, Delivery};
use crate::service::messages::Destination;
use crate::service::ServiceError;
use crate::store::OutboxId;

/// What became of one row.
enum Fate {
    Sent,
    Failed,
    /// Left pending for a later run.
    Deferred,
    /// Cancelled or expired: never to be sent.
    Settled,
    /// Nothing to do: gone (erased with its member) or no longer pending.
    Gone,
}

impl Scheduler {
    /// Sends every pending row due at `now`, in batches, `in_flight` at a time. Each row is
    /// tried at most once per run: one that stays pending waits for the next run.
    pub(super) async fn deliver_due(&self, now: DateTime<Utc>) -> Result<RunReport, Stopped> {
        let mut report = RunReport::default();
        let mut tried = std::collections::HashSet::new();
        loop {
            if self.stopping() {
                return Ok(report);
            }
            let ids: Vec<OutboxId> = self
                .services
                .store
                .due_outbox(now, self.tuning.batch)
                .await
                .map_err(Stopped::Database)?
                .into_iter()
                .filter(|id| tried.insert(*id))
                .collect();
            if ids.is_empty() {
                return Ok(report);
            }
            let mut tasks = JoinSet::new();
            for id in ids {
                while tasks.len() >= self.tuning.in_flight.max(1) {
                    collect(tasks.join_next().await, &mut report);
                }
                if self.stopping() {
                    break;
                }
                let this = self.clone();
                tasks.spawn(async move { (id, this.send_one(id, now).await) });
            }
            while let Some(done) = tasks.join_next().await {
                collect(Some(done), &mut report);
            }
            if self.token_refused.load(Ordering::Acquire) {
                return Err(Stopped::TokenRefused);
            }
        }
    }

    fn stopping(&self) -> bool {
        self.stop.load(Ordering::Acquire) || self.token_refused.load(Ordering::Acquire)
    }

    /// Sends one row with its retries, then records the outcome.
    async fn send_one(&self, id: OutboxId, now: DateTime<Utc>) -> anyhow::Result<Fate> {
        let services = &self.services;
        let stale_after = self.stale_after();
        let mut transient = 0;
        let mut limited = 0;
        loop {
            self.pacer.wait().await;
            if self.stopping() {
                return Ok(Fate::Deferred);
            }
            let content = services.content.get();
            let ctx = services.ctx(&content);
            // Peek at the member, take their lock, then read the row afresh under it.
            let Some(peek) = self.claim(id).await? else {
                return Ok(Fate::Gone);
            };
            let held = match peek.member {
                Some(member) => Some(services.guards.lock(member).await),
                None => None,
            };
            let Some(row) = self.claim(id).await? else {
                return Ok(Fate::Gone);
            };
            let (to, message) = match super::message::decide(&row, &content, now, stale_after) {
                Ok(decided) => decided,
                Err(why) => {
                    tracing::debug!(outbox = id, kind = row.kind.as_str(), ?why, "not sent");
                    services.store.settle_unsent(id, why).await?;
                    return Ok(Fate::Settled);
                }
            };
            let attempts = row.attempts + 1;
            let sent = match (to, &held) {
                (Destination::Member { member, .. }, Some(held)) => dm::send_held(
                    ctx,
                    held,
                    member,
                    &message,
                    Lane::Scheduled,
                    Some(&row.nonce),
                    ClosedDms::TellLater,
                )
                .await
                .map(Some),
                (Destination::Member { .. }, None) => Ok(Some(Delivery::Gone)),
                (Destination::Channel(_), _) => services
                    .messenger
                    .send(to, &message, Lane::Scheduled, Some(&row.nonce))
                    .await
                    .map(|_| Some(Delivery::Sent))
                    .map_err(ServiceError::Send),
            };
            drop(held);
            let metrics = &services.telemetry.metrics;
            let kind = row.kind.as_str();
            // The run is alive as long as it sends, however long the backlog.
            services
                .telemetry
                .status
                .scheduler_alive(services.clock.now());
            let error = match sent {
                Ok(Some(Delivery::Sent)) => {
                    services.store.mark_sent(id, attempts, now).await?;
                    metrics.message(kind, "sent");
                    if let (Kind::Public, Some(channel)) = (row.kind, row.channel) {
                        services.store.clear_public_failure(channel).await?;
                    }
                    return Ok(Fate::Sent);
                }
                Ok(Some(Delivery::Closed)) => {
                    services
                        .store
                        .mark_failed(id, attempts, "direct messages closed")
                        .await?;
                    metrics.message(kind, "dms_closed");
                    return Ok(Fate::Failed);
                }
                Ok(Some(Delivery::Gone) | None) => return Ok(Fate::Gone),
                Err(ServiceError::Send(error)) => error,
                Err(other) => return Err(anyhow::anyhow!("{other}")),
            };
            match error {
                SendError::Unauthorized => {
                    // Nothing will go out until the token is fixed: stop, and keep every row.
                    self.token_refused.store(true, Ordering::Release);
                    services
                        .store
                        .record_attempts(id, attempts, "the bot token was refused")
                        .await?;
                    metrics.message(kind, "deferred");
                    return Ok(Fate::Deferred);
                }
                SendError::RateLimited {
                    retry_after,
                    global,
                } if limited < self.tuning.rate_limit_retries => {
                    limited += 1;
                    services
                        .store
                        .record_attempts(id, attempts, "rate limited")
                        .await?;
                    // Unknown retry_after (the body was not readable): a conservative second.
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
                    services
                        .store
                        .record_attempts(id, attempts, "rate limited")
                        .await?;
                    metrics.message(kind, "deferred");
                    return Ok(Fate::Deferred);
                }
                SendError::Transient(reason) if transient < self.tuning.transient_retries => {
                    tracing::debug!(outbox = id, reason, "transient send failure, retrying");
                    services
                        .store
                        .record_attempts(id, attempts, &reason)
                        .await?;
                    tokio::time::sleep(self.tuning.backoff * 2u32.saturating_pow(transient)).await;
                    transient += 1;
                }
                other => {
                    tracing::warn!(outbox = id, kind = row.kind.as_str(), error = %other, "message not sent");
                    services
                        .store
                        .mark_failed(id, attempts, &other.to_string())
                        .await?;
                    metrics.message(kind, "failed");
                    match (row.kind, row.channel) {
                        (Kind::Public, Some(channel)) => {
                            let mut ctx = ctx;
                            ctx.now = now;
                            crate::service::alerts::public_post_failed(
                                ctx,
                                &services.telemetry,
                                channel,
                                &other,
                            )
                            .await;
                        }
                        _ => {
                            services
                                .telemetry
                                .status
                                .delivery_failed(now, &other.to_string());
                            self.failures_seen.store(true, Ordering::Release);
                        }
                    }
                    return Ok(Fate::Failed);
                }
            }
        }
    }
}

impl Scheduler {
    /// Reads row `id` for sending. A row that cannot be read (a stored value, its own or its
    /// member's, that does not fit its type) would fail the same way on every run, every
    /// few hundred milliseconds, and never expire: it is given up on, logged with its id, and
    /// read as gone.
    async fn claim(&self, id: OutboxId) -> anyhow::Result<Option<crate::store::OutboxRow>> {
        match self.services.store.claim(id).await {
            Err(error) if crate::store::is_unreadable(&error) => {
                tracing::error!(
                    outbox = id,
                    error = format!("{error:#}"),
                    "a scheduled message cannot be read: given up on, not sent"
                );
                self.services
                    .store
                    .fail_unreadable(id, "a stored value does not fit its type")
                    .await?;
                self.services
                    .telemetry
                    .metrics
                    .message("unreadable", "failed");
                Ok(None)
            }
            other => other,
        }
    }
}

fn collect(
    done: Option<Result<(OutboxId, anyhow::Result<Fate>), tokio::task::JoinError>>,
    report: &mut RunReport,
) {
    match done {
        Some(Ok((_, Ok(Fate::Sent)))) => report.sent += 1,
        Some(Ok((_, Ok(Fate::Failed)))) => report.failed += 1,
        Some(Ok((_, Ok(Fate::Deferred)))) => report.deferred += 1,
        Some(Ok((_, Ok(Fate::Settled)))) => report.settled += 1,
        Some(Ok((_, Ok(Fate::Gone)))) => {}
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
