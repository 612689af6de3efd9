//! Consent ("Begin" / "Not now") and the step-7 outcome.

use poise::serenity_prelude as serenity;
use serenity::{CreateInteractionResponse, CreateInteractionResponseMessage};

use crate::discord::{dm, render, Data, Error};
use crate::domain::member::MemberId;
use crate::domain::program::Outcome;
use crate::service;

/// Replaces the privacy notice (and its buttons) with `text`.
fn update_notice(text: impl Into<String>) -> CreateInteractionResponse {
    CreateInteractionResponse::UpdateMessage(
        CreateInteractionResponseMessage::new()
            .content(text)
            .embeds(Vec::new())
            .components(Vec::new()),
    )
}

/// Consent given: enrol, then the welcome and step 1 by DM.
pub async fn begin(
    ctx: &serenity::Context,
    data: &Data,
    member: MemberId,
) -> Result<CreateInteractionResponse, Error> {
    let content = data.content.get();
    let step = service::program::begin(data.service(&content), member).await?;
    let Some(step) = content.step(step.get()) else {
        return Ok(update_notice(render::DM_SENT));
    };
    match dm::send(
        &ctx.http,
        &data.store,
        member,
        dm::embeds(render::welcome(step)),
    )
    .await
    {
        Ok(_) => Ok(update_notice(render::DM_SENT)),
        Err(dm::DmError::Closed) => {
            dm::closed_and_told(&data.store, member).await?;
            Ok(update_notice(render::dms_closed(
                "run `/program start` again and I'll send step 1.",
            )))
        }
        Err(other) => Err(other.into()),
    }
}

pub fn not_now() -> CreateInteractionResponse {
    update_notice(render::NOT_NOW)
}

pub async fn finish(
    data: &Data,
    member: MemberId,
    outcome: Outcome,
) -> Result<CreateInteractionResponse, Error> {
    let content = data.content.get();
    service::program::finish(data.service(&content), member, outcome).await?;
    Ok(CreateInteractionResponse::UpdateMessage(
        CreateInteractionResponseMessage::new()
            .embed(render::finished(outcome))
            .components(Vec::new()),
    ))
}
