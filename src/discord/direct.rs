//! Plain direct messages from members: crisis first, then keep and acknowledge.
//!
//! The words themselves never reach a log line; only their length and the outcome do.

use poise::serenity_prelude as serenity;
use serenity::{CreateMessage, Message};

use super::{errors, render, Data, Error};
use crate::domain::member::MemberId;
use crate::domain::program::Refusal;
use crate::service::{self, ServiceError};

pub async fn handle(ctx: &serenity::Context, data: &Data, message: &Message) -> Result<(), Error> {
    let content = data.content.get();
    let channel = message.channel_id;
    // Someone may be in danger: answer before anything else, even before storing.
    if content.is_crisis(&message.content) {
        tracing::info!(
            chars = message.content.chars().count(),
            "crisis phrase in a DM: resources sent"
        );
        channel
            .send_message(
                &ctx.http,
                CreateMessage::new().embed(render::crisis(&content)),
            )
            .await?;
    }
    let member = MemberId::new(message.author.id.get());
    let reply =
        match service::checkin::dm_text(data.service(&content), member, &message.content).await {
            Ok(kept) => render::dm_kept(kept),
            Err(ServiceError::Refused(Refusal::NotEnrolled)) => render::NOT_ENROLLED_DM.to_owned(),
            Err(error) => errors::member_text(&error.into(), "dm", "text"),
        };
    channel
        .send_message(&ctx.http, CreateMessage::new().content(reply))
        .await?;
    Ok(())
}
