//! A plain DM from anyone: the crisis reply first, then the words kept, then a short answer.
//!
//! The safety net runs on the text in hand before anything is stored, and its reply goes out
//! on its own task and lane (never paced behind other messages, never shed, retried quickly),
//! so neither a busy database nor a flood of other messages can hold it back. The ordinary
//! answer is paced and may be skipped when over budget; the words are kept either way. The
//! words themselves never reach a log line; only their length and the outcome do.

use std::time::Duration;

use super::messages::{Destination, DmReply, Outgoing};
use super::{patiently, ServiceError, Services};
use crate::delivery::{Lane, SendError};
use crate::domain::crisis::reply::{CrisisReply, Form};
use crate::domain::crisis::Detection;
use crate::domain::ids::{ChannelId, MemberId};
use crate::domain::program::Refusal;

/// How long a DM's words may wait for a busy database.
const KEEP_WITHIN: Duration = Duration::from_secs(30);

/// Handles a DM `text` from `member` in the DM `channel`.
pub async fn direct_message(services: &Services, member: MemberId, channel: ChannelId, text: &str) {
    let content = services.content.get();
    let crisis = services
        .safety
        .assess(&content, member, text, services.clock.now())
        .map(|(detection, form)| {
            tracing::info!(
                level = detection.level.as_str(),
                category = detection.category,
                chars = text.chars().count(),
                "crisis in a DM: replying"
            );
            let services = services.clone();
            tokio::spawn(async move {
                send_crisis(&services, member, channel, detection, form).await;
            })
        });
    let kept = patiently(KEEP_WITHIN, || {
        super::checkin::dm_text(services.ctx(&content), member, text)
    })
    .await;
    if let Some(task) = crisis {
        // The answer follows the crisis reply, never precedes it.
        if let Err(join) = task.await {
            tracing::error!(error = %join, "the crisis reply task ended abnormally");
        }
    }
    // Answered under the member's lock, like every DM to them: an erasure that committed
    // meanwhile (while the crisis reply went out) took the words with it, and the answer must
    // not say they are kept.
    let _held = services.guards.lock(member).await;
    let kept = match kept {
        Ok(_) if matches!(services.store.member(member).await, Ok(None)) => {
            Err(ServiceError::Refused(Refusal::NotEnrolled))
        }
        other => other,
    };
    let reply = match kept {
        Ok(kept) => DmReply::Kept(kept),
        // Honest about it, after any crisis reply: nothing of theirs was kept.
        Err(ServiceError::Refused(Refusal::NotEnrolled)) => DmReply::NotEnrolled,
        Err(error) => match error.member_message() {
            Some(text) => DmReply::Text(text),
            None => {
                tracing::error!(error = %error, "a DM could not be kept");
                DmReply::Sorry
            }
        },
    };
    match services
        .messenger
        .send(
            Destination::Channel(channel),
            &Outgoing::DmReply(reply),
            Lane::Reply(member),
            None,
        )
        .await
    {
        Ok(_) => {}
        Err(SendError::Shed) => tracing::debug!("DM answer skipped: over the reply budget"),
        Err(error) => tracing::warn!(error = %error, "DM answer not sent"),
    }
}

/// Sends the crisis reply in the DM `channel`; if it cannot be delivered, the member's next
/// interaction carries it.
async fn send_crisis(
    services: &Services,
    member: MemberId,
    channel: ChannelId,
    detection: Detection,
    form: Form,
) {
    let reply = services
        .safety
        .reply(&services.store, member, None, detection, form)
        .await;
    let sent = services
        .messenger
        .send(
            Destination::Channel(channel),
            &Outgoing::Crisis(reply.clone()),
            Lane::Crisis,
            None,
        )
        .await;
    // Refused as it stands (the content changed in a way Discord will not take): the short
    // form still carries the emergency line and a line to call.
    let sent = match sent {
        Err(SendError::Rejected(reason)) if reply.form == Form::Full => {
            tracing::error!(reason, "full crisis reply refused: sending the short one");
            let short = CrisisReply {
                form: Form::Short,
                ..reply.clone()
            };
            services
                .messenger
                .send(
                    Destination::Channel(channel),
                    &Outgoing::Crisis(short),
                    Lane::Crisis,
                    None,
                )
                .await
        }
        other => other,
    };
    match sent {
        Ok(_) => tracing::info!(level = reply.level.as_str(), "crisis reply sent"),
        Err(error) => {
            tracing::error!(error = %error, "crisis reply not delivered: keeping it for the member's next interaction");
            services
                .safety
                .undelivered(member, reply, services.clock.now());
        }
    }
}
