//! The one way a direct message reaches a member, with one policy for closed DMs.
//!
//! Every DM about a member (a welcome, a step, a check-in, an export, a scheduled message)
//! goes through [`send`]: under the member's lock (see [`super::guards`]), only while they
//! are still a member, through their cached DM channel (a stale one is forgotten and a new
//! one opened), and with one answer to closed DMs: the member is marked unreachable, their
//! schedule pauses, and they hear about it once, either in the reply in hand or on their
//! next command.

use super::guards::Held;
use super::messages::{Destination, Outgoing};
use super::{Ctx, ServiceError};
use crate::delivery::{ChannelProblem, Lane, SendError};
use crate::domain::ids::{ChannelId, MemberId};
use crate::store::MemberRow;

/// What became of a DM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    /// The member's DMs are closed: recorded, their schedule paused.
    Closed,
    /// They are no longer a member (erased meanwhile): nothing was sent.
    Gone,
}

/// Who tells the member that their DMs are closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosedDms {
    /// The reply in hand says so: no notice is left for their next command.
    ToldNow,
    /// Nobody is talking with them now (a scheduled message): tell them on their next
    /// command.
    TellLater,
}

/// Whether to tell the member now that their DMs were found closed by a scheduled message
/// (which paused their schedule): true once, then false. The edge asks here: it does not
/// read the store itself.
pub async fn take_closed_notice(
    store: &crate::store::Store,
    member: MemberId,
) -> Result<bool, ServiceError> {
    Ok(store.take_unreachable_notice(member).await?)
}

/// Sends `message` to `member` by DM (see the module docs).
pub async fn send(
    ctx: Ctx<'_>,
    member: MemberId,
    message: &Outgoing,
    lane: Lane,
    closed: ClosedDms,
) -> Result<Delivery, ServiceError> {
    let held = ctx.guards.lock(member).await;
    send_held(ctx, &held, member, message, lane, None, closed).await
}

/// [`send`], for a caller that already holds the member's lock (the outbox sender, which
/// claims its row under it) and may carry a nonce.
pub async fn send_held(
    ctx: Ctx<'_>,
    _held: &Held<'_>,
    member: MemberId,
    message: &Outgoing,
    lane: Lane,
    nonce: Option<&str>,
    closed: ClosedDms,
) -> Result<Delivery, ServiceError> {
    let Some(row) = ctx.store.member(member).await? else {
        return Ok(Delivery::Gone);
    };
    let mut channel = row.dm_channel;
    loop {
        let to = Destination::Member { member, channel };
        match ctx.messenger.send(to, message, lane, nonce).await {
            Ok(used) => {
                // The DM is out: what follows is bookkeeping, and its failure (a busy
                // database) must not turn a delivered message into an error that a caller
                // tries again from the start, sending it twice.
                if let Err(error) = remember_delivery(ctx, member, &row, used).await {
                    tracing::warn!(
                        message = message.name(),
                        error = format!("{error:#}"),
                        "a DM was delivered but could not be noted; the next one will"
                    );
                }
                return Ok(Delivery::Sent);
            }
            Err(SendError::DmsClosed) => {
                tracing::info!(
                    message = message.name(),
                    "direct messages closed: the member's schedule is paused until they open them"
                );
                ctx.store.mark_unreachable(member).await?;
                if closed == ClosedDms::ToldNow {
                    ctx.store.take_unreachable_notice(member).await?;
                }
                return Ok(Delivery::Closed);
            }
            Err(SendError::Gone(_) | SendError::Channel(ChannelProblem::UnknownChannel))
                if channel.is_some() =>
            {
                // A cached DM channel that no longer exists: forget it and open a new one.
                ctx.store.cache_dm_channel(member, None).await?;
                channel = None;
            }
            Err(error) => return Err(ServiceError::Send(error)),
        }
    }
}

/// Notes that a DM reached `member` through `used`: the channel cached, and their schedule
/// resumed if closed DMs had paused it.
async fn remember_delivery(
    ctx: Ctx<'_>,
    member: MemberId,
    row: &MemberRow,
    used: ChannelId,
) -> Result<(), ServiceError> {
    if row.dm_channel != Some(used) {
        ctx.store.cache_dm_channel(member, Some(used)).await?;
    }
    if !row.reachable {
        super::program::reachable_again(ctx, member).await?;
    }
    Ok(())
}
