//! `/journal`: a member reads back their own reflections and journal entries, searches them,
//! writes a new one, and deletes one after a confirm.
//!
//! Everything is scoped to the member asking: an entry id (from an autocomplete value or a
//! button) that is not theirs reads as one that does not exist, and page buttons carry
//! their owner, so someone else's buttons are refused. Dates are the member's own calendar.
//! Words never reach a log.

use chrono::NaiveDateTime;

use super::{Ctx, ServiceError};
use crate::domain::checkin::Reflection;
use crate::domain::journal::{
    self, page_offset, EntryId, JournalError, PageAt, Placement, SearchQuery, PAGE_SIZE,
};
use crate::domain::member::MemberId;
use crate::domain::program::{Refusal, StepNumber};
use crate::store::JournalEntry;

/// An entry as a list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub id: EntryId,
    /// When it was written, in the member's timezone.
    pub written: NaiveDateTime,
    pub step: Option<StepNumber>,
    /// The first 300 characters, mentions made inert.
    pub preview: String,
    /// A check-in's reflection (otherwise a journal entry).
    pub reflection: bool,
}

/// One page of the journal (or of a search).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Whose journal: the page's buttons act only for them.
    pub owner: MemberId,
    pub entries: Vec<Listed>,
    pub placement: Placement,
}

/// A search's page, and whether every entry was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub page: Page,
    /// The page number shown (1 is the newest matches).
    pub number: i64,
    /// False when the journal is longer than a search reads ([`journal::SEARCH_SCAN`]).
    pub read_all: bool,
}

/// One entry, whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Full {
    pub owner: MemberId,
    pub id: EntryId,
    pub written: NaiveDateTime,
    pub step: Option<StepNumber>,
    /// The whole entry, as written (shown only in an embed, which never pings, with no
    /// mentions allowed).
    pub text: String,
    pub reflection: bool,
}

/// What deleting an entry led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deletion {
    Deleted,
    /// Not there (deleted a moment ago by the same confirm, or never theirs).
    AlreadyGone,
}

/// The member's timezone; only a member has a journal.
async fn timezone(ctx: Ctx<'_>, member: MemberId) -> Result<chrono_tz::Tz, ServiceError> {
    let row = ctx
        .store
        .member(member)
        .await?
        .ok_or(Refusal::NotEnrolled)?;
    Ok(row.settings.timezone.tz())
}

fn listed(entry: &JournalEntry, tz: chrono_tz::Tz) -> Listed {
    Listed {
        id: entry.id,
        written: entry.written_at.with_timezone(&tz).naive_local(),
        step: entry.step,
        preview: journal::preview(&entry.body),
        reflection: entry.checkin.is_some(),
    }
}

/// A button of `owner`'s journal, pressed by `member`.
pub fn check_owner(member: MemberId, owner: MemberId) -> Result<(), ServiceError> {
    if member == owner {
        Ok(())
    } else {
        Err(JournalError::NotYours.into())
    }
}

/// The page of the member's journal at `at`, newest first.
pub async fn list(ctx: Ctx<'_>, member: MemberId, at: PageAt) -> Result<Page, ServiceError> {
    let tz = timezone(ctx, member).await?;
    let total = ctx.store.journal_count(member).await?;
    let (entries, first) = match at {
        PageAt::Newest => (ctx.store.journal_page(member, 0, PAGE_SIZE).await?, 0),
        PageAt::Number(number) => {
            let offset = page_offset(number, total)?;
            (
                ctx.store.journal_page(member, offset, PAGE_SIZE).await?,
                offset,
            )
        }
        PageAt::Older(before) => {
            let older = ctx.store.journal_older(member, before, PAGE_SIZE).await?;
            match older.first() {
                Some(newest) => {
                    let first = ctx.store.journal_position(member, newest.id).await?;
                    (older, first)
                }
                // Nothing older any more (entries deleted meanwhile): the newest page.
                None => (ctx.store.journal_page(member, 0, PAGE_SIZE).await?, 0),
            }
        }
        PageAt::Newer(after) => {
            let newer = ctx.store.journal_newer(member, after, PAGE_SIZE).await?;
            match newer.first() {
                // A full page: where it stands.
                Some(newest) if newer.len() == PAGE_SIZE => {
                    let first = ctx.store.journal_position(member, newest.id).await?;
                    (newer, first)
                }
                // Fewer than a page are newer: that is the newest page.
                _ => (ctx.store.journal_page(member, 0, PAGE_SIZE).await?, 0),
            }
        }
    };
    Ok(Page {
        owner: member,
        placement: Placement {
            first,
            shown: entries.len(),
            total,
        },
        entries: entries.iter().map(|entry| listed(entry, tz)).collect(),
    })
}

/// The member's entries holding every word of `text` (case and accents aside), newest
/// first, page `number` of them.
pub async fn search(
    ctx: Ctx<'_>,
    member: MemberId,
    text: &str,
    number: Option<i64>,
) -> Result<Found, ServiceError> {
    let query = SearchQuery::parse(text)?;
    let tz = timezone(ctx, member).await?;
    let total = ctx.store.journal_count(member).await?;
    let read = ctx
        .store
        .journal_page(member, 0, journal::SEARCH_SCAN)
        .await?;
    // Folding thousands of entries is CPU work: off the async threads, so a member searching
    // a flooded journal holds nobody else up.
    let matches: Vec<JournalEntry> = tokio::task::spawn_blocking(move || {
        read.into_iter()
            .filter(|entry| query.matches(&entry.body))
            .collect()
    })
    .await
    .map_err(anyhow::Error::from)?;
    let number = number.unwrap_or(1);
    // No matches is one empty page, not an error: the words say so.
    let offset = page_offset(number, matches.len()).map_err(|error| match error {
        JournalError::NoSuchPage { asked, pages } => {
            JournalError::NoSuchResultsPage { asked, pages }
        }
        other => other,
    })?;
    let shown: Vec<Listed> = matches
        .iter()
        .skip(offset)
        .take(PAGE_SIZE)
        .map(|entry| listed(entry, tz))
        .collect();
    Ok(Found {
        page: Page {
            owner: member,
            placement: Placement {
                first: offset,
                shown: shown.len(),
                total: matches.len(),
            },
            entries: shown,
        },
        number,
        read_all: total <= journal::SEARCH_SCAN,
    })
}

/// The member's entry `raw` (an autocomplete value), whole.
pub async fn read(ctx: Ctx<'_>, member: MemberId, raw: &str) -> Result<Full, ServiceError> {
    let tz = timezone(ctx, member).await?;
    let id = EntryId::parse(raw).ok_or(JournalError::UnknownEntry)?;
    let entry = ctx
        .store
        .journal_entry(member, id)
        .await?
        .ok_or(JournalError::UnknownEntry)?;
    Ok(Full {
        owner: member,
        id: entry.id,
        written: entry.written_at.with_timezone(&tz).naive_local(),
        step: entry.step,
        text: entry.body,
        reflection: entry.checkin.is_some(),
    })
}

/// How many entries autocomplete looks through: the newest, so it answers in time.
const SUGGEST_SCAN: usize = 200;

/// Autocomplete for `/journal read`: the member's own entries matching what they typed (its
/// words, or a date like `2026-03`), newest first, at most 25: `(label, value)`.
pub async fn suggestions(
    ctx: Ctx<'_>,
    member: MemberId,
    partial: &str,
) -> Result<Vec<(String, String)>, ServiceError> {
    let Some(row) = ctx.store.member(member).await? else {
        return Ok(Vec::new());
    };
    let tz = row.settings.timezone.tz();
    let query = SearchQuery::parse(partial).ok();
    let typed = partial.trim();
    let read = ctx.store.journal_page(member, 0, SUGGEST_SCAN).await?;
    Ok(read
        .iter()
        .map(|entry| (entry, listed(entry, tz)))
        .filter(|(entry, shown)| match &query {
            None => true,
            Some(query) => {
                query.matches(&entry.body) || shown.written.date().to_string().starts_with(typed)
            }
        })
        .take(journal::MAX_CHOICES)
        .map(|(_, shown)| (label(&shown), shown.id.to_string()))
        .collect())
}

/// An autocomplete choice's words: "2026-03-02 · step 1 · We used to cook…" (at most 100
/// characters, Discord's limit).
fn label(entry: &Listed) -> String {
    let step = entry
        .step
        .map(|step| format!(" · step {step}"))
        .unwrap_or_default();
    let head = format!("{}{step} · ", entry.written.date());
    let room = 100usize.saturating_sub(head.chars().count());
    let words: String = entry
        .preview
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    format!("{head}{}", journal::cut(&words, room))
}

/// A new journal entry from `/journal write` (after the safety net has read it). Only an
/// enrolled member's words are kept; nothing is stored for anyone else, or after an erasure.
pub async fn write(ctx: Ctx<'_>, member: MemberId, text: &str) -> Result<(), ServiceError> {
    let entry = Reflection::parse(text)?;
    super::checkin::ensure_room(ctx, member).await?;
    if !ctx
        .store
        .add_reflection(member, None, &entry, ctx.now)
        .await?
    {
        return Err(Refusal::NotEnrolled.into());
    }
    Ok(())
}

/// Whether the member may write (checked before the modal opens).
pub async fn can_write(ctx: Ctx<'_>, member: MemberId) -> Result<(), ServiceError> {
    timezone(ctx, member).await.map(|_| ())
}

/// The member's entry `id`, for the delete confirmation.
pub async fn entry(ctx: Ctx<'_>, member: MemberId, id: EntryId) -> Result<Full, ServiceError> {
    read(ctx, member, &id.to_string()).await
}

/// Deletes the member's entry `id` (confirmed); pressed twice, the second finds it gone.
pub async fn delete(ctx: Ctx<'_>, member: MemberId, id: EntryId) -> Result<Deletion, ServiceError> {
    Ok(if ctx.store.delete_journal_entry(member, id).await? {
        Deletion::Deleted
    } else {
        Deletion::AlreadyGone
    })
}
