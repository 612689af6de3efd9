//! Plain direct messages from members: the crisis reply first, then keep and acknowledge.
//!
//! The safety net runs on the text in hand before anything is stored, and its reply goes out
//! on its own task and lane (never paced or shed, retried quickly), so neither a busy
//! database nor a flood of other messages can hold it back. The ordinary acknowledgement is
//! paced and may be skipped when over budget; the words are kept either way. The words
//! themselves never reach a log line; only their length and the outcome do.

use std::sync::Arc;
use std::time::Duration;

use poise::serenity_prelude as serenity;
use serenity::{CreateMessage, Message};

use super::{errors, render, Data, Error};
use crate::content::Content;
use crate::delivery::{Lane, SendError};
use crate::domain::crisis::reply::Form;
use crate::domain::crisis::Detection;
use crate::domain::member::MemberId;
use crate::domain::program::Refusal;
use crate::service::{self, ServiceError};

/// How long a DM's words may wait for a busy database before the member is told.
const KEEP_WITHIN: Duration = Duration::from_secs(30);

pub async fn handle(_ctx: &serenity::Context, data: &Data, message: &Message) -> Result<(), Error> {
    let member = MemberId::new(message.author.id.get());
    let channel = message.channel_id.get();
    let content = data.content.get();
    let text = message.content.as_str();
    // Someone may be in danger: the reply goes out first, whatever happens next.
    let crisis = data
        .safety
        .assess(&content, member, text, data.clock.now())
        .map(|(detection, form)| {
            tracing::info!(
                level = detection.level.as_str(),
                category = detection.category,
                chars = text.chars().count(),
                "crisis in a DM: replying"
            );
            let data = data.clone();
            let content = content.clone();
            tokio::spawn(async move {
                send_crisis(&data, &content, member, channel, detection, form).await;
            })
        });
    // Then the words are kept, waiting out a busy database.
    let kept = service::patiently(KEEP_WITHIN, || {
        service::checkin::dm_text(data.service(&content), member, text)
    })
    .await;
    let answered = crisis.is_some();
    if let Some(task) = crisis {
        // The acknowledgement follows the crisis reply, never precedes it.
        if let Err(join) = task.await {
            tracing::error!(error = %join, "the crisis reply task ended abnormally");
        }
    }
    let reply = match kept {
        Ok(kept) => render::dm_kept(kept),
        // Someone who never enrolled and got the crisis reply needs nothing more from us.
        Err(ServiceError::Refused(Refusal::NotEnrolled)) if answered => return Ok(()),
        Err(ServiceError::Refused(Refusal::NotEnrolled)) => render::NOT_ENROLLED_DM.to_owned(),
        Err(error) => errors::member_text(&error.into(), "dm", "text"),
    };
    match data
        .transport
        .post(
            channel,
            &CreateMessage::new().content(reply),
            Lane::Reply(member),
        )
        .await
    {
        Ok(()) => {}
        Err(SendError::Shed) => {
            tracing::debug!("DM acknowledgement skipped: over the reply budget")
        }
        Err(error) => tracing::warn!(error = %error, "DM acknowledgement not sent"),
    }
    Ok(())
}

/// Sends the crisis reply in the DM `channel`; if it cannot be delivered, the member's next
/// interaction carries it.
async fn send_crisis(
    data: &Data,
    content: &Arc<Content>,
    member: MemberId,
    channel: u64,
    detection: Detection,
    form: Form,
) {
    let reply = data
        .safety
        .reply(&data.store, member, None, detection, form)
        .await;
    let message = render::crisis_reply(content, &reply).message();
    match data.transport.post(channel, &message, Lane::Crisis).await {
        Ok(()) => tracing::info!(level = reply.level.as_str(), "crisis reply sent"),
        Err(error) => {
            tracing::error!(error = %error, "crisis reply not delivered: keeping it for the member's next interaction");
            data.safety.undelivered(member, reply);
        }
    }
}
