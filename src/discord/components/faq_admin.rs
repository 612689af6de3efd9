//! The FAQ editor's modal, submitted (`/admin faq add` and `edit`).
//!
//! Anyone can send a modal submission with any `custom_id` (a modified client), so the
//! submitter's own permissions in the server it comes from are checked here again, and the
//! server is always the interaction's, never one named in the id. A refusal says which rules
//! were broken and gives back what the admin wrote, since Discord closes the form anyway.

use poise::serenity_prelude as serenity;
use serenity::ModalInteraction;

use super::modal_value;
use crate::discord::commands::admin::{manages, REFUSED};
use crate::discord::custom_id::FaqModal;
use crate::discord::reply::{answer_in_time, Answerable, Reply};
use crate::discord::{errors, guild_of, member_of, render, Data, Error};
use crate::domain::faq_layer::FaqDraft;
use crate::service::faq_admin;
use crate::service::ServiceError;

pub async fn submit(
    ctx: &serenity::Context,
    data: &Data,
    interaction: &ModalInteraction,
    modal: FaqModal,
) -> Result<(), Error> {
    let admin = member_of(&interaction.user);
    let permitted = manages(interaction.member.as_ref().and_then(|m| m.permissions));
    let field = |id| modal_value(interaction, id).unwrap_or_default();
    let draft = FaqDraft::from_fields(
        &field(render::FAQ_QUESTION),
        &field(render::FAQ_ANSWER),
        &field(render::FAQ_ALIASES),
    );
    let key = field(render::FAQ_KEY);
    let work = async {
        let Some(guild) = guild_of(interaction.guild_id).filter(|_| permitted) else {
            tracing::info!("FAQ editor submission refused: not a server admin");
            return Reply::private(REFUSED);
        };
        let content = data.services.content.get();
        let ctx = data.service(&content);
        let outcome = match &modal {
            FaqModal::Add => faq_admin::add(ctx, guild, admin, Some(&key), &draft)
                .await
                .map(|entry| render::faq_added(&entry)),
            FaqModal::Edit { key, revision } => {
                faq_admin::edit(ctx, guild, admin, key, *revision, &draft)
                    .await
                    .map(|edited| render::faq_edited(&edited))
            }
        };
        match outcome {
            Ok(reply) => reply,
            Err(ServiceError::Faq(refusal)) => {
                tracing::debug!("FAQ editor submission refused");
                render::faq_refused(&refusal, &draft)
            }
            Err(error) => Reply::private(errors::member_text(
                &Error::Service(error),
                "modal",
                "faq editor",
            )),
        }
    };
    answer_in_time(ctx, Answerable::Modal(interaction), false, work).await
}
