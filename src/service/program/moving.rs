//! Moving on through the steps, and closing the program at the end of the last one.

use chrono::{DateTime, Utc};

use super::{decide, min_days, reachable, REPEAT_WINDOW};
use crate::delivery::Lane;
use crate::domain::member::MemberId;
use crate::domain::program::{self, apply, Command, Outcome, Program, Refusal, StepNumber};
use crate::domain::recap::Recap;
use crate::service::dm::{self, ClosedDms, Delivery};
use crate::service::messages::Outgoing;
use crate::service::{Ctx, ServiceError};

/// What moving on leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    Advanced(StepNumber),
    /// The last step is done: ask how things stand before closing the program.
    AskOutcome,
}

/// Moves the member on from the step they are in (no DM; [`move_on`] is what the button
/// does).
pub async fn next_step(ctx: Ctx<'_>, member: MemberId) -> Result<NextStep, ServiceError> {
    let current = match ctx.store.program(member).await? {
        Some(Program::InStep { step, .. }) => step,
        Some(Program::Finished { .. }) => return Err(Refusal::AlreadyFinished.into()),
        None => return Err(Refusal::NotEnrolled.into()),
    };
    match decide_move(ctx, member, current).await?.0 {
        MovedOn::Advanced { to, .. } | MovedOn::AdvancedUnsent { to } => Ok(NextStep::Advanced(to)),
        MovedOn::AskOutcome => Ok(NextStep::AskOutcome),
    }
}

/// What "Ready for the next step" led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MovedOn {
    /// Moved on to the step; its introduction went by DM (or see the delivery). `repeat`:
    /// the move was made a moment ago by the same button (nothing happened now).
    Advanced {
        to: StepNumber,
        delivery: Delivery,
        repeat: bool,
    },
    /// Moved on to the step, but its introduction could not be sent (Discord failed after
    /// the lane's retries, or the database was busy right after the move): said so. Not an
    /// error, which a caller would try again whole, find the move made and answer as if the
    /// introduction had gone.
    AdvancedUnsent { to: StepNumber },
    /// The last step is done: ask how things stand before closing the program.
    AskOutcome,
}

/// "Ready for the next step" on a check-in of step `from`: moves the member on and sends
/// the next step's introduction.
pub async fn move_on(
    ctx: Ctx<'_>,
    member: MemberId,
    from: StepNumber,
) -> Result<MovedOn, ServiceError> {
    // Held from the decision to the introduction's fate, so a second press waits for both
    // and answers as the first one found out.
    let held = ctx.guards.lock(member).await;
    let (moved, finished_since) = decide_move(ctx, member, from).await?;
    match moved {
        MovedOn::Advanced {
            to, repeat: false, ..
        } => {
            // The move is stored: from here on a failure is told, not returned as an error.
            let sent = async {
                let recap = match finished_since {
                    Some(since) => Some(recap(ctx, member, from, since).await?),
                    None => None,
                };
                dm::send_held(
                    ctx,
                    &held,
                    member,
                    &Outgoing::StepIntro { step: to, recap },
                    Lane::Interactive,
                    None,
                    ClosedDms::ToldNow,
                )
                .await
            }
            .await;
            match sent {
                Ok(delivery) => {
                    held.clear_unsent();
                    Ok(MovedOn::Advanced {
                        to,
                        delivery,
                        repeat: false,
                    })
                }
                Err(error) => {
                    tracing::warn!(error = %error, "moved on, but the introduction could not be sent");
                    held.note_unsent(ctx.now, REPEAT_WINDOW);
                    Ok(MovedOn::AdvancedUnsent { to })
                }
            }
        }
        MovedOn::Advanced {
            to, repeat: true, ..
        } => {
            if held.unsent_within(ctx.now, REPEAT_WINDOW) {
                // The press a moment ago could not send the introduction: say the same.
                return Ok(MovedOn::AdvancedUnsent { to });
            }
            let reachable = reachable(ctx, member).await?;
            Ok(MovedOn::Advanced {
                to,
                delivery: if reachable {
                    Delivery::Sent
                } else {
                    Delivery::Closed
                },
                repeat: true,
            })
        }
        other => Ok(other),
    }
}

/// The look back at step `step`, which the member was in since `since`.
async fn recap(
    ctx: Ctx<'_>,
    member: MemberId,
    step: StepNumber,
    since: DateTime<Utc>,
) -> Result<Recap, ServiceError> {
    let answers = ctx.store.step_answers(member, step, since).await?;
    Ok(Recap::of(
        step,
        program::days_in_step(since, ctx.now),
        answers.answered,
        &answers.moods,
    ))
}

/// The move from `from`, decided and stored atomically; with the move, since when the member
/// was in the step they finished.
async fn decide_move(
    ctx: Ctx<'_>,
    member: MemberId,
    from: StepNumber,
) -> Result<(MovedOn, Option<DateTime<Utc>>), ServiceError> {
    let outcome = ctx
        .store
        .transition(member, ctx.now, |standing| {
            let program = standing.program;
            match program {
                None => Err(Refusal::NotEnrolled.into()),
                Some(Program::Finished { .. }) => Err(Refusal::AlreadyFinished.into()),
                Some(Program::InStep { step, since, .. }) if step == from => {
                    if step == StepNumber::LAST
                        && program::may_move_on(since, ctx.now, min_days(ctx, program))
                    {
                        return Ok((None, (MovedOn::AskOutcome, None)));
                    }
                    let transition =
                        apply(program, Command::NextStep, ctx.now, min_days(ctx, program))?;
                    let to = match transition.program {
                        Program::InStep { step, .. } => step,
                        Program::Finished { .. } => StepNumber::LAST,
                    };
                    Ok((
                        Some(decide(ctx, standing, transition, None)),
                        (
                            MovedOn::Advanced {
                                to,
                                delivery: Delivery::Sent,
                                repeat: false,
                            },
                            Some(since),
                        ),
                    ))
                }
                // The same button, pressed again a moment after it moved them on.
                Some(Program::InStep { step, since, .. })
                    if step.get() == from.get() + 1 && ctx.now - since < REPEAT_WINDOW =>
                {
                    Ok((
                        None,
                        (
                            MovedOn::Advanced {
                                to: step,
                                delivery: Delivery::Sent,
                                repeat: true,
                            },
                            None,
                        ),
                    ))
                }
                Some(Program::InStep { step, .. }) => {
                    Err(ServiceError::from(Refusal::OlderStep(step)))
                }
            }
        })
        .await?;
    Ok(outcome)
}

/// Closes the program with the member's outcome; the same outcome pressed again answers the
/// same, without a second effect.
pub async fn finish(
    ctx: Ctx<'_>,
    member: MemberId,
    outcome: Outcome,
) -> Result<Outcome, ServiceError> {
    // Under the member's lock: nothing scheduled arrives after "finished".
    let _held = ctx.guards.lock(member).await;
    ctx.store
        .transition(member, ctx.now, |standing| match standing.program {
            Some(Program::Finished { outcome: done, .. }) if done == outcome => Ok((None, outcome)),
            program => {
                let transition = apply(
                    program,
                    Command::Finish(outcome),
                    ctx.now,
                    min_days(ctx, program),
                )?;
                Ok::<_, ServiceError>((Some(decide(ctx, standing, transition, None)), outcome))
            }
        })
        .await
}
