//! A look back at a finished step: how long it took, how many check-ins were answered, the
//! average mood and its direction, in words. It opens the next step's introduction.
//!
//! Pure: the service reads the step's answers; this decides what they say.

use super::checkin::Mood;
use super::program::StepNumber;

/// What a member did in the step they just finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recap {
    pub step: StepNumber,
    /// Whole days in the step (0 on the day it began).
    pub days: i64,
    /// Check-ins answered (a mood or a reflection) in the step.
    pub answered: i64,
    /// The average of the moods given, in tenths (34 is 3.4), if any.
    pub average_tenths: Option<u32>,
    pub direction: Direction,
}

/// Which way the moods went over the step: the later half against the earlier half.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Lifting,
    Steady,
    Dipping,
    /// Fewer than two moods: no direction to speak of.
    Unknown,
}

/// How far the later half's average must move from the earlier half's to be a direction.
const DIRECTION_THRESHOLD: f64 = 0.5;

impl Recap {
    /// The recap of `step`, from its `days`, its `answered` count and its moods (oldest
    /// first).
    pub fn of(step: StepNumber, days: i64, answered: i64, moods: &[Mood]) -> Recap {
        let average = |moods: &[Mood]| {
            (!moods.is_empty())
                .then(|| moods.iter().map(|m| f64::from(m.get())).sum::<f64>() / moods.len() as f64)
        };
        let direction = if moods.len() < 2 {
            Direction::Unknown
        } else {
            let half = moods.len() / 2;
            let earlier = average(&moods[..half]).unwrap_or(0.0);
            let later = average(&moods[moods.len() - half..]).unwrap_or(0.0);
            if later - earlier >= DIRECTION_THRESHOLD {
                Direction::Lifting
            } else if earlier - later >= DIRECTION_THRESHOLD {
                Direction::Dipping
            } else {
                Direction::Steady
            }
        };
        Recap {
            step,
            days: days.max(0),
            answered: answered.max(0),
            average_tenths: average(moods).map(|a| (a * 10.0).round() as u32),
            direction,
        }
    }

    /// The recap in a few warm sentences, e.g. "Looking back on step 2: 9 days, 7 check-ins
    /// answered. Your mood averaged 3.4 (okay) and lifted as the step went on."
    pub fn words(&self) -> String {
        let days = match self.days {
            0 => "less than a day".to_owned(),
            1 => "1 day".to_owned(),
            n => format!("{n} days"),
        };
        let answered = match self.answered {
            0 => "no check-ins answered, and that's okay".to_owned(),
            1 => "1 check-in answered".to_owned(),
            n => format!("{n} check-ins answered"),
        };
        let mut text = format!("Looking back on step {}: {days}, {answered}.", self.step);
        if let Some(tenths) = self.average_tenths {
            let average = f64::from(tenths) / 10.0;
            let word = mood_word(average);
            let direction = match self.direction {
                Direction::Lifting => " and lifted as the step went on",
                Direction::Dipping => {
                    " and dipped as the step went on; that's part of it too, so be gentle with yourself"
                }
                Direction::Steady => " and stayed fairly steady",
                Direction::Unknown => "",
            };
            text.push_str(&format!(
                " Your mood averaged {average:.1} ({word}){direction}."
            ));
        }
        text
    }
}

/// The word for an average mood, as on the check-in's mood select.
fn mood_word(average: f64) -> &'static str {
    match average.round() as i64 {
        i64::MIN..=1 => "really struggling",
        2 => "low",
        3 => "okay",
        4 => "good",
        _ => "really good",
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

    fn step(n: u8) -> StepNumber {
        StepNumber::new(n).expect("1 to 7")
    }

    #[test]
    fn a_step_with_rising_moods_reads_as_lifting() {
        let recap = Recap::of(step(2), 9, 7, &moods(&[2, 3, 3, 3, 4, 4, 4]));
        assert_eq!(recap.direction, Direction::Lifting);
        assert_eq!(
            recap.words(),
            "Looking back on step 2: 9 days, 7 check-ins answered. Your mood averaged 3.3 (okay) and lifted as the step went on."
        );
    }

    #[test]
    fn falling_and_steady_moods_say_so_gently() {
        let dipping = Recap::of(step(1), 14, 4, &moods(&[4, 4, 2, 2]));
        assert_eq!(dipping.direction, Direction::Dipping);
        assert!(dipping.words().contains("be gentle with yourself"));
        let steady = Recap::of(step(3), 5, 2, &moods(&[3, 3]));
        assert_eq!(steady.direction, Direction::Steady);
        assert!(steady.words().contains("stayed fairly steady"));
    }

    #[test]
    fn a_step_without_answers_is_no_reproach() {
        let recap = Recap::of(step(4), 1, 0, &[]);
        assert_eq!(recap.average_tenths, None);
        assert_eq!(recap.direction, Direction::Unknown);
        assert_eq!(
            recap.words(),
            "Looking back on step 4: 1 day, no check-ins answered, and that's okay."
        );
        let one = Recap::of(step(4), 0, 1, &moods(&[5]));
        assert_eq!(
            one.words(),
            "Looking back on step 4: less than a day, 1 check-in answered. Your mood averaged 5.0 (really good)."
        );
    }
}
