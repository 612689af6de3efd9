//! Buttons, select menus and modals, routed by their `custom_id` (see [`super::custom_id`]).
//!
//! Each handler returns the response to send; errors become a kind ephemeral message here,
//! in one place, so a failing button never leaves the member with "interaction failed".

mod checkin;
mod faq;
mod privacy;
mod program;
mod safety;

use poise::serenity_prelude as serenity;
use serenity::{
    ComponentInteraction, CreateInteractionResponse, CreateInteractionResponseMessage,
    ModalInteraction,
};

use super::custom_id::CustomId;
use super::{errors, render, Data, Error};
use crate::domain::member::MemberId;

const NO_LONGER_IN_USE: &str =
    "Sorry, this button or menu is no longer in use. Please run the command again.";

/// An ephemeral text reply.
fn private(text: impl Into<String>) -> CreateInteractionResponse {
    CreateInteractionResponse::Message(
        CreateInteractionResponseMessage::new()
            .content(text)
            .ephemeral(true),
    )
}

pub async fn handle_component(
    ctx: &serenity::Context,
    data: &Data,
    interaction: &ComponentInteraction,
) -> Result<(), Error> {
    let member = MemberId::new(interaction.user.id.get());
    let selected = match &interaction.data.kind {
        serenity::ComponentInteractionDataKind::StringSelect { values } => {
            values.first().map(String::as_str)
        }
        _ => None,
    };
    let outcome = match CustomId::parse(&interaction.data.custom_id) {
        Some(CustomId::FaqPick) => Ok(faq::pick(data, selected).await),
        Some(CustomId::Begin) => program::begin(ctx, data, member).await,
        Some(CustomId::NotNow) => Ok(program::not_now()),
        Some(CustomId::DeleteConfirm) => privacy::delete(data, member).await,
        Some(CustomId::DeleteCancel) => Ok(privacy::keep()),
        Some(CustomId::Outcome(outcome)) => program::finish(data, member, outcome).await,
        Some(CustomId::Mood(checkin)) => {
            checkin::mood(data, member, checkin, selected.unwrap_or_default()).await
        }
        Some(CustomId::Reflect(checkin)) => checkin::open_modal(data, member, checkin).await,
        Some(CustomId::Next(checkin)) => checkin::next(ctx, data, member, checkin).await,
        Some(CustomId::Snooze(checkin)) => checkin::snooze(data, member, checkin).await,
        Some(CustomId::Pause(checkin)) => checkin::pause(data, member, checkin).await,
        Some(CustomId::SupportLines) => Ok(safety::lines(data, member).await),
        Some(CustomId::AskSupport(guild)) => {
            safety::ask(ctx, data, interaction, member, guild).await?;
            return give_undelivered(ctx, data, member, interaction.token.as_str()).await;
        }
        Some(CustomId::ReflectionModal(_)) | None => {
            tracing::info!(custom_id = %interaction.data.custom_id, "component with an unknown custom id");
            Ok(private(NO_LONGER_IN_USE))
        }
    };
    let response = outcome.unwrap_or_else(|error| {
        private(errors::member_text(
            &error,
            "component",
            &interaction.data.custom_id,
        ))
    });
    interaction.create_response(&ctx.http, response).await?;
    give_undelivered(ctx, data, member, interaction.token.as_str()).await
}

/// A crisis reply that could not be sent by DM goes with the member's next interaction, as a
/// private follow-up.
pub async fn give_undelivered(
    ctx: &serenity::Context,
    data: &Data,
    member: MemberId,
    token: &str,
) -> Result<(), Error> {
    let Some(reply) = data.safety.take_undelivered(member) else {
        return Ok(());
    };
    let content = data.content.get();
    let parts = render::crisis_reply(&content, &reply);
    let mut followup = serenity::CreateInteractionResponseFollowup::new()
        .embeds(parts.embeds)
        .components(parts.rows)
        .ephemeral(true);
    if let Some(text) = parts.text {
        followup = followup.content(text);
    }
    if let Err(error) = ctx
        .http
        .create_followup_message(token, &followup, Vec::new())
        .await
    {
        tracing::error!(error = %error, "undelivered crisis reply not given as a follow-up either");
        data.safety.undelivered(member, reply);
    }
    Ok(())
}

pub async fn handle_modal(
    ctx: &serenity::Context,
    data: &Data,
    interaction: &ModalInteraction,
) -> Result<(), Error> {
    let member = MemberId::new(interaction.user.id.get());
    let outcome = match CustomId::parse(&interaction.data.custom_id) {
        Some(CustomId::ReflectionModal(checkin)) => {
            let text = modal_value(interaction, "reflection").unwrap_or_default();
            let guild = interaction.guild_id.map(|g| g.get());
            if let Some(answered) =
                checkin::crisis_reflection(ctx, data, interaction, member, guild, checkin, &text)
                    .await?
            {
                return Ok(answered);
            }
            checkin::reflection(data, member, checkin, &text).await
        }
        _ => {
            tracing::info!(custom_id = %interaction.data.custom_id, "modal with an unknown custom id");
            Ok(private(NO_LONGER_IN_USE))
        }
    };
    let response = outcome.unwrap_or_else(|error| {
        private(errors::member_text(
            &error,
            "modal",
            &interaction.data.custom_id,
        ))
    });
    interaction.create_response(&ctx.http, response).await?;
    Ok(())
}

/// The value of the modal's text input `field`.
fn modal_value(interaction: &ModalInteraction, field: &str) -> Option<String> {
    interaction
        .data
        .components
        .iter()
        .flat_map(|row| row.components.iter())
        .find_map(|component| match component {
            serenity::ActionRowComponent::InputText(input) if input.custom_id == field => {
                input.value.clone()
            }
            _ => None,
        })
}
