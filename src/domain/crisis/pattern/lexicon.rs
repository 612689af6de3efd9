//! The lexicon: every word and prefix the patterns use, indexed so that a typo costs a few
//! hash lookups instead of a comparison with every word of every pattern.

use std::collections::HashMap;

use super::{Id, PatternError, SWAP_LETTERS, TYPO_MIN_LETTERS};
use crate::domain::crisis::normalize::{one_edit_apart, pattern_word};

#[derive(Debug, Clone)]
pub(super) struct Entry {
    /// Squeezed form.
    pub(super) text: String,
    pub(super) prefix: bool,
    typo: bool,
}

/// Every word and prefix the patterns use.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    pub(super) entries: Vec<Entry>,
    ids: HashMap<(bool, String), Id>,
    /// One-deletion variants (and the word itself) of words that allow a typo.
    deletions: HashMap<String, Vec<Id>>,
    /// Four-letter words with two neighbouring letters swapped.
    swaps: HashMap<String, Vec<Id>>,
    /// One-deletion variants (and the prefix itself) of prefixes that allow a typo.
    prefix_deletions: HashMap<String, Vec<Id>>,
    /// The lengths (in characters) of prefixes that allow a typo.
    fuzzy_prefix_lengths: Vec<usize>,
    longest_prefix: usize,
}

impl Lexicon {
    pub(super) fn intern(&mut self, raw: &str) -> Result<Id, PatternError> {
        let (word, prefix) = match raw.strip_suffix('*') {
            Some(stem) => (stem, true),
            None => (raw, false),
        };
        if word.contains('*') {
            return Err(PatternError::BadPrefix(raw.to_owned()));
        }
        let folded = pattern_word(word);
        if folded.is_empty() {
            return Err(PatternError::NoLetters(raw.to_owned()));
        }
        if prefix && folded.chars().count() < 3 {
            return Err(PatternError::BadPrefix(raw.to_owned()));
        }
        if let Some(id) = self.ids.get(&(prefix, folded.clone())) {
            return Ok(*id);
        }
        let letters = word.chars().filter(|c| c.is_alphabetic()).count();
        let typo = letters >= TYPO_MIN_LETTERS;
        let id = Id::try_from(self.entries.len()).unwrap_or(Id::MAX);
        let length = folded.chars().count();
        if typo {
            let index = if prefix {
                &mut self.prefix_deletions
            } else {
                &mut self.deletions
            };
            for variant in std::iter::once(folded.clone()).chain(deletions(&folded)) {
                let ids = index.entry(variant).or_default();
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            if prefix && !self.fuzzy_prefix_lengths.contains(&length) {
                self.fuzzy_prefix_lengths.push(length);
            }
        } else if !prefix && letters == SWAP_LETTERS && length == SWAP_LETTERS {
            for variant in swaps(&folded) {
                let ids = self.swaps.entry(variant).or_default();
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        if prefix {
            self.longest_prefix = self.longest_prefix.max(length);
        }
        self.ids.insert((prefix, folded.clone()), id);
        self.entries.push(Entry {
            text: folded,
            prefix,
            typo,
        });
        Ok(id)
    }

    /// Every entry a folded word matches, sorted.
    pub(super) fn matches(&self, word: &str) -> Vec<Id> {
        let mut found = Vec::new();
        if let Some(id) = self.ids.get(&(false, word.to_owned())) {
            found.push(*id);
        }
        let length = word.chars().count();
        if length >= TYPO_MIN_LETTERS - 1 {
            for variant in std::iter::once(word.to_owned()).chain(deletions(word)) {
                for &id in self.deletions.get(&variant).into_iter().flatten() {
                    let entry = &self.entries[id as usize];
                    if entry.typo && one_edit_apart(word, &entry.text) {
                        found.push(id);
                    }
                }
            }
        }
        if length == SWAP_LETTERS {
            found.extend(self.swaps.get(word).into_iter().flatten().copied());
        }
        self.fuzzy_prefixes(word, &mut found);
        for (count, (end, c)) in word.char_indices().enumerate() {
            if count >= self.longest_prefix {
                break;
            }
            let stem = &word[..end + c.len_utf8()];
            if let Some(id) = self.ids.get(&(true, stem.to_owned())) {
                found.push(*id);
            }
        }
        found.sort_unstable();
        found.dedup();
        found
    }
}

impl Lexicon {
    /// Prefixes that `word` begins with, within one typo.
    fn fuzzy_prefixes(&self, word: &str, found: &mut Vec<Id>) {
        let chars: Vec<(usize, char)> = word.char_indices().collect();
        for &length in &self.fuzzy_prefix_lengths {
            for take in [length - 1, length, length + 1] {
                if take == 0 || take > chars.len() {
                    continue;
                }
                let end = chars.get(take).map_or(word.len(), |(index, _)| *index);
                let stem = &word[..end];
                for variant in std::iter::once(stem.to_owned()).chain(deletions(stem)) {
                    for &id in self.prefix_deletions.get(&variant).into_iter().flatten() {
                        let entry = &self.entries[id as usize];
                        if entry.text.chars().count() == length && one_edit_apart(stem, &entry.text)
                        {
                            found.push(id);
                        }
                    }
                }
            }
        }
    }

    /// The plain words (no prefixes) a pattern's first term accepts, as text, for finding
    /// patterns inside glued words.
    pub fn word_text(&self, id: Id) -> Option<&str> {
        let entry = &self.entries[id as usize];
        (!entry.prefix).then_some(entry.text.as_str())
    }
}

/// Every string made by swapping two neighbouring characters of `word`.
fn swaps(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    (0..chars.len().saturating_sub(1))
        .filter(|&i| chars[i] != chars[i + 1])
        .map(|i| {
            let mut swapped = chars.clone();
            swapped.swap(i, i + 1);
            swapped.into_iter().collect()
        })
        .collect()
}

/// Every string made by deleting one character of `word`.
fn deletions(word: &str) -> impl Iterator<Item = String> + '_ {
    word.char_indices().map(move |(at, c)| {
        let mut shorter = String::with_capacity(word.len());
        shorter.push_str(&word[..at]);
        shorter.push_str(&word[at + c.len_utf8()..]);
        shorter
    })
}
