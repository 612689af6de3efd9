//! Crisis detection: does a member's text contain a phrase that calls for help now?
//!
//! Matching is on folded text (Unicode NFKC, lower case, punctuation as spaces; see
//! [`super::text::fold`]) and on whole words, so "I want to KILL MYSELF." matches
//! "kill myself" while "killing it at the gym" matches nothing. Erring towards answering is
//! right here: a false positive costs a kind message, a false negative could cost more.

use super::text::fold;

/// Phrases prepared once per content load.
#[derive(Debug, Clone, Default)]
pub struct CrisisDetector {
    /// Each phrase folded and padded with spaces: " kill myself ".
    phrases: Vec<String>,
}

impl CrisisDetector {
    pub fn new<'a>(phrases: impl IntoIterator<Item = &'a str>) -> Self {
        let phrases = phrases
            .into_iter()
            .map(fold)
            .filter(|phrase| !phrase.is_empty())
            .map(|phrase| format!(" {phrase} "))
            .collect();
        CrisisDetector { phrases }
    }

    /// Whether `text` contains any phrase on word boundaries.
    pub fn matches(&self, text: &str) -> bool {
        let padded = format!(" {} ", fold(text));
        self.phrases
            .iter()
            .any(|phrase| padded.contains(phrase.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detector() -> CrisisDetector {
        CrisisDetector::new([
            "kill myself",
            "suicide",
            "want to die",
            "dont want to live",
            "self harm",
        ])
    }

    #[test]
    fn a_phrase_in_any_case_and_punctuation_matches() {
        let detector = detector();
        assert!(detector.matches("Some days I want to KILL MYSELF."));
        assert!(detector.matches("thinking about suicide"));
        assert!(detector.matches("I just... want to die"));
        assert!(detector.matches("self-harm again"));
    }

    #[test]
    fn curly_apostrophes_and_fullwidth_letters_still_match() {
        let detector = detector();
        assert!(detector.matches("I don’t want to live like this"));
        assert!(detector.matches("ｓｕｉｃｉｄｅ"));
    }

    #[test]
    fn words_that_merely_contain_a_phrase_do_not_match() {
        let detector = detector();
        assert!(!detector.matches("I'm killing it at the gym"));
        assert!(!detector.matches("my skill myself improved")); // "skill" is not "kill"
        assert!(!detector.matches("the suicidesquad hashtag"));
    }

    #[test]
    fn ordinary_sad_text_does_not_match() {
        assert!(!detector().matches("I miss them so much and I cried all day."));
    }

    #[test]
    fn a_long_text_is_searched_whole() {
        let text = format!(
            "{} and I want to die {}",
            "word ".repeat(400),
            "more ".repeat(300)
        );
        assert!(detector().matches(&text));
    }
}
