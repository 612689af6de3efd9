//! `/steps [number]`: the seven steps, or one in detail.

use poise::CreateReply;

use crate::discord::{render, Context, Error};

/// The seven steps of the program, or one step in detail
#[poise::command(slash_command)]
pub async fn steps(
    ctx: Context<'_>,
    #[description = "A step from 1 to 7 to read in detail"]
    #[min = 1]
    #[max = 7]
    number: Option<u8>,
) -> Result<(), Error> {
    let content = ctx.data().services.content.get();
    let embed = match number.and_then(|n| content.step(n)) {
        Some(step) => render::step_detail(step),
        None => render::steps_overview(&content),
    };
    ctx.send(CreateReply::default().embed(embed).ephemeral(true))
        .await?;
    Ok(())
}
