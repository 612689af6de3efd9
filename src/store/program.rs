//! Where each member stands in the program, and the history of how they got there.

use anyhow::Context as _;
use chrono::{DateTime, Utc};

use super::{time, Store};
use crate::domain::member::{MemberId, MemberSettings};
use crate::domain::program::{Event, Outcome, Program, StepNumber, Transition};
use crate::domain::schedule::ScheduleChange;

/// One line of a member's step history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRow {
    pub event: String,
    pub step: u8,
    pub outcome: Option<String>,
    pub at: DateTime<Utc>,
}

/// A program row and the member's `reachable` flag.
type RawProgramReachable = (i64, i64, i64, Option<String>, Option<i64>, i64);

pub(super) type RawProgram = (i64, i64, i64, Option<String>, Option<i64>);

pub(super) fn parse_program(row: RawProgram) -> anyhow::Result<Program> {
    let (step, since, paused, outcome, finished_at) = row;
    match (outcome, finished_at) {
        (Some(outcome), Some(at)) => Ok(Program::Finished {
            outcome: Outcome::parse(&outcome)
                .with_context(|| format!("stored outcome {outcome}"))?,
            at: time::from_db(at),
        }),
        _ => Ok(Program::InStep {
            step: u8::try_from(step)
                .ok()
                .and_then(StepNumber::new)
                .context("stored step")?,
            since: time::from_db(since),
            paused: paused != 0,
        }),
    }
}

impl Store {
    pub async fn program(&self, member: MemberId) -> anyhow::Result<Option<Program>> {
        let row: Option<RawProgram> = sqlx::query_as(
            "SELECT step, step_since, paused, outcome, finished_at FROM programs WHERE member_id = ?1",
        )
        .bind(member.to_db())
        .fetch_optional(self.pool())
        .await
        .context("cannot read a member's program")?;
        row.map(parse_program).transpose()
    }

    /// The member's program and whether DMs reach them, in one read (for `/program status`).
    pub async fn program_and_reachability(
        &self,
        member: MemberId,
    ) -> anyhow::Result<Option<(Program, bool)>> {
        let row: Option<RawProgramReachable> = sqlx::query_as(
            "SELECT p.step, p.step_since, p.paused, p.outcome, p.finished_at, m.reachable
             FROM programs p JOIN members m ON m.id = p.member_id WHERE p.member_id = ?1",
        )
        .bind(member.to_db())
        .fetch_optional(self.pool())
        .await
        .context("cannot read a member's program")?;
        row.map(|(step, since, paused, outcome, finished, reachable)| {
            parse_program((step, since, paused, outcome, finished))
                .map(|program| (program, reachable != 0))
        })
        .transpose()
    }

    /// Stores an accepted transition, its history line and its effect on the schedule in one
    /// transaction. An enrolment also creates the member with `defaults` (kept if they
    /// already exist).
    pub async fn save_transition(
        &self,
        member: MemberId,
        transition: Transition,
        defaults: MemberSettings,
        schedule: ScheduleChange,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        if transition.event == Event::Unchanged {
            return Ok(());
        }
        let mut tx = self.begin().await?;
        Store::insert_member(&mut tx, member, defaults, now).await?;
        let (step, since, paused, outcome, finished_at, history_step) = match transition.program {
            Program::InStep {
                step,
                since,
                paused,
            } => (
                step.get(),
                time::to_db(since),
                paused,
                None,
                None,
                step.get(),
            ),
            Program::Finished { outcome, at } => (
                StepNumber::LAST.get(),
                time::to_db(at),
                false,
                Some(outcome.as_str()),
                Some(time::to_db(at)),
                StepNumber::LAST.get(),
            ),
        };
        sqlx::query(
            "INSERT INTO programs (member_id, step, step_since, paused, outcome, finished_at, enrolled_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (member_id) DO UPDATE SET step = ?2, step_since = ?3, paused = ?4,
                 outcome = ?5, finished_at = ?6",
        )
        .bind(member.to_db())
        .bind(step)
        .bind(since)
        .bind(paused)
        .bind(outcome)
        .bind(finished_at)
        .bind(time::to_db(now))
        .execute(&mut *tx)
        .await
        .context("cannot save a member's program")?;
        sqlx::query("INSERT INTO step_history (member_id, event, step, outcome, at) VALUES (?1, ?2, ?3, ?4, ?5)")
            .bind(member.to_db())
            .bind(transition.event.as_str())
            .bind(history_step)
            .bind(outcome)
            .bind(time::to_db(now))
            .execute(&mut *tx)
            .await
            .context("cannot record step history")?;
        super::schedule::apply(&mut tx, member, schedule).await?;
        tx.commit()
            .await
            .context("cannot commit a program change")?;
        Ok(())
    }

    pub async fn step_history(&self, member: MemberId) -> anyhow::Result<Vec<HistoryRow>> {
        let rows: Vec<(String, i64, Option<String>, i64)> = sqlx::query_as(
            "SELECT event, step, outcome, at FROM step_history WHERE member_id = ?1 ORDER BY id",
        )
        .bind(member.to_db())
        .fetch_all(self.pool())
        .await
        .context("cannot read step history")?;
        Ok(rows
            .into_iter()
            .map(|(event, step, outcome, at)| HistoryRow {
                event,
                step: u8::try_from(step).unwrap_or_default(),
                outcome,
                at: time::from_db(at),
            })
            .collect())
    }
}
