//! Component `custom_id`s: the state a button or select carries across restarts.
//!
//! Discord gives a component's `custom_id` back when it is used, up to 100 characters. We put
//! in it what the handler needs to act without any in-memory collector, so a menu sent before
//! a restart still works after it.

use std::fmt;

/// Everything a component of ours can mean.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomId {
    /// The FAQ select menu: the chosen key arrives as the selected value.
    FaqPick,
}

impl CustomId {
    /// Parses a `custom_id`; `None` for anything we did not make (or no longer make).
    pub fn parse(raw: &str) -> Option<CustomId> {
        match raw {
            "faq:pick" => Some(CustomId::FaqPick),
            _ => None,
        }
    }
}

impl fmt::Display for CustomId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CustomId::FaqPick => f.write_str("faq:pick"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_custom_id_round_trips_and_fits_discord() {
        for id in [CustomId::FaqPick] {
            let text = id.to_string();
            assert!(text.len() <= 100);
            assert_eq!(CustomId::parse(&text), Some(id));
        }
    }

    #[test]
    fn an_unknown_custom_id_is_not_ours() {
        assert_eq!(CustomId::parse("faq:pick:extra"), None);
        assert_eq!(CustomId::parse(""), None);
    }
}
