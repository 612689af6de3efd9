//! The FAQ select menu.

use poise::serenity_prelude as serenity;
use serenity::{CreateInteractionResponse, CreateInteractionResponseMessage};

use crate::discord::{render, Data};
use crate::service;

/// Shows the chosen answer in place of the list, keeping the menu so another can be picked.
pub async fn pick(data: &Data, chosen: Option<&str>) -> CreateInteractionResponse {
    let content = data.content.get();
    let entry = match chosen {
        Some(key) => service::faq::answer(&data.store, &content, key).await,
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
