//! Sending direct messages: the cached DM channel, and what a failure means.
//!
//! Opening a DM channel is a request of its own; we cache the channel id per member so each
//! message costs one request, not two.

use poise::serenity_prelude as serenity;
use serenity::{ChannelId, CreateMessage, Http, HttpError, Message, UserId};

use crate::domain::member::MemberId;
use crate::store::Store;

/// Discord's "Cannot send messages to this user": DMs closed, or no shared server.
pub const CANNOT_MESSAGE_USER: isize = 50007;
/// "Unknown Channel": a cached DM channel that no longer exists.
const UNKNOWN_CHANNEL: isize = 10003;

/// Why a DM was not delivered.
#[derive(Debug, thiserror::Error)]
pub enum DmError {
    #[error("the member's DMs are closed")]
    Closed,
    #[error("Discord refused the DM: {0}")]
    Discord(#[from] serenity::Error),
    #[error(transparent)]
    Store(#[from] anyhow::Error),
}

/// The Discord JSON error code of a failed request, if it has one.
pub fn error_code(error: &serenity::Error) -> Option<isize> {
    match error {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(response)) => {
            Some(response.error.code)
        }
        _ => None,
    }
}

/// Sends `message` to `member`, opening (and caching) the DM channel if needed.
pub async fn send(
    http: &Http,
    store: &Store,
    member: MemberId,
    message: CreateMessage,
) -> Result<Message, DmError> {
    let cached = store
        .member(member)
        .await?
        .and_then(|row| row.dm_channel_id);
    if let Some(channel) = cached {
        match ChannelId::new(channel)
            .send_message(http, message.clone())
            .await
        {
            Ok(sent) => return Ok(sent),
            Err(error) if error_code(&error) == Some(UNKNOWN_CHANNEL) => {
                store.cache_dm_channel(member, None).await?;
            }
            Err(error) => return Err(classify(error)),
        }
    }
    let channel = UserId::new(member.get())
        .create_dm_channel(http)
        .await
        .map_err(classify)?;
    // Only members have a row to cache in; a DM to anyone else is not remembered.
    store
        .cache_dm_channel(member, Some(channel.id.get()))
        .await?;
    channel
        .id
        .send_message(http, message)
        .await
        .map_err(classify)
}

/// Records that `member`'s DMs are closed while the reply in hand tells them so: no notice is
/// left pending for their next command, which would say the same thing a second time.
pub async fn closed_and_told(store: &Store, member: MemberId) -> anyhow::Result<()> {
    store.mark_unreachable(member).await?;
    store.take_unreachable_notice(member).await?;
    Ok(())
}

fn classify(error: serenity::Error) -> DmError {
    if error_code(&error) == Some(CANNOT_MESSAGE_USER) {
        DmError::Closed
    } else {
        DmError::Discord(error)
    }
}

/// A message made of embeds only.
pub fn embeds(embeds: Vec<serenity::CreateEmbed>) -> CreateMessage {
    CreateMessage::new().embeds(embeds)
}
