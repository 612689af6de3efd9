//! `/privacy info | export | delete`: a member's own data.

use poise::CreateReply;

use crate::discord::{member_of, render, Context, Error};
use crate::service::dm::Delivery;
use crate::service::{self, patiently};

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
    let days = ctx
        .data()
        .services
        .settings
        .privacy
        .reflection_retention_days;
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
    // Sends a DM: answer first.
    ctx.defer_ephemeral().await?;
    let data = ctx.data();
    let content = data.services.content.get();
    let member = member_of(ctx.author());
    let delivery = patiently(service::LONG_WAIT, || {
        service::privacy::export_to_dm(data.service(&content), member)
    })
    .await?;
    let text = match delivery {
        None | Some(Delivery::Gone) => render::NOTHING_STORED.to_owned(),
        Some(Delivery::Sent) => render::EXPORT_SENT.to_owned(),
        Some(Delivery::Closed) => render::dms_closed("run `/privacy export` again."),
    };
    ctx.send(CreateReply::default().content(text).ephemeral(true))
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
