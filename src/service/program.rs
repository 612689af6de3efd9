//! Enrolment and moving through the steps.

use super::{Ctx, ServiceError};
use crate::domain::checkin::{sparkline, streak, trend};
use crate::domain::member::MemberId;
use crate::domain::program::{
    self, apply, Command, Outcome, Program, Refusal, StepNumber, Transition,
};
use crate::domain::schedule::{self, ScheduleChange};

/// Applies `command` for `member` and stores the result with its effect on the schedule.
async fn change(
    ctx: Ctx<'_>,
    member: MemberId,
    command: Command,
) -> Result<Transition, ServiceError> {
    let current = ctx.store.program(member).await?;
    let transition = apply(current, command, ctx.now, min_days(ctx, current))?;
    save(ctx, member, transition).await?;
    Ok(transition)
}

async fn save(ctx: Ctx<'_>, member: MemberId, transition: Transition) -> Result<(), ServiceError> {
    let row = ctx.store.member(member).await?;
    let settings = row
        .as_ref()
        .map_or(ctx.settings.defaults, |row| row.settings);
    // A member whose DMs are closed gets nothing scheduled until they are reachable again.
    let reachable = row.as_ref().is_none_or(|row| row.reachable);
    let schedule = match schedule::change_for(transition.event, &settings, ctx.now, &ctx.policy()) {
        ScheduleChange::Set(_) if !reachable => ScheduleChange::Clear,
        other => other,
    };
    ctx.store
        .save_transition(member, transition, ctx.settings.defaults, schedule, ctx.now)
        .await?;
    Ok(())
}

fn min_days(ctx: Ctx<'_>, program: Option<Program>) -> u32 {
    match program {
        Some(Program::InStep { step, .. }) => {
            ctx.content.step(step.get()).map_or(0, |s| s.min_days)
        }
        _ => 0,
    }
}

/// Enrols the member (after they consented) in step 1.
pub async fn begin(ctx: Ctx<'_>, member: MemberId) -> Result<StepNumber, ServiceError> {
    change(ctx, member, Command::Start).await?;
    Ok(StepNumber::FIRST)
}

pub async fn pause(ctx: Ctx<'_>, member: MemberId) -> Result<(), ServiceError> {
    change(ctx, member, Command::Pause).await.map(|_| ())
}

pub async fn resume(ctx: Ctx<'_>, member: MemberId) -> Result<(), ServiceError> {
    change(ctx, member, Command::Resume).await.map(|_| ())
}

/// Back to step 1; the history stays.
pub async fn restart(ctx: Ctx<'_>, member: MemberId) -> Result<StepNumber, ServiceError> {
    change(ctx, member, Command::Restart).await?;
    Ok(StepNumber::FIRST)
}

/// What "Ready for the next step" leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    Advanced(StepNumber),
    /// The last step is done: ask how things stand before closing the program.
    AskOutcome,
}

pub async fn next_step(ctx: Ctx<'_>, member: MemberId) -> Result<NextStep, ServiceError> {
    let current = ctx.store.program(member).await?;
    if let Some(Program::InStep {
        step: StepNumber::LAST,
        since,
        ..
    }) = current
    {
        let min_days = min_days(ctx, current);
        if program::may_move_on(since, ctx.now, min_days) {
            return Ok(NextStep::AskOutcome);
        }
    }
    let transition = apply(current, Command::NextStep, ctx.now, min_days(ctx, current))?;
    save(ctx, member, transition).await?;
    match transition.program {
        Program::InStep { step, .. } => Ok(NextStep::Advanced(step)),
        Program::Finished { .. } => Ok(NextStep::AskOutcome),
    }
}

/// Closes the program with the member's outcome.
pub async fn finish(
    ctx: Ctx<'_>,
    member: MemberId,
    outcome: Outcome,
) -> Result<Outcome, ServiceError> {
    change(ctx, member, Command::Finish(outcome)).await?;
    Ok(outcome)
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
}

pub async fn status(ctx: Ctx<'_>, member: MemberId) -> Result<Status, ServiceError> {
    let (program, reachable) = ctx
        .store
        .program_and_reachability(member)
        .await?
        .ok_or(Refusal::NotEnrolled)?;
    let summary = ctx.store.checkin_summary(member).await?;
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
    })
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
