//! Component `custom_id`s: the state a button, select or modal carries across restarts.
//!
//! Discord gives a component's `custom_id` back when it is used (up to 100 characters). We put
//! in it what the handler needs to act without any in-memory collector, so a check-in sent
//! before a restart still works after it. Ids carry no secret and prove nothing: handlers
//! check that a check-in belongs to the member who pressed the button, and journal buttons
//! carry their owner, checked against whoever presses them. No id ever carries a member's
//! words (an unknown id is logged).

use std::fmt;

use crate::domain::faq_layer::Revision;
use crate::domain::ids::{CheckinId, GuildId, MemberId};
use crate::domain::journal::EntryId;
use crate::domain::program::Outcome;

/// Everything a component of ours can mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomId {
    /// The FAQ select menu: the chosen key arrives as the selected value.
    FaqPick,
    /// Consent given on the privacy notice of `/program start`.
    Begin,
    /// "Not now" on the privacy notice.
    NotNow,
    /// The step-7 outcome buttons.
    Outcome(Outcome),
    /// The mood select on a check-in.
    Mood(CheckinId),
    /// "Write a reflection": opens the modal.
    Reflect(CheckinId),
    /// The reflection modal itself.
    ReflectionModal(CheckinId),
    /// "Ready for the next step".
    Next(CheckinId),
    /// "Snooze a day".
    Snooze(CheckinId),
    /// "Pause".
    Pause(CheckinId),
    /// `/privacy delete`: confirmed.
    DeleteConfirm,
    /// `/privacy delete`: cancelled.
    DeleteCancel,
    /// "Show me support lines" on a gentle crisis check-in.
    SupportLines,
    /// "Ask the server's support team to reach out", for this server.
    AskSupport(GuildId),
    /// A journal page's "Older": the entries after `entry`, of `owner`'s journal.
    JournalOlder { owner: MemberId, entry: EntryId },
    /// A journal page's "Newer": the entries before `entry`.
    JournalNewer { owner: MemberId, entry: EntryId },
    /// "Delete this entry" under a whole entry: asks to confirm.
    JournalDelete { owner: MemberId, entry: EntryId },
    /// The deletion confirmed.
    JournalDeleteConfirm { owner: MemberId, entry: EntryId },
    /// The deletion called off.
    JournalKeep { owner: MemberId, entry: EntryId },
    /// The `/journal write` modal.
    JournalModal,
}

impl CustomId {
    /// Parses a `custom_id`; `None` for anything we did not make (or no longer make).
    pub fn parse(raw: &str) -> Option<CustomId> {
        if let Some(rest) = raw.strip_prefix("jn:") {
            return Self::parse_journal(rest);
        }
        let mut parts = raw.split(':');
        let id = match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some("faq"), Some("pick"), None, _) => CustomId::FaqPick,
            (Some("pg"), Some("begin"), None, _) => CustomId::Begin,
            (Some("pg"), Some("notnow"), None, _) => CustomId::NotNow,
            (Some("pv"), Some("delete"), None, _) => CustomId::DeleteConfirm,
            (Some("pv"), Some("keep"), None, _) => CustomId::DeleteCancel,
            (Some("cr"), Some("lines"), None, _) => CustomId::SupportLines,
            (Some("cr"), Some("ask"), Some(guild), None) => {
                CustomId::AskSupport(GuildId::new(guild.parse::<u64>().ok().filter(|g| *g > 0)?))
            }
            (Some("pg"), Some("outcome"), Some(outcome), None) => {
                CustomId::Outcome(Outcome::parse(outcome)?)
            }
            (Some("ci"), Some(action), Some(number), None) => {
                let checkin = number.parse::<i64>().ok().and_then(CheckinId::new)?;
                match action {
                    "mood" => CustomId::Mood(checkin),
                    "reflect" => CustomId::Reflect(checkin),
                    "modal" => CustomId::ReflectionModal(checkin),
                    "next" => CustomId::Next(checkin),
                    "snooze" => CustomId::Snooze(checkin),
                    "pause" => CustomId::Pause(checkin),
                    _ => return None,
                }
            }
            _ => return None,
        };
        Some(id)
    }

    /// `jn:write`, or `jn:{action}:{owner}:{entry}`.
    fn parse_journal(rest: &str) -> Option<CustomId> {
        if rest == "write" {
            return Some(CustomId::JournalModal);
        }
        let mut parts = rest.split(':');
        let (action, owner, entry) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || owner.is_empty() || !owner.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let owner = MemberId::new(owner.parse::<u64>().ok().filter(|o| *o > 0)?);
        let entry = EntryId::parse(entry)?;
        Some(match action {
            "old" => CustomId::JournalOlder { owner, entry },
            "new" => CustomId::JournalNewer { owner, entry },
            "del" => CustomId::JournalDelete { owner, entry },
            "delok" => CustomId::JournalDeleteConfirm { owner, entry },
            "keep" => CustomId::JournalKeep { owner, entry },
            _ => return None,
        })
    }
}

impl fmt::Display for CustomId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CustomId::FaqPick => f.write_str("faq:pick"),
            CustomId::Begin => f.write_str("pg:begin"),
            CustomId::NotNow => f.write_str("pg:notnow"),
            CustomId::Outcome(outcome) => write!(f, "pg:outcome:{}", outcome.as_str()),
            CustomId::Mood(id) => write!(f, "ci:mood:{id}"),
            CustomId::Reflect(id) => write!(f, "ci:reflect:{id}"),
            CustomId::ReflectionModal(id) => write!(f, "ci:modal:{id}"),
            CustomId::Next(id) => write!(f, "ci:next:{id}"),
            CustomId::Snooze(id) => write!(f, "ci:snooze:{id}"),
            CustomId::Pause(id) => write!(f, "ci:pause:{id}"),
            CustomId::DeleteConfirm => f.write_str("pv:delete"),
            CustomId::DeleteCancel => f.write_str("pv:keep"),
            CustomId::SupportLines => f.write_str("cr:lines"),
            CustomId::AskSupport(guild) => write!(f, "cr:ask:{guild}"),
            CustomId::JournalOlder { owner, entry } => write!(f, "jn:old:{owner}:{entry}"),
            CustomId::JournalNewer { owner, entry } => write!(f, "jn:new:{owner}:{entry}"),
            CustomId::JournalDelete { owner, entry } => write!(f, "jn:del:{owner}:{entry}"),
            CustomId::JournalDeleteConfirm { owner, entry } => {
                write!(f, "jn:delok:{owner}:{entry}")
            }
            CustomId::JournalKeep { owner, entry } => write!(f, "jn:keep:{owner}:{entry}"),
            CustomId::JournalModal => f.write_str("jn:write"),
        }
    }
}

/// The FAQ editor's modals (`/admin faq add` and `edit`). Apart from [`CustomId`] because an
/// edit carries an FAQ key, which is text. The server is the interaction's own, never taken
/// from the id, and the submitter's permissions are checked again on submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaqModal {
    /// A new entry.
    Add,
    /// The entry `key`, as it was at `revision` when the modal opened.
    Edit { key: String, revision: Revision },
}

impl FaqModal {
    /// Parses a `custom_id`; `None` for anything else.
    pub fn parse(raw: &str) -> Option<FaqModal> {
        if raw == "faq:add" {
            return Some(FaqModal::Add);
        }
        let rest = raw.strip_prefix("faq:edit:")?;
        let (revision, key) = rest.split_once(':')?;
        let revision = Revision::new(revision.parse::<u64>().ok()?);
        let key_ok = !key.is_empty()
            && key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        key_ok.then(|| FaqModal::Edit {
            key: key.to_owned(),
            revision,
        })
    }
}

impl fmt::Display for FaqModal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FaqModal::Add => f.write_str("faq:add"),
            FaqModal::Edit { key, revision } => write!(f, "faq:edit:{revision}:{key}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_custom_id_round_trips_and_fits_discord() {
        let mut all = vec![
            CustomId::FaqPick,
            CustomId::Begin,
            CustomId::NotNow,
            CustomId::DeleteConfirm,
            CustomId::DeleteCancel,
            CustomId::SupportLines,
            CustomId::AskSupport(GuildId::new(1)),
            CustomId::AskSupport(GuildId::new(u64::MAX)),
        ];
        all.extend(Outcome::ALL.map(CustomId::Outcome));
        all.push(CustomId::JournalModal);
        for (owner, entry) in [(1, 1), (u64::MAX, i64::MAX)] {
            let (owner, entry) = (MemberId::new(owner), EntryId::new(entry).expect("positive"));
            all.extend([
                CustomId::JournalOlder { owner, entry },
                CustomId::JournalNewer { owner, entry },
                CustomId::JournalDelete { owner, entry },
                CustomId::JournalDeleteConfirm { owner, entry },
                CustomId::JournalKeep { owner, entry },
            ]);
        }
        for id in [1, i64::MAX].into_iter().filter_map(CheckinId::new) {
            all.extend([
                CustomId::Mood(id),
                CustomId::Reflect(id),
                CustomId::ReflectionModal(id),
                CustomId::Next(id),
                CustomId::Snooze(id),
                CustomId::Pause(id),
            ]);
        }
        for id in all {
            let text = id.to_string();
            assert!(text.len() <= 100, "{text}");
            assert_eq!(CustomId::parse(&text), Some(id), "{text}");
        }
    }

    #[test]
    fn an_unknown_or_malformed_custom_id_is_not_ours() {
        for raw in [
            "faq:pick:extra",
            "",
            "ci:mood",
            "ci:mood:x",
            "ci:mood:-3",
            "ci:mood:0",
            "ci:dance:4",
            "pg:outcome:ghosted",
            "ci:mood:4:5",
            "cr:ask",
            "cr:ask:0",
            "cr:ask:x",
            "cr:lines:1",
            "jn:old:1",
            "jn:old:0:5",
            "jn:old:1:0",
            "jn:old:1:-5",
            "jn:old:+1:5",
            "jn:old:1:5:6",
            "jn:burn:1:5",
            "jn:write:1",
            "jn:old:x:5",
        ] {
            assert_eq!(CustomId::parse(raw), None, "{raw}");
        }
    }

    #[test]
    fn the_faq_editors_modal_ids_round_trip_and_fit_discord_with_the_longest_key() {
        use crate::content::limits::{CUSTOM_ID, FAQ_CUSTOM_ID_PREFIX};
        let longest = "k".repeat(CUSTOM_ID - FAQ_CUSTOM_ID_PREFIX);
        for id in [
            FaqModal::Add,
            FaqModal::Edit {
                key: "no-contact".into(),
                revision: Revision::UNCHANGED,
            },
            FaqModal::Edit {
                key: longest,
                revision: Revision::new(u64::MAX),
            },
        ] {
            let text = id.to_string();
            assert!(text.len() <= CUSTOM_ID, "{text}");
            assert_eq!(FaqModal::parse(&text), Some(id), "{text}");
            assert_eq!(CustomId::parse(&text), None, "{text}");
        }
        for raw in [
            "faq:edit",
            "faq:edit:1",
            "faq:edit:x:key",
            "faq:edit:1:",
            "faq:edit:1:Bad Key",
            "faq:add:1",
            "faq:pick",
        ] {
            assert_eq!(FaqModal::parse(raw), None, "{raw}");
        }
    }
}
