//! The check-in's mood select, reflection modal and buttons.
//!
//! Every handler first checks (in the service) that the check-in belongs to the member who
//! used it: a forged `custom_id` gets the same answer as an unknown one.

use std::time::Duration;

use poise::serenity_prelude as serenity;
use serenity::{CreateInteractionResponse, CreateInteractionResponseMessage, ModalInteraction};

use super::private;
use crate::discord::{dm, errors, render, Data, Error};
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

/// The modal was submitted (and is not a crisis: see [`crisis_reflection`]).
pub async fn reflection(
    data: &Data,
    member: MemberId,
    checkin: i64,
    text: &str,
) -> Result<CreateInteractionResponse, Error> {
    let content = data.content.get();
    service::checkin::record_reflection(data.service(&content), member, checkin, text).await?;
    Ok(private(render::REFLECTION_KEPT))
}

/// How long a reflection may wait for a busy database, after the crisis reply went out.
const KEEP_WITHIN: Duration = Duration::from_secs(30);

/// A reflection that calls for the crisis reply: the reply is the interaction response
/// itself, sent before anything touches the database, so nothing can stop it. Then the words
/// are kept (as a journal entry if the check-in is gone); if that fails, a follow-up says so.
/// `None` when the text is no crisis.
pub async fn crisis_reflection(
    ctx: &serenity::Context,
    data: &Data,
    interaction: &ModalInteraction,
    member: MemberId,
    guild: Option<u64>,
    checkin: i64,
    text: &str,
) -> Result<Option<()>, Error> {
    let content = data.content.get();
    let Some((detection, form)) = data.safety.assess(&content, member, text, data.clock.now())
    else {
        return Ok(None);
    };
    tracing::info!(
        level = detection.level.as_str(),
        category = detection.category,
        "crisis in a reflection: replying"
    );
    let reply = data
        .safety
        .reply(&data.store, member, guild, detection, form)
        .await;
    let mut parts = render::crisis_reply(&content, &reply);
    parts.text = Some(match parts.text.take() {
        Some(short) => format!("{short}\n\n{}", render::REFLECTION_KEEPING),
        None => render::REFLECTION_KEEPING.to_owned(),
    });
    let response = CreateInteractionResponse::Message(parts.response().ephemeral(true));
    if let Err(error) = interaction.create_response(&ctx.http, response).await {
        tracing::error!(error = %error, "crisis reply to a reflection not delivered");
        data.safety.undelivered(member, reply);
    }
    let kept = service::patiently(KEEP_WITHIN, || {
        service::checkin::keep_reflection(data.service(&content), member, checkin, text)
    })
    .await;
    if let Err(error) = kept {
        let text = errors::member_text(&error.into(), "modal", "reflection");
        let followup = serenity::CreateInteractionResponseFollowup::new()
            .content(format!("{}\n{text}", render::REFLECTION_NOT_KEPT))
            .ephemeral(true);
        interaction.create_followup(&ctx.http, followup).await?;
    }
    Ok(Some(()))
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
