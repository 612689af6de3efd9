//! `/admin faq`: a server's admins edit that server's FAQ, as a layer over the content file.
//!
//! Every change is decided here (pure functions over the file's FAQ and the server's layer,
//! run inside the store's transaction) and follows the file's own rules: Discord's limits,
//! the key's shape, unique keys and aliases, at most 25 entries shown. A change that breaks
//! one is refused with every rule it breaks, each naming its field, and nothing is stored.
//!
//! Keys: an entry added from Discord gets the key its admin typed, or one made from its
//! question (`domain::faq_layer::derive_key`). A key never changes afterwards: usage counts
//! and custom ids rely on it.
//!
//! Admin text is not run through the crisis detector: it is content written for members
//! (an entry about crisis lines must be able to say "suicide"), not a member telling us how
//! they feel.

use super::{patiently, Ctx, ServiceError, LONG_WAIT};
use crate::content::faq::{layered, ServerFaq};
use crate::content::limits::{CHOICES, MODAL_INPUT};
use crate::content::{Faq, FaqEntry};
use crate::domain::faq_layer::{FaqDraft, Layered, Revision};
use crate::domain::ids::GuildId;
use crate::domain::member::MemberId;
use crate::store::FaqChangeRow;

mod decide;

use decide::{decide_add, decide_edit, decide_remove, editable};

/// Why an admin's change to the FAQ was refused. Nothing was stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FaqRefusal {
    /// The rules the entry breaks, each naming its field.
    #[error("{}", broken(.0))]
    BreaksRules(Vec<String>),
    #[error("There is no entry “{0}” in this server's FAQ (it may have just been removed). `/admin faq list` shows every entry.")]
    NoSuchEntry(String),
    #[error("Someone else changed “{0}” while you were editing it, so I didn't save your version: it would have undone theirs. Open it again with `/admin faq edit` to start from the entry as it is now.")]
    ChangedMeanwhile(String),
    #[error("“{0}” is the only entry left in this server's FAQ, and /faq needs at least one. Add another entry first.")]
    LastEntry(String),
    #[error("The {field} of “{key}” is {length} characters, more than Discord's editing box holds ({MODAL_INPUT}); change it in config/content.toml instead.")]
    TooLongToEdit {
        key: String,
        field: &'static str,
        length: usize,
    },
}

fn broken(rules: &[String]) -> String {
    let mut text = format!(
        "Nothing was saved: the entry breaks {} of the FAQ's rules (the same as for config/content.toml):",
        if rules.len() == 1 {
            "one".to_owned()
        } else {
            rules.len().to_string()
        }
    );
    for rule in rules {
        text.push_str("\n• ");
        text.push_str(rule);
    }
    text
}

/// An entry opened in the editor, and the revision it was opened at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editing {
    pub entry: FaqEntry,
    pub revision: Revision,
}

/// What an edit did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edited {
    pub entry: FaqEntry,
    /// False when the entry was saved exactly as it was: nothing stored.
    pub changed: bool,
}

/// An entry an admin can pick in `/admin faq edit` and `remove`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    pub key: String,
    pub question: String,
    /// False for an entry set aside (it breaks a rule since the file changed).
    pub shown: bool,
}

/// A page of the server's FAQ history, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryPage {
    pub changes: Vec<FaqChangeRow>,
    /// 1-based, within `1..=pages`.
    pub page: u32,
    pub pages: u32,
    pub total: usize,
}

/// Changes shown per history page.
pub const HISTORY_PAGE: u32 = 10;

/// The server's FAQ as its members see it, with what it hides and sets aside.
pub async fn overview(ctx: Ctx<'_>, guild: GuildId) -> Result<ServerFaq, ServiceError> {
    let layer = ctx.store.faq_layer(guild).await?;
    Ok(layered(&ctx.content.faq, &layer))
}

/// The server's entries matching what the admin typed (all of them, up to 25, for nothing).
pub async fn topics(ctx: Ctx<'_>, guild: GuildId, typed: &str) -> Result<Vec<Topic>, ServiceError> {
    let server = overview(ctx, guild).await?;
    Ok(matching(&server, typed))
}

/// Every entry of the server (shown first, then set aside) that `typed` finds: its key
/// exactly, then the search's matches, best first; every entry for nothing typed. At most 25.
fn matching(server: &ServerFaq, typed: &str) -> Vec<Topic> {
    let mut all: Vec<Topic> = server
        .faq
        .iter()
        .map(|entry| Topic {
            key: entry.key.clone(),
            question: entry.question.clone(),
            shown: true,
        })
        .collect();
    for aside in &server.set_aside {
        if !all.iter().any(|topic| topic.key == aside.entry.key) {
            all.push(Topic {
                key: aside.entry.key.clone(),
                question: aside.entry.question.clone(),
                shown: false,
            });
        }
    }
    let typed = typed.trim();
    if typed.is_empty() {
        all.truncate(CHOICES);
        return all;
    }
    let searchable = Faq::new(
        all.iter()
            .filter_map(|topic| server.entry(&topic.key).map(|(entry, _)| entry.clone()))
            .collect(),
    );
    let mut found: Vec<Topic> = Vec::new();
    for entry in searchable
        .by_key(typed)
        .into_iter()
        .chain(searchable.search(typed))
    {
        if found.iter().any(|topic| topic.key == entry.key) {
            continue;
        }
        if let Some(topic) = all.iter().find(|topic| topic.key == entry.key) {
            found.push(topic.clone());
        }
    }
    found.truncate(CHOICES);
    found
}

/// The entry `topic` names (its key, as the autocomplete gives it, or else the best match
/// for what the admin typed; the form's title shows which) as the editor opens it: the
/// server's version if it has one, else the file's; with its revision, so a save can tell
/// whether someone else changed it since.
pub async fn open(ctx: Ctx<'_>, guild: GuildId, topic: &str) -> Result<Editing, ServiceError> {
    let state = ctx.store.faq_layer_state(guild).await?;
    let server = layered(&ctx.content.faq, &state.entries);
    let typed = topic.trim();
    // The key of an entry removed here names that entry, not the nearest of the others.
    let removed = state
        .entries
        .iter()
        .any(|row| row.key == typed && row.change == Layered::Hidden);
    let key = if removed {
        None
    } else {
        matching(&server, typed).into_iter().next().map(|t| t.key)
    }
    .ok_or_else(|| FaqRefusal::NoSuchEntry(typed.to_owned()))?;
    let key = key.as_str();
    let entry =
        editable(&server, &state, key).ok_or_else(|| FaqRefusal::NoSuchEntry(key.to_owned()))?;
    let aliases = FaqDraft::aliases_text(&entry.aliases);
    for (field, text) in [("answer", &entry.answer), ("aliases", &aliases)] {
        let length = text.chars().count();
        if length > MODAL_INPUT {
            return Err(FaqRefusal::TooLongToEdit {
                key: key.to_owned(),
                field,
                length,
            }
            .into());
        }
    }
    Ok(Editing {
        entry,
        revision: state.revision(key),
    })
}

/// Adds an entry to the server's FAQ under `key`, or under a key made from its question
/// when `key` is empty.
pub async fn add(
    ctx: Ctx<'_>,
    guild: GuildId,
    admin: MemberId,
    key: Option<&str>,
    draft: &FaqDraft,
) -> Result<FaqEntry, ServiceError> {
    let entry = patiently(LONG_WAIT, || {
        ctx.store.change_faq(guild, admin, ctx.now, |state| {
            decide_add(&ctx.content.faq, state, key, draft.clone())
                .map(|(change, entry)| (Some(change), entry))
                .map_err(ServiceError::from)
        })
    })
    .await?;
    tracing::info!(guild = %guild, key = %entry.key, "FAQ entry added");
    Ok(entry)
}

/// Saves the server's version of `key`, if nobody changed it since `revision`.
pub async fn edit(
    ctx: Ctx<'_>,
    guild: GuildId,
    admin: MemberId,
    key: &str,
    revision: Revision,
    draft: &FaqDraft,
) -> Result<Edited, ServiceError> {
    let edited = patiently(LONG_WAIT, || {
        ctx.store.change_faq(guild, admin, ctx.now, |state| {
            decide_edit(&ctx.content.faq, state, key, revision, draft.clone())
                .map_err(ServiceError::from)
        })
    })
    .await?;
    if edited.changed {
        tracing::info!(guild = %guild, key = %key, "FAQ entry edited");
    }
    Ok(edited)
}

/// Takes `key` out of the server's FAQ: the file's entry is hidden there, the server's own
/// entry is deleted. Returns the entry as it was.
pub async fn remove(
    ctx: Ctx<'_>,
    guild: GuildId,
    admin: MemberId,
    key: &str,
) -> Result<FaqEntry, ServiceError> {
    let removed = patiently(LONG_WAIT, || {
        ctx.store.change_faq(guild, admin, ctx.now, |state| {
            decide_remove(&ctx.content.faq, state, key)
                .map(|(change, entry)| (Some(change), entry))
                .map_err(ServiceError::from)
        })
    })
    .await?;
    tracing::info!(guild = %guild, key = %key, "FAQ entry removed");
    Ok(removed)
}

/// One page of the server's FAQ changes, newest first; a page past the end shows the last.
pub async fn history(ctx: Ctx<'_>, guild: GuildId, page: u32) -> Result<HistoryPage, ServiceError> {
    let skip = |page: u32| page.saturating_sub(1).saturating_mul(HISTORY_PAGE);
    let page = page.max(1);
    let (mut changes, total) = ctx
        .store
        .faq_history(guild, HISTORY_PAGE, skip(page))
        .await?;
    let pages = u32::try_from(total.div_ceil(HISTORY_PAGE as usize).max(1)).unwrap_or(u32::MAX);
    let shown = page.min(pages);
    if shown != page {
        changes = ctx
            .store
            .faq_history(guild, HISTORY_PAGE, skip(shown))
            .await?
            .0;
    }
    Ok(HistoryPage {
        changes,
        page: shown,
        pages,
        total,
    })
}

#[cfg(test)]
mod tests;
