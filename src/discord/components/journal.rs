//! The journal's buttons (Newer, Older, delete and its confirmation) and the `/journal
//! write` modal.
//!
//! Every button carries its owner: pressed by anyone else, it is refused with the same
//! words whatever it points at, and nothing is read. The service checks again that an entry
//! is the presser's.

use poise::serenity_prelude as serenity;
use serenity::ModalInteraction;

use super::checkin::crisis_in_modal;
use crate::discord::reply::Reply;
use crate::discord::{render, Data, Error};
use crate::domain::ids::{GuildId, MemberId};
use crate::domain::journal::{EntryId, PageAt};
use crate::service::journal::{self, Deletion};
use crate::service::{self, patiently};

/// Newer or Older: the page, in place.
pub async fn page(
    data: &Data,
    member: MemberId,
    owner: MemberId,
    at: PageAt,
) -> Result<Reply, Error> {
    journal::check_owner(member, owner)?;
    let content = data.services.content.get();
    let page = patiently(service::LONG_WAIT, || {
        journal::list(data.service(&content), member, at)
    })
    .await?;
    let (embed, buttons) = render::journal_page(&page);
    Ok(Reply {
        text: None,
        embeds: vec![embed],
        rows: Some(buttons),
        update: true,
    })
}

/// "Delete this entry": asks to confirm, in place.
pub async fn ask_delete(
    data: &Data,
    member: MemberId,
    owner: MemberId,
    entry: EntryId,
) -> Result<Reply, Error> {
    journal::check_owner(member, owner)?;
    let content = data.services.content.get();
    let shown = journal::entry(data.service(&content), member, entry).await;
    let full = match shown {
        Ok(full) => full,
        // Deleted a moment ago (another press): say so rather than "not found".
        Err(service::ServiceError::Journal(_)) => {
            return Ok(Reply::replace(render::JOURNAL_ALREADY_GONE))
        }
        Err(error) => return Err(error.into()),
    };
    let (text, buttons) = render::journal_delete_prompt(&full);
    Ok(Reply::replace(text).rows(buttons))
}

/// The deletion confirmed; pressed twice, the second finds the entry gone.
pub async fn delete(
    data: &Data,
    member: MemberId,
    owner: MemberId,
    entry: EntryId,
) -> Result<Reply, Error> {
    journal::check_owner(member, owner)?;
    let content = data.services.content.get();
    let deletion = patiently(service::LONG_WAIT, || {
        journal::delete(data.service(&content), member, entry)
    })
    .await?;
    tracing::info!(
        deleted = deletion == Deletion::Deleted,
        "journal entry delete confirmed"
    );
    Ok(Reply::replace(match deletion {
        Deletion::Deleted => render::JOURNAL_DELETED,
        Deletion::AlreadyGone => render::JOURNAL_ALREADY_GONE,
    }))
}

/// "Keep it": nothing is deleted.
pub fn keep(member: MemberId, owner: MemberId) -> Reply {
    match journal::check_owner(member, owner) {
        Ok(()) => Reply::replace(render::JOURNAL_KEPT_ENTRY),
        Err(refused) => Reply::private(refused.to_string()),
    }
}

/// The modal was submitted: the safety net reads it first, exactly as a reflection's (a
/// crisis reply is the interaction response itself, then the words are kept). True when it
/// did; otherwise [`write`] keeps the entry.
pub async fn crisis_entry(
    ctx: &serenity::Context,
    data: &Data,
    interaction: &ModalInteraction,
    member: MemberId,
    here: Option<GuildId>,
    text: &str,
) -> Result<bool, Error> {
    let content = data.services.content.get();
    crisis_in_modal(
        ctx,
        data,
        interaction,
        (member, here),
        text,
        (render::JOURNAL_KEEPING, render::JOURNAL_NOT_KEPT),
        || journal::write(data.service(&content), member, text),
    )
    .await
}

/// An entry that is no crisis: kept, and thanked for.
pub async fn write(data: &Data, member: MemberId, text: &str) -> Result<Reply, Error> {
    let content = data.services.content.get();
    patiently(service::LONG_WAIT, || {
        journal::write(data.service(&content), member, text)
    })
    .await?;
    Ok(Reply::private(render::JOURNAL_WRITTEN))
}
