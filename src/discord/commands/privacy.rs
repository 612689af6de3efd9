//! `/privacy info | export | delete`: a member's own data.

use poise::serenity_prelude as serenity;
use poise::CreateReply;

use crate::discord::{dm, render, Context, Error};
use crate::domain::member::MemberId;
use crate::service;

/// What Rekindle keeps about you, and your control over it
#[poise::command(
    slash_command,
    subcommands("info", "export", "delete"),
    subcommand_required
)]
pub async fn privacy(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// What is kept, why, and for how long
#[poise::command(slash_command)]
async fn info(ctx: Context<'_>) -> Result<(), Error> {
    let days = ctx.data().settings.privacy.reflection_retention_days;
    ctx.send(
        CreateReply::default()
            .embed(render::privacy_info(days))
            .ephemeral(true),
    )
    .await?;
    Ok(())
}

/// Everything kept about you, sent to your DMs as a JSON file
#[poise::command(slash_command)]
async fn export(ctx: Context<'_>) -> Result<(), Error> {
    let data = ctx.data();
    let content = data.content.get();
    let member = MemberId::new(ctx.author().id.get());
    let Some(export) = service::privacy::export(data.service(&content), member).await? else {
        ctx.send(
            CreateReply::default()
                .content(render::NOTHING_STORED)
                .ephemeral(true),
        )
        .await?;
        return Ok(());
    };
    let file = serde_json::to_vec_pretty(&export)?;
    let message = serenity::CreateMessage::new()
        .content(render::EXPORT_MESSAGE)
        .add_file(serenity::CreateAttachment::bytes(
            file,
            "rekindle-export.json",
        ));
    let reply = match dm::send(ctx.http(), &data.store, member, message).await {
        Ok(_) => render::EXPORT_SENT.to_owned(),
        Err(dm::DmError::Closed) => render::dms_closed("run `/privacy export` again."),
        Err(other) => return Err(other.into()),
    };
    ctx.send(CreateReply::default().content(reply).ephemeral(true))
        .await?;
    Ok(())
}

/// Erase everything kept about you (asks you to confirm first)
#[poise::command(slash_command)]
async fn delete(ctx: Context<'_>) -> Result<(), Error> {
    let (text, buttons) = render::delete_prompt();
    ctx.send(
        CreateReply::default()
            .content(text)
            .components(vec![buttons])
            .ephemeral(true),
    )
    .await?;
    Ok(())
}
