//! The safety net's buttons: "Show me support lines" and "Ask the server's support team to
//! reach out". Only the member's press posts to the team, and never their words.

use poise::serenity_prelude as serenity;
use serenity::{
    ComponentInteraction, CreateInteractionResponse, CreateInteractionResponseMessage,
    EditInteractionResponse,
};

use crate::delivery::Lane;
use crate::discord::{render, Data, Error};
use crate::domain::member::MemberId;

/// The support lines, for the member's country when we know it.
pub async fn lines(data: &Data, member: MemberId) -> CreateInteractionResponse {
    let content = data.content.get();
    let region = data.safety.region(&data.store, member).await;
    CreateInteractionResponse::Message(
        CreateInteractionResponseMessage::new()
            .embed(render::support_lines(&content, region.as_deref()))
            .ephemeral(true),
    )
}

/// The member asked `guild`'s support team to reach out: acknowledge at once (deferred),
/// post the request (their mention only), then say what happened.
pub async fn ask(
    ctx: &serenity::Context,
    data: &Data,
    interaction: &ComponentInteraction,
    member: MemberId,
    guild: u64,
) -> Result<(), Error> {
    interaction
        .create_response(
            &ctx.http,
            CreateInteractionResponse::Defer(
                CreateInteractionResponseMessage::new().ephemeral(true),
            ),
        )
        .await?;
    let text = if !data.safety.may_ask(member, guild, data.clock.now()) {
        render::SUPPORT_ALREADY_ASKED
    } else {
        match post_request(data, member, guild).await {
            Ok(()) => {
                tracing::info!("a member asked the support team to reach out: posted");
                render::SUPPORT_ASKED
            }
            Err(error) => {
                tracing::warn!(error = format!("{error:#}"), "support request not posted");
                data.safety.ask_failed(member, guild);
                render::SUPPORT_UNAVAILABLE
            }
        }
    };
    interaction
        .edit_response(&ctx.http, EditInteractionResponse::new().content(text))
        .await?;
    Ok(())
}

async fn post_request(data: &Data, member: MemberId, guild: u64) -> anyhow::Result<()> {
    let channel = data
        .store
        .support_channel(guild)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the server has no support channel"))?;
    data.transport
        .post(
            channel,
            &render::support_request(member.get()),
            Lane::Crisis,
        )
        .await?;
    Ok(())
}
