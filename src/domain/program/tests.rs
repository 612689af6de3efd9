use chrono::{Duration, TimeZone, Utc};

use super::*;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0)
        .single()
        .expect("a valid instant")
}

fn step(n: u8) -> StepNumber {
    StepNumber::new(n).expect("a step from 1 to 7")
}

fn in_step(n: u8, since: DateTime<Utc>) -> Option<Program> {
    Some(Program::InStep {
        step: step(n),
        since,
        paused: false,
    })
}

#[test]
fn starting_enrols_the_member_in_step_one() {
    let transition = apply(None, Command::Start, t0(), 14).expect("accepted");
    assert_eq!(transition.event, Event::Enrolled);
    assert_eq!(
        transition.program,
        Program::InStep {
            step: step(1),
            since: t0(),
            paused: false
        }
    );
}

#[test]
fn starting_twice_is_refused_with_the_current_step() {
    assert_eq!(
        apply(in_step(3, t0()), Command::Start, t0(), 5),
        Err(Refusal::AlreadyEnrolled(step(3)))
    );
}

#[test]
fn every_command_but_start_needs_enrolment() {
    for command in [
        Command::NextStep,
        Command::Pause,
        Command::Resume,
        Command::AnswerCheckin,
        Command::Restart,
    ] {
        assert_eq!(
            apply(None, command, t0(), 0),
            Err(Refusal::NotEnrolled),
            "{command:?}"
        );
    }
}

#[test]
fn the_next_step_is_refused_before_min_days_have_passed() {
    let now = t0() + Duration::days(13) + Duration::hours(23);
    assert_eq!(
        apply(in_step(1, t0()), Command::NextStep, now, 14),
        Err(Refusal::TooEarly {
            step: step(1),
            days_left: 1
        })
    );
}

#[test]
fn days_left_round_up_so_the_promise_is_never_early() {
    let now = t0() + Duration::days(12) + Duration::hours(1);
    let refusal = apply(in_step(1, t0()), Command::NextStep, now, 14).unwrap_err();
    assert_eq!(
        refusal,
        Refusal::TooEarly {
            step: step(1),
            days_left: 2
        }
    );
    assert!(refusal.to_string().contains("2 days"));
}

#[test]
fn the_next_step_opens_exactly_when_min_days_have_passed() {
    let now = t0() + Duration::days(14);
    let transition = apply(in_step(1, t0()), Command::NextStep, now, 14).expect("accepted");
    assert_eq!(transition.event, Event::Advanced { to: step(2) });
    assert_eq!(
        transition.program,
        Program::InStep {
            step: step(2),
            since: now,
            paused: false
        }
    );
}

#[test]
fn a_step_without_min_days_can_be_left_at_once() {
    assert!(apply(in_step(6, t0()), Command::NextStep, t0(), 0).is_ok());
}

#[test]
fn the_last_step_needs_an_outcome_instead_of_a_next_step() {
    let now = t0() + Duration::days(30);
    assert_eq!(
        apply(in_step(7, t0()), Command::NextStep, now, 7),
        Err(Refusal::LastStepNeedsOutcome)
    );
}

#[test]
fn finishing_the_last_step_records_the_outcome() {
    let now = t0() + Duration::days(7);
    for outcome in Outcome::ALL {
        let transition =
            apply(in_step(7, t0()), Command::Finish(outcome), now, 7).expect("accepted");
        assert_eq!(transition.event, Event::Finished(outcome));
        assert_eq!(transition.program, Program::Finished { outcome, at: now });
    }
}

#[test]
fn finishing_the_last_step_early_is_refused() {
    let refusal = apply(
        in_step(7, t0()),
        Command::Finish(Outcome::MovingOn),
        t0(),
        7,
    )
    .unwrap_err();
    assert!(matches!(refusal, Refusal::TooEarly { .. }));
}

#[test]
fn an_outcome_before_the_last_step_is_refused() {
    assert_eq!(
        apply(
            in_step(4, t0()),
            Command::Finish(Outcome::Reconnecting),
            t0() + Duration::days(99),
            0
        ),
        Err(Refusal::NotLastStep(step(4)))
    );
}

#[test]
fn pausing_keeps_the_step_and_its_start() {
    let transition = apply(
        in_step(2, t0()),
        Command::Pause,
        t0() + Duration::days(1),
        7,
    )
    .expect("accepted");
    assert_eq!(
        transition.program,
        Program::InStep {
            step: step(2),
            since: t0(),
            paused: true
        }
    );
    assert_eq!(transition.event, Event::Paused);
}

#[test]
fn pausing_twice_is_refused() {
    let paused = Some(Program::InStep {
        step: step(2),
        since: t0(),
        paused: true,
    });
    assert_eq!(
        apply(paused, Command::Pause, t0(), 7),
        Err(Refusal::AlreadyPaused)
    );
}

#[test]
fn resuming_when_not_paused_is_refused() {
    assert_eq!(
        apply(in_step(2, t0()), Command::Resume, t0(), 7),
        Err(Refusal::NotPaused)
    );
}

#[test]
fn resuming_a_paused_program_restarts_check_ins() {
    let paused = Some(Program::InStep {
        step: step(2),
        since: t0(),
        paused: true,
    });
    let transition = apply(paused, Command::Resume, t0(), 7).expect("accepted");
    assert_eq!(
        transition.program,
        Program::InStep {
            step: step(2),
            since: t0(),
            paused: false
        }
    );
    assert_eq!(transition.event, Event::Resumed);
}

#[test]
fn a_paused_member_may_still_move_on_and_stays_paused() {
    let paused = Some(Program::InStep {
        step: step(2),
        since: t0(),
        paused: true,
    });
    let now = t0() + Duration::days(7);
    let transition = apply(paused, Command::NextStep, now, 7).expect("accepted");
    assert_eq!(
        transition.program,
        Program::InStep {
            step: step(3),
            since: now,
            paused: true
        }
    );
}

#[test]
fn restarting_goes_back_to_step_one_from_anywhere() {
    let finished = Some(Program::Finished {
        outcome: Outcome::MovingOn,
        at: t0(),
    });
    let later = t0() + Duration::days(2);
    for current in [in_step(5, t0()), finished] {
        let transition = apply(current, Command::Restart, later, 0).expect("accepted");
        assert_eq!(transition.event, Event::Restarted);
        assert_eq!(
            transition.program,
            Program::InStep {
                step: step(1),
                since: later,
                paused: false
            }
        );
    }
}

#[test]
fn a_check_in_answer_after_finishing_is_refused() {
    let finished = Some(Program::Finished {
        outcome: Outcome::StillUnsure,
        at: t0(),
    });
    assert_eq!(
        apply(finished, Command::AnswerCheckin, t0(), 0),
        Err(Refusal::AlreadyFinished)
    );
}

#[test]
fn a_check_in_answer_during_a_step_changes_nothing() {
    let transition = apply(in_step(3, t0()), Command::AnswerCheckin, t0(), 5).expect("accepted");
    assert_eq!(transition.event, Event::Unchanged);
    assert_eq!(Some(transition.program), in_step(3, t0()));
}

#[test]
fn every_other_command_after_finishing_points_to_restart() {
    let finished = Some(Program::Finished {
        outcome: Outcome::Reconnecting,
        at: t0(),
    });
    for command in [
        Command::Start,
        Command::NextStep,
        Command::Pause,
        Command::Resume,
    ] {
        assert_eq!(
            apply(finished, command, t0(), 0),
            Err(Refusal::AlreadyFinished),
            "{command:?}"
        );
    }
}

#[test]
fn step_numbers_are_one_to_seven() {
    assert!(StepNumber::new(0).is_none());
    assert!(StepNumber::new(8).is_none());
    assert_eq!(StepNumber::new(7), Some(StepNumber::LAST));
}

#[test]
fn outcomes_round_trip_through_their_names() {
    for outcome in Outcome::ALL {
        assert_eq!(Outcome::parse(outcome.as_str()), Some(outcome));
    }
    assert_eq!(Outcome::parse("ghosted"), None);
}

#[test]
fn days_in_step_counts_whole_days() {
    assert_eq!(days_in_step(t0(), t0() + Duration::hours(47)), 1);
    assert_eq!(days_in_step(t0(), t0() - Duration::hours(1)), 0);
}
