//! The detector's mechanics, on a small hand-written rule set. The shipped rules are measured
//! against the evaluation set in `tests/data/crisis` (see `tests/crisis_eval.rs`).

use super::*;

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn detector() -> CrisisDetector {
    let acute = strings(&[
        "kill|killing myself",
        "want to ... die",
        "wanna ... die",
        "better off ... without me",
        "wont|will not be around ... longer",
        "suicid*",
        "unalive",
        "threatened to kill me",
        "💊 ... goodbye",
    ]);
    let concern = strings(&["cant|cannot go on", "no point in anything"]);
    let quiet = strings(&["dying to know", "died laughing", "killing me"]);
    CrisisDetector::new(
        &quiet,
        [
            RuleSource {
                level: Level::Acute,
                category: "ideation",
                patterns: &acute,
            },
            RuleSource {
                level: Level::Concern,
                category: "hopelessness",
                patterns: &concern,
            },
        ],
    )
    .expect("the test rules parse")
}

fn level(text: &str) -> Option<Level> {
    detector().detect(text).map(|d| d.level)
}

#[test]
fn a_plain_phrase_is_acute_in_any_case_and_punctuation() {
    assert_eq!(
        level("Some days I want to KILL MYSELF."),
        Some(Level::Acute)
    );
    assert_eq!(level("thinking about suicide"), Some(Level::Acute));
    assert_eq!(level("i'm suicidal tonight"), Some(Level::Acute));
}

#[test]
fn a_gap_of_a_few_words_still_matches_but_a_long_one_does_not() {
    assert_eq!(
        level("I just want to honestly just die"),
        Some(Level::Acute)
    );
    assert_eq!(
        level("everyone would be better off if i was gone without me"),
        Some(Level::Acute)
    );
    assert_eq!(
        level("i want to go to the shop later and buy a plant that will not die"),
        None
    );
}

#[test]
fn letters_written_apart_or_together_still_match() {
    assert_eq!(level("Kill. My. Self."), Some(Level::Acute));
    assert_eq!(level("k i l l m y s e l f"), Some(Level::Acute));
    assert_eq!(level("i want to killmyself"), Some(Level::Acute));
    assert_eq!(level("un alive"), Some(Level::Acute));
}

#[test]
fn leetspeak_repeated_letters_and_one_typo_on_long_words_match() {
    assert_eq!(level("k1ll mys3lf"), Some(Level::Acute));
    assert_eq!(level("$uicide"), Some(Level::Acute));
    assert_eq!(level("i wanna dieeeee"), Some(Level::Acute));
    assert_eq!(level("kill mysefl"), Some(Level::Acute));
    assert_eq!(
        level("i wnat to die"),
        Some(Level::Acute),
        "four-letter words allow two letters swapped"
    );
    assert_eq!(
        level("i wamt to die"),
        None,
        "but no other typo on short words"
    );
    assert_eq!(
        level("thinking about sucide"),
        Some(Level::Acute),
        "typo in a prefix"
    );
    assert_eq!(
        level("iwanttodie"),
        Some(Level::Acute),
        "a pattern inside a glued word"
    );
}

#[test]
fn idioms_stay_quiet_but_do_not_hide_the_rest_of_the_message() {
    assert_eq!(level("this queue is killing me"), None);
    assert_eq!(level("im dying to know what happened"), None);
    assert_eq!(level("i nearly died laughing"), None);
    assert_eq!(
        level("this is killing me and i want to die"),
        Some(Level::Acute)
    );
}

#[test]
fn words_that_merely_contain_a_pattern_word_do_not_match() {
    assert_eq!(level("I'm killing it at the gym"), None);
    assert_eq!(level("my skill myself improved"), None);
    assert_eq!(level("I miss them so much and I cried all day."), None);
}

#[test]
fn hopelessness_is_a_concern_and_danger_wins_over_it() {
    assert_eq!(level("i cant go on like this"), Some(Level::Concern));
    assert_eq!(
        level("i cant go on, i want to die"),
        Some(Level::Acute),
        "the most urgent level decides"
    );
    assert_eq!(level("he threatened to kill me"), Some(Level::Acute));
}

#[test]
fn an_emoji_can_be_part_of_a_pattern() {
    assert_eq!(level("💊💊💊 goodbye everyone"), Some(Level::Acute));
    assert_eq!(level("forgot my 💊 again"), None);
}

#[test]
fn empty_or_invisible_text_is_nothing() {
    assert_eq!(level(""), None);
    assert_eq!(level("\u{200B}\u{200B}"), None);
}

#[test]
fn a_long_text_is_searched_whole() {
    let text = format!(
        "{} and I want to die {}",
        "word ".repeat(400),
        "more ".repeat(300)
    );
    assert_eq!(level(&text), Some(Level::Acute));
}

#[test]
fn the_detection_names_the_category_not_the_words() {
    let detection = detector().detect("i want to die").expect("detected");
    assert_eq!(detection.category, "ideation");
}

#[test]
fn a_pattern_that_cannot_be_read_is_reported_with_its_place() {
    let quiet = strings(&["... dying"]);
    let broken = strings(&["fine", "want to ... ... die", "a||b", "su*ic"]);
    let errors = CrisisDetector::new(
        &quiet,
        [RuleSource {
            level: Level::Acute,
            category: "ideation",
            patterns: &broken,
        }],
    )
    .expect_err("broken patterns are refused");
    let found: Vec<(Option<usize>, usize)> = errors.iter().map(|b| (b.rule, b.index)).collect();
    assert_eq!(found, [(None, 0), (Some(0), 1), (Some(0), 2), (Some(0), 3)]);
    assert_eq!(errors[1].error, PatternError::DoubleGap);
}
