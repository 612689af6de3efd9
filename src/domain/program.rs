//! The program state machine: which step a member is in, and what may happen next.
//!
//! Pure: `apply(state, command, now, min_days)` returns the new state and the event to record,
//! or a refusal a member can read. The service stores the result and carries out what the
//! event implies (send the next step's introduction, stop scheduling, ...).

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use thiserror::Error;

/// A step number, 1 to 7.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StepNumber(u8);

impl StepNumber {
    pub const FIRST: StepNumber = StepNumber(1);
    pub const LAST: StepNumber = StepNumber(7);

    pub fn new(number: u8) -> Option<StepNumber> {
        (1..=7).contains(&number).then_some(StepNumber(number))
    }

    pub fn get(self) -> u8 {
        self.0
    }

    fn next(self) -> Option<StepNumber> {
        StepNumber::new(self.0 + 1)
    }
}

impl fmt::Display for StepNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// How a member's program ended. Every outcome is respected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Reconnecting,
    StillUnsure,
    MovingOn,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [
        Outcome::Reconnecting,
        Outcome::StillUnsure,
        Outcome::MovingOn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Reconnecting => "reconnecting",
            Outcome::StillUnsure => "still_unsure",
            Outcome::MovingOn => "moving_on",
        }
    }

    pub fn parse(text: &str) -> Option<Outcome> {
        Outcome::ALL
            .into_iter()
            .find(|outcome| outcome.as_str() == text)
    }

    /// What the member sees on the button.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Reconnecting => "We're reconnecting",
            Outcome::StillUnsure => "I'm still unsure",
            Outcome::MovingOn => "I'm moving on",
        }
    }
}

/// Where a member stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Program {
    /// In a step since `since`; `paused` stops every scheduled message.
    InStep {
        step: StepNumber,
        since: DateTime<Utc>,
        paused: bool,
    },
    /// Went through all seven steps.
    Finished { outcome: Outcome, at: DateTime<Utc> },
}

/// What a member (or a button) asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Start,
    /// Move on from the current step, allowed once its `min_days` have passed.
    NextStep,
    /// Close step 7 with an outcome.
    Finish(Outcome),
    Pause,
    Resume,
    /// Back to step 1; history is kept.
    Restart,
    /// A check-in answer (mood or reflection) arrives.
    AnswerCheckin,
}

/// What happened, for the step history and for the service to act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Enrolled,
    Advanced {
        to: StepNumber,
    },
    Finished(Outcome),
    Paused,
    Resumed,
    Restarted,
    /// Nothing changes in the program (an accepted check-in answer).
    Unchanged,
}

/// The kind of an event, as the step history stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    Enrolled,
    Advanced,
    Finished,
    Paused,
    Resumed,
    Restarted,
}

impl EventKind {
    pub const ALL: [EventKind; 6] = [
        EventKind::Enrolled,
        EventKind::Advanced,
        EventKind::Finished,
        EventKind::Paused,
        EventKind::Resumed,
        EventKind::Restarted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Enrolled => "enrolled",
            EventKind::Advanced => "advanced",
            EventKind::Finished => "finished",
            EventKind::Paused => "paused",
            EventKind::Resumed => "resumed",
            EventKind::Restarted => "restarted",
        }
    }

    pub fn parse(text: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

impl Event {
    /// The kind stored in the step history; `None` for an event that records nothing.
    pub fn kind(self) -> Option<EventKind> {
        match self {
            Event::Enrolled => Some(EventKind::Enrolled),
            Event::Advanced { .. } => Some(EventKind::Advanced),
            Event::Finished(_) => Some(EventKind::Finished),
            Event::Paused => Some(EventKind::Paused),
            Event::Resumed => Some(EventKind::Resumed),
            Event::Restarted => Some(EventKind::Restarted),
            Event::Unchanged => None,
        }
    }

    /// The name stored in the step history.
    pub fn as_str(self) -> &'static str {
        match self {
            Event::Enrolled => "enrolled",
            Event::Advanced { .. } => "advanced",
            Event::Finished(_) => "finished",
            Event::Paused => "paused",
            Event::Resumed => "resumed",
            Event::Restarted => "restarted",
            Event::Unchanged => "unchanged",
        }
    }
}

/// Why a command was refused; the text is shown to the member.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Refusal {
    #[error("You haven't started the program yet. Use /program start whenever you feel ready.")]
    NotEnrolled,
    #[error("You're already in the program, at step {0}. /program status shows where you are.")]
    AlreadyEnrolled(StepNumber),
    #[error("You've completed all seven steps. If you'd like to go through them again, use /program restart.")]
    AlreadyFinished,
    #[error("There's no rush. Step {step} asks for a little more time: the next step opens in {}.", days_text(*.days_left))]
    TooEarly { step: StepNumber, days_left: i64 },
    #[error("This is the last step. When you're ready, tell me how things stand and I'll close the program.")]
    LastStepNeedsOutcome,
    #[error("That choice belongs to the last step; you're at step {0}.")]
    NotLastStep(StepNumber),
    #[error("That check-in belongs to an earlier step; you're in step {0} now. Your latest check-in has the button for this step.")]
    OlderStep(StepNumber),
    #[error("Your check-ins are already paused. /program resume starts them again.")]
    AlreadyPaused,
    #[error("Your check-ins aren't paused.")]
    NotPaused,
}

fn days_text(days: i64) -> String {
    if days == 1 {
        "1 day".to_owned()
    } else {
        format!("{days} days")
    }
}

/// The result of an accepted command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub program: Program,
    pub event: Event,
}

/// Applies `command` to `current` at `now`. `min_days` is the current step's minimum stay
/// (from the content), so content edits take effect without touching the machine.
pub fn apply(
    current: Option<Program>,
    command: Command,
    now: DateTime<Utc>,
    min_days: u32,
) -> Result<Transition, Refusal> {
    let fresh = |event| Transition {
        program: Program::InStep {
            step: StepNumber::FIRST,
            since: now,
            paused: false,
        },
        event,
    };
    let Some(program) = current else {
        return match command {
            Command::Start => Ok(fresh(Event::Enrolled)),
            _ => Err(Refusal::NotEnrolled),
        };
    };
    match (program, command) {
        (_, Command::Restart) => Ok(fresh(Event::Restarted)),
        (Program::Finished { .. }, _) => Err(Refusal::AlreadyFinished),
        (Program::InStep { step, .. }, Command::Start) => Err(Refusal::AlreadyEnrolled(step)),
        (
            Program::InStep {
                step,
                since,
                paused,
            },
            Command::NextStep,
        ) => {
            ready_to_move_on(step, since, now, min_days)?;
            let to = step.next().ok_or(Refusal::LastStepNeedsOutcome)?;
            Ok(Transition {
                program: Program::InStep {
                    step: to,
                    since: now,
                    paused,
                },
                event: Event::Advanced { to },
            })
        }
        (Program::InStep { step, since, .. }, Command::Finish(outcome)) => {
            if step != StepNumber::LAST {
                return Err(Refusal::NotLastStep(step));
            }
            ready_to_move_on(step, since, now, min_days)?;
            Ok(Transition {
                program: Program::Finished { outcome, at: now },
                event: Event::Finished(outcome),
            })
        }
        (Program::InStep { paused: true, .. }, Command::Pause) => Err(Refusal::AlreadyPaused),
        (
            Program::InStep {
                step,
                since,
                paused: false,
            },
            Command::Pause,
        ) => Ok(Transition {
            program: Program::InStep {
                step,
                since,
                paused: true,
            },
            event: Event::Paused,
        }),
        (Program::InStep { paused: false, .. }, Command::Resume) => Err(Refusal::NotPaused),
        (
            Program::InStep {
                step,
                since,
                paused: true,
            },
            Command::Resume,
        ) => Ok(Transition {
            program: Program::InStep {
                step,
                since,
                paused: false,
            },
            event: Event::Resumed,
        }),
        (program @ Program::InStep { .. }, Command::AnswerCheckin) => Ok(Transition {
            program,
            event: Event::Unchanged,
        }),
    }
}

/// Whether `min_days` have passed since the step began.
pub fn may_move_on(since: DateTime<Utc>, now: DateTime<Utc>, min_days: u32) -> bool {
    now >= since + Duration::days(i64::from(min_days))
}

fn ready_to_move_on(
    step: StepNumber,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
    min_days: u32,
) -> Result<(), Refusal> {
    if may_move_on(since, now, min_days) {
        return Ok(());
    }
    let opens = since + Duration::days(i64::from(min_days));
    // Round up: 30 hours left is "2 days", never "1 day" that turns out to be more.
    let days_left = ((opens - now).num_seconds() + 86_399) / 86_400;
    Err(Refusal::TooEarly {
        step,
        days_left: days_left.max(1),
    })
}

/// Whole days spent in the current step (0 on the first day).
pub fn days_in_step(since: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (now - since).num_days().max(0)
}

#[cfg(test)]
mod tests;
