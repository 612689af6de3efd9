//! Enrolment and moving through the steps.
//!
//! Every change is decided and stored in one transaction with the read it depends on
//! ([`crate::store::Store::transition`]), so a button pressed twice at once acts once: the
//! second press sees the first one's result and answers as it did, without a second effect.

use chrono::{Duration, NaiveDate};

use super::dm::{self, ClosedDms, Delivery};
use super::messages::Outgoing;
use super::{Ctx, ServiceError};
use crate::delivery::Lane;
use crate::domain::ids::GuildId;
use crate::domain::member::MemberId;
use crate::domain::pause::{self, PauseEnd};
use crate::domain::program::{self, apply, Command, Program, Refusal, StepNumber, Transition};
use crate::domain::schedule::{self, ScheduleChange};
use crate::store::{Decision, Standing};

mod moving;
mod status;

pub use moving::{finish, move_on, next_step, MovedOn, NextStep};
pub use status::{status, Status};

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
    /// Enrolled now, but the welcome could not be sent (Discord failed after the lane's
    /// retries, or the database was busy right after the enrolment): said so. Not an error,
    /// which a caller would try again whole, find them enrolled and answer as if it had gone.
    EnrolledUnsent,
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
        if step == StepNumber::FIRST && held.unsent_within(ctx.now, REPEAT_WINDOW) {
            // The press a moment ago could not send the welcome: say the same.
            return Ok(Began::EnrolledUnsent);
        }
        let reachable = reachable(ctx, member).await?;
        return Ok(Began::AlreadyIn { step, reachable });
    }
    let sent = dm::send_held(
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
    .await;
    match sent {
        Ok(delivery) => {
            held.clear_unsent();
            Ok(Began::Enrolled(delivery))
        }
        Err(error) => {
            tracing::warn!(error = %error, "enrolled, but the welcome could not be sent");
            held.note_unsent(ctx.now, REPEAT_WINDOW);
            Ok(Began::EnrolledUnsent)
        }
    }
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

/// What `/program restart` led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartedOver {
    /// Back at step 1; step 1 went by DM (or could not: see the delivery).
    Delivered(Delivery),
    /// Back at step 1, but step 1 could not be sent (Discord failed after the lane's retries,
    /// or the database was busy right after the restart): said so. Not an error, which a
    /// caller would retry whole and so restart twice.
    Unsent,
}

/// `/program restart`: back to step 1 (waiting out a busy database for the restart only),
/// then step 1 by DM, once.
pub async fn start_over(ctx: Ctx<'_>, member: MemberId) -> Result<StartedOver, ServiceError> {
    super::patiently(super::LONG_WAIT, || restart(ctx, member)).await?;
    let sent = dm::send(
        ctx,
        member,
        &Outgoing::StepIntro {
            step: StepNumber::FIRST,
            recap: None,
        },
        Lane::Interactive,
        ClosedDms::ToldNow,
    )
    .await;
    match sent {
        Ok(delivery) => Ok(StartedOver::Delivered(delivery)),
        Err(error) => {
            tracing::warn!(error = %error, "restarted, but step 1 could not be sent");
            Ok(StartedOver::Unsent)
        }
    }
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
