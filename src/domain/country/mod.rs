//! Countries, for a member's region: which support lines to show first.
//!
//! The list is ISO 3166-1 (alpha-2 code and English short name), embedded in the binary. A
//! country is a member's own statement of where they are; a language is not a location, so
//! nothing is ever guessed from how someone writes.

use std::sync::OnceLock;

use crate::domain::text::fold;

const TABLE: &str = include_str!("countries.tsv");

/// A country from the ISO list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country {
    pub code: &'static str,
    pub name: &'static str,
}

fn all() -> &'static [Country] {
    static ALL: OnceLock<Vec<Country>> = OnceLock::new();
    ALL.get_or_init(|| {
        TABLE
            .lines()
            .filter_map(|line| line.split_once('\t'))
            .map(|(code, name)| Country {
                code: code.trim(),
                name: name.trim(),
            })
            .collect()
    })
}

/// The country with this two-letter code, in any case.
pub fn by_code(code: &str) -> Option<Country> {
    all()
        .iter()
        .find(|c| c.code.eq_ignore_ascii_case(code.trim()))
        .copied()
}

/// The English name of the country with this code.
pub fn name(code: &str) -> Option<&'static str> {
    by_code(code).map(|c| c.name)
}

/// Reads what a member typed or picked: a code ("de") or a name ("germany", "Türkiye").
pub fn parse(raw: &str) -> Option<Country> {
    let wanted = fold(raw);
    if wanted.is_empty() {
        return None;
    }
    by_code(raw).or_else(|| all().iter().find(|c| fold(c.name) == wanted).copied())
}

/// Countries whose name or code begins with, then contains, what was typed; for autocomplete.
pub fn suggestions(partial: &str, limit: usize) -> Vec<Country> {
    let wanted = fold(partial);
    if wanted.is_empty() {
        return all().iter().take(limit).copied().collect();
    }
    let starts = all()
        .iter()
        .filter(|c| fold(c.name).starts_with(&wanted) || fold(c.code) == wanted);
    let contains = all()
        .iter()
        .filter(|c| !fold(c.name).starts_with(&wanted) && fold(c.name).contains(&wanted));
    let mut found: Vec<Country> = starts.chain(contains).copied().collect();
    found.dedup();
    found.truncate(limit);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_the_whole_iso_list_with_unique_codes() {
        assert!(all().len() >= 240, "{} countries", all().len());
        let mut codes: Vec<&str> = all().iter().map(|c| c.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all().len());
        assert!(all()
            .iter()
            .all(|c| c.code.len() == 2 && !c.name.is_empty()));
    }

    #[test]
    fn a_country_is_found_by_code_or_name_in_any_case() {
        assert_eq!(parse("de").map(|c| c.name), Some("Germany"));
        assert_eq!(parse("GERMANY").map(|c| c.code), Some("DE"));
        assert_eq!(parse("Atlantis"), None);
        assert_eq!(parse(""), None);
    }

    #[test]
    fn suggestions_start_with_what_was_typed() {
        let found = suggestions("germ", 25);
        assert_eq!(found.first().map(|c| c.code), Some("DE"));
        assert!(suggestions("united", 25).iter().any(|c| c.code == "GB"));
        assert_eq!(suggestions("", 25).len(), 25);
    }
}
