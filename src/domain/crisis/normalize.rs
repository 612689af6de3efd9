//! Turning a member's text into the words the detector compares.
//!
//! People write in distress on phones, in several languages, and sometimes on purpose around
//! filters. So before any pattern is tried, the text is folded: Unicode NFKC, lower case,
//! accents removed, apostrophes dropped, zero-width characters removed, leetspeak inside a
//! word decoded ("k1ll", "$uicide"), runs of letters written apart joined ("k i l l"), and
//! every word kept in a "squeezed" form where repeated letters count once ("diiie" = "die").
//! Emoji stay, each as a word of its own, because some (a pill, a headstone) matter.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// One word of a member's text, folded and squeezed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The squeezed form with leetspeak read one way ("1" as "i").
    pub text: String,
    /// Other readings, squeezed: "1" read as "l", and the word with its digits kept ("f4").
    pub alts: Vec<String>,
}

/// Folds `text` into its words.
pub fn words(text: &str) -> Vec<Word> {
    let mut raw: Vec<String> = Vec::new();
    let mut current = String::new();
    let flush = |current: &mut String, raw: &mut Vec<String>| {
        if !current.is_empty() {
            raw.push(std::mem::take(current));
        }
    };
    for c in fold_chars(text) {
        if is_emoji(c) {
            flush(&mut current, &mut raw);
            raw.push(c.to_string());
        } else if c.is_alphanumeric() || matches!(c, '$' | '@' | '!' | '|') {
            current.push(c);
        } else {
            flush(&mut current, &mut raw);
        }
    }
    flush(&mut current, &mut raw);
    let decoded: Vec<(String, Vec<String>)> = raw.iter().filter_map(|w| decode(w)).collect();
    join_spelled_out(decoded)
        .into_iter()
        .map(|(text, alts)| {
            if text.chars().all(|c| c.is_ascii_digit()) {
                // A number ("988", "112") is not squeezed.
                return Word { text, alts };
            }
            Word {
                text: squeeze(&text),
                alts: alts.iter().map(|a| squeeze(a)).collect(),
            }
        })
        .collect()
}

/// Folds a pattern word the same way as a member's word, without leetspeak (patterns are
/// written plainly).
pub fn pattern_word(word: &str) -> String {
    let folded: String = fold_chars(word)
        .filter(|c| c.is_alphanumeric() || is_emoji(*c))
        .collect();
    squeeze(&folded)
}

/// The text with every capital I that sits among lower-case letters read as an l ("kiII"
/// for "kill"), if it has any: a second reading to try.
pub fn ell_reading(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let lower = |i: usize| chars.get(i).is_some_and(|c| c.is_lowercase());
    let mut changed = false;
    let read: String = chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let before = i > 0 && (lower(i - 1) || chars[i - 1] == 'I');
            let after = chars
                .get(i + 1)
                .is_none_or(|next| next.is_lowercase() || *next == 'I' || !next.is_alphabetic());
            let among = before && after;
            if c == 'I' && among {
                changed = true;
                'l'
            } else {
                c
            }
        })
        .collect();
    changed.then_some(read)
}

/// Letters from other scripts that look like Latin ones, used to get past filters
/// (Cyrillic "а", Greek "ο", small capitals "ᴅɪᴇ", a dotless "ı"): read as the Latin letter.
fn unconfuse(c: char) -> char {
    match c {
        'а' | 'α' | 'ᴀ' => 'a',
        'в' | 'ʙ' => 'b',
        'с' | 'ᴄ' | 'ϲ' => 'c',
        'ԁ' | 'ᴅ' => 'd',
        'е' | 'ε' | 'ᴇ' | 'ё' => 'e',
        'ꜰ' => 'f',
        'ɡ' | 'ɢ' => 'g',
        'һ' | 'н' | 'ʜ' => 'h',
        'і' | 'ı' | 'ι' | 'ɪ' | 'ї' => 'i',
        'ј' | 'ᴊ' => 'j',
        'к' | 'κ' | 'ᴋ' => 'k',
        'ʟ' | 'ӏ' => 'l',
        'м' | 'ᴍ' => 'm',
        'ɴ' | 'п' => 'n',
        'о' | 'ο' | 'ᴏ' | 'σ' => 'o',
        'р' | 'ρ' | 'ᴘ' => 'p',
        'ʀ' | 'г' => 'r',
        'ѕ' | 'ꜱ' => 's',
        'т' | 'τ' | 'ᴛ' => 't',
        'υ' | 'ᴜ' => 'u',
        'ν' | 'ᴠ' => 'v',
        'ᴡ' | 'ш' => 'w',
        'х' | 'χ' => 'x',
        'у' | 'ʏ' | 'γ' => 'y',
        'ᴢ' => 'z',
        other => other,
    }
}

/// NFKC, lower case, look-alike letters read as Latin, accents and apostrophes and
/// zero-width characters removed.
fn fold_chars(text: &str) -> impl Iterator<Item = char> + '_ {
    text.nfkc()
        .flat_map(char::to_lowercase)
        .map(unconfuse)
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .filter(|c| !is_invisible(*c))
        .flat_map(|c| {
            let (a, b) = match c {
                'ß' => ('s', Some('s')),
                'æ' => ('a', Some('e')),
                'œ' => ('o', Some('e')),
                'ø' => ('o', None),
                'ł' => ('l', None),
                'đ' => ('d', None),
                other => (other, None),
            };
            std::iter::once(a).chain(b)
        })
}

/// Apostrophes vanish ("don't" = "dont"); zero-width characters and variation selectors hide
/// nothing.
fn is_invisible(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | 'ʼ' | '`' | '´') || crate::domain::text::is_zero_width(c)
}

/// Pictographs: each is a word of its own.
fn is_emoji(c: char) -> bool {
    matches!(c, '\u{1F300}'..='\u{1FAFF}' | '\u{2600}'..='\u{27BF}' | '\u{1F000}'..='\u{1F2FF}')
}

/// Decodes leetspeak in a word that has letters in it; a plain number stays as it is. Symbols
/// at the edges are punctuation ("help!"), not letters. Returns `None` for nothing left.
fn decode(raw: &str) -> Option<(String, Vec<String>)> {
    let trimmed = raw.trim_matches(|c: char| matches!(c, '!' | '|' | '@'));
    if trimmed.is_empty() {
        return None;
    }
    if trimmed.chars().all(is_emoji) {
        return Some((trimmed.to_owned(), Vec::new()));
    }
    let has_letter = trimmed.chars().any(char::is_alphabetic);
    if !has_letter {
        // "$" alone or "988": no letters to decode.
        let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
        return (!digits.is_empty()).then_some((digits, Vec::new()));
    }
    let read = |one: char| -> String {
        trimmed
            .chars()
            .map(|c| match c {
                '0' => 'o',
                '1' => one,
                '3' => 'e',
                '4' => 'a',
                '5' | '$' => 's',
                '7' => 't',
                '8' => 'b',
                '@' => 'a',
                '!' | '|' => 'i',
                other => other,
            })
            .collect()
    };
    let primary = read('i');
    let mut alts = Vec::new();
    if trimmed.contains('1') {
        alts.push(read('l'));
    }
    if trimmed.chars().any(|c| c.is_ascii_digit()) {
        // "f4", "2day": the word as written may be what a pattern means.
        let plain: String = trimmed.chars().filter(|c| c.is_alphanumeric()).collect();
        if plain != primary {
            alts.push(plain);
        }
    }
    Some((primary, alts))
}

/// Joins runs of three or more one-letter words ("k i l l m y s e l f" → "killmyself").
fn join_spelled_out(words: Vec<(String, Vec<String>)>) -> Vec<(String, Vec<String>)> {
    let single = |w: &(String, Vec<String>)| {
        let mut chars = w.0.chars();
        matches!((chars.next(), chars.next()), (Some(c), None) if c.is_alphabetic())
    };
    let mut out = Vec::with_capacity(words.len());
    let mut index = 0;
    while index < words.len() {
        let run = words[index..].iter().take_while(|w| single(w)).count();
        if run >= 3 {
            let joined: String = words[index..index + run]
                .iter()
                .map(|w| w.0.as_str())
                .collect();
            out.push((joined, Vec::new()));
            index += run;
        } else {
            out.push(words[index].clone());
            index += 1;
        }
    }
    out
}

/// Repeated letters count once: "diiie" and "die", "killl" and "kill" meet as "die", "kil".
pub fn squeeze(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut last = None;
    for c in word.chars() {
        if Some(c) != last {
            out.push(c);
        }
        last = Some(c);
    }
    out
}

/// Whether `a` and `b` are at most one edit apart (insertion, deletion, substitution, or two
/// neighbours swapped), counted in characters.
pub fn one_edit_apart(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    match long.len() - short.len() {
        0 => {
            let diffs: Vec<usize> = (0..short.len()).filter(|&i| short[i] != long[i]).collect();
            match diffs.as_slice() {
                [] | [_] => true,
                [i, j] => *j == i + 1 && short[*i] == long[*j] && short[*j] == long[*i],
                _ => false,
            }
        }
        1 => {
            let skip = (0..short.len())
                .find(|&i| short[i] != long[i])
                .unwrap_or(short.len());
            short[skip..] == long[skip + 1..]
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        words(text).into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn case_accents_and_apostrophes_are_folded() {
        assert_eq!(texts("I DON’T want"), ["i", "dont", "want"]);
        assert_eq!(texts("Não aguento MAIS"), ["nao", "aguento", "mais"]);
        assert_eq!(texts("ich weiß nicht"), ["ich", "weis", "nicht"]);
    }

    #[test]
    fn punctuation_between_letters_splits_words_and_spelled_out_letters_are_joined() {
        assert_eq!(texts("Kill. My. Self."), ["kil", "my", "self"]);
        assert_eq!(texts("k i l l  m y s e l f"), ["kilmyself"]);
        assert_eq!(texts("k-i-l-l me"), ["kil", "me"]);
    }

    #[test]
    fn leetspeak_inside_a_word_is_read_as_letters() {
        assert_eq!(texts("k1ll mys3lf"), ["kil", "myself"]);
        assert_eq!(words("k1ll")[0].alts, ["kl", "k1l"]);
        assert_eq!(texts("$uicide"), ["suicide"]);
        assert_eq!(texts("su1c1d3"), ["suicide"]);
        // Plain numbers and punctuation stay what they are.
        assert_eq!(texts("call 988!"), ["cal", "988"]);
        assert_eq!(texts("help!! @ you"), ["help", "you"]);
    }

    #[test]
    fn repeated_letters_count_once() {
        assert_eq!(texts("I wanna dieeeee"), ["i", "wana", "die"]);
    }

    #[test]
    fn zero_width_characters_hide_nothing_and_emoji_are_words() {
        assert_eq!(texts("ki\u{200B}ll"), ["kil"]);
        assert_eq!(texts("tired 💊💊"), ["tired", "💊", "💊"]);
        assert!(words("\u{200B}\u{200D}\u{FEFF}").is_empty());
        // Direction overrides and Unicode tag characters inside a word hide nothing either.
        assert_eq!(texts("ki\u{202E}ll my\u{E0020}self"), ["kil", "myself"]);
    }

    #[test]
    fn look_alike_letters_from_other_scripts_read_as_latin() {
        // Cyrillic а/е/о/і, small capitals, a dotless i, a Hangul filler inside a word.
        assert_eq!(
            texts("і wаnt to kіll mysеlf"),
            ["i", "want", "to", "kil", "myself"]
        );
        assert_eq!(texts("ᴅɪᴇ"), ["die"]);
        assert_eq!(texts("suıcıde"), ["suicide"]);
        assert_eq!(texts("ki\u{3164}ll"), ["kil"]);
    }

    #[test]
    fn a_capital_i_among_small_letters_is_also_read_as_an_l() {
        assert_eq!(ell_reading("kiII myself").as_deref(), Some("kill myself"));
        assert_eq!(ell_reading("I want to go"), None, "a plain capital I stays");
    }

    #[test]
    fn one_edit_covers_typos_and_swaps_but_not_two_changes() {
        assert!(one_edit_apart("suicide", "sucide"));
        assert!(one_edit_apart("suicide", "suicida"));
        assert!(one_edit_apart("myself", "mysefl"));
        assert!(one_edit_apart("myself", "myselfs"));
        assert!(!one_edit_apart("myself", "yourself"));
        assert!(!one_edit_apart("xabc", "abcy"));
    }
}
