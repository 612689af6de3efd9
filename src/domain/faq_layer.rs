//! A server's own changes to the FAQ, as a layer over the content file: the vocabulary the
//! store keeps and the service decides with, and the small pure rules of the editor (what an
//! admin typed, the key an added entry gets).
//!
//! Whether an entry breaks a rule, and what a server finally shows, is the content module's
//! business (`content::faq`): the same rules as the file.

use unicode_normalization::UnicodeNormalization;

use super::text::fold;

/// An FAQ entry's texts as an admin wrote them (trimmed): what a layer row holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaqDraft {
    pub question: String,
    pub answer: String,
    pub aliases: Vec<String>,
}

impl FaqDraft {
    /// What the editor's modal gave: the question and answer trimmed, the aliases split on
    /// commas and new lines (empty pieces and repeats dropped). Nothing is judged here.
    pub fn from_fields(question: &str, answer: &str, aliases: &str) -> FaqDraft {
        FaqDraft {
            question: question.trim().to_owned(),
            answer: answer.trim().to_owned(),
            aliases: split_aliases(aliases),
        }
    }

    /// The aliases as the editor shows them again: one line, comma separated.
    pub fn aliases_text(aliases: &[String]) -> String {
        aliases.join(", ")
    }
}

/// Aliases typed in one box: separated by commas or new lines; empty pieces and repeats
/// (the same words in another case or spacing) dropped, the first spelling kept.
pub fn split_aliases(text: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let mut aliases = Vec::new();
    for piece in text.split([',', '\n']) {
        let alias = piece.trim();
        if alias.is_empty() {
            continue;
        }
        let folded = fold(alias);
        if seen.contains(&folded) {
            continue;
        }
        seen.push(folded);
        aliases.push(alias.to_owned());
    }
    aliases
}

/// What a server's layer says about one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layered {
    /// This server's version: replaces the file's entry with the same key, or is an entry
    /// of its own when the file has none.
    Put(FaqDraft),
    /// The file's entry with this key is not shown in this server.
    Hidden,
}

/// One row of a server's layer, in the order the server first added it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerEntry {
    pub key: String,
    pub change: Layered,
}

/// What an admin did to an entry, for the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    Added,
    Edited,
    Removed,
}

impl ChangeKind {
    pub const ALL: [ChangeKind; 3] = [ChangeKind::Added, ChangeKind::Edited, ChangeKind::Removed];

    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Edited => "edited",
            ChangeKind::Removed => "removed",
        }
    }

    pub fn parse(text: &str) -> Option<ChangeKind> {
        ChangeKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// How many changes a key has seen in one server: the id of its latest change, 0 for none.
/// An edit carries the revision it started from, and is refused if another change came
/// since: two admins editing one entry never silently overwrite each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Revision(u64);

impl Revision {
    /// The revision of an entry no admin has changed yet.
    pub const UNCHANGED: Revision = Revision(0);

    pub const fn new(value: u64) -> Revision {
        Revision(value)
    }

    pub fn get(self) -> u64 {
        self.0
    }
}

impl std::fmt::Display for Revision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The longest key the editor makes up from a question: short enough to read in a list,
/// well inside the key's own limit.
pub const DERIVED_KEY_CHARS: usize = 40;

/// A key for an entry added without one: the question's words in plain ASCII, lower case,
/// joined by '-' and cut at a word to [`DERIVED_KEY_CHARS`] ("Can I text them on their
/// birthday?" → "can-i-text-them-on-their-birthday"); "entry" when no word survives (a
/// question in another script). When `taken` says the key is in use, "-2", "-3", ... is
/// added until one is free.
pub fn derive_key(question: &str, taken: impl Fn(&str) -> bool) -> String {
    let mut base = String::new();
    for word in fold(question).split(' ') {
        // Accents come off (é → e); letters with no ASCII form are dropped.
        let plain: String = word
            .nfkd()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if plain.is_empty() {
            continue;
        }
        let needed = plain.len() + usize::from(!base.is_empty());
        if base.len() + needed > DERIVED_KEY_CHARS {
            if base.is_empty() {
                base = plain[..DERIVED_KEY_CHARS].to_owned();
            }
            break;
        }
        if !base.is_empty() {
            base.push('-');
        }
        base.push_str(&plain);
    }
    if base.is_empty() {
        base = "entry".to_owned();
    }
    if !taken(&base) {
        return base;
    }
    (2u32..)
        .map(|n| {
            let suffix = format!("-{n}");
            let room = DERIVED_KEY_CHARS.saturating_sub(suffix.len());
            let stem = base[..base.len().min(room)].trim_end_matches('-');
            format!("{stem}{suffix}")
        })
        .find(|key| !taken(key))
        .unwrap_or(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_made_of_the_questions_words_in_plain_lower_case() {
        assert_eq!(
            derive_key("Can I text them on their birthday?", |_| false),
            "can-i-text-them-on-their-birthday"
        );
        assert_eq!(
            derive_key("Café ou thé — qu’en penses-tu ?", |_| false),
            "cafe-ou-the-quen-penses-tu"
        );
    }

    #[test]
    fn a_long_question_is_cut_at_a_word() {
        let key = derive_key(
            "What should I do when my friends keep asking about the breakup all the time?",
            |_| false,
        );
        assert!(key.len() <= DERIVED_KEY_CHARS, "{key}");
        assert_eq!(key, "what-should-i-do-when-my-friends-keep");
        let one_word = derive_key(&"a".repeat(80), |_| false);
        assert_eq!(one_word.len(), DERIVED_KEY_CHARS);
    }

    #[test]
    fn a_question_without_latin_letters_gets_a_plain_key() {
        assert_eq!(derive_key("感情をどう整理すればいい？", |_| false), "entry");
        assert_eq!(derive_key("???", |_| false), "entry");
    }

    #[test]
    fn a_taken_key_gets_the_first_free_number() {
        let taken = ["no-contact", "no-contact-2"];
        assert_eq!(
            derive_key("No contact?", |k| taken.contains(&k)),
            "no-contact-3"
        );
        let long = "word ".repeat(20);
        let base = derive_key(&long, |_| false);
        let next = derive_key(&long, |k| k == base);
        assert!(
            next.ends_with("-2") && next.len() <= DERIVED_KEY_CHARS,
            "{next}"
        );
    }

    #[test]
    fn aliases_are_split_on_commas_and_lines_without_empties_or_repeats() {
        assert_eq!(
            split_aliases(" nc, no contact,,\n No Contact \n  silence  ,"),
            vec!["nc", "no contact", "silence"]
        );
        assert!(split_aliases(" , \n ").is_empty());
    }

    #[test]
    fn a_draft_is_trimmed_but_keeps_the_answers_lines() {
        let draft = FaqDraft::from_fields("  Why? ", "\n First.\n\nSecond. \n", "a");
        assert_eq!(draft.question, "Why?");
        assert_eq!(draft.answer, "First.\n\nSecond.");
        assert_eq!(draft.aliases, vec!["a"]);
    }

    #[test]
    fn change_kinds_round_trip_by_name() {
        for kind in ChangeKind::ALL {
            assert_eq!(ChangeKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(ChangeKind::parse("renamed"), None);
    }
}
