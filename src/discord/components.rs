//! Buttons and select menus, routed by their `custom_id` (see [`super::custom_id`]).

use poise::serenity_prelude as serenity;
use serenity::{ComponentInteraction, ComponentInteractionDataKind, CreateInteractionResponse, CreateInteractionResponseMessage};

use super::custom_id::CustomId;
use super::{render, Data, Error};
use crate::service;

pub async fn handle(ctx: &serenity::Context, data: &Data, interaction: &ComponentInteraction) -> Result<(), Error> {
    let response = match CustomId::parse(&interaction.data.custom_id) {
        Some(CustomId::FaqPick) => faq_pick(data, interaction).await,
        None => {
            tracing::info!(custom_id = %interaction.data.custom_id, "component with an unknown custom id");
            CreateInteractionResponse::Message(
                CreateInteractionResponseMessage::new()
                    .content("Sorry, this button or menu is no longer in use. Please run the command again.")
                    .ephemeral(true),
            )
        }
    };
    interaction.create_response(&ctx.http, response).await?;
    Ok(())
}

/// Shows the chosen answer in place of the list, keeping the menu so another can be picked.
async fn faq_pick(data: &Data, interaction: &ComponentInteraction) -> CreateInteractionResponse {
    let content = data.content.get();
    let chosen = match &interaction.data.kind {
        ComponentInteractionDataKind::StringSelect { values } => values.first().cloned(),
        _ => None,
    };
    let entry = match chosen {
        Some(key) => service::faq::answer(&data.store, &content, &key).await,
        None => None,
    };
    let message = match entry {
        Some(entry) => CreateInteractionResponseMessage::new()
            .content("")
            .embed(render::faq_answer(&entry))
            .components(vec![render::faq_menu(&content, Some(&entry.key))]),
        None => CreateInteractionResponseMessage::new()
            .content("That question is no longer in the list. Here is what I can answer now.")
            .embed(render::faq_list(&content))
            .components(vec![render::faq_menu(&content, None)]),
    };
    CreateInteractionResponse::UpdateMessage(message)
}
