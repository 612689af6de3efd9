//! The chart in words, for members who use a screen reader: how many check-ins, the range,
//! the direction, the latest mood and the current step, in one or two short sentences.

use super::{mood_word, DayMood, MAX_ALT_TEXT_CHARS, WINDOW_DAYS};

/// Which way the moods went over the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Trend {
    Rising,
    Falling,
    Steady,
    /// No clear direction, but far apart from one check-in to the next.
    UpAndDown,
}

impl Trend {
    fn words(self) -> &'static str {
        match self {
            Trend::Rising => "mostly rising",
            Trend::Falling => "mostly falling",
            Trend::Steady => "fairly steady",
            Trend::UpAndDown => "up and down",
        }
    }
}

/// How far the fitted line must climb or drop across the check-ins, in mood points, to be
/// called a direction: one whole step on the 1-5 scale.
const DIRECTION_THRESHOLD: f64 = 1.0;
/// A spread (standard deviation) this wide with no direction reads as up and down.
const UP_AND_DOWN_SPREAD: f64 = 1.0;

/// The direction of the least-squares line through the moods by day, from the first
/// check-in to the last. Moods on one single day have no direction.
pub(super) fn trend(moods: &[DayMood]) -> Trend {
    if moods.is_empty() {
        return Trend::Steady;
    }
    let n = moods.len() as f64;
    let mean_day = moods.iter().map(|m| m.day as f64).sum::<f64>() / n;
    let mean_mood = moods.iter().map(|m| f64::from(m.mood)).sum::<f64>() / n;
    let (mut covariance, mut day_variance, mut mood_variance) = (0.0, 0.0, 0.0);
    for m in moods {
        let (dx, dy) = (m.day as f64 - mean_day, f64::from(m.mood) - mean_mood);
        covariance += dx * dy;
        day_variance += dx * dx;
        mood_variance += dy * dy;
    }
    let first = moods.iter().map(|m| m.day).min().unwrap_or(0);
    let last = moods.iter().map(|m| m.day).max().unwrap_or(0);
    let change = if day_variance > 0.0 {
        covariance / day_variance * (last - first) as f64
    } else {
        0.0
    };
    if change >= DIRECTION_THRESHOLD {
        Trend::Rising
    } else if change <= -DIRECTION_THRESHOLD {
        Trend::Falling
    } else if (mood_variance / n).sqrt() >= UP_AND_DOWN_SPREAD {
        Trend::UpAndDown
    } else {
        Trend::Steady
    }
}

/// For example: "Mood over the last 90 days: 14 check-ins, between 2 (low) and 4 (good),
/// mostly rising; the latest is 4 (good). Now in step 3."
pub(super) fn alt_text(moods: &[DayMood], current_step: Option<u8>) -> String {
    let lowest = moods.iter().map(|m| m.mood).min().unwrap_or(3);
    let highest = moods.iter().map(|m| m.mood).max().unwrap_or(3);
    let latest = moods.last().map_or(3, |m| m.mood);
    let range = if lowest == highest {
        format!("all at {lowest} ({})", mood_word(lowest))
    } else {
        format!(
            "between {lowest} ({}) and {highest} ({})",
            mood_word(lowest),
            mood_word(highest)
        )
    };
    let check_ins = match moods.len() {
        1 => "1 check-in".to_owned(),
        n => format!("{n} check-ins"),
    };
    let mut text = format!(
        "Mood over the last {WINDOW_DAYS} days: {check_ins}, {range}, {}; the latest is {latest} ({}).",
        trend(moods).words(),
        mood_word(latest),
    );
    if let Some(step) = current_step {
        text.push_str(&now_in(step));
    }
    // Cannot happen with the sentences above; a guard so a later edit cannot break the limit.
    if text.chars().count() > MAX_ALT_TEXT_CHARS {
        text = text.chars().take(MAX_ALT_TEXT_CHARS - 1).collect();
        text.push('…');
    }
    text
}

fn now_in(step: u8) -> String {
    format!(" Now in step {step}.")
}

/// `text` with its last sentence saying the program is complete instead of naming a step.
pub(super) fn finished(text: &str) -> String {
    let base = (1..=7)
        .find_map(|step| text.strip_suffix(now_in(step).as_str()))
        .unwrap_or(text);
    format!("{base} All seven steps done.")
}
