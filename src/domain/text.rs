//! Text folding shared by FAQ search and crisis detection.
//!
//! Members type on phones, in other keyboards, with curly quotes and accents. Folding
//! (Unicode NFKC, lower case, apostrophes dropped, other punctuation turned into spaces) lets
//! "He’s", "HE'S" and "hes" meet the same words.

use unicode_normalization::UnicodeNormalization;

/// Folds `text` for matching: NFKC, lower case, apostrophes removed, every other
/// non-alphanumeric character turned into a single space, trimmed.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfkc().flat_map(char::to_lowercase) {
        if matches!(c, '\'' | '’' | '‘' | 'ʼ' | '`') {
            continue;
        }
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(c);
        } else {
            pending_space = true;
        }
    }
    out
}

/// Whether `c` takes no space and shows nothing: zero-width and joining characters,
/// variation selectors, soft hyphens, the Hangul fillers, the marks and overrides that set
/// the direction of text (right-to-left and the like), invisible operators and formatting
/// characters, and the "tag" characters (invisible copies of ASCII).
pub fn is_zero_width(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{061C}'
            | '\u{FEFF}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{00AD}'
            | '\u{034F}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{3164}'
            | '\u{FFA0}'
            | '\u{180E}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E007F}'
            | '\u{E0100}'..='\u{E01EF}'
    )
}

/// Whether `c` shows anything: neither white space nor zero-width.
pub fn is_visible(c: char) -> bool {
    !c.is_whitespace() && !is_zero_width(c)
}

/// A member's own input, quoted back in a message: at most 60 characters.
pub fn quoted(text: &str) -> String {
    const MOST: usize = 60;
    let mut cut: String = text.trim().chars().take(MOST).collect();
    if text.trim().chars().count() > MOST {
        cut.push('…');
    }
    cut
}

/// The words of `text` after [`fold`].
pub fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Levenshtein distance between two short words, counted in characters. Bounded: returns
/// `limit + 1` as soon as the distance is known to exceed `limit`, so a long word costs little.
pub fn edit_distance_within(a: &str, b: &str, limit: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        let mut row_min = current[0];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
            row_min = row_min.min(current[j + 1]);
        }
        if row_min > limit {
            return limit + 1;
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// The first sentence of `text` (up to and including its full stop), for overviews.
pub fn first_sentence(text: &str) -> &str {
    let text = text.trim();
    let end = text
        .char_indices()
        .find(|(index, c)| {
            matches!(c, '.' | '!' | '?') && text[index + c.len_utf8()..].starts_with([' ', '\n'])
        })
        .map(|(index, c)| index + c.len_utf8())
        .unwrap_or(text.len());
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_sentence_stops_at_the_first_full_stop_followed_by_space() {
        assert_eq!(
            first_sentence(" Give it time. Then more. "),
            "Give it time."
        );
        assert_eq!(first_sentence("No full stop"), "No full stop");
        assert_eq!(
            first_sentence("Version 1.5 is out. Yes."),
            "Version 1.5 is out."
        );
    }

    #[test]
    fn folding_lowercases_and_drops_apostrophes() {
        assert_eq!(
            fold("What if HE’S seeing someone else?"),
            "what if hes seeing someone else"
        );
    }

    #[test]
    fn folding_turns_punctuation_and_runs_of_space_into_one_space() {
        assert_eq!(fold("  no-contact   rule!! "), "no contact rule");
    }

    #[test]
    fn folding_applies_compatibility_normalisation() {
        // Fullwidth letters and the "ﬁ" ligature are what some keyboards produce.
        assert_eq!(fold("ＳＵＩＣＩＤＥ"), "suicide");
        assert_eq!(fold("ﬁne"), "fine");
    }

    #[test]
    fn words_splits_folded_text() {
        assert_eq!(
            words("Love-spells & astrology"),
            vec!["love", "spells", "astrology"]
        );
    }

    #[test]
    fn direction_overrides_and_tag_characters_show_nothing() {
        for invisible in [
            "\u{202E}",           // right-to-left override
            "\u{2067}",           // right-to-left isolate
            "\u{2069}",           // pop directional isolate
            "\u{061C}",           // Arabic letter mark
            "\u{E0041}\u{E0042}", // tag letters: invisible "AB"
            "\u{E0100}",          // a variation selector of the supplement
            "\u{FFF9}",
        ] {
            assert!(!invisible.chars().any(is_visible), "{invisible:?}");
        }
        assert!("\u{202E}abc".chars().any(is_visible));
        assert!("שלום".chars().any(is_visible), "right-to-left letters show");
    }

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance_within("jealous", "jelous", 2), 1);
        assert_eq!(edit_distance_within("contact", "contcat", 2), 2);
        assert_eq!(edit_distance_within("same", "same", 2), 0);
    }

    #[test]
    fn edit_distance_stops_past_the_limit() {
        assert_eq!(edit_distance_within("astrology", "apology", 1), 2);
        assert_eq!(edit_distance_within("a", "abcdef", 2), 3);
    }
}
