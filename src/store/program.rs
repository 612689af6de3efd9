//! Where each member stands in the program, and the history of how they got there.
//!
//! A change of program is read, decided and written in one `BEGIN IMMEDIATE` transaction
//! ([`Store::transition`]): two presses of the same button, or a press racing an erasure,
//! see each other's result instead of both acting on the same old state.

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use sqlx::Row as _;

use super::members::{MemberRow, MEMBER_COLUMNS};
use super::types::UnixTime;
use super::Store;
use crate::domain::ids::GuildId;
use crate::domain::member::{MemberId, MemberSettings};
use crate::domain::pause::PauseEnd;
use crate::domain::program::{Event, EventKind, Outcome, Program, StepNumber, Transition};
use crate::domain::schedule::ScheduleChange;

/// One line of a member's step history.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct HistoryRow {
    pub event: EventKind,
    pub step: StepNumber,
    pub outcome: Option<Outcome>,
    #[sqlx(try_from = "UnixTime")]
    pub at: DateTime<Utc>,
}

/// The program columns as stored.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub(super) struct ProgramRow {
    step: StepNumber,
    #[sqlx(try_from = "UnixTime")]
    step_since: DateTime<Utc>,
    paused: bool,
    outcome: Option<Outcome>,
    finished_at: Option<UnixTime>,
}

impl From<ProgramRow> for Program {
    fn from(row: ProgramRow) -> Program {
        match (row.outcome, row.finished_at) {
            (Some(outcome), Some(at)) => Program::Finished {
                outcome,
                at: at.into(),
            },
            _ => Program::InStep {
                step: row.step,
                since: row.step_since,
                paused: row.paused,
            },
        }
    }
}

pub(super) const PROGRAM_COLUMNS: &str = "step, step_since, paused, outcome, finished_at";

/// What a transition reads before deciding: the member's program and row, if any.
#[derive(Debug, Clone)]
pub struct Standing {
    pub program: Option<Program>,
    pub member: Option<MemberRow>,
}

/// What a transition decided to store.
#[derive(Debug, Clone, Copy)]
pub struct Decision {
    pub transition: Transition,
    pub schedule: ScheduleChange,
    /// For an enrolment: the member's settings if they are new, and the server they enrolled in.
    pub defaults: MemberSettings,
    pub guild: Option<GuildId>,
    /// For a pause: when it ends by itself (`None`: open-ended).
    pub pause_end: Option<PauseEnd>,
}

impl Store {
    pub async fn program(&self, member: MemberId) -> anyhow::Result<Option<Program>> {
        let row: Option<ProgramRow> = sqlx::query_as(&format!(
            "SELECT {PROGRAM_COLUMNS} FROM programs WHERE member_id = ?1"
        ))
        .bind(member)
        .fetch_optional(self.pool())
        .await
        .context("cannot read a member's program")?;
        Ok(row.map(Program::from))
    }

    /// The member's program and whether DMs reach them, in one read (for `/program status`).
    pub async fn program_and_reachability(
        &self,
        member: MemberId,
    ) -> anyhow::Result<Option<(Program, bool)>> {
        let row = sqlx::query(
            "SELECT p.step, p.step_since, p.paused, p.outcome, p.finished_at, m.reachable
             FROM programs p JOIN members m ON m.id = p.member_id WHERE p.member_id = ?1",
        )
        .bind(member)
        .fetch_optional(self.pool())
        .await
        .context("cannot read a member's program")?;
        row.map(|row| {
            let program = <ProgramRow as sqlx::FromRow<_>>::from_row(&row)?;
            let reachable: bool = row.try_get("reachable")?;
            Ok::<_, sqlx::Error>((Program::from(program), reachable))
        })
        .transpose()
        .context("cannot read a member's program")
    }

    /// Reads where `member` stands, lets `decide` choose (a pure decision: `None` stores
    /// nothing), and stores the transition, its history line and its effect on the schedule,
    /// all in one `BEGIN IMMEDIATE` transaction. Only an enrolment creates the member.
    pub async fn transition<T, E>(
        &self,
        member: MemberId,
        now: DateTime<Utc>,
        decide: impl FnOnce(&Standing) -> Result<(Option<Decision>, T), E>,
    ) -> Result<T, E>
    where
        E: From<anyhow::Error>,
    {
        let mut tx = self.begin().await?;
        let program = read_program(&mut tx, member).await?;
        let row: Option<MemberRow> = sqlx::query_as(&format!(
            "SELECT {MEMBER_COLUMNS} FROM members WHERE id = ?1"
        ))
        .bind(member)
        .fetch_optional(&mut *tx)
        .await
        .context("cannot read a member")?;
        let standing = Standing {
            program,
            member: row,
        };
        let (decision, answer) = decide(&standing)?;
        let Some(decision) = decision else {
            return Ok(answer);
        };
        let Some(kind) = decision.transition.event.kind() else {
            return Ok(answer);
        };
        write_transition(
            &mut tx,
            member,
            decision,
            kind,
            standing.member.is_none(),
            now,
        )
        .await?;
        tx.commit()
            .await
            .context("cannot commit a program change")?;
        Ok(answer)
    }

    pub async fn step_history(&self, member: MemberId) -> anyhow::Result<Vec<HistoryRow>> {
        sqlx::query_as(
            "SELECT event, step, outcome, at FROM step_history WHERE member_id = ?1 ORDER BY id",
        )
        .bind(member)
        .fetch_all(self.pool())
        .await
        .context("cannot read step history")
    }
}

/// The member's program, read on `conn` (inside the caller's transaction).
pub(super) async fn read_program(
    conn: &mut sqlx::SqliteConnection,
    member: MemberId,
) -> anyhow::Result<Option<Program>> {
    let row: Option<ProgramRow> = sqlx::query_as(&format!(
        "SELECT {PROGRAM_COLUMNS} FROM programs WHERE member_id = ?1"
    ))
    .bind(member)
    .fetch_optional(&mut *conn)
    .await
    .context("cannot read a member's program")?;
    Ok(row.map(Program::from))
}

async fn write_transition(
    tx: &mut sqlx::SqliteConnection,
    member: MemberId,
    decision: Decision,
    kind: EventKind,
    new_member: bool,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let enrolling = decision.transition.event == Event::Enrolled;
    if enrolling && new_member {
        Store::insert_member(tx, member, decision.defaults, now).await?;
    } else if new_member {
        anyhow::bail!("a program change for someone who is not a member");
    }
    let (step, since, paused, outcome, finished_at) = match decision.transition.program {
        Program::InStep {
            step,
            since,
            paused,
        } => (step, since, paused, None, None),
        Program::Finished { outcome, at } => (
            StepNumber::LAST,
            at,
            false,
            Some(outcome),
            Some(UnixTime(at)),
        ),
    };
    if enrolling {
        sqlx::query(
            "INSERT INTO programs (member_id, step, step_since, paused, outcome, finished_at, enrolled_at, guild_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (member_id) DO UPDATE SET step = ?2, step_since = ?3, paused = ?4,
                 outcome = ?5, finished_at = ?6",
        )
        .bind(member)
        .bind(step)
        .bind(UnixTime(since))
        .bind(paused)
        .bind(outcome)
        .bind(finished_at)
        .bind(UnixTime(now))
        .bind(decision.guild)
        .execute(&mut *tx)
        .await
        .context("cannot save a member's program")?;
    } else {
        let changed = sqlx::query(
            "UPDATE programs SET step = ?2, step_since = ?3, paused = ?4, outcome = ?5, finished_at = ?6
             WHERE member_id = ?1",
        )
        .bind(member)
        .bind(step)
        .bind(UnixTime(since))
        .bind(paused)
        .bind(outcome)
        .bind(finished_at)
        .execute(&mut *tx)
        .await
        .context("cannot save a member's program")?
        .rows_affected();
        anyhow::ensure!(
            changed == 1,
            "a program change for a member without a program"
        );
    }
    sqlx::query(
        "INSERT INTO step_history (member_id, event, step, outcome, at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .bind(member)
    .bind(kind)
    .bind(step)
    .bind(outcome)
    .bind(UnixTime(now))
    .execute(&mut *tx)
    .await
    .context("cannot record step history")?;
    super::schedule::apply(tx, member, decision.schedule).await?;
    // A pause may carry its end; any other change of pause (resumed, restarted, finished)
    // ends it. Moving on to a step while paused keeps it.
    let pause_end = match decision.transition.event {
        Event::Paused => Some(decision.pause_end),
        Event::Advanced { .. } | Event::Unchanged => None,
        Event::Enrolled | Event::Resumed | Event::Restarted | Event::Finished(_) => Some(None),
    };
    if let Some(end) = pause_end {
        sqlx::query("UPDATE programs SET paused_until = ?2, resume_at = ?3 WHERE member_id = ?1")
            .bind(member)
            .bind(end.map(|end| end.date.to_string()))
            .bind(end.map(|end| UnixTime(end.at)))
            .execute(&mut *tx)
            .await
            .context("cannot record when a pause ends")?;
    }
    Ok(())
}
