//! Pauses with an end: when a paused member's program resumes by itself, and the resume
//! itself, written with its history line, the new schedule and the short DM's outbox row in
//! one transaction, so a restart between them loses nothing and sends nothing twice.

use anyhow::Context as _;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row as _;

use super::types::UnixTime;
use super::Store;
use crate::domain::member::{MemberId, MemberSettings};
use crate::domain::pause::PauseEnd;
use crate::domain::program::StepNumber;
use crate::domain::schedule::{Plan, ScheduleChange};

/// A paused member whose pause ends now.
#[derive(Debug, Clone)]
pub struct DueResume {
    pub member: MemberId,
    pub step: StepNumber,
    pub end: PauseEnd,
    pub settings: MemberSettings,
    /// DMs reach them: only then is a schedule planned and the DM queued.
    pub reachable: bool,
}

impl<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> for DueResume {
    fn from_row(row: &'r sqlx::sqlite::SqliteRow) -> Result<Self, sqlx::Error> {
        let member = super::members::MemberRow::from_row(row)?;
        let text: String = row.try_get("paused_until")?;
        let date = text
            .parse::<NaiveDate>()
            .map_err(|error| sqlx::Error::ColumnDecode {
                index: "paused_until".into(),
                source: format!("a stored date is “{text}”: {error}").into(),
            })?;
        Ok(DueResume {
            member: member.id,
            step: row.try_get("step")?,
            end: PauseEnd {
                date,
                at: row.try_get::<UnixTime, _>("resume_at")?.into(),
            },
            settings: member.settings,
            reachable: member.reachable,
        })
    }
}

impl Store {
    /// The local date the member's pause ends on, if it has an end.
    pub async fn pause_end(&self, member: MemberId) -> anyhow::Result<Option<NaiveDate>> {
        let text: Option<Option<String>> = sqlx::query_scalar(
            "SELECT paused_until FROM programs WHERE member_id = ?1 AND paused = 1",
        )
        .bind(member)
        .fetch_optional(self.pool())
        .await
        .context("cannot read when a pause ends")?;
        // A date that does not parse is an error, not "no end": the member would be told
        // their pause lasts until they resume it while it still ends by itself.
        text.flatten()
            .map(|text| {
                text.parse::<NaiveDate>()
                    .with_context(|| format!("a stored pause end is “{text}”"))
            })
            .transpose()
    }

    /// Gives a pause that is already running (open-ended or not) the end `end`; false when
    /// the member is not paused (resumed or erased meanwhile).
    pub async fn set_pause_end(&self, member: MemberId, end: PauseEnd) -> anyhow::Result<bool> {
        let changed = sqlx::query(
            "UPDATE programs SET paused_until = ?2, resume_at = ?3
             WHERE member_id = ?1 AND paused = 1 AND finished_at IS NULL",
        )
        .bind(member)
        .bind(end.date.to_string())
        .bind(UnixTime(end.at))
        .execute(self.pool())
        .await
        .context("cannot record when a pause ends")?
        .rows_affected();
        Ok(changed == 1)
    }

    /// Takes the end away from a running pause with one (the member asked for a pause
    /// without an end); false when there was none (not paused, or open-ended already).
    pub async fn clear_pause_end(&self, member: MemberId) -> anyhow::Result<bool> {
        let changed = sqlx::query(
            "UPDATE programs SET paused_until = NULL, resume_at = NULL
             WHERE member_id = ?1 AND paused = 1 AND resume_at IS NOT NULL",
        )
        .bind(member)
        .execute(self.pool())
        .await
        .context("cannot make a pause open-ended")?
        .rows_affected();
        Ok(changed == 1)
    }

    /// Paused members whose pause ends at or before `now`, oldest first.
    pub async fn due_resumes(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> anyhow::Result<Vec<DueResume>> {
        let rows = sqlx::query(&format!(
            "SELECT p.step, p.paused_until, p.resume_at, {}
             FROM programs p JOIN members m ON m.id = p.member_id
             WHERE p.resume_at <= ?1 ORDER BY p.resume_at LIMIT ?2",
            super::members::MEMBER_COLUMNS
                .split(',')
                .map(|c| format!("m.{}", c.trim()))
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .bind(UnixTime(now))
        .bind(limit)
        .fetch_all(self.pool())
        .await
        .context("cannot read pauses that end")?;
        super::schedule::decode_due(
            &mut *self.pool().acquire().await.context("cannot reach the database")?,
            rows,
            super::schedule::SetAside {
                owner: "member",
                id_column: "id",
                what: "pause ends",
                stop: "UPDATE programs SET paused_until = NULL, resume_at = NULL WHERE member_id = ?1",
                after_repair: "/program resume",
            },
        )
        .await
    }

    /// Resumes `due.member` as their pause ends: unpaused, a `resumed` history line, the
    /// schedule `plan` (none: nothing scheduled, their DMs are closed), and the welcome-back
    /// DM queued with `nonce`; all or nothing. Nothing happens (false) if the pause changed
    /// since it was read (resumed by hand, a new end, erased).
    pub async fn resume_after_pause(
        &self,
        due: &DueResume,
        plan: Option<Plan>,
        nonce: Option<&str>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        let mut tx = self.begin().await?;
        let changed = sqlx::query(
            "UPDATE programs SET paused = 0, paused_until = NULL, resume_at = NULL
             WHERE member_id = ?1 AND resume_at = ?2 AND paused = 1 AND finished_at IS NULL",
        )
        .bind(due.member)
        .bind(UnixTime(due.end.at))
        .execute(&mut *tx)
        .await
        .context("cannot resume a member")?
        .rows_affected();
        if changed == 0 {
            // Not paused any more (or finished): an end left behind is forgotten, so it is
            // never read as due again.
            sqlx::query(
                "UPDATE programs SET paused_until = NULL, resume_at = NULL
                 WHERE member_id = ?1 AND resume_at = ?2 AND (paused = 0 OR finished_at IS NOT NULL)",
            )
            .bind(due.member)
            .bind(UnixTime(due.end.at))
            .execute(&mut *tx)
            .await
            .context("cannot forget an old pause end")?;
            tx.commit().await.context("cannot commit a resume")?;
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO step_history (member_id, event, step, at) VALUES (?1, 'resumed', ?2, ?3)",
        )
        .bind(due.member)
        .bind(due.step)
        .bind(UnixTime(now))
        .execute(&mut *tx)
        .await
        .context("cannot record step history")?;
        let change = plan.map_or(ScheduleChange::Clear, ScheduleChange::Set);
        super::schedule::apply(&mut tx, due.member, change).await?;
        if let Some(nonce) = nonce {
            sqlx::query(
                "INSERT INTO outbox (kind, member_id, nonce, due_at) VALUES ('resumed', ?1, ?2, ?3)
                 ON CONFLICT (nonce) DO NOTHING",
            )
            .bind(due.member)
            .bind(nonce)
            .bind(UnixTime(now))
            .execute(&mut *tx)
            .await
            .context("cannot queue the welcome back")?;
        }
        tx.commit().await.context("cannot commit a resume")?;
        Ok(true)
    }

    /// Moves the instant a pause ends to `at` (the member's timezone changed), if it still
    /// ends on `date`.
    pub async fn move_pause_end(&self, member: MemberId, end: PauseEnd) -> anyhow::Result<()> {
        sqlx::query(
            "UPDATE programs SET resume_at = ?3 WHERE member_id = ?1 AND paused = 1 AND paused_until = ?2",
        )
        .bind(member)
        .bind(end.date.to_string())
        .bind(UnixTime(end.at))
        .execute(self.pool())
        .await
        .context("cannot move the end of a pause")?;
        Ok(())
    }
}
