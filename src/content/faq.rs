//! An FAQ as the bot answers from it (entries and their search index), and a server's FAQ:
//! the content file's entries with that server's layer on top (see
//! [`crate::domain::faq_layer`]).
//!
//! The file stays the default. A server's version of an entry replaces the file's in place,
//! a hidden entry is left out, and the server's own entries follow the file's in the order
//! they were added. Every entry a server shows follows the same rules as the file
//! ([`super::validate`]): when the file changes under a layer (`/admin reload`) and one of
//! the server's entries no longer fits (a clash with a new file entry, a 26th entry), that
//! entry is set aside, with the rule it breaks, and not shown, instead of failing the whole
//! FAQ; the file's entries always win, and nothing stored is lost.

use std::collections::{HashMap, HashSet};

use super::validate::{faq_entry, Others, Phrases, TOO_MANY_FAQ};
use super::FaqEntry;
use crate::content::limits::CHOICES;
use crate::domain::faq_layer::{FaqDraft, LayerEntry, Layered};
use crate::domain::faq_search::{FaqIndex, Searchable};

/// FAQ entries in the order they are listed, with their search index.
#[derive(Debug, Clone, Default)]
pub struct Faq {
    entries: Vec<FaqEntry>,
    index: FaqIndex,
}

impl Faq {
    pub fn new(entries: Vec<FaqEntry>) -> Faq {
        let index = FaqIndex::new(entries.iter().map(|entry| Searchable {
            key: &entry.key,
            question: &entry.question,
            aliases: &entry.aliases,
        }));
        Faq { entries, index }
    }

    pub fn entries(&self) -> &[FaqEntry] {
        &self.entries
    }

    pub fn iter(&self) -> std::slice::Iter<'_, FaqEntry> {
        self.entries.iter()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn by_key(&self, key: &str) -> Option<&FaqEntry> {
        self.entries.iter().find(|entry| entry.key == key)
    }

    /// Entries matching `query`, best first.
    pub fn search(&self, query: &str) -> impl Iterator<Item = &FaqEntry> {
        self.index
            .search(query)
            .into_iter()
            .filter_map(|position| self.entries.get(position))
    }

    /// The entry a member means by `topic`: its key, or else the best search match.
    pub fn resolve(&self, topic: &str) -> Option<&FaqEntry> {
        self.by_key(topic.trim())
            .or_else(|| self.search(topic).next())
    }
}

/// Where an entry a server shows comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The content file, unchanged.
    File,
    /// The content file's entry, in this server's version.
    Edited,
    /// This server's own entry.
    Added,
}

/// A server's entry that its FAQ cannot show as things stand, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAside {
    pub entry: FaqEntry,
    pub origin: Origin,
    /// Each names the field and the rule, like the file's errors.
    pub reasons: Vec<String>,
}

/// One server's FAQ: what it shows, and what its layer holds that it does not show.
#[derive(Debug, Clone)]
pub struct ServerFaq {
    pub faq: Faq,
    /// Beside `faq`'s entries, one each.
    pub origins: Vec<Origin>,
    /// The server's entries that break a rule now (after the file changed): kept, not shown.
    pub set_aside: Vec<SetAside>,
    /// The file's entries this server removed.
    pub hidden: Vec<FaqEntry>,
}

impl ServerFaq {
    /// The file's FAQ, untouched: a server with no layer, or a member with no home server.
    pub fn file(file: &Faq) -> ServerFaq {
        ServerFaq {
            faq: file.clone(),
            origins: vec![Origin::File; file.len()],
            set_aside: Vec::new(),
            hidden: Vec::new(),
        }
    }

    /// The entry with `key` as the server has it (shown or set aside) and where it comes from.
    pub fn entry(&self, key: &str) -> Option<(&FaqEntry, Origin)> {
        self.faq
            .iter()
            .zip(&self.origins)
            .find(|(entry, _)| entry.key == key)
            .map(|(entry, origin)| (entry, *origin))
            .or_else(|| {
                self.set_aside
                    .iter()
                    .find(|aside| aside.entry.key == key)
                    .map(|aside| (&aside.entry, aside.origin))
            })
    }
}

fn entry_of(key: &str, draft: &FaqDraft) -> FaqEntry {
    FaqEntry {
        key: key.to_owned(),
        question: draft.question.clone(),
        aliases: draft.aliases.clone(),
        answer: draft.answer.clone(),
    }
}

/// Why `entry` cannot be shown beside `others` (the rest of a server's FAQ): its own rules
/// (key, lengths, visible text), then its clashes with them. Empty when it may.
pub fn rules_broken(entry: &FaqEntry, others: &[FaqEntry]) -> Vec<String> {
    rules_broken_beside(entry, &Phrases::of(others))
}

fn rules_broken_beside(entry: &FaqEntry, others: &Phrases) -> Vec<String> {
    let mut reasons = faq_entry(entry);
    reasons.extend(others.clashes(entry, Others::Shown));
    reasons
}

/// Why a server's FAQ cannot take another entry when it shows `shown` already.
pub fn full(shown: usize) -> Option<String> {
    (shown >= CHOICES).then(|| format!("{TOO_MANY_FAQ}; this server shows {shown} already"))
}

/// The server's FAQ: `file` with `layer` on top (see the module's documentation).
///
/// The file's own entries are accepted first (they were checked together when the file was
/// loaded), then the server's versions of file entries in file order, then the server's own
/// entries in the order they were added; each is accepted only if it follows every rule
/// beside those accepted before it, and while there is room for it.
pub fn layered(file: &Faq, layer: &[LayerEntry]) -> ServerFaq {
    if layer.is_empty() {
        return ServerFaq::file(file);
    }
    let mut puts: HashMap<&str, &FaqDraft> = HashMap::new();
    let mut hidden_keys: HashSet<&str> = HashSet::new();
    for row in layer {
        match &row.change {
            Layered::Put(draft) => {
                puts.insert(&row.key, draft);
            }
            Layered::Hidden => {
                hidden_keys.insert(&row.key);
            }
        }
    }

    // One slot per file entry, in file order: None while undecided or hidden.
    let mut slots: Vec<Option<(FaqEntry, Origin)>> = Vec::with_capacity(file.len());
    // What is accepted so far: its count, and its keys and aliases for the clash rules.
    let mut accepted = 0;
    let mut phrases = Phrases::default();
    let mut hidden = Vec::new();
    for entry in file.iter() {
        let untouched =
            !hidden_keys.contains(entry.key.as_str()) && !puts.contains_key(entry.key.as_str());
        if hidden_keys.contains(entry.key.as_str()) && !puts.contains_key(entry.key.as_str()) {
            hidden.push(entry.clone());
        }
        if untouched {
            accepted += 1;
            phrases.add(entry);
            slots.push(Some((entry.clone(), Origin::File)));
        } else {
            slots.push(None);
        }
    }

    let mut set_aside = Vec::new();
    for (slot, entry) in slots.iter_mut().zip(file.iter()) {
        let Some(draft) = puts.get(entry.key.as_str()) else {
            continue;
        };
        let edited = entry_of(&entry.key, draft);
        let why = rules_broken_beside(&edited, &phrases);
        if why.is_empty() {
            accepted += 1;
            phrases.add(&edited);
            *slot = Some((edited, Origin::Edited));
            continue;
        }
        set_aside.push(SetAside {
            entry: edited,
            origin: Origin::Edited,
            reasons: why,
        });
        // The file's own version stands in for the server's, if it still fits.
        let why = rules_broken_beside(entry, &phrases);
        if why.is_empty() {
            accepted += 1;
            phrases.add(entry);
            *slot = Some((entry.clone(), Origin::File));
        } else {
            set_aside.push(SetAside {
                entry: entry.clone(),
                origin: Origin::File,
                reasons: why,
            });
        }
    }

    let mut added = Vec::new();
    for row in layer {
        let Layered::Put(draft) = &row.change else {
            continue;
        };
        if file.by_key(&row.key).is_some() {
            continue;
        }
        let entry = entry_of(&row.key, draft);
        let mut why = rules_broken_beside(&entry, &phrases);
        why.extend(full(accepted));
        if why.is_empty() {
            accepted += 1;
            phrases.add(&entry);
            added.push(entry);
        } else {
            set_aside.push(SetAside {
                entry,
                origin: Origin::Added,
                reasons: why,
            });
        }
    }

    let mut entries = Vec::with_capacity(accepted);
    let mut origins = Vec::with_capacity(accepted);
    for (entry, origin) in slots.into_iter().flatten() {
        entries.push(entry);
        origins.push(origin);
    }
    for entry in added {
        entries.push(entry);
        origins.push(Origin::Added);
    }
    ServerFaq {
        faq: Faq::new(entries),
        origins,
        set_aside,
        hidden,
    }
}

#[cfg(test)]
mod tests;
