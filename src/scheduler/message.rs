//! What a claimed outbox row becomes: a finished, typed message, or the reason it is not
//! sent. Pure: the row (read afresh at claim), the content and the instant decide.

use chrono::{DateTime, Duration, Utc};

use super::nonce::slot_date;
use crate::content::Content;
use crate::domain::checkin::CheckinStatus;
use crate::domain::outbox::Kind;
use crate::domain::program::may_move_on;
use crate::service::checkin::Prepared;
use crate::service::messages::{Destination, Outgoing};
use crate::store::{NotSent, OutboxRow};

/// What to send for `row`, and where; or why not.
pub fn decide(
    row: &OutboxRow,
    content: &Content,
    now: DateTime<Utc>,
    stale_after: Duration,
) -> Result<(Destination, Outgoing), NotSent> {
    if now - row.due_at >= stale_after {
        return Err(NotSent::Expired);
    }
    let to_member = || {
        row.member
            .map(|member| Destination::Member {
                member,
                channel: row.dm_channel,
            })
            .ok_or(NotSent::Cancelled("no member"))
    };
    let running = || {
        if row.program_running == Some(true) {
            Ok(())
        } else {
            Err(NotSent::Cancelled("paused, finished or unscheduled"))
        }
    };
    let open_checkin = || {
        if row.checkin_status == Some(CheckinStatus::Open) {
            Ok(())
        } else {
            Err(NotSent::Cancelled("check-in answered or superseded"))
        }
    };
    let prompt_index = || {
        row.checkin_prompt
            .and_then(|index| usize::try_from(index).ok())
            .ok_or(NotSent::Cancelled("no check-in"))
    };
    match row.kind {
        Kind::Checkin => {
            running()?;
            open_checkin()?;
            // Queued for a day the member has since taken off their days: not sent. The
            // day is the slot's, which the nonce carries (the row is due when it was
            // queued, which may be after midnight for a slot late the evening before).
            if let (Some(days), Some(date)) = (row.member_days, slot_date(&row.nonce)) {
                if !days.allows(date) {
                    return Err(NotSent::Cancelled("no longer one of the member's days"));
                }
            }
            let step = row.checkin_step.ok_or(NotSent::Cancelled("no check-in"))?;
            let id = row.checkin.ok_or(NotSent::Cancelled("no check-in"))?;
            // "Ready for the next step" only on a check-in of the step the member is in,
            // once that step's time has passed.
            let offer_next = match (row.program_step, row.program_since) {
                (Some(current), Some(since)) if current == step => {
                    let min_days = content.step(current.get()).map_or(1, |s| s.min_days);
                    may_move_on(since.into(), now, min_days)
                }
                _ => false,
            };
            Ok((
                to_member()?,
                Outgoing::Checkin(Prepared {
                    id,
                    step,
                    prompt_index: prompt_index()?,
                    offer_next,
                }),
            ))
        }
        Kind::Reminder => {
            running()?;
            open_checkin()?;
            let step = row.checkin_step.ok_or(NotSent::Cancelled("no check-in"))?;
            Ok((
                to_member()?,
                Outgoing::Reminder {
                    step,
                    prompt_index: prompt_index()?,
                },
            ))
        }
        Kind::Encouragement => {
            running()?;
            if row.encouragement_wanted != Some(true) {
                return Err(NotSent::Cancelled("encouragement turned off"));
            }
            let step = row.step.ok_or(NotSent::Cancelled("no step"))?;
            let index = row
                .message_index
                .and_then(|i| usize::try_from(i).ok())
                .filter(|i| {
                    content
                        .step(step.get())
                        .is_some_and(|s| *i < s.encouragements.len())
                })
                .ok_or(NotSent::Cancelled("the content changed"))?;
            Ok((to_member()?, Outgoing::Encouragement { step, index }))
        }
        Kind::Resumed => {
            running()?;
            Ok((to_member()?, Outgoing::Resumed))
        }
        Kind::Public => {
            let channel = row.channel.ok_or(NotSent::Cancelled("no channel"))?;
            if !row.channel_posting {
                return Err(NotSent::Cancelled(
                    "the server's post was turned off or moved",
                ));
            }
            let index = row
                .message_index
                .and_then(|i| usize::try_from(i).ok())
                .filter(|i| *i < content.public_encouragements.len())
                .ok_or(NotSent::Cancelled("the content changed"))?;
            Ok((Destination::Channel(channel), Outgoing::Public { index }))
        }
    }
}
