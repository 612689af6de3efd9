//! Enrolment and moving through the steps.
//!
//! Every change is decided and stored in one transaction with the read it depends on
//! ([`crate::store::Store::transition`]), so a button pressed twice at once acts once: the
//! second press sees the first one's result and answers as it did, without a second effect.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::dm::{self, ClosedDms, Delivery};
use super::messages::Outgoing;
use super::{Ctx, ServiceError};
use crate::chart::{self, Chart, MoodPoint, StepSpan};
use crate::delivery::Lane;
use crate::domain::checkin::{sparkline, streak, trend};
use crate::domain::ids::GuildId;
use crate::domain::member::MemberId;
use crate::domain::pause::{self, PauseEnd};
use crate::domain::program::{
    self, apply, Command, Outcome, Program, Refusal, StepNumber, Transition,
};
use crate::domain::recap::Recap;
use crate::domain::schedule::{self, ScheduleChange};
use crate::store::{Decision, Standing};

/// A press that repeats one made this recently answers as that one did.
const REPEAT_WINDOW: Duration = Duration::minutes(10);

fn min_days(ctx: Ctx<'_>, program: Option<Program>) -> u32 {
    match program {
        Some(Program::InStep { step, .. }) => {
            ctx.content.step(step.get()).map_or(1, |s| s.min_days)
        }
        _ => 0,
    }
}

/// What storing `transition` means, given where the member stands: the schedule follows
/// the event, except that a member whose DMs are closed gets nothing scheduled.
fn decide(
    ctx: Ctx<'_>,
    standing: &Standing,
    transition: Transition,
    guild: Option<GuildId>,
) -> Decision {
    let settings = standing
        .member
        .as_ref()
        .map_or(ctx.settings.defaults, |row| row.settings);
    let reachable = standing.member.as_ref().is_none_or(|row| row.reachable);
    let schedule = match schedule::change_for(transition.event, &settings, ctx.now, &ctx.policy()) {
        ScheduleChange::Set(_) if !reachable => ScheduleChange::Clear,
        other => other,
    };
    Decision {
        transition,
        schedule,
        defaults: ctx.settings.defaults,
        guild,
        pause_end: None,
    }
}

/// Applies `command` for `member` and stores the result, atomically.
async fn change(
    ctx: Ctx<'_>,
    member: MemberId,
    command: Command,
) -> Result<Transition, ServiceError> {
    ctx.store
        .transition(member, ctx.now, |standing| {
            let transition = apply(
                standing.program,
                command,
                ctx.now,
                min_days(ctx, standing.program),
            )?;
            Ok::<_, ServiceError>((Some(decide(ctx, standing, transition, None)), transition))
        })
        .await
}

/// What "Begin" led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Began {
    /// Enrolled now; the welcome and step 1 went by DM (or could not: see the delivery).
    Enrolled(Delivery),
    /// Already in the program (a second press, or an old notice): nothing changed.
    /// `reachable`: whether DMs reach them, as the first press found out.
    AlreadyIn { step: StepNumber, reachable: bool },
}

/// Enrols the member in step 1 (no welcome DM; [`enrol`] is what "Begin" does).
pub async fn begin(ctx: Ctx<'_>, member: MemberId) -> Result<StepNumber, ServiceError> {
    change(ctx, member, Command::Start).await?;
    Ok(StepNumber::FIRST)
}

/// "Begin": enrols the member (after they consented) in step 1, from `guild` (none: from
/// DMs), and sends the welcome. A second press changes nothing.
pub async fn enrol(
    ctx: Ctx<'_>,
    member: MemberId,
    guild: Option<GuildId>,
) -> Result<Began, ServiceError> {
    // Held from the decision to the welcome's fate, so a second press waits for both and
    // answers as the first one found out.
    let held = ctx.guards.lock(member).await;
    let began = ctx
        .store
        .transition(member, ctx.now, |standing| match standing.program {
            Some(Program::InStep { step, .. }) => Ok((
                None,
                Began::AlreadyIn {
                    step,
                    reachable: true,
                },
            )),
            program => {
                let transition = apply(program, Command::Start, ctx.now, 0)?;
                Ok::<_, ServiceError>((
                    Some(decide(ctx, standing, transition, guild)),
                    Began::Enrolled(Delivery::Sent),
                ))
            }
        })
        .await?;
    if let Began::AlreadyIn { step, .. } = began {
        let reachable = reachable(ctx, member).await?;
        return Ok(Began::AlreadyIn { step, reachable });
    }
    let delivery = dm::send_held(
        ctx,
        &held,
        member,
        &Outgoing::Welcome {
            step: StepNumber::FIRST,
        },
        Lane::Interactive,
        None,
        ClosedDms::ToldNow,
    )
    .await?;
    Ok(Began::Enrolled(delivery))
}

/// Whether DMs reach the member, as far as we know. Read under their lock by a repeated
/// press: the first press held it from its decision until its DM's fate was stored.
async fn reachable(ctx: Ctx<'_>, member: MemberId) -> Result<bool, ServiceError> {
    Ok(ctx
        .store
        .program_and_reachability(member)
        .await?
        .is_none_or(|(_, reachable)| reachable))
}

/// `/program start` when enrolled already, but the welcome never arrived (DMs were
/// closed): try again now.
pub async fn send_welcome_again(ctx: Ctx<'_>, member: MemberId) -> Result<Delivery, ServiceError> {
    let step = match ctx.store.program(member).await? {
        Some(Program::InStep { step, .. }) => step,
        Some(Program::Finished { .. }) => return Err(Refusal::AlreadyFinished.into()),
        None => return Err(Refusal::NotEnrolled.into()),
    };
    dm::send(
        ctx,
        member,
        &Outgoing::Welcome { step },
        Lane::Interactive,
        ClosedDms::ToldNow,
    )
    .await
}

/// Where `/program start` leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// Not enrolled: show the privacy notice; nothing is stored before "Begin".
    AskConsent,
    /// Enrolled, but DMs never reached them: send the welcome again
    /// ([`send_welcome_again`]).
    WelcomeAgain,
}

pub async fn start(ctx: Ctx<'_>, member: MemberId) -> Result<Start, ServiceError> {
    let Some((program, reachable)) = ctx.store.program_and_reachability(member).await? else {
        return Ok(Start::AskConsent);
    };
    match program {
        Program::InStep { .. } if !reachable => Ok(Start::WelcomeAgain),
        Program::InStep { step, .. } => Err(Refusal::AlreadyEnrolled(step).into()),
        Program::Finished { .. } => Err(Refusal::AlreadyFinished.into()),
    }
}

/// Stops everything scheduled for the member. Under their lock, like an erasure: a
/// message already on its way arrives before the pause is answered, none after it. Over a
/// pause with an end, it takes the end away: a pause without one lasts until they resume.
pub async fn pause(ctx: Ctx<'_>, member: MemberId) -> Result<(), ServiceError> {
    let _held = ctx.guards.lock(member).await;
    match change(ctx, member, Command::Pause).await {
        Err(ServiceError::Refused(Refusal::AlreadyPaused))
            if ctx.store.clear_pause_end(member).await? =>
        {
            Ok(())
        }
        other => other.map(|_| ()),
    }
}

/// `/program pause until:`: pauses until a date in the member's calendar, or for a number of
/// days; the program resumes by itself that morning (see [`crate::domain::pause`]). A pause
/// already running gets that end. Returns the end date; a bad `until` changes nothing.
/// Under the member's lock, like [`pause`]: a check-in already on its way arrives before the
/// answer, none after it; and two presses with different dates take turns.
pub async fn pause_until(
    ctx: Ctx<'_>,
    member: MemberId,
    until: &str,
) -> Result<NaiveDate, ServiceError> {
    // Under the member's lock, like `pause`: a message on its way arrives first.
    let _held = ctx.guards.lock(member).await;
    let row = ctx
        .store
        .member(member)
        .await?
        .ok_or(Refusal::NotEnrolled)?;
    let tz = row.settings.timezone.tz();
    let date = pause::end_date(until, schedule::local_date(tz, ctx.now))?;
    let end = PauseEnd {
        date,
        at: pause::resume_at(tz, date, ctx.policy().quiet_end),
    };
    let paused = ctx
        .store
        .transition(member, ctx.now, |standing| {
            let transition = apply(
                standing.program,
                Command::Pause,
                ctx.now,
                min_days(ctx, standing.program),
            )?;
            let mut decision = decide(ctx, standing, transition, None);
            decision.pause_end = Some(end);
            Ok::<_, ServiceError>((Some(decision), ()))
        })
        .await;
    match paused {
        Ok(()) => Ok(date),
        // Already paused: the pause keeps going and now ends on that date.
        Err(ServiceError::Refused(Refusal::AlreadyPaused)) => {
            if ctx.store.set_pause_end(member, end).await? {
                Ok(date)
            } else {
                Err(Refusal::NotPaused.into())
            }
        }
        Err(error) => Err(error),
    }
}

/// Schedules again from now. Under the member's lock, like every change to their program.
pub async fn resume(ctx: Ctx<'_>, member: MemberId) -> Result<(), ServiceError> {
    let _held = ctx.guards.lock(member).await;
    change(ctx, member, Command::Resume).await.map(|_| ())
}

/// Back to step 1; the history stays. Under the member's lock: a check-in of the old step
/// already on its way arrives before the restart is answered, none after it.
pub async fn restart(ctx: Ctx<'_>, member: MemberId) -> Result<StepNumber, ServiceError> {
    let _held = ctx.guards.lock(member).await;
    change(ctx, member, Command::Restart).await?;
    Ok(StepNumber::FIRST)
}

/// `/program restart`: back to step 1, and step 1's introduction by DM.
pub async fn start_over(ctx: Ctx<'_>, member: MemberId) -> Result<Delivery, ServiceError> {
    restart(ctx, member).await?;
    dm::send(
        ctx,
        member,
        &Outgoing::StepIntro {
            step: StepNumber::FIRST,
            recap: None,
        },
        Lane::Interactive,
        ClosedDms::ToldNow,
    )
    .await
}

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
        MovedOn::Advanced { to, .. } => Ok(NextStep::Advanced(to)),
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
            let recap = match finished_since {
                Some(since) => Some(recap(ctx, member, from, since).await?),
                None => None,
            };
            let delivery = dm::send_held(
                ctx,
                &held,
                member,
                &Outgoing::StepIntro { step: to, recap },
                Lane::Interactive,
                None,
                ClosedDms::ToldNow,
            )
            .await?;
            Ok(MovedOn::Advanced {
                to,
                delivery,
                repeat: false,
            })
        }
        MovedOn::Advanced {
            to, repeat: true, ..
        } => {
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

/// Everything `/program status` shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub program: Program,
    pub step_title: String,
    pub days_in_step: i64,
    pub min_days: u32,
    pub answered: i64,
    pub streak: usize,
    pub sparkline: String,
    pub trend: &'static str,
    pub reachable: bool,
    /// The local date a pause with an end is over.
    pub paused_until: Option<NaiveDate>,
    /// The mood chart of the last 90 days; `None` with fewer than three answers in them.
    pub chart: Option<Chart>,
}

pub async fn status(ctx: Ctx<'_>, member: MemberId) -> Result<Status, ServiceError> {
    let (program, reachable) = ctx
        .store
        .program_and_reachability(member)
        .await?
        .ok_or(Refusal::NotEnrolled)?;
    let summary = ctx.store.checkin_summary(member).await?;
    let paused_until = ctx.store.pause_end(member).await?;
    let chart = mood_chart(ctx, member).await?.map(|chart| match program {
        Program::Finished { .. } => chart.finished(),
        Program::InStep { .. } => chart,
    });
    let (step, since) = match program {
        Program::InStep { step, since, .. } => (step, since),
        Program::Finished { at, .. } => (StepNumber::LAST, at),
    };
    Ok(Status {
        program,
        step_title: ctx
            .content
            .step(step.get())
            .map(|s| s.title.clone())
            .unwrap_or_default(),
        days_in_step: program::days_in_step(since, ctx.now),
        min_days: min_days(ctx, Some(program)),
        answered: summary.answered,
        streak: streak(&summary.recent),
        sparkline: sparkline(&summary.moods),
        trend: trend(&summary.moods),
        reachable,
        paused_until,
        chart,
    })
}

/// The member's mood chart: the last 90 days of their own calendar, today at the right,
/// with the steps they were in. Drawn off the async threads (a few milliseconds of CPU).
async fn mood_chart(ctx: Ctx<'_>, member: MemberId) -> Result<Option<Chart>, ServiceError> {
    let Some(row) = ctx.store.member(member).await? else {
        return Ok(None);
    };
    let tz = row.settings.timezone.tz();
    let today = schedule::local_date(tz, ctx.now);
    // A day of margin either side of the window: the chart keeps only its 90 local days.
    let since = ctx.now - Duration::days(i64::from(chart::WINDOW_DAYS) + 1);
    let points: Vec<MoodPoint> = ctx
        .store
        .moods_since(member, since)
        .await?
        .into_iter()
        .map(|m| MoodPoint {
            date: schedule::local_date(tz, m.at),
            mood: m.mood.get(),
        })
        .collect();
    if points.len() < chart::MIN_POINTS {
        return Ok(None);
    }
    let steps: Vec<StepSpan> = ctx
        .store
        .step_history(member)
        .await?
        .into_iter()
        .map(|line| StepSpan {
            step: line.step.get(),
            from: schedule::local_date(tz, line.at),
        })
        .collect();
    let drawn = tokio::task::spawn_blocking(move || chart::mood_chart(&points, &steps, today))
        .await
        .map_err(anyhow::Error::from)?;
    // A chart that cannot be drawn is our defect: the status goes out without it.
    Ok(drawn.unwrap_or_else(|error| {
        tracing::error!(error = %error, "mood chart not drawn");
        None
    }))
}

/// DMs reached the member again: resume their schedule if their program is running.
pub async fn reachable_again(ctx: Ctx<'_>, member: MemberId) -> Result<(), ServiceError> {
    let Some(row) = ctx.store.member(member).await? else {
        return Ok(());
    };
    if row.reachable {
        return Ok(());
    }
    let running = matches!(
        ctx.store.program(member).await?,
        Some(Program::InStep { paused: false, .. })
    );
    let plan = running.then(|| schedule::plan(&row.settings, ctx.now, &ctx.policy()));
    ctx.store.mark_reachable(member, plan).await?;
    Ok(())
}

/// Whether the member may be offered "Ready for the next step" now.
pub fn offers_next_step(ctx: Ctx<'_>, program: Program) -> bool {
    match program {
        Program::InStep { since, .. } => {
            program::may_move_on(since, ctx.now, min_days(ctx, Some(program)))
        }
        Program::Finished { .. } => false,
    }
}

#[cfg(test)]
mod tests;
