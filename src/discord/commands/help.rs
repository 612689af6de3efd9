//! `/help`: what the bot does, where to find help now, and what it is not.

use poise::CreateReply;

use crate::discord::{render, Context, Error};

/// What Rekindle does, crisis resources, and what it is not
#[poise::command(slash_command)]
pub async fn help(ctx: Context<'_>) -> Result<(), Error> {
    let content = ctx.data().content.get();
    ctx.send(
        CreateReply::default()
            .embed(render::help(&content))
            .ephemeral(true),
    )
    .await?;
    Ok(())
}
