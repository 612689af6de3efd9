//! The journal: a member's own reflections and journal entries, read back newest first, five
//! to a page, searchable whatever the case or accents.
//!
//! Pure: which page, what a page says about its place ("entries 6–10 of 23"), how a search
//! folds text, how much of an entry a list shows. The words themselves never reach a log:
//! [`SearchQuery`] shows only its length in `Debug`.

use std::fmt;

use thiserror::Error;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Entries on one page.
pub const PAGE_SIZE: usize = 5;
/// Characters of an entry a list shows before "…".
pub const PREVIEW_CHARS: usize = 300;
/// The longest search a member may type (a Discord option allows more; nobody needs it).
pub const MAX_SEARCH_CHARS: usize = 100;
/// A search reads at most this many entries, newest first: a flood of entries costs a bounded
/// amount of work per search.
pub const SEARCH_SCAN: usize = 2000;
/// Autocomplete offers at most this many entries (Discord's limit for choices).
pub const MAX_CHOICES: usize = 25;

/// A journal entry's id (a row of `reflections`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntryId(i64);

impl EntryId {
    pub fn new(raw: i64) -> Option<EntryId> {
        (raw > 0).then_some(EntryId(raw))
    }

    /// An id as a member's client sends it back (an autocomplete value or a `custom_id`
    /// part): digits only, positive.
    pub fn parse(text: &str) -> Option<EntryId> {
        let text = text.trim();
        if text.is_empty() || text.len() > 19 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        text.parse::<i64>().ok().and_then(EntryId::new)
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Why a journal request was refused; shown to the member.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum JournalError {
    #[error("What would you like to look for? Type a word or two from the entry.")]
    EmptySearch,
    #[error("That search is {length} characters; a few words (up to {MAX_SEARCH_CHARS} characters) work best.")]
    SearchTooLong { length: usize },
    #[error("Your journal has {} right now, so there's no page {asked}.", pages_text(*.pages))]
    NoSuchPage { asked: i64, pages: usize },
    #[error("Those search results fill {}, so there's no page {asked}.", pages_text(*.pages))]
    NoSuchResultsPage { asked: i64, pages: usize },
    /// An entry that does not exist or belongs to someone else: the same words for both.
    #[error("I couldn't find that entry in your journal. Pick one from the list as you type.")]
    UnknownEntry,
    #[error("These buttons belong to someone else's journal, so I can't use them for you. `/journal list` shows your own.")]
    NotYours,
}

fn pages_text(pages: usize) -> String {
    if pages == 1 {
        "1 page".to_owned()
    } else {
        format!("{pages} pages")
    }
}

/// Which page a member asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageAt {
    /// The newest entries.
    Newest,
    /// Page `n` counted from the newest (1 is the newest).
    Number(i64),
    /// The page after the one that ended with this entry ("Older").
    Older(EntryId),
    /// The page before the one that began with this entry ("Newer").
    Newer(EntryId),
}

/// The number of pages `total` entries fill (at least 1: an empty journal is one page).
pub fn pages(total: usize) -> usize {
    total.div_ceil(PAGE_SIZE).max(1)
}

/// Where page `number` starts among the entries, newest first; a page past the end is
/// refused with how many there are.
pub fn page_offset(number: i64, total: usize) -> Result<usize, JournalError> {
    let count = pages(total);
    match usize::try_from(number) {
        Ok(n) if (1..=count).contains(&n) => Ok((n - 1) * PAGE_SIZE),
        _ => Err(JournalError::NoSuchPage {
            asked: number,
            pages: count,
        }),
    }
}

/// Where a shown page sits: `first` is the 0-based position of its newest entry among all
/// entries, newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    pub first: usize,
    pub shown: usize,
    pub total: usize,
}

impl Placement {
    pub fn has_newer(&self) -> bool {
        self.first > 0
    }

    pub fn has_older(&self) -> bool {
        self.first + self.shown < self.total
    }

    /// "Entries 6–10 of 23", "Entry 1 of 1", "No entries yet".
    pub fn label(&self) -> String {
        match (self.shown, self.total) {
            (0, _) => "No entries yet".to_owned(),
            (1, 1) => "Entry 1 of 1".to_owned(),
            (1, total) => format!("Entry {} of {total}", self.first + 1),
            (shown, total) => format!(
                "Entries {}–{} of {total}",
                self.first + 1,
                self.first + shown
            ),
        }
    }
}

/// `text` folded for search: decomposed, accents dropped, lower case, a few letters that do
/// not decompose spelled out (ß, æ, œ, ø, ł, đ), Greek's final ς as σ, curly apostrophes
/// straight, runs of white space made one.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.nfkd().filter(|c| !is_combining_mark(*c)) {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        match c {
            'ß' | 'ẞ' => out.push_str("ss"),
            'æ' | 'Æ' => out.push_str("ae"),
            'œ' | 'Œ' => out.push_str("oe"),
            'ø' | 'Ø' => out.push('o'),
            'ł' | 'Ł' => out.push('l'),
            'đ' | 'Đ' => out.push('d'),
            'ı' => out.push('i'),
            // Greek has two lower-case sigmas: a capital Σ lowers to σ, a word ends in ς.
            'ς' => out.push('σ'),
            // A phone's curly apostrophe and a keyboard's straight one are the same.
            '’' | 'ʼ' | '‘' => out.push('\''),
            other => out.extend(other.to_lowercase()),
        }
    }
    out
}

/// A search: every word must appear in an entry (in any order), case and accents aside, and
/// the punctuation typed around it too.
#[derive(Clone, PartialEq, Eq)]
pub struct SearchQuery {
    words: Vec<String>,
}

impl SearchQuery {
    pub fn parse(text: &str) -> Result<SearchQuery, JournalError> {
        let length = text.trim().chars().count();
        if length > MAX_SEARCH_CHARS {
            return Err(JournalError::SearchTooLong { length });
        }
        let words: Vec<String> = fold(text)
            .split(' ')
            .filter(|w| w.chars().any(super::text::is_visible))
            .map(|w| {
                // "sea," and "(home)?" look for sea and home; punctuation alone is kept.
                let bare = w.trim_matches(is_punctuation);
                if bare.is_empty() { w } else { bare }.to_owned()
            })
            .collect();
        if words.is_empty() {
            return Err(JournalError::EmptySearch);
        }
        Ok(SearchQuery { words })
    }

    /// Whether `entry` holds every word of the search.
    pub fn matches(&self, entry: &str) -> bool {
        let folded = fold(entry);
        self.words.iter().all(|word| folded.contains(word.as_str()))
    }
}

/// Punctuation a member may type around a word: commas, stops, quotes, brackets, the
/// Spanish marks.
fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(
            c,
            '…' | '“'
                | '”'
                | '‘'
                | '’'
                | '«'
                | '»'
                | '„'
                | '¿'
                | '¡'
                | '–'
                | '—'
                | '。'
                | '、'
        )
}

/// A search is the member's words: `Debug` shows only how many.
impl fmt::Debug for SearchQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SearchQuery({} words)", self.words.len())
    }
}

/// `text` with mentions made inert: `@everyone`, `@here`, `<@…>` and `<#…>` shown as
/// written but with a zero-width space after the `@` or `<`, so quoting a member's words back
/// can never ping anyone, whatever the message's allowed mentions say.
pub fn inert(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        let next = chars.peek().copied();
        let defuse = match (c, next) {
            ('@', Some(n)) => n.is_alphanumeric() || n == '&' || n == '!',
            ('<', Some('@' | '#' | ':' | 'a' | 't' | '/')) => true,
            _ => false,
        };
        if defuse {
            out.push('\u{200B}');
        }
    }
    out
}

/// The start of an entry for a list: at most [`PREVIEW_CHARS`] characters (then "…"),
/// mentions made inert.
pub fn preview(text: &str) -> String {
    cut(text, PREVIEW_CHARS)
}

/// `text` with mentions made inert, cut to `most` characters (the last one "…") when
/// longer.
pub fn cut(text: &str, most: usize) -> String {
    let shown = inert(text.trim());
    if shown.chars().count() <= most {
        return shown;
    }
    let chars: Vec<char> = shown.chars().collect();
    let end = most.saturating_sub(1);
    // Back to where one character cluster (a flag, an emoji with its skin tone or family, a
    // letter with its accents) ends; a single cluster longer than the room is cut anyway.
    let end = (1..=end)
        .rev()
        .find(|&at| breaks_between(&chars, at))
        .unwrap_or(end);
    let kept: String = chars[..end].iter().collect();
    format!("{}…", kept.trim_end())
}

/// Whether a cut between `chars[at - 1]` and `chars[at]` leaves every character cluster
/// whole: not before an accent, a zero-width joiner, a variation selector, a skin tone or a
/// flag's tag; not after a joiner; not inside a flag's pair of regional indicators.
fn breaks_between(chars: &[char], at: usize) -> bool {
    let (Some(&before), Some(&after)) = (chars.get(at.wrapping_sub(1)), chars.get(at)) else {
        return true;
    };
    let extends = |c: char| {
        is_combining_mark(c)
            || matches!(c, '\u{200D}' | '\u{FE00}'..='\u{FE0F}' | '\u{1F3FB}'..='\u{1F3FF}' | '\u{E0020}'..='\u{E007F}')
    };
    let regional = |c: char| matches!(c, '\u{1F1E6}'..='\u{1F1FF}');
    if extends(after) || before == '\u{200D}' {
        return false;
    }
    if regional(before) && regional(after) {
        // Pairs count from the start of the run: an odd number before the cut splits one.
        let run = chars[..at]
            .iter()
            .rev()
            .take_while(|c| regional(**c))
            .count();
        return run % 2 == 0;
    }
    true
}

#[cfg(test)]
mod tests;
