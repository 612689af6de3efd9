//! `/help`: what the bot does, where to find help now, and what it is not.

use poise::CreateReply;

use crate::discord::{member_of, render, Context, Error};

/// What Rekindle does, crisis resources, and what it is not
#[poise::command(slash_command)]
pub async fn help(
    ctx: Context<'_>,
    #[description = "A country whose support lines to show (nothing is saved)"]
    #[autocomplete = "crate::discord::commands::settings::autocomplete_region"]
    region: Option<String>,
) -> Result<(), Error> {
    let services = &ctx.data().services;
    let content = services.content.get();
    let member = member_of(ctx.author());
    let region = match region {
        Some(raw) => crate::domain::country::parse(&raw).map(|c| c.code.to_owned()),
        None => services.safety.region(&services.store, member).await,
    };
    ctx.send(
        CreateReply::default()
            .embed(render::help(&content, region.as_deref()))
            .ephemeral(true),
    )
    .await?;
    Ok(())
}
