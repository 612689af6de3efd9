//! Buttons, select menus and modals, routed by their `custom_id` (see [`super::custom_id`]).
//!
//! Each handler returns the [`Reply`] to give; errors become a kind private message here, in
//! one place, so a failing button never leaves the member with "interaction failed". Work
//! that may be slow is answered in time (see [`super::reply`]).

mod checkin;
mod faq;
mod faq_admin;
mod journal;
mod privacy;
mod program;
mod safety;

use poise::serenity_prelude as serenity;
use serenity::{ComponentInteraction, ModalInteraction};

use super::custom_id::{CustomId, FaqModal};
use super::reply::{answer_in_time, Answerable, Reply};
use super::{errors, guild_of, member_of, render, Data, Error};
use crate::domain::ids::MemberId;
use crate::domain::journal::PageAt;

const NO_LONGER_IN_USE: &str =
    "Sorry, this button or menu is no longer in use. Please run the command again.";

/// A handler's result as the member reads it.
fn settle(outcome: Result<Reply, Error>, custom_id: &str) -> Reply {
    outcome
        .unwrap_or_else(|error| Reply::private(errors::member_text(&error, "component", custom_id)))
}

pub async fn handle_component(
    ctx: &serenity::Context,
    data: &Data,
    interaction: &ComponentInteraction,
) -> Result<(), Error> {
    let member = member_of(&interaction.user);
    let here = guild_of(interaction.guild_id);
    let custom_id = interaction.data.custom_id.as_str();
    let selected = match &interaction.data.kind {
        serenity::ComponentInteractionDataKind::StringSelect { values } => values.first().cloned(),
        _ => None,
    };
    let Some(id) = CustomId::parse(custom_id) else {
        tracing::info!(custom_id, "component with an unknown custom id");
        interaction
            .create_response(&ctx.http, Reply::private(NO_LONGER_IN_USE).response())
            .await?;
        return Ok(());
    };
    match id {
        // A modal must be the immediate answer: it cannot follow a deferral.
        CustomId::Reflect(checkin) => {
            let response = match checkin::open_modal(data, member, checkin).await {
                Ok(modal) => serenity::CreateInteractionResponse::Modal(modal),
                Err(error) => {
                    Reply::private(errors::member_text(&error, "component", custom_id)).response()
                }
            };
            interaction.create_response(&ctx.http, response).await?;
        }
        CustomId::AskSupport(guild) => {
            let work = async { settle(safety::ask(data, member, guild, here).await, custom_id) };
            answer_in_time(ctx, Answerable::Component(interaction), false, work).await?;
        }
        other => {
            let updates = matches!(
                other,
                CustomId::FaqPick
                    | CustomId::Begin
                    | CustomId::NotNow
                    | CustomId::DeleteConfirm
                    | CustomId::DeleteCancel
                    | CustomId::Outcome(_)
                    | CustomId::JournalOlder { .. }
                    | CustomId::JournalNewer { .. }
                    | CustomId::JournalDelete { .. }
                    | CustomId::JournalDeleteConfirm { .. }
                    | CustomId::JournalKeep { .. }
            );
            let work = async {
                let outcome = match other {
                    CustomId::FaqPick => faq::pick(data, here, member, selected.as_deref()).await,
                    CustomId::Begin => program::begin(data, member, here).await,
                    CustomId::NotNow => Ok(program::not_now()),
                    CustomId::DeleteConfirm => privacy::delete(data, member).await,
                    CustomId::DeleteCancel => Ok(privacy::keep()),
                    CustomId::Outcome(outcome) => program::finish(data, member, outcome).await,
                    CustomId::Mood(checkin) => {
                        checkin::mood(
                            data,
                            member,
                            checkin,
                            selected.as_deref().unwrap_or_default(),
                        )
                        .await
                    }
                    CustomId::Next(checkin) => checkin::next(data, member, checkin).await,
                    CustomId::Snooze(checkin) => checkin::snooze(data, member, checkin).await,
                    CustomId::Pause(checkin) => checkin::pause(data, member, checkin).await,
                    CustomId::SupportLines => Ok(safety::lines(data, member).await),
                    CustomId::JournalOlder { owner, entry } => {
                        journal::page(data, member, owner, PageAt::Older(entry)).await
                    }
                    CustomId::JournalNewer { owner, entry } => {
                        journal::page(data, member, owner, PageAt::Newer(entry)).await
                    }
                    CustomId::JournalDelete { owner, entry } => {
                        journal::ask_delete(data, member, owner, entry).await
                    }
                    CustomId::JournalDeleteConfirm { owner, entry } => {
                        journal::delete(data, member, owner, entry).await
                    }
                    CustomId::JournalKeep { owner, .. } => Ok(journal::keep(member, owner)),
                    CustomId::Reflect(_)
                    | CustomId::AskSupport(_)
                    | CustomId::ReflectionModal(_)
                    | CustomId::JournalModal => {
                        tracing::info!(custom_id, "component with an unknown custom id");
                        Ok(Reply::private(NO_LONGER_IN_USE))
                    }
                };
                settle(outcome, custom_id)
            };
            answer_in_time(ctx, Answerable::Component(interaction), updates, work).await?;
        }
    }
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
    let now = data.services.clock.now();
    let Some(reply) = data.services.safety.take_undelivered(member, now) else {
        return Ok(());
    };
    let content = data.services.content.get();
    let parts = render::crisis_reply(&content, &reply);
    let mut followup = serenity::CreateInteractionResponseFollowup::new()
        .embeds(parts.embeds)
        .components(parts.rows)
        .ephemeral(true);
    if let Some(text) = parts.text {
        followup = followup.content(text);
    }
    match ctx
        .http
        .create_followup_message(token, &followup, Vec::new())
        .await
    {
        Ok(_) => data.services.telemetry.metrics.crisis_reply("interaction"),
        Err(error) => {
            tracing::error!(error = %error, "undelivered crisis reply not given as a follow-up either");
            data.services.safety.undelivered(member, reply, now);
        }
    }
    Ok(())
}

pub async fn handle_modal(
    ctx: &serenity::Context,
    data: &Data,
    interaction: &ModalInteraction,
) -> Result<(), Error> {
    let member = member_of(&interaction.user);
    let custom_id = interaction.data.custom_id.as_str();
    if let Some(modal) = FaqModal::parse(custom_id) {
        faq_admin::submit(ctx, data, interaction, modal).await?;
        return give_undelivered(ctx, data, member, interaction.token.as_str()).await;
    }
    match CustomId::parse(custom_id) {
        Some(CustomId::ReflectionModal(checkin)) => {
            let text = modal_value(interaction, "reflection").unwrap_or_default();
            let here = guild_of(interaction.guild_id);
            if checkin::crisis_reflection(ctx, data, interaction, member, here, checkin, &text)
                .await?
            {
                return Ok(());
            }
            let work = async {
                settle(
                    checkin::reflection(data, member, checkin, &text).await,
                    custom_id,
                )
            };
            answer_in_time(ctx, Answerable::Modal(interaction), false, work).await?;
        }
        Some(CustomId::JournalModal) => {
            let text = modal_value(interaction, "entry").unwrap_or_default();
            let here = guild_of(interaction.guild_id);
            if journal::crisis_entry(ctx, data, interaction, member, here, &text).await? {
                return give_undelivered(ctx, data, member, interaction.token.as_str()).await;
            }
            let work = async { settle(journal::write(data, member, &text).await, custom_id) };
            answer_in_time(ctx, Answerable::Modal(interaction), false, work).await?;
        }
        _ => {
            tracing::info!(custom_id, "modal with an unknown custom id");
            interaction
                .create_response(&ctx.http, Reply::private(NO_LONGER_IN_USE).response())
                .await?;
        }
    }
    give_undelivered(ctx, data, member, interaction.token.as_str()).await
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
