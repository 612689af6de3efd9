//! Check-ins: which prompt comes next, what an answer may hold, and how progress reads.

use std::fmt;

use thiserror::Error;

/// The longest reflection we keep, in characters (a Discord modal's text input maximum).
pub const MAX_REFLECTION_CHARS: usize = 4000;

/// The most reflections and journal entries kept for one member: far beyond anyone's
/// writing in the retention period, and a bound on what a script flooding the bot's DMs
/// can make it store.
pub const MAX_ENTRIES: usize = 10_000;

/// Where a check-in stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CheckinStatus {
    /// Sent, waiting for an answer.
    Open,
    Answered,
    /// Set aside with "Snooze a day".
    Snoozed,
    /// Never answered: superseded by a newer check-in, undeliverable, or a slot that passed
    /// while the bot was down.
    Missed,
}

impl CheckinStatus {
    pub const ALL: [CheckinStatus; 4] = [
        CheckinStatus::Open,
        CheckinStatus::Answered,
        CheckinStatus::Snoozed,
        CheckinStatus::Missed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CheckinStatus::Open => "open",
            CheckinStatus::Answered => "answered",
            CheckinStatus::Snoozed => "snoozed",
            CheckinStatus::Missed => "missed",
        }
    }

    pub fn parse(text: &str) -> Option<CheckinStatus> {
        CheckinStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// A mood from 1 (very low) to 5 (very good).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Mood(u8);

impl Mood {
    pub fn parse(text: &str) -> Result<Mood, AnswerError> {
        text.trim()
            .parse::<u8>()
            .ok()
            .and_then(Mood::new)
            .ok_or_else(|| AnswerError::BadMood(text.chars().take(20).collect()))
    }

    pub fn new(value: u8) -> Option<Mood> {
        (1..=5).contains(&value).then_some(Mood(value))
    }

    pub fn get(self) -> u8 {
        self.0
    }

    /// The words on the mood select.
    pub fn label(self) -> &'static str {
        match self.0 {
            1 => "1 · Really struggling",
            2 => "2 · Low",
            3 => "3 · Okay",
            4 => "4 · Good",
            _ => "5 · Really good",
        }
    }

    pub const ALL: [Mood; 5] = [Mood(1), Mood(2), Mood(3), Mood(4), Mood(5)];
}

/// A reflection or journal entry: non-empty, at most [`MAX_REFLECTION_CHARS`].
#[derive(Clone, PartialEq, Eq)]
pub struct Reflection(String);

impl Reflection {
    pub fn parse(text: &str) -> Result<Reflection, AnswerError> {
        let trimmed = text.trim();
        let length = trimmed.chars().count();
        // Zero-width and other invisible characters alone are not a reflection.
        if !trimmed.chars().any(super::text::is_visible) {
            return Err(AnswerError::EmptyReflection);
        }
        if length > MAX_REFLECTION_CHARS {
            return Err(AnswerError::ReflectionTooLong { length });
        }
        Ok(Reflection(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Reflections are private: `Debug` never shows their words, so they cannot reach a log.
impl fmt::Debug for Reflection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Reflection({} chars)", self.0.chars().count())
    }
}

/// Why an answer was refused; shown to the member.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AnswerError {
    #[error("Your reflection is {length} characters; I can keep up to {MAX_REFLECTION_CHARS}. Could you shorten it, or send it in two parts? Nothing was saved yet.")]
    ReflectionTooLong { length: usize },
    #[error("That reflection looks empty, so I didn't save anything.")]
    EmptyReflection,
    #[error("“{0}” isn't a mood I know; choose from 1 to 5.")]
    BadMood(String),
    #[error("Your journal holds {MAX_ENTRIES} entries, the most I keep, so I didn't save this one. `/journal read` lets you delete entries, and `/privacy export` saves them all.")]
    JournalFull,
}

/// The prompt to use next in a step with `count` prompts, given the one used last time in
/// the same step (if any): the following one, wrapping around, so never the same twice in a
/// row when the step has two or more.
pub fn next_prompt(count: usize, last_in_step: Option<usize>) -> usize {
    match (count, last_in_step) {
        (0, _) => 0,
        (_, None) => 0,
        (count, Some(last)) => (last + 1) % count,
    }
}

/// How a check-in stands, newest first when listed for [`streak`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answered {
    Yes,
    No,
    /// Sent, not answered yet, and still the current one: it does not break a streak.
    Open,
}

/// Consecutive answered check-ins counting back from the newest; an open newest one is
/// skipped, any unanswered one ends the count.
pub fn streak(newest_first: &[Answered]) -> usize {
    let mut items = newest_first.iter().peekable();
    if items.peek() == Some(&&Answered::Open) {
        items.next();
    }
    items
        .take_while(|answered| **answered == Answered::Yes)
        .count()
}

/// A sparkline of moods, oldest first: one bar per check-in, higher is better.
pub fn sparkline(moods_oldest_first: &[Mood]) -> String {
    const BARS: [char; 5] = ['▁', '▃', '▄', '▆', '█'];
    moods_oldest_first
        .iter()
        .map(|mood| BARS[usize::from(mood.get() - 1)])
        .collect()
}

/// The direction of the recent moods, in words: the last three against the three before.
pub fn trend(moods_oldest_first: &[Mood]) -> &'static str {
    if moods_oldest_first.len() < 4 {
        return "not enough check-ins yet to see a trend";
    }
    let average =
        |moods: &[Mood]| moods.iter().map(|m| f64::from(m.get())).sum::<f64>() / moods.len() as f64;
    let split = moods_oldest_first.len().saturating_sub(3);
    let recent = average(&moods_oldest_first[split..]);
    let before = average(&moods_oldest_first[split.saturating_sub(3)..split]);
    if recent - before >= 0.5 {
        "lifting lately"
    } else if before - recent >= 0.5 {
        "a bit lower lately: be gentle with yourself"
    } else {
        "fairly steady"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moods(values: &[u8]) -> Vec<Mood> {
        values
            .iter()
            .map(|v| Mood::new(*v).expect("1 to 5"))
            .collect()
    }

    #[test]
    fn prompts_rotate_and_never_repeat_twice_in_a_row() {
        assert_eq!(next_prompt(3, None), 0);
        assert_eq!(next_prompt(3, Some(0)), 1);
        assert_eq!(next_prompt(3, Some(2)), 0);
        let mut last = None;
        for _ in 0..10 {
            let next = next_prompt(4, last);
            assert_ne!(Some(next), last);
            last = Some(next);
        }
    }

    #[test]
    fn a_reflection_up_to_4000_characters_is_kept_trimmed() {
        let text = format!("  {}  ", "é".repeat(4000));
        assert_eq!(
            Reflection::parse(&text).map(|r| r.as_str().chars().count()),
            Ok(4000)
        );
    }

    #[test]
    fn a_4001_character_reflection_is_refused_kindly() {
        let error = Reflection::parse(&"a".repeat(4001)).unwrap_err();
        assert_eq!(error, AnswerError::ReflectionTooLong { length: 4001 });
        assert!(error.to_string().contains("up to 4000"));
        assert!(error.to_string().contains("Nothing was saved"));
    }

    #[test]
    fn an_empty_reflection_is_refused() {
        assert_eq!(Reflection::parse(" \n "), Err(AnswerError::EmptyReflection));
    }

    #[test]
    fn a_reflection_never_shows_its_words_in_debug() {
        let reflection = Reflection::parse("my secret feelings").expect("valid");
        assert_eq!(format!("{reflection:?}"), "Reflection(18 chars)");
    }

    #[test]
    fn moods_are_one_to_five() {
        assert_eq!(Mood::parse("3").map(Mood::get), Ok(3));
        assert!(Mood::parse("0").is_err());
        assert!(Mood::parse("6").is_err());
        assert!(Mood::parse("x").is_err());
    }

    #[test]
    fn the_streak_skips_an_open_newest_check_in_and_stops_at_a_gap() {
        use Answered::*;
        assert_eq!(streak(&[Open, Yes, Yes, No, Yes]), 2);
        assert_eq!(streak(&[Yes, Yes, Yes]), 3);
        assert_eq!(streak(&[No, Yes]), 0);
        assert_eq!(streak(&[]), 0);
        assert_eq!(streak(&[Open, Open, Yes]), 0);
    }

    #[test]
    fn the_sparkline_has_one_bar_per_mood() {
        assert_eq!(sparkline(&moods(&[1, 2, 3, 4, 5])), "▁▃▄▆█");
        assert_eq!(sparkline(&[]), "");
    }

    #[test]
    fn the_trend_reads_in_words() {
        assert_eq!(trend(&moods(&[2, 2, 2, 4, 4, 4])), "lifting lately");
        assert_eq!(
            trend(&moods(&[4, 4, 4, 2, 2, 2])),
            "a bit lower lately: be gentle with yourself"
        );
        assert_eq!(trend(&moods(&[3, 3, 3, 3])), "fairly steady");
        assert_eq!(
            trend(&moods(&[3, 3])),
            "not enough check-ins yet to see a trend"
        );
    }
}
