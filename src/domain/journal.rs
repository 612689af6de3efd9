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
mod tests {
    use super::*;

    #[test]
    fn pages_count_five_entries_each_and_an_empty_journal_is_one_page() {
        assert_eq!(pages(0), 1);
        assert_eq!(pages(5), 1);
        assert_eq!(pages(6), 2);
        assert_eq!(pages(23), 5);
    }

    #[test]
    fn a_page_number_maps_to_its_first_entry_and_one_past_the_end_is_refused() {
        assert_eq!(page_offset(1, 23), Ok(0));
        assert_eq!(page_offset(2, 23), Ok(5));
        assert_eq!(page_offset(5, 23), Ok(20));
        for bad in [0, -1, 6, i64::MAX] {
            assert_eq!(
                page_offset(bad, 23),
                Err(JournalError::NoSuchPage {
                    asked: bad,
                    pages: 5
                }),
                "{bad}"
            );
        }
        assert!(page_offset(2, 3)
            .unwrap_err()
            .to_string()
            .contains("has 1 page right now"));
    }

    #[test]
    fn a_placement_says_where_it_is_and_which_way_there_is_more() {
        let first = Placement {
            first: 0,
            shown: 5,
            total: 23,
        };
        assert!(!first.has_newer() && first.has_older());
        assert_eq!(first.label(), "Entries 1–5 of 23");
        let middle = Placement {
            first: 5,
            shown: 5,
            total: 23,
        };
        assert!(middle.has_newer() && middle.has_older());
        assert_eq!(middle.label(), "Entries 6–10 of 23");
        let last = Placement {
            first: 20,
            shown: 3,
            total: 23,
        };
        assert!(last.has_newer() && !last.has_older());
        assert_eq!(last.label(), "Entries 21–23 of 23");
        let only = Placement {
            first: 0,
            shown: 1,
            total: 1,
        };
        assert!(!only.has_newer() && !only.has_older());
        assert_eq!(only.label(), "Entry 1 of 1");
        let none = Placement {
            first: 0,
            shown: 0,
            total: 0,
        };
        assert!(!none.has_newer() && !none.has_older());
        assert_eq!(none.label(), "No entries yet");
    }

    #[test]
    fn folding_drops_case_and_accents() {
        assert_eq!(fold("Café  CRÈME brûlée"), "cafe creme brulee");
        assert_eq!(fold("Straße Œuvre Søren Łódź"), "strasse oeuvre soren lodz");
        assert_eq!(fold("ＦＵＬＬ width"), "full width");
        assert_eq!(fold("  a\n\tb  "), "a b");
    }

    #[test]
    fn a_search_finds_every_word_whatever_the_case_and_accents() {
        let query = SearchQuery::parse("cafe ÉTÉ").expect("valid");
        assert!(query.matches("L'été dernier, au Café de Flore"));
        assert!(query.matches("ete... cafe"));
        assert!(!query.matches("Le café, en hiver"));
        let accented = SearchQuery::parse("Café").expect("valid");
        assert!(accented.matches("we met at a cafe"));
        assert!(accented.matches("CAFÉ"));
    }

    #[test]
    fn empty_and_overlong_searches_are_refused_kindly() {
        assert_eq!(SearchQuery::parse("  "), Err(JournalError::EmptySearch));
        assert_eq!(
            SearchQuery::parse("\u{200B}\u{200B}"),
            Err(JournalError::EmptySearch)
        );
        assert_eq!(
            SearchQuery::parse(&"a".repeat(101)),
            Err(JournalError::SearchTooLong { length: 101 })
        );
        assert_eq!(
            format!("{:?}", SearchQuery::parse("private words").expect("valid")),
            "SearchQuery(2 words)"
        );
    }

    #[test]
    fn a_preview_is_at_most_300_characters_and_never_pings() {
        let long = "é".repeat(400);
        let shown = preview(&long);
        assert_eq!(shown.chars().count(), 300);
        assert!(shown.ends_with('…'));
        assert_eq!(preview("short"), "short");
        let quoted = preview("hey @everyone and @here, <@123> <@&9> <#5>");
        assert!(
            !quoted.contains("@everyone") && !quoted.contains("@here"),
            "{quoted}"
        );
        assert!(!quoted.contains("<@") && !quoted.contains("<#"), "{quoted}");
        assert_eq!(
            quoted.replace('\u{200B}', ""),
            "hey @everyone and @here, <@123> <@&9> <#5>"
        );
        assert_eq!(inert("mail me at a@b"), "mail me at a@\u{200B}b");
    }

    #[test]
    fn entry_ids_come_back_only_as_positive_digits() {
        assert_eq!(EntryId::parse("42").map(EntryId::get), Some(42));
        for bad in ["", "0", "-4", "4.0", "x", "99999999999999999999", " 1 2"] {
            assert_eq!(EntryId::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_search_is_case_insensitive_in_greek_turkish_and_with_ligatures() {
        // Greek capitals lower to σ; a word written in lower case ends in ς.
        for (query, entry) in [
            ("οδός", "ΣΤΟΝ ΙΔΙΟ ΔΡΟΜΟ, ΣΤΗΝ ΙΔΙΑ ΟΔΟΣ"),
            ("ΟΔΟΣ", "περπάτησα στην ίδια οδός"),
            ("KIRMIZI", "kırmızı bir gün"),
            ("İstanbul", "istanbul'da bir akşam"),
            ("office", "the oﬃce was quiet"),
            ("ﬁne", "I am FINE"),
        ] {
            let search = SearchQuery::parse(query).expect("valid");
            assert!(search.matches(entry), "{query:?} finds {entry:?}");
        }
    }

    #[test]
    fn punctuation_typed_around_a_word_does_not_hide_the_entry() {
        let search = SearchQuery::parse("sea, calm. \"walk\" (home)? ¿qué?").expect("valid");
        assert!(search.matches("A calm walk home by the sea. ¿Qué más?"));
        // Inside a word it stays, and a search of punctuation alone looks for it.
        assert!(!SearchQuery::parse("l'été")
            .expect("valid")
            .matches("le tété"));
        assert!(SearchQuery::parse("l’été")
            .expect("valid")
            .matches("Nous, l'été"));
        assert!(SearchQuery::parse("don't")
            .expect("valid")
            .matches("I DON’T know"));
        assert!(SearchQuery::parse("100%")
            .expect("valid")
            .matches("100% sure"));
        assert!(SearchQuery::parse("?!").expect("valid").matches("what?!"));
        assert!(!SearchQuery::parse("?!").expect("valid").matches("what"));
        assert!(SearchQuery::parse("%_\\")
            .expect("valid")
            .matches("odd %_\\ text"));
        assert!(!SearchQuery::parse("%")
            .expect("valid")
            .matches("no wildcard here"));
    }

    #[test]
    fn a_preview_never_cuts_a_flag_an_emoji_or_an_accent_in_half() {
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}";
        for (unit, text) in [
            ("\u{1F1EB}\u{1F1F7}", "\u{1F1EB}\u{1F1F7}".repeat(200)),
            (family, family.repeat(80)),
            ("e\u{301}", "e\u{301}".repeat(200)),
            ("\u{1F44D}\u{1F3FD}", "\u{1F44D}\u{1F3FD}".repeat(200)),
            ("\u{2764}\u{FE0F}", "\u{2764}\u{FE0F}".repeat(200)),
        ] {
            let shown = preview(&text);
            assert!(shown.chars().count() <= PREVIEW_CHARS, "{shown}");
            let kept = shown.strip_suffix('…').expect("cut");
            assert!(!kept.is_empty());
            assert_eq!(kept.replace(unit, ""), "", "whole {unit:?} only: {kept:?}");
        }
        // One endless cluster (a thousand accents on one letter) is still cut to size.
        let zalgo = format!("a{}", "\u{301}".repeat(1000));
        assert_eq!(preview(&zalgo).chars().count(), PREVIEW_CHARS);
    }
}
