//! The check-in's mood select, reflection modal and buttons.
//!
//! Every handler first checks (in the service) that the check-in belongs to the member who
//! used it: a forged `custom_id` gets the same answer as an unknown one.

use std::time::Duration;

use poise::serenity_prelude as serenity;
use serenity::{CreateInteractionResponse, CreateModal, ModalInteraction};

use crate::discord::reply::Reply;
use crate::discord::{errors, render, Data, Error};
use crate::domain::ids::{CheckinId, GuildId, MemberId};
use crate::service::dm::Delivery;
use crate::service::program::MovedOn;
use crate::service::{self, patiently};

/// How long an answer may wait for a busy database (the interaction is deferred by then).
const ANSWER_WITHIN: Duration = Duration::from_secs(12);

pub async fn mood(
    data: &Data,
    member: MemberId,
    checkin: CheckinId,
    value: &str,
) -> Result<Reply, Error> {
    let content = data.services.content.get();
    let mood = patiently(ANSWER_WITHIN, || {
        service::checkin::record_mood(data.service(&content), member, checkin, value)
    })
    .await?;
    Ok(Reply::private(render::mood_noted(mood)))
}

pub async fn open_modal(
    data: &Data,
    member: MemberId,
    checkin: CheckinId,
) -> Result<CreateModal, Error> {
    let content = data.services.content.get();
    service::checkin::can_reflect(data.service(&content), member, checkin).await?;
    Ok(render::reflection_modal(checkin))
}

/// The modal was submitted (and is not a crisis: see [`crisis_reflection`]).
pub async fn reflection(
    data: &Data,
    member: MemberId,
    checkin: CheckinId,
    text: &str,
) -> Result<Reply, Error> {
    let content = data.services.content.get();
    patiently(ANSWER_WITHIN, || {
        service::checkin::record_reflection(data.service(&content), member, checkin, text)
    })
    .await?;
    Ok(Reply::private(render::REFLECTION_KEPT))
}

/// How long a reflection may wait for a busy database, after the crisis reply went out.
const KEEP_WITHIN: Duration = Duration::from_secs(30);

/// A reflection that calls for the crisis reply (see [`crisis_in_modal`]); its words are
/// kept with the check-in, or as a journal entry if the check-in is gone.
pub async fn crisis_reflection(
    ctx: &serenity::Context,
    data: &Data,
    interaction: &ModalInteraction,
    member: MemberId,
    here: Option<GuildId>,
    checkin: CheckinId,
    text: &str,
) -> Result<bool, Error> {
    let content = data.services.content.get();
    crisis_in_modal(
        ctx,
        data,
        interaction,
        (member, here),
        text,
        (render::REFLECTION_KEEPING, render::REFLECTION_NOT_KEPT),
        || service::checkin::keep_reflection(data.service(&content), member, checkin, text),
    )
    .await
}

/// Words written in a modal (a reflection, a journal entry) that call for the crisis reply:
/// the reply is the interaction response itself, sent before anything touches the
/// database, so nothing can stop it, with `notes.0` (what happens to the words). Then
/// `keep` stores them, patiently; if that fails, a follow-up says `notes.1`. False when the
/// text is no crisis (nothing was sent or kept).
pub async fn crisis_in_modal<F, Fut>(
    ctx: &serenity::Context,
    data: &Data,
    interaction: &ModalInteraction,
    (member, here): (MemberId, Option<GuildId>),
    text: &str,
    notes: (&str, &str),
    keep: F,
) -> Result<bool, Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), service::ServiceError>>,
{
    let services = &data.services;
    let content = services.content.get();
    let now = services.clock.now();
    let Some((detection, form)) = services.safety.assess_in_full(&content, member, text, now)
    else {
        return Ok(false);
    };
    tracing::info!(
        level = detection.level.as_str(),
        category = detection.category,
        "crisis in a modal: replying"
    );
    let reply = services
        .safety
        .reply(&services.store, member, here, detection, form)
        .await;
    let mut parts = render::crisis_reply(&content, &reply);
    parts.text = Some(match parts.text.take() {
        Some(short) => format!("{short}\n\n{}", notes.0),
        None => notes.0.to_owned(),
    });
    let response = CreateInteractionResponse::Message(parts.response().ephemeral(true));
    match interaction.create_response(&ctx.http, response).await {
        Ok(()) => services.telemetry.metrics.crisis_reply("interaction"),
        Err(error) => {
            tracing::error!(error = %error, "crisis reply to a reflection not delivered");
            services.safety.undelivered(member, reply, now);
        }
    }
    let kept = patiently(KEEP_WITHIN, keep).await;
    if let Err(error) = kept {
        let text = errors::member_text(&error.into(), "modal", "words");
        let followup = serenity::CreateInteractionResponseFollowup::new()
            .content(format!("{}\n{text}", notes.1))
            .ephemeral(true);
        interaction.create_followup(&ctx.http, followup).await?;
    }
    Ok(true)
}

pub async fn next(data: &Data, member: MemberId, checkin: CheckinId) -> Result<Reply, Error> {
    let content = data.services.content.get();
    let moved = patiently(ANSWER_WITHIN, || {
        service::checkin::next_step_from(data.service(&content), member, checkin)
    })
    .await?;
    match moved {
        MovedOn::Advanced { to, delivery, .. } => {
            let Some(step) = content.step(to.get()) else {
                return Ok(Reply::private(render::moved_on_plain(to.get())));
            };
            Ok(Reply::private(if delivery == Delivery::Closed {
                render::moved_on_unsent(step)
            } else {
                render::moved_on(step)
            }))
        }
        MovedOn::AdvancedUnsent { to } => Ok(Reply::private(match content.step(to.get()) {
            Some(step) => render::moved_on_not_sent(step),
            None => render::moved_on_plain(to.get()),
        })),
        MovedOn::AskOutcome => {
            let (embed, buttons) = render::outcome_question();
            Ok(Reply::default().embed(embed).rows(vec![buttons]))
        }
    }
}

pub async fn snooze(data: &Data, member: MemberId, checkin: CheckinId) -> Result<Reply, Error> {
    let content = data.services.content.get();
    patiently(ANSWER_WITHIN, || {
        service::checkin::snooze(data.service(&content), member, checkin)
    })
    .await?;
    Ok(Reply::private(render::SNOOZED))
}

pub async fn pause(data: &Data, member: MemberId, checkin: CheckinId) -> Result<Reply, Error> {
    let content = data.services.content.get();
    patiently(ANSWER_WITHIN, || async {
        let service = data.service(&content);
        service::checkin::verify_owner(service, member, checkin).await?;
        match service::program::pause(service, member).await {
            // Pressed twice: paused either way.
            Err(service::ServiceError::Refused(crate::domain::program::Refusal::AlreadyPaused)) => {
                Ok(())
            }
            other => other,
        }
    })
    .await?;
    Ok(Reply::private(render::PAUSED))
}
