//! The FAQ editor's decisions: pure functions over the file's FAQ and the server's layer,
//! run inside the store's transaction, each following the file's own rules.

use super::{Edited, FaqRefusal};
use crate::content::faq::{full, layered, rules_broken, Origin, ServerFaq};
use crate::content::limits::MODAL_INPUT;
use crate::content::{Faq, FaqEntry};
use crate::domain::faq_layer::{derive_key, ChangeKind, FaqDraft, LayerEntry, Layered, Revision};
use crate::store::{FaqChange, LayerState, LayerWrite};

/// The entry `key` as the server has it: its own version (shown or set aside), else the
/// file's if the server shows it or set it aside.
pub(super) fn editable(server: &ServerFaq, state: &LayerState, key: &str) -> Option<FaqEntry> {
    state
        .entries
        .iter()
        .find_map(|row| match &row.change {
            Layered::Put(draft) if row.key == key => Some(entry_of(key, draft)),
            _ => None,
        })
        .or_else(|| server.entry(key).map(|(entry, _)| entry.clone()))
}

pub(super) fn entry_of(key: &str, draft: &FaqDraft) -> FaqEntry {
    FaqEntry {
        key: key.to_owned(),
        question: draft.question.clone(),
        aliases: draft.aliases.clone(),
        answer: draft.answer.clone(),
    }
}

/// A rule only the editor has: what it saves must open in its own form again. A form's box
/// holds [`MODAL_INPUT`] characters, and Discord checks that, but a modified client can send
/// more; aliases are checked one by one by the file's rules, so their total is checked here.
pub(super) fn fits_the_form(draft: &FaqDraft) -> Option<String> {
    let length = FaqDraft::aliases_text(&draft.aliases).chars().count();
    (length > MODAL_INPUT).then(|| {
        format!("`aliases` are {length} characters together; the editing box holds at most {MODAL_INPUT}")
    })
}

/// The other entries `key` must not clash with: every entry the server shows but itself.
pub(super) fn others(server: &ServerFaq, key: &str) -> Vec<FaqEntry> {
    server
        .faq
        .iter()
        .filter(|entry| entry.key != key)
        .cloned()
        .collect()
}

/// Checks that the server, with `write`, shows its entry and still shows every entry it
/// showed `before`; else refuses with the rules that keep one out. (A candidate is checked
/// against the others first, with its own rules; this catches what only the whole layering
/// shows, such as an entry set aside in the file's order.)
pub(super) fn check_outcome(
    file: &Faq,
    state: &LayerState,
    before: &ServerFaq,
    write: &LayerWrite,
) -> Result<(), FaqRefusal> {
    let mut entries: Vec<_> = state
        .entries
        .iter()
        .filter(|row| row.key != write.key())
        .cloned()
        .collect();
    let position = state.entries.iter().position(|row| row.key == write.key());
    if let LayerWrite::Put { key, draft } = write {
        let row = LayerEntry {
            key: key.clone(),
            change: Layered::Put(draft.clone()),
        };
        entries.insert(position.unwrap_or(entries.len()), row);
    }
    let after = layered(file, &entries);
    if let Some(aside) = after
        .set_aside
        .iter()
        .find(|aside| aside.entry.key == write.key() && aside.origin != Origin::File)
    {
        return Err(FaqRefusal::BreaksRules(aside.reasons.clone()));
    }
    let pushed_out: Vec<String> = before
        .faq
        .iter()
        .filter(|entry| entry.key != write.key() && after.faq.by_key(&entry.key).is_none())
        .map(|entry| {
            format!(
                "saving it would stop “{}” from being shown; change that entry first",
                entry.key
            )
        })
        .collect();
    if pushed_out.is_empty() {
        Ok(())
    } else {
        Err(FaqRefusal::BreaksRules(pushed_out))
    }
}

pub(super) fn decide_add(
    file: &Faq,
    state: &LayerState,
    key: Option<&str>,
    draft: FaqDraft,
) -> Result<(FaqChange, FaqEntry), FaqRefusal> {
    let server = layered(file, &state.entries);
    let key = match key.map(str::trim).filter(|key| !key.is_empty()) {
        Some(key) => key.to_owned(),
        None => derive_key(&draft.question, |candidate| {
            file.by_key(candidate).is_some()
                || server.entry(candidate).is_some()
                || state.entries.iter().any(|row| row.key == candidate)
        }),
    };
    let entry = entry_of(&key, &draft);
    let mut rules = rules_broken(&entry, server.faq.entries());
    let taken_by_set_aside = server.faq.by_key(&key).is_none()
        && (server.entry(&key).is_some()
            || state
                .entries
                .iter()
                .any(|row| row.key == key && matches!(row.change, Layered::Put(_))));
    if taken_by_set_aside {
        rules.push(
            "`key` is used by another entry (one not shown now: see `/admin faq list`); keys must be unique"
                .to_owned(),
        );
    }
    rules.extend(full(server.faq.len()));
    rules.extend(fits_the_form(&draft));
    if !rules.is_empty() {
        return Err(FaqRefusal::BreaksRules(rules));
    }
    let write = LayerWrite::Put { key, draft };
    check_outcome(file, state, &server, &write)?;
    let change = FaqChange {
        question: entry.question.clone(),
        write,
        kind: ChangeKind::Added,
    };
    Ok((change, entry))
}

pub(super) fn decide_edit(
    file: &Faq,
    state: &LayerState,
    key: &str,
    revision: Revision,
    draft: FaqDraft,
) -> Result<(Option<FaqChange>, Edited), FaqRefusal> {
    let server = layered(file, &state.entries);
    let current =
        editable(&server, state, key).ok_or_else(|| FaqRefusal::NoSuchEntry(key.to_owned()))?;
    if state.revision(key) != revision {
        return Err(FaqRefusal::ChangedMeanwhile(key.to_owned()));
    }
    let entry = entry_of(key, &draft);
    if entry == current {
        return Ok((
            None,
            Edited {
                entry,
                changed: false,
            },
        ));
    }
    let mut rules = rules_broken(&entry, &others(&server, key));
    rules.extend(fits_the_form(&draft));
    if !rules.is_empty() {
        return Err(FaqRefusal::BreaksRules(rules));
    }
    let write = LayerWrite::Put {
        key: key.to_owned(),
        draft,
    };
    check_outcome(file, state, &server, &write)?;
    let change = FaqChange {
        question: entry.question.clone(),
        write,
        kind: ChangeKind::Edited,
    };
    Ok((
        Some(change),
        Edited {
            entry,
            changed: true,
        },
    ))
}

pub(super) fn decide_remove(
    file: &Faq,
    state: &LayerState,
    key: &str,
) -> Result<(FaqChange, FaqEntry), FaqRefusal> {
    let server = layered(file, &state.entries);
    let current =
        editable(&server, state, key).ok_or_else(|| FaqRefusal::NoSuchEntry(key.to_owned()))?;
    if server.faq.by_key(key).is_some() && server.faq.len() == 1 {
        return Err(FaqRefusal::LastEntry(key.to_owned()));
    }
    let write = if file.by_key(key).is_some() {
        LayerWrite::Hide {
            key: key.to_owned(),
        }
    } else {
        LayerWrite::Forget {
            key: key.to_owned(),
        }
    };
    let change = FaqChange {
        write,
        kind: ChangeKind::Removed,
        question: current.question.clone(),
    };
    Ok((change, current))
}
