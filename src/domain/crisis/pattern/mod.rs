//! Patterns: what the content file says, and how it is matched against folded words.
//!
//! A pattern is a sequence of terms separated by spaces, all of which must appear in order:
//!
//! - `word`: that word. Words of five letters or more also match with one typo.
//! - `word*`: any word that begins with `word`.
//! - `a|b|c`: any one of the alternatives.
//! - `...`: a gap of up to [`GAP`] words ("want to ... die" matches "want to just die").
//!
//! A term may also match two or three words written apart ("my self" for `myself`), and
//! consecutive terms may meet inside one word written together ("killmyself").
//!
//! Matching looks words up in a [`Lexicon`] built once per content load: every word and
//! prefix any pattern uses, with the one-deletion variants of the long words, so a typo costs
//! a few hash lookups instead of a comparison with every word of every pattern.

mod lexicon;

pub use lexicon::Lexicon;

use super::normalize::{squeeze, Word};

/// The widest gap `...` allows, in words.
pub const GAP: usize = 4;
/// Words of at least this many letters also match with one typo; prefixes (`word*`) of at
/// least this many letters match a word that begins within one typo of them.
pub const TYPO_MIN_LETTERS: usize = 5;
/// Words of exactly this many letters match with two neighbouring letters swapped ("wnat").
const SWAP_LETTERS: usize = 4;
/// A glued word ("killmyself") is searched for pattern words inside it only from this length.
const GLUED_MIN_LETTERS: usize = 6;

/// Why a pattern cannot be used; the text is for the content file's author.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    #[error("has no words")]
    Empty,
    #[error("cannot start or end with `...`")]
    GapAtEdge,
    #[error("has `...` twice in a row")]
    DoubleGap,
    #[error("has an empty alternative in “{0}”")]
    EmptyAlternative(String),
    #[error("“{0}” has no letters once folded")]
    NoLetters(String),
    #[error("“{0}”: `*` can only end a word, after at least three letters")]
    BadPrefix(String),
    #[error("is one word of fewer than three letters, which would match ordinary text everywhere")]
    TooShort,
}

/// One alternative of a term: an id in the lexicon.
pub(super) type Id = u32;

#[derive(Debug, Clone)]
enum Term {
    /// Any of these lexicon entries.
    Any(Vec<Id>),
    /// Up to `GAP` words of anything.
    Gap,
}

/// A parsed pattern.
#[derive(Debug, Clone)]
pub struct Pattern {
    terms: Vec<Term>,
}

impl Pattern {
    /// Parses `source`, adding its words to `lexicon`.
    pub fn parse(source: &str, lexicon: &mut Lexicon) -> Result<Pattern, PatternError> {
        let mut terms = Vec::new();
        for raw in source.split_whitespace() {
            if raw == "..." || raw == "…" {
                if matches!(terms.last(), Some(Term::Gap)) {
                    return Err(PatternError::DoubleGap);
                }
                if terms.is_empty() {
                    return Err(PatternError::GapAtEdge);
                }
                terms.push(Term::Gap);
                continue;
            }
            let mut alternatives = Vec::new();
            for alternative in raw.split('|') {
                if alternative.is_empty() {
                    return Err(PatternError::EmptyAlternative(raw.to_owned()));
                }
                let id = lexicon.intern(alternative)?;
                if !alternatives.contains(&id) {
                    alternatives.push(id);
                }
            }
            terms.push(Term::Any(alternatives));
        }
        let words: Vec<&str> = source.split_whitespace().collect();
        if let [only] = words.as_slice() {
            let letters =
                |alternative: &str| alternative.chars().filter(|c| c.is_alphanumeric()).count();
            let emoji = only.chars().any(|c| !c.is_ascii() && !c.is_alphabetic());
            if !emoji && only.split('|').all(|alternative| letters(alternative) < 3) {
                return Err(PatternError::TooShort);
            }
        }
        match terms.last() {
            None => Err(PatternError::Empty),
            Some(Term::Gap) => Err(PatternError::GapAtEdge),
            Some(Term::Any(_)) => Ok(Pattern { terms }),
        }
    }

    /// The ids the first term accepts, to index patterns by where they can start.
    pub fn first_ids(&self) -> &[Id] {
        match self.terms.first() {
            Some(Term::Any(ids)) => ids,
            _ => &[],
        }
    }
}

/// A member's text, ready for patterns: words, what each matches, and which words an idiom
/// used.
pub struct Text<'l> {
    lexicon: &'l Lexicon,
    words: Vec<Word>,
    /// Per word, and per run of two and three words written apart: what it matches.
    spans: Vec<[Vec<Id>; 3]>,
    /// Words an idiom's own terms matched (not the words inside its gaps).
    quiet: Vec<bool>,
}

/// Where matching stands: a word, and a character offset inside it (for glued words).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct At {
    word: usize,
    offset: usize,
}

/// The words a match used for its terms (gaps excluded), in order.
pub type Used = Vec<usize>;

impl<'l> Text<'l> {
    pub fn new(lexicon: &'l Lexicon, words: Vec<Word>) -> Text<'l> {
        let spans = (0..words.len())
            .map(|start| {
                let mut sets: [Vec<Id>; 3] = Default::default();
                for (width, set) in sets.iter_mut().enumerate() {
                    let end = start + width + 1;
                    if end > words.len() {
                        break;
                    }
                    *set = span_matches(lexicon, &words[start..end]);
                }
                sets
            })
            .collect();
        let quiet = vec![false; words.len()];
        Text {
            lexicon,
            words,
            spans,
            quiet,
        }
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Whether the word at `index` could start `pattern` (a cheap test before matching).
    pub fn may_start(&self, index: usize, first: &[Id]) -> bool {
        self.spans[index]
            .iter()
            .any(|set| first.iter().any(|id| set.binary_search(id).is_ok()))
            || self.glued(index)
    }

    /// The lexicon ids the word at `index` (alone or with the next one or two) matches.
    pub fn start_ids(&self, index: usize) -> impl Iterator<Item = Id> + '_ {
        self.spans[index].iter().flatten().copied()
    }

    /// A long word that matches nothing whole: patterns are looked for inside it.
    pub fn glued(&self, index: usize) -> bool {
        let word = &self.words[index];
        word.text.chars().count() >= GLUED_MIN_LETTERS && self.spans[index][0].is_empty()
    }

    /// The folded text of word `index` (for finding pattern words inside a glued word).
    pub fn text_of(&self, index: usize) -> &str {
        &self.words[index].text
    }

    /// Where `pattern` matches starting at word `start`: the words its terms used.
    pub fn match_at(&self, pattern: &Pattern, start: usize) -> Option<Used> {
        self.match_inside(pattern, start, 0)
    }

    /// Like [`Self::match_at`], starting `offset` bytes into a glued word.
    pub fn match_inside(&self, pattern: &Pattern, start: usize, offset: usize) -> Option<Used> {
        let mut used = Vec::new();
        self.walk(
            &pattern.terms,
            At {
                word: start,
                offset,
            },
            &mut used,
        )
        .map(|()| used)
    }

    /// Records an idiom's words: a rule match that uses any of them is the idiom, not a
    /// crisis ("this queue is killing me"). Words inside the idiom's gaps stay free, so
    /// "I'm gonna kill myself and die alone" is not silenced by "gonna ... die alone".
    pub fn quiet(&mut self, used: &[usize]) {
        for &word in used {
            if let Some(quiet) = self.quiet.get_mut(word) {
                *quiet = true;
            }
        }
    }

    /// Whether a rule match uses an idiom's words.
    pub fn is_idiom(&self, used: &[usize]) -> bool {
        used.iter().any(|&word| self.quiet[word])
    }

    fn walk(&self, terms: &[Term], at: At, used: &mut Used) -> Option<()> {
        let Some((term, rest)) = terms.split_first() else {
            return (at.offset == 0).then_some(());
        };
        match term {
            Term::Gap => {
                let skips = if at.offset != 0 {
                    // Inside a glued word: go on right here, or after this word and more.
                    if self.walk(rest, at, used).is_some() {
                        return Some(());
                    }
                    1..=GAP
                } else {
                    0..=GAP
                };
                skips
                    .take_while(|skip| at.word + skip <= self.words.len())
                    .find_map(|skip| {
                        self.walk(
                            rest,
                            At {
                                word: at.word + skip,
                                offset: 0,
                            },
                            used,
                        )
                    })
            }
            Term::Any(ids) => {
                if at.word >= self.words.len() {
                    return None;
                }
                if at.offset == 0 {
                    for width in 0..3 {
                        let end = at.word + width + 1;
                        if end > self.words.len() {
                            break;
                        }
                        let set = &self.spans[at.word][width];
                        if ids.iter().any(|id| set.binary_search(id).is_ok()) {
                            let mark = used.len();
                            used.extend(at.word..end);
                            let next = At {
                                word: end,
                                offset: 0,
                            };
                            if self.walk(rest, next, used).is_some() {
                                return Some(());
                            }
                            used.truncate(mark);
                        }
                    }
                    if !self.glued(at.word) {
                        return None;
                    }
                }
                self.inside(ids, rest, at, used)
            }
        }
    }

    /// Terms meeting inside one glued word: exact words only, no typos.
    fn inside(&self, ids: &[Id], rest: &[Term], at: At, used: &mut Used) -> Option<()> {
        let word = &self.words[at.word];
        let variants = std::iter::once(&word.text).chain(&word.alts);
        for text in variants {
            let Some(remainder) = text.get(at.offset..) else {
                continue;
            };
            // Squeezing a glued word merges a letter two words share ("want"+"to" reads
            // "wanto"): the next word may begin on the letter the last one ended with.
            let shared = text
                .get(..at.offset)
                .and_then(|before| before.chars().last());
            for &id in ids {
                let entry = &self.lexicon.entries[id as usize];
                let mut wanted = entry.text.as_str();
                if !remainder.starts_with(wanted) {
                    let mut chars = wanted.chars();
                    match (shared, chars.next()) {
                        (Some(last), Some(first))
                            if last == first && remainder.starts_with(chars.as_str()) =>
                        {
                            wanted = chars.as_str();
                        }
                        _ => continue,
                    }
                }
                if wanted.is_empty() {
                    continue;
                }
                let next = if remainder.len() == wanted.len() || entry.prefix {
                    At {
                        word: at.word + 1,
                        offset: 0,
                    }
                } else {
                    At {
                        word: at.word,
                        offset: at.offset + wanted.len(),
                    }
                };
                let mark = used.len();
                used.push(at.word);
                if self.walk(rest, next, used).is_some() {
                    return Some(());
                }
                used.truncate(mark);
            }
        }
        None
    }
}

/// What a run of words written apart matches when read as one word.
fn span_matches(lexicon: &Lexicon, words: &[Word]) -> Vec<Id> {
    if let [word] = words {
        let mut ids = lexicon.matches(&word.text);
        for alt in &word.alts {
            ids.extend(lexicon.matches(alt));
        }
        ids.sort_unstable();
        ids.dedup();
        return ids;
    }
    let joined: String = words.iter().map(|w| w.text.as_str()).collect();
    // Only a run that reads as a word is looked up ("my self"), not a phrase.
    if joined.chars().count() > 16 {
        return Vec::new();
    }
    let mut ids = lexicon.matches(&squeeze(&joined));
    // A run's parts must not already be whole pattern words on their own for prefixes: "suicide
    // watch" is not a longer "suicid*" word. Exact and typo matches stay.
    ids.retain(|id| !lexicon.entries[*id as usize].prefix);
    ids
}
