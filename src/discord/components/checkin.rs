//! The check-in's mood select, reflection modal and buttons.
//!
//! Every handler first checks (in the service) that the check-in belongs to the member who
//! used it: a forged `custom_id` gets the same answer as an unknown one.

use poise::serenity_prelude as serenity;
use serenity::{CreateInteractionResponse, CreateInteractionResponseMessage};

use super::private;
use crate::discord::{dm, render, Data, Error};
use crate::domain::member::MemberId;
use crate::service::{self, program::NextStep};

pub async fn mood(
    data: &Data,
    member: MemberId,
    checkin: i64,
    value: &str,
) -> Result<CreateInteractionResponse, Error> {
    let content = data.content.get();
    let mood =
        service::checkin::record_mood(data.service(&content), member, checkin, value).await?;
    Ok(private(render::mood_noted(mood)))
}

pub async fn open_modal(
    data: &Data,
    member: MemberId,
    checkin: i64,
) -> Result<CreateInteractionResponse, Error> {
    let content = data.content.get();
    service::checkin::can_reflect(data.service(&content), member, checkin).await?;
    Ok(CreateInteractionResponse::Modal(render::reflection_modal(
        checkin,
    )))
}

/// The modal was submitted. The crisis reply, if called for, comes first, as the response;
/// the thanks follows it.
pub async fn reflection(
    data: &Data,
    member: MemberId,
    checkin: i64,
    text: &str,
) -> Result<CreateInteractionResponse, Error> {
    let content = data.content.get();
    service::checkin::record_reflection(data.service(&content), member, checkin, text).await?;
    let message = CreateInteractionResponseMessage::new().ephemeral(true);
    let message = if content.is_crisis(text) {
        message
            .embed(render::crisis(&content))
            .content(render::REFLECTION_KEPT)
    } else {
        message.content(render::REFLECTION_KEPT)
    };
    Ok(CreateInteractionResponse::Message(message))
}

pub async fn next(
    ctx: &serenity::Context,
    data: &Data,
    member: MemberId,
    checkin: i64,
) -> Result<CreateInteractionResponse, Error> {
    let content = data.content.get();
    let service = data.service(&content);
    match service::checkin::next_step_from(service, member, checkin).await? {
        NextStep::Advanced(step) => {
            let Some(step) = content.step(step.get()) else {
                return Ok(private(""));
            };
            let sent = match dm::send(
                &ctx.http,
                &data.store,
                member,
                dm::embeds(vec![render::step_intro(step)]),
            )
            .await
            {
                Ok(_) => true,
                Err(dm::DmError::Closed) => {
                    dm::closed_and_told(&data.store, member).await?;
                    false
                }
                Err(other) => return Err(other.into()),
            };
            Ok(private(if sent {
                render::moved_on(step)
            } else {
                render::moved_on_unsent(step)
            }))
        }
        NextStep::AskOutcome => {
            let (embed, buttons) = render::outcome_question();
            Ok(CreateInteractionResponse::Message(
                CreateInteractionResponseMessage::new()
                    .embed(embed)
                    .components(vec![buttons])
                    .ephemeral(true),
            ))
        }
    }
}

pub async fn snooze(
    data: &Data,
    member: MemberId,
    checkin: i64,
) -> Result<CreateInteractionResponse, Error> {
    let content = data.content.get();
    service::checkin::snooze(data.service(&content), member, checkin).await?;
    Ok(private(render::SNOOZED))
}

pub async fn pause(
    data: &Data,
    member: MemberId,
    checkin: i64,
) -> Result<CreateInteractionResponse, Error> {
    let content = data.content.get();
    let service = data.service(&content);
    service::checkin::verify_owner(service, member, checkin).await?;
    service::program::pause(service, member).await?;
    Ok(private(render::PAUSED))
}
