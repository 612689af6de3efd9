//! The `/privacy delete` confirmation buttons.

use poise::serenity_prelude as serenity;
use serenity::{CreateInteractionResponse, CreateInteractionResponseMessage};

use crate::discord::{render, Data, Error};
use crate::domain::member::MemberId;
use crate::service;

fn replace_prompt(text: String) -> CreateInteractionResponse {
    CreateInteractionResponse::UpdateMessage(
        CreateInteractionResponseMessage::new()
            .content(text)
            .embeds(Vec::new())
            .components(Vec::new()),
    )
}

/// Confirmed: everything about the member goes, in one transaction.
pub async fn delete(data: &Data, member: MemberId) -> Result<CreateInteractionResponse, Error> {
    let content = data.content.get();
    let deleted = service::privacy::delete(data.service(&content), member).await?;
    tracing::info!(member = %member, "member data deleted on request");
    Ok(replace_prompt(render::deleted(&deleted)))
}

pub fn keep() -> CreateInteractionResponse {
    replace_prompt(render::NOTHING_DELETED.to_owned())
}
