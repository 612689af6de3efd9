//! `/admin health`: how the bot is doing, for a server's admins. Counts, times and the
//! latest problems (their server's and the whole bot's), never a member's words or ids, and
//! never another server's activity: the outbox counts are this server's.

use chrono::{DateTime, Utc};

use super::{Ctx, ServiceError};
use crate::domain::ids::GuildId;
use crate::store::OutboxSummary;
use crate::telemetry::{Gateway, Problem, Telemetry};

/// What `/admin health` shows; the edge adds the live gateway details it reads itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    pub version: &'static str,
    pub started_at: DateTime<Utc>,
    pub now: DateTime<Utc>,
    /// As last seen by the connection monitor.
    pub gateway: Gateway,
    /// When the scheduler last finished a pass.
    pub last_pass: Option<DateTime<Utc>>,
    /// This server's outbox (its members' messages, its public posts; the host sees the whole
    /// bot's in `/metrics`); "sent" counts since midnight UTC.
    pub outbox: OutboxSummary,
    /// Members who enrolled in this server and whose DMs are closed.
    pub unreachable: i64,
    /// The latest problems this server's admins may read, newest first.
    pub problems: Vec<Problem>,
}

impl Health {
    pub fn uptime(&self) -> chrono::Duration {
        self.now - self.started_at
    }
}

/// The health report for `guild`'s admins.
pub async fn health(
    ctx: Ctx<'_>,
    telemetry: &Telemetry,
    guild: GuildId,
) -> Result<Health, ServiceError> {
    let midnight = ctx
        .now
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .map_or(ctx.now, |start| start.and_utc());
    let outbox = ctx.store.server_outbox_summary(guild, midnight).await?;
    let unreachable = ctx.store.unreachable_members(guild).await?;
    let status = &telemetry.status;
    Ok(Health {
        version: env!("CARGO_PKG_VERSION"),
        started_at: status.started_at(),
        now: ctx.now,
        gateway: status.gateway(),
        last_pass: status.last_scheduler_pass(),
        outbox,
        unreachable,
        problems: status.problems_for(guild),
    })
}
