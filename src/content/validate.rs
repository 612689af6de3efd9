//! The rules a content file must follow: Discord's limits for what the bot renders from it,
//! and our own (seven steps in order, unique FAQ keys, enough prompts to rotate).
//!
//! Every rule that fails is reported, not just the first, so an admin fixes a file in one go.

use std::collections::{HashMap, HashSet};

use super::{ContentFile, ContentIssue, FaqEntry};
use crate::domain::text::{first_sentence, fold, is_visible};

/// Discord's documented limits, and the room our own rendering needs inside them.
pub mod limits {
    /// Choices in an autocomplete reply, options in a select menu.
    pub const CHOICES: usize = 25;
    /// A choice name, a select option label or value.
    pub const CHOICE_NAME: usize = 100;
    pub const EMBED_TITLE: usize = 256;
    pub const EMBED_DESCRIPTION: usize = 4096;
    pub const EMBED_FIELD_VALUE: usize = 1024;
    /// All text in one message's embeds together.
    pub const EMBED_TOTAL: usize = 6000;
    pub const MESSAGE_CONTENT: usize = 2000;
    pub const CUSTOM_ID: usize = 100;
    /// The longest prefix the bot puts before an FAQ key in a custom id: the FAQ editor's
    /// modal, "faq:edit:", a revision of up to 20 digits and ":" (30), with room to spare.
    pub const FAQ_CUSTOM_ID_PREFIX: usize = 32;
    /// An FAQ alias: a search phrase, not shown anywhere.
    pub const FAQ_ALIAS: usize = 100;
    /// A text input in a modal (the FAQ editor's boxes).
    pub const MODAL_INPUT: usize = 4000;
    /// The /help about text.
    pub const HELP_ABOUT: usize = 1024;
    /// Steps in the program.
    pub const STEPS: usize = 7;
    /// At least this many check-in prompts and encouragements per step, so rotation never
    /// repeats the previous one.
    pub const MIN_ROTATION: usize = 2;
    /// The most days a step may ask for before the next one is offered.
    pub const MAX_MIN_DAYS: u32 = 365;
}

use limits::*;

struct Checker {
    issues: Vec<ContentIssue>,
}

impl Checker {
    fn fail(&mut self, entry: &str, rule: String) {
        self.issues.push(ContentIssue {
            entry: entry.to_owned(),
            rule,
        });
    }

    fn non_empty(&mut self, entry: &str, field: &str, text: &str) {
        if text.trim().is_empty() {
            self.fail(entry, format!("`{field}` must not be empty"));
        } else if !text.chars().any(is_visible) {
            self.fail(
                entry,
                format!("`{field}` shows nothing: it holds only invisible characters"),
            );
        }
    }

    fn at_most(&mut self, entry: &str, field: &str, text: &str, limit: usize, why: &str) {
        let length = text.chars().count();
        if length > limit {
            self.fail(
                entry,
                format!("`{field}` is {length} characters; {why} allows at most {limit}"),
            );
        }
    }

    fn text(&mut self, entry: &str, field: &str, text: &str, limit: usize, why: &str) {
        self.non_empty(entry, field, text);
        self.at_most(entry, field, text, limit, why);
    }
}

pub(super) fn check(file: &ContentFile) -> Vec<ContentIssue> {
    let mut checker = Checker { issues: Vec::new() };
    check_steps(&mut checker, file);
    check_steps_overview(&mut checker, file);
    check_faq(&mut checker, file);
    check_crisis(&mut checker, file);
    check_rest(&mut checker, file);
    checker.issues
}

fn check_steps(checker: &mut Checker, file: &ContentFile) {
    if file.steps.len() != STEPS {
        checker.fail(
            "steps",
            format!(
                "the program has exactly {STEPS} steps; found {}",
                file.steps.len()
            ),
        );
    }
    for (position, step) in file.steps.iter().enumerate() {
        let entry = format!("steps[{}] ({})", position + 1, step.title);
        let expected = position + 1;
        if usize::from(step.number) != expected {
            checker.fail(
                &entry,
                format!("`number` is {}; steps must be numbered 1 to 7 in order, so this one is {expected}", step.number),
            );
        }
        // The title is an embed title after "Step N · ".
        checker.text(
            &entry,
            "title",
            &step.title,
            EMBED_TITLE - 12,
            "an embed title",
        );
        checker.text(
            &entry,
            "summary",
            &step.summary,
            EMBED_FIELD_VALUE,
            "an embed field",
        );
        if step.min_days > MAX_MIN_DAYS {
            checker.fail(
                &entry,
                format!(
                    "`min_days` is {}; at most {MAX_MIN_DAYS} days",
                    step.min_days
                ),
            );
        } else if step.min_days < 1 {
            checker.fail(
                &entry,
                format!(
                    "`min_days` is {}; at least 1 (a step takes at least a day, so one press cannot skip a step)",
                    step.min_days
                ),
            );
        }
        if step.practices.is_empty() {
            checker.fail(&entry, "`practices` needs at least one practice".into());
        }
        let practices_field: usize = step.practices.iter().map(|p| p.chars().count() + 3).sum();
        if practices_field > EMBED_FIELD_VALUE {
            checker.fail(
                &entry,
                format!("`practices` take {practices_field} characters as a bulleted list; an embed field allows at most {EMBED_FIELD_VALUE}"),
            );
        }
        for (list, items) in [
            ("prompts", &step.prompts),
            ("encouragements", &step.encouragements),
        ] {
            if items.len() < MIN_ROTATION {
                checker.fail(
                    &entry,
                    format!("`{list}` needs at least {MIN_ROTATION} entries so the bot never repeats the previous one; found {}", items.len()),
                );
            }
            for (index, item) in items.iter().enumerate() {
                let field = format!("{list}[{}]", index + 1);
                // Prompts and encouragements are sent as part of a message beside other text.
                checker.text(
                    &entry,
                    &field,
                    item,
                    EMBED_FIELD_VALUE,
                    "a check-in message",
                );
            }
        }
    }
}

/// `/steps` lists every step's title and first sentence in one embed.
fn check_steps_overview(checker: &mut Checker, file: &ContentFile) {
    // The overview's own description and footer.
    const OVERVIEW_FRAME: usize = 400;
    let total: usize = OVERVIEW_FRAME
        + file
            .steps
            .iter()
            .map(|step| {
                step.title.chars().count() + 4 + first_sentence(&step.summary).chars().count()
            })
            .sum::<usize>();
    if total > EMBED_TOTAL {
        checker.fail(
            "steps",
            format!("the /steps overview (titles and first sentences of the summaries) takes {total} characters; one message's embeds allow at most {EMBED_TOTAL}; shorten the first sentences"),
        );
    }
}

fn check_faq(checker: &mut Checker, file: &ContentFile) {
    for issue in faq_list(&file.faq) {
        checker.issues.push(issue);
    }
}

/// Every rule of an FAQ list, as the file states it: at least one entry, at most
/// [`CHOICES`], each entry's own rules, and no entry clashing with an earlier one.
pub(super) fn faq_list(faq: &[FaqEntry]) -> Vec<ContentIssue> {
    let mut checker = Checker { issues: Vec::new() };
    if faq.is_empty() {
        checker.fail("faq", "needs at least one entry".into());
    }
    if faq.len() > CHOICES {
        checker.fail(
            &format!("faq[{}] (key \"{}\")", CHOICES + 1, faq[CHOICES].key),
            format!("{TOO_MANY_FAQ}; found {}", faq.len()),
        );
    }
    let mut earlier = Phrases::default();
    for (position, entry) in faq.iter().enumerate() {
        let label = format!("faq[{}] (key \"{}\")", position + 1, entry.key);
        for rule in faq_entry(entry)
            .into_iter()
            .chain(earlier.clashes(entry, Others::Earlier))
        {
            checker.fail(&label, rule);
        }
        earlier.add(entry);
    }
    checker.issues
}

/// Why a list cannot take another entry.
pub const TOO_MANY_FAQ: &str =
    "at most 25 FAQ entries fit in a Discord autocomplete list or select menu";

/// The rules one FAQ entry follows on its own, each naming its field: the key's shape and
/// length, the question and answer within what Discord shows, the aliases short search
/// phrases.
pub fn faq_entry(entry: &FaqEntry) -> Vec<String> {
    let mut checker = Checker { issues: Vec::new() };
    let label = "";
    let key_ok = !entry.key.is_empty()
        && entry
            .key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !key_ok {
        checker.fail(
            label,
            "`key` must be lower-case letters, digits and '-' only".into(),
        );
    }
    checker.at_most(
        label,
        "key",
        &entry.key,
        CUSTOM_ID - FAQ_CUSTOM_ID_PREFIX,
        "a custom id with its prefix",
    );
    checker.text(
        label,
        "question",
        &entry.question,
        CHOICE_NAME,
        "a Discord choice name or select option label",
    );
    if entry.question.contains(['\n', '\r']) {
        checker.fail(
            label,
            "`question` must be one line: it is a choice in a Discord list".into(),
        );
    }
    checker.text(
        label,
        "answer",
        &entry.answer,
        EMBED_DESCRIPTION,
        "a Discord embed description",
    );
    for (index, alias) in entry.aliases.iter().enumerate() {
        let field = format!("aliases[{}]", index + 1);
        checker.text(label, &field, alias, FAQ_ALIAS, "a search phrase");
    }
    checker.issues.into_iter().map(|issue| issue.rule).collect()
}

/// Whom [`Phrases::clashes`] compares an entry with, as its rules say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Others {
    /// The entries above it in the file.
    Earlier,
    /// The other entries a server shows.
    Shown,
}

/// The keys and aliases of some entries, folded as search folds them (so "No Contact" is
/// "no-contact"), with whose they are: built once, so checking an entry against a whole FAQ
/// costs a few folds of its own phrases, not of everyone's.
#[derive(Debug, Clone, Default)]
pub struct Phrases {
    keys: HashSet<String>,
    owners: HashMap<String, Vec<String>>,
}

impl Phrases {
    pub fn of(entries: &[FaqEntry]) -> Phrases {
        let mut phrases = Phrases::default();
        for entry in entries {
            phrases.add(entry);
        }
        phrases
    }

    pub fn add(&mut self, entry: &FaqEntry) {
        self.keys.insert(entry.key.clone());
        for phrase in std::iter::once(&entry.key).chain(&entry.aliases) {
            let folded = fold(phrase);
            if folded.is_empty() {
                continue;
            }
            let owners = self.owners.entry(folded).or_default();
            if !owners.contains(&entry.key) {
                owners.push(entry.key.clone());
            }
        }
    }

    /// The key of another entry that `phrase` already finds.
    fn owner(&self, phrase: &str, except: &str) -> Option<&str> {
        self.owners
            .get(&fold(phrase))?
            .iter()
            .find(|key| *key != except)
            .map(String::as_str)
    }

    /// Where `entry` clashes with these entries: a key they use already, or a key or alias
    /// that is already one of theirs, which would make a typed topic find two entries. An
    /// alias may repeat its own entry's key.
    pub fn clashes(&self, entry: &FaqEntry, whom: Others) -> Vec<String> {
        let whose = match whom {
            Others::Earlier => "an earlier entry",
            Others::Shown => "another entry",
        };
        let mut rules = Vec::new();
        if self.keys.contains(&entry.key) {
            rules.push(format!("`key` is used by {whose}; keys must be unique"));
        } else if let Some(other) = self.owner(&entry.key, &entry.key) {
            rules.push(format!(
                "`key` “{}” is already the key or an alias of “{other}”; a typed topic must find one entry",
                entry.key
            ));
        }
        for (index, alias) in entry.aliases.iter().enumerate() {
            if let Some(other) = self.owner(alias, &entry.key) {
                rules.push(format!(
                    "`aliases[{}]` “{}” is already the key or an alias of “{other}”; a typed topic must find one entry",
                    index + 1,
                    alias.trim(),
                ));
            }
        }
        rules
    }
}

fn check_crisis(checker: &mut Checker, file: &ContentFile) {
    checker.issues.extend(super::crisis::check(&file.crisis));
}

fn check_rest(checker: &mut Checker, file: &ContentFile) {
    checker.text(
        "help",
        "about",
        &file.help.about,
        HELP_ABOUT,
        "the /help embed",
    );
    checker.text(
        "help",
        "not_therapy",
        &file.help.not_therapy,
        EMBED_FIELD_VALUE,
        "an embed field",
    );
    for (index, message) in file.public_encouragements.iter().enumerate() {
        checker.text(
            "public_encouragements",
            &format!("[{}]", index + 1),
            message,
            MESSAGE_CONTENT,
            "a Discord message",
        );
    }
}
