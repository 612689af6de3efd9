//! `/checkin`: today's check-in, now, by DM.

use poise::serenity_prelude as serenity;
use poise::CreateReply;

use crate::discord::{dm, render, Context, Error};
use crate::domain::member::MemberId;
use crate::service;

/// Send today's check-in to your DMs now
#[poise::command(slash_command)]
pub async fn checkin(ctx: Context<'_>) -> Result<(), Error> {
    let data = ctx.data();
    let content = data.content.get();
    let member = MemberId::new(ctx.author().id.get());
    let service = data.service(&content);
    let prepared = service::checkin::prepare(service, member).await?;
    let (text, embed, components) = render::checkin(&content, &prepared);
    let message = serenity::CreateMessage::new()
        .content(text)
        .embed(embed)
        .components(components);
    let reply = match dm::send(ctx.http(), &data.store, member, message).await {
        Ok(_) => {
            service::checkin::delivered(service, member).await?;
            "Your check-in is in your DMs. 💛".to_owned()
        }
        Err(dm::DmError::Closed) => {
            service::checkin::undeliverable(service, member, prepared.id).await?;
            render::dms_closed("run `/checkin` again.")
        }
        Err(other) => {
            // Not delivered: forget it, so it does not count as unanswered.
            data.store.delete_checkin(prepared.id).await?;
            return Err(other.into());
        }
    };
    ctx.send(CreateReply::default().content(reply).ephemeral(true))
        .await?;
    Ok(())
}
