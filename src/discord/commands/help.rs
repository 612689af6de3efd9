//! `/help`: what the bot does, where to find help now, and what it is not.

use poise::CreateReply;

use crate::discord::{render, Context, Error};
use crate::domain::member::MemberId;

/// What Rekindle does, crisis resources, and what it is not
#[poise::command(slash_command)]
pub async fn help(
    ctx: Context<'_>,
    #[description = "A country whose support lines to show (nothing is saved)"]
    #[autocomplete = "crate::discord::commands::settings::autocomplete_region"]
    region: Option<String>,
) -> Result<(), Error> {
    let data = ctx.data();
    let content = data.content.get();
    let member = MemberId::new(ctx.author().id.get());
    let region = match region {
        Some(raw) => crate::domain::country::parse(&raw).map(|c| c.code.to_owned()),
        None => data.safety.region(&data.store, member).await,
    };
    ctx.send(
        CreateReply::default()
            .embed(render::help(&content, region.as_deref()))
            .ephemeral(true),
    )
    .await?;
    Ok(())
}
