//! What `/program status` shows: where the member is, their moods in words, a sparkline
//! and a chart.

use chrono::{Duration, NaiveDate};

use super::min_days;
use crate::chart::{self, Chart, MoodPoint, StepSpan};
use crate::domain::checkin::{sparkline, streak, trend};
use crate::domain::member::MemberId;
use crate::domain::program::{self, Program, Refusal, StepNumber};
use crate::domain::schedule;
use crate::service::{Ctx, ServiceError};

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
