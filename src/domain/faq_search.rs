//! Fuzzy search over the FAQ: what `/faq` autocomplete and free-text topics use.
//!
//! The index is built once per content load (folded phrases and words per entry), so a
//! keystroke costs a few string comparisons, and a few small padded copies for whole-phrase
//! tests, per entry: tens of microseconds for the whole FAQ (`benches/hot_paths.rs`). Ranking favours, in order: an
//! exact key or alias, a key/alias/question that starts with or contains the typed phrase,
//! and then word-by-word matches that forgive a typo or two ("jelous", "astrolgy").

use super::text::{edit_distance_within, fold, words};

/// Words that appear in nearly every question and carry no signal on their own.
const STOP_WORDS: &[&str] = &[
    "a",
    "an",
    "and",
    "are",
    "as",
    "at",
    "back",
    "be",
    "boyfriend",
    "but",
    "by",
    "can",
    "do",
    "does",
    "ex",
    "for",
    "from",
    "get",
    "getting",
    "girlfriend",
    "have",
    "he",
    "her",
    "him",
    "his",
    "how",
    "i",
    "if",
    "in",
    "is",
    "it",
    "its",
    "me",
    "my",
    "of",
    "on",
    "or",
    "partner",
    "she",
    "should",
    "so",
    "that",
    "the",
    "them",
    "they",
    "this",
    "to",
    "was",
    "what",
    "when",
    "will",
    "with",
    "you",
    "your",
];

/// One FAQ entry as the index sees it: the folded phrases and words it can be found by.
#[derive(Debug, Clone)]
struct Indexed {
    phrases: Vec<String>,
    words: Vec<String>,
}

/// A search index over FAQ entries, in content order.
#[derive(Debug, Clone, Default)]
pub struct FaqIndex {
    entries: Vec<Indexed>,
}

/// What one entry is found by: its key, its question and its aliases.
pub struct Searchable<'a> {
    pub key: &'a str,
    pub question: &'a str,
    pub aliases: &'a [String],
}

impl FaqIndex {
    pub fn new<'a>(entries: impl IntoIterator<Item = Searchable<'a>>) -> Self {
        let entries = entries
            .into_iter()
            .map(|entry| {
                let mut phrases = vec![fold(entry.key), fold(entry.question)];
                phrases.extend(entry.aliases.iter().map(|alias| fold(alias)));
                phrases.retain(|phrase| !phrase.is_empty());
                let mut all_words: Vec<String> = phrases
                    .iter()
                    .flat_map(|p| words(p))
                    .filter(|w| !is_stop_word(w))
                    .collect();
                all_words.sort();
                all_words.dedup();
                Indexed {
                    phrases,
                    words: all_words,
                }
            })
            .collect();
        FaqIndex { entries }
    }

    /// Entry positions that match `query`, best first; ties keep content order. An empty
    /// query matches nothing (callers list every entry instead).
    pub fn search(&self, query: &str) -> Vec<usize> {
        let folded = fold(query);
        if folded.is_empty() {
            return Vec::new();
        }
        let mut query_words: Vec<String> = words(&folded)
            .into_iter()
            .filter(|w| !is_stop_word(w))
            .collect();
        if query_words.is_empty() {
            query_words = words(&folded);
        }
        let mut scored: Vec<(u32, usize)> = self
            .entries
            .iter()
            .enumerate()
            .filter_map(|(position, entry)| {
                let score = phrase_score(entry, &folded).max(word_score(entry, &query_words));
                (score > 0).then_some((score, position))
            })
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().map(|(_, position)| position).collect()
    }

    /// The single best entry for `query`, if any entry matches it at all.
    pub fn best(&self, query: &str) -> Option<usize> {
        self.search(query).into_iter().next()
    }
}

fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

fn phrase_score(entry: &Indexed, query: &str) -> u32 {
    let padded_query = format!(" {query} ");
    entry
        .phrases
        .iter()
        .map(|phrase| {
            if phrase == query {
                1000
            } else if phrase.starts_with(query) {
                800
            } else if format!(" {phrase} ").contains(&padded_query) {
                700
            } else if phrase.len() >= 3 && padded_query.contains(&format!(" {phrase} ")) {
                // The member typed a whole alias inside a longer sentence.
                600
            } else if query.len() >= 3 && phrase.contains(query) {
                500
            } else {
                0
            }
        })
        .max()
        .unwrap_or(0)
}

/// Average over the query's words of how well each is matched by the entry's best word,
/// scaled so that every word matching exactly (600) ranks below any phrase match.
fn word_score(entry: &Indexed, query_words: &[String]) -> u32 {
    if query_words.is_empty() {
        return 0;
    }
    let total: u32 = query_words
        .iter()
        .map(|query_word| {
            entry
                .words
                .iter()
                .map(|word| word_match(query_word, word))
                .max()
                .unwrap_or(0)
        })
        .sum();
    total * 6 / u32::try_from(query_words.len()).unwrap_or(u32::MAX)
}

fn word_match(query_word: &str, word: &str) -> u32 {
    let query_len = query_word.chars().count();
    let word_len = word.chars().count();
    if query_word == word {
        100
    } else if query_len >= 3 && word.starts_with(query_word) {
        80
    } else if word_len >= 4 && query_word.starts_with(word) {
        70
    } else if query_len >= 4 && edit_distance_within(query_word, word, 1) <= 1 {
        60
    } else if query_len >= 7 && edit_distance_within(query_word, word, 2) <= 2 {
        40
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> FaqIndex {
        let entries: Vec<(&str, &str, Vec<String>)> = vec![
            (
                "no-contact",
                "Should I use the no-contact rule?",
                vec!["no contact".into(), "space".into()],
            ),
            (
                "jealousy",
                "Should I date someone else to make them jealous?",
                vec!["jealous".into()],
            ),
            (
                "astrology",
                "Can astrology or love spells help?",
                vec!["horoscope".into()],
            ),
            (
                "new-partner",
                "What if they're seeing someone else?",
                vec!["seeing someone".into()],
            ),
        ];
        FaqIndex::new(entries.iter().map(|(key, question, aliases)| Searchable {
            key,
            question,
            aliases,
        }))
    }

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        assert!(STOP_WORDS.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn an_exact_alias_ranks_its_entry_first() {
        assert_eq!(index().best("jealous"), Some(1));
        assert_eq!(index().best("No Contact"), Some(0));
    }

    #[test]
    fn a_phrase_inside_a_question_ranks_its_entry_first() {
        assert_eq!(index().best("seeing someone"), Some(3));
    }

    #[test]
    fn a_typo_still_finds_the_entry() {
        assert_eq!(index().best("jelous"), Some(1));
        assert_eq!(index().best("astrolgy"), Some(2));
    }

    #[test]
    fn a_prefix_finds_the_entry_while_typing() {
        assert_eq!(index().best("astr"), Some(2));
    }

    #[test]
    fn an_alias_inside_a_sentence_finds_the_entry() {
        assert_eq!(index().best("should I really go no contact now"), Some(0));
    }

    #[test]
    fn an_empty_query_matches_nothing() {
        assert!(index().search("   ").is_empty());
    }

    #[test]
    fn an_unrelated_query_matches_nothing() {
        assert!(index().search("pizza").is_empty());
    }

    #[test]
    fn ties_keep_content_order() {
        // "someone" appears in two questions equally.
        assert_eq!(index().search("someone"), vec![1, 3]);
    }
}
