//! The journal as Discord shows it: a page of entries with Newer / Older buttons, search
//! results, one whole entry with its delete button, the delete confirmation, and the
//! `/journal write` modal.
//!
//! Members' words go only into embeds (which never ping) and into messages whose allowed
//! mentions are empty; list previews also have their mentions made inert.

use chrono::{NaiveDate, NaiveDateTime};
use poise::serenity_prelude as serenity;
use serenity::{
    ButtonStyle, CreateActionRow, CreateAllowedMentions, CreateButton, CreateEmbed,
    CreateEmbedFooter, CreateInputText, CreateModal, InputTextStyle,
};

use super::COLOUR;
use crate::discord::custom_id::CustomId;
use crate::domain::checkin::MAX_REFLECTION_CHARS;
use crate::service::journal::{Found, Full, Listed, Page};

/// No mention in a journal reply ever notifies anyone.
pub fn no_pings() -> CreateAllowedMentions {
    CreateAllowedMentions::new()
        .all_users(false)
        .all_roles(false)
        .everyone(false)
        .replied_user(false)
}

/// "Mon 2 Mar 2026"
pub fn short_day(date: NaiveDate) -> String {
    date.format("%a %-d %b %Y").to_string()
}

/// "Monday 9 March 2026": with the year, so an end eleven months away is not read as next week
pub fn long_day(date: NaiveDate) -> String {
    date.format("%A %-d %B %Y").to_string()
}

fn when(written: NaiveDateTime) -> String {
    format!("{}, {}", short_day(written.date()), written.format("%H:%M"))
}

/// "Mon 2 Mar 2026, 19:05 · step 2 · reflection"
fn heading(entry: &Listed) -> String {
    let mut text = when(entry.written);
    if let Some(step) = entry.step {
        text.push_str(&format!(" · step {step}"));
    }
    text.push_str(if entry.reflection {
        " · reflection"
    } else {
        " · journal"
    });
    text
}

const EMPTY: &str = "Your journal is empty for now. Whatever you write to me in DMs, or with `/journal write`, is kept here, only for you.";

fn entries_embed(title: &str, page: &Page, description: String) -> CreateEmbed {
    let mut embed = CreateEmbed::new()
        .colour(COLOUR)
        .title(title)
        .description(description);
    for entry in &page.entries {
        embed = embed.field(heading(entry), entry.preview.clone(), false);
    }
    embed.footer(CreateEmbedFooter::new(format!(
        "{} · only you can see this",
        page.placement.label()
    )))
}

/// Newer / Older, when there is somewhere to go.
fn page_buttons(page: &Page) -> Vec<CreateActionRow> {
    let (Some(first), Some(last)) = (page.entries.first(), page.entries.last()) else {
        return Vec::new();
    };
    let placement = page.placement;
    if !placement.has_newer() && !placement.has_older() {
        return Vec::new();
    }
    let owner = page.owner;
    vec![CreateActionRow::Buttons(vec![
        CreateButton::new(
            CustomId::JournalNewer {
                owner,
                entry: first.id,
            }
            .to_string(),
        )
        .label("← Newer")
        .style(ButtonStyle::Secondary)
        .disabled(!placement.has_newer()),
        CreateButton::new(
            CustomId::JournalOlder {
                owner,
                entry: last.id,
            }
            .to_string(),
        )
        .label("Older →")
        .style(ButtonStyle::Secondary)
        .disabled(!placement.has_older()),
    ])]
}

/// A page of the journal and its buttons.
pub fn journal_page(page: &Page) -> (CreateEmbed, Vec<CreateActionRow>) {
    let description = if page.placement.total == 0 {
        EMPTY.to_owned()
    } else {
        "Newest first. `/journal read` opens one whole; `/journal search` finds words.".to_owned()
    };
    (
        entries_embed("Your journal", page, description),
        page_buttons(page),
    )
}

/// Search results: a page of matches (more with `page:`).
pub fn journal_found(found: &Found) -> CreateEmbed {
    let placement = found.page.placement;
    let mut description = match placement.total {
        0 => "Nothing in your journal matches those words. Try fewer words, or another spelling."
            .to_owned(),
        1 => "1 entry matches, newest first.".to_owned(),
        n => format!("{n} entries match, newest first."),
    };
    if placement.has_older() {
        description.push_str(&format!(
            " Add `page:{}` to your search for the next ones.",
            found.number + 1
        ));
    }
    if !found.read_all {
        description.push_str(&format!(
            " (I looked through your {} newest entries.)",
            crate::domain::journal::SEARCH_SCAN
        ));
    }
    entries_embed("Journal search", &found.page, description)
}

/// One whole entry, with its delete button.
pub fn journal_entry(entry: &Full) -> (CreateEmbed, Vec<CreateActionRow>) {
    let mut about = when(entry.written);
    if let Some(step) = entry.step {
        about.push_str(&format!(" · step {step}"));
    }
    let kind = if entry.reflection {
        "Reflection"
    } else {
        "Journal entry"
    };
    let embed = CreateEmbed::new()
        .colour(COLOUR)
        .title(format!("{kind} · {about}"))
        .description(entry.text.clone())
        .footer(CreateEmbedFooter::new("Only you can see this"));
    let button = CreateButton::new(
        CustomId::JournalDelete {
            owner: entry.owner,
            entry: entry.id,
        }
        .to_string(),
    )
    .label("Delete this entry")
    .style(ButtonStyle::Secondary);
    (embed, vec![CreateActionRow::Buttons(vec![button])])
}

/// "Delete this entry?", with Delete and Keep it.
pub fn journal_delete_prompt(entry: &Full) -> (String, Vec<CreateActionRow>) {
    let text = format!(
        "Delete your entry from {}? It will be gone for good, from your journal and from my database. Nothing else changes.",
        when(entry.written)
    );
    let (owner, id) = (entry.owner, entry.id);
    let buttons = CreateActionRow::Buttons(vec![
        CreateButton::new(CustomId::JournalDeleteConfirm { owner, entry: id }.to_string())
            .label("Delete")
            .style(ButtonStyle::Danger),
        CreateButton::new(CustomId::JournalKeep { owner, entry: id }.to_string())
            .label("Keep it")
            .style(ButtonStyle::Secondary),
    ]);
    (text, vec![buttons])
}

pub const JOURNAL_DELETED: &str = "Deleted. That entry is gone from your journal for good.";
pub const JOURNAL_ALREADY_GONE: &str =
    "That entry is already gone from your journal. Nothing else was changed.";
pub const JOURNAL_KEPT_ENTRY: &str = "Kept. Nothing was deleted.";

/// The `/journal write` modal.
pub fn journal_modal() -> CreateModal {
    let input = CreateInputText::new(InputTextStyle::Paragraph, "What's on your mind?", "entry")
        .placeholder("Write as much or as little as you like. Only you can see it.")
        .max_length(MAX_REFLECTION_CHARS as u16)
        .required(true);
    CreateModal::new(CustomId::JournalModal.to_string(), "A new journal entry")
        .components(vec![CreateActionRow::InputText(input)])
}

pub const JOURNAL_WRITTEN: &str =
    "Thank you for writing that down. It's in your journal; only you can see it. `/journal list` shows it.";

/// With a crisis reply, before the words are stored.
pub const JOURNAL_KEEPING: &str =
    "I'm keeping what you wrote in your journal; only you can see it.";

/// The words could not be stored after a crisis reply.
pub const JOURNAL_NOT_KEPT: &str = "I couldn't keep your journal entry this time.";
