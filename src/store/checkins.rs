//! Check-ins, moods, reflections and journal entries.

use anyhow::Context as _;
use chrono::{DateTime, Utc};

use super::{time, Store};
use crate::domain::checkin::{Answered, Mood, Reflection};
use crate::domain::member::MemberId;
use crate::domain::program::{Program, StepNumber};

/// A check-in as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckinRow {
    pub id: i64,
    pub member: MemberId,
    pub step: u8,
    pub prompt_index: usize,
    pub sent_at: DateTime<Utc>,
    pub mood: Option<u8>,
    pub status: String,
    pub has_reflection: bool,
}

type RawCheckin = (i64, i64, i64, i64, i64, Option<i64>, String, i64);
/// A check-in row followed by its member's program columns (NULL without a program).
type RawCheckinProgram = (
    i64,
    i64,
    i64,
    i64,
    i64,
    Option<i64>,
    String,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<i64>,
);

const CHECKIN_COLUMNS: &str =
    "c.id, c.member_id, c.step, c.prompt_index, c.sent_at, c.mood, c.status,
     EXISTS (SELECT 1 FROM reflections r WHERE r.checkin_id = c.id)";

fn parse_checkin(row: RawCheckin) -> CheckinRow {
    let (id, member, step, prompt_index, sent_at, mood, status, has_reflection) = row;
    CheckinRow {
        id,
        member: MemberId::from_db(member),
        step: u8::try_from(step).unwrap_or_default(),
        prompt_index: usize::try_from(prompt_index).unwrap_or_default(),
        sent_at: time::from_db(sent_at),
        mood: mood.and_then(|m| u8::try_from(m).ok()),
        status,
        has_reflection: has_reflection != 0,
    }
}

/// What `/program status` summarises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckinSummary {
    pub answered: i64,
    /// Newest first, the last 30.
    pub recent: Vec<Answered>,
    /// Oldest first, the last 12 moods.
    pub moods: Vec<Mood>,
}

impl Store {
    /// Records a new open check-in and returns its id.
    pub async fn create_checkin(
        &self,
        member: MemberId,
        step: StepNumber,
        prompt_index: usize,
        now: DateTime<Utc>,
    ) -> anyhow::Result<i64> {
        let mut tx = self.begin().await?;
        // A new check-in supersedes one still open: it counts as unanswered and gets no
        // reminder (it can still be answered late).
        sqlx::query("UPDATE checkins SET status = 'missed', reminded = 1 WHERE member_id = ?1 AND status = 'open'")
            .bind(member.to_db())
            .execute(&mut *tx)
            .await
            .context("cannot close open check-ins")?;
        let id = sqlx::query_scalar(
            "INSERT INTO checkins (member_id, step, prompt_index, sent_at) VALUES (?1, ?2, ?3, ?4) RETURNING id",
        )
        .bind(member.to_db())
        .bind(step.get())
        .bind(i64::try_from(prompt_index).unwrap_or_default())
        .bind(time::to_db(now))
        .fetch_one(&mut *tx)
        .await
        .context("cannot create a check-in")?;
        tx.commit().await.context("cannot commit a check-in")?;
        Ok(id)
    }

    /// Removes a check-in that could not be delivered.
    pub async fn delete_checkin(&self, id: i64) -> anyhow::Result<()> {
        sqlx::query("DELETE FROM checkins WHERE id = ?1")
            .bind(id)
            .execute(self.pool())
            .await
            .context("cannot delete a check-in")?;
        Ok(())
    }

    pub async fn checkin(&self, id: i64) -> anyhow::Result<Option<CheckinRow>> {
        let row: Option<RawCheckin> = sqlx::query_as(&format!(
            "SELECT {CHECKIN_COLUMNS} FROM checkins c WHERE c.id = ?1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await
        .context("cannot read a check-in")?;
        Ok(row.map(parse_checkin))
    }

    /// A check-in and its member's program, in one read (what an answer needs).
    pub async fn checkin_and_program(
        &self,
        id: i64,
    ) -> anyhow::Result<Option<(CheckinRow, Option<Program>)>> {
        let row: Option<RawCheckinProgram> = sqlx::query_as(&format!(
            "SELECT {CHECKIN_COLUMNS}, p.step, p.step_since, p.paused, p.outcome, p.finished_at
                 FROM checkins c LEFT JOIN programs p ON p.member_id = c.member_id WHERE c.id = ?1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await
        .context("cannot read a check-in")?;
        let Some((a, b, c, d, e, f, g, h, step, since, paused, outcome, finished)) = row else {
            return Ok(None);
        };
        let program = match (step, since, paused) {
            (Some(step), Some(since), Some(paused)) => Some(super::program::parse_program((
                step, since, paused, outcome, finished,
            ))?),
            _ => None,
        };
        Ok(Some((parse_checkin((a, b, c, d, e, f, g, h)), program)))
    }

    /// The member's newest check-in, if any.
    pub async fn latest_checkin(&self, member: MemberId) -> anyhow::Result<Option<CheckinRow>> {
        let row: Option<RawCheckin> = sqlx::query_as(&format!(
            "SELECT {CHECKIN_COLUMNS} FROM checkins c WHERE c.member_id = ?1 ORDER BY c.id DESC LIMIT 1"
        ))
        .bind(member.to_db())
        .fetch_optional(self.pool())
        .await
        .context("cannot read the latest check-in")?;
        Ok(row.map(parse_checkin))
    }

    /// The prompt used by the member's latest check-in in `step`, for rotation.
    pub async fn last_prompt_in_step(
        &self,
        member: MemberId,
        step: StepNumber,
    ) -> anyhow::Result<Option<usize>> {
        let index: Option<i64> = sqlx::query_scalar(
            "SELECT prompt_index FROM checkins WHERE member_id = ?1 AND step = ?2 ORDER BY id DESC LIMIT 1",
        )
        .bind(member.to_db())
        .bind(step.get())
        .fetch_optional(self.pool())
        .await
        .context("cannot read the last prompt")?;
        Ok(index.and_then(|i| usize::try_from(i).ok()))
    }

    pub async fn set_mood(
        &self,
        checkin: i64,
        mood: Mood,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        sqlx::query(
            "UPDATE checkins SET mood = ?2, status = 'answered', answered_at = COALESCE(answered_at, ?3)
             WHERE id = ?1",
        )
        .bind(checkin)
        .bind(mood.get())
        .bind(time::to_db(now))
        .execute(self.pool())
        .await
        .context("cannot record a mood")?;
        Ok(())
    }

    /// Stores a reflection: for `checkin` (which becomes answered), or a journal entry.
    pub async fn add_reflection(
        &self,
        member: MemberId,
        checkin: Option<i64>,
        reflection: &Reflection,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("INSERT INTO reflections (member_id, checkin_id, body, created_at) VALUES (?1, ?2, ?3, ?4)")
            .bind(member.to_db())
            .bind(checkin)
            .bind(reflection.as_str())
            .bind(time::to_db(now))
            .execute(&mut *tx)
            .await
            .context("cannot save a reflection")?;
        if let Some(checkin) = checkin {
            sqlx::query(
                "UPDATE checkins SET status = 'answered', answered_at = COALESCE(answered_at, ?2) WHERE id = ?1",
            )
            .bind(checkin)
            .bind(time::to_db(now))
            .execute(&mut *tx)
            .await
            .context("cannot mark a check-in answered")?;
        }
        tx.commit().await.context("cannot commit a reflection")?;
        Ok(())
    }

    pub async fn set_checkin_status(&self, checkin: i64, status: &str) -> anyhow::Result<()> {
        sqlx::query("UPDATE checkins SET status = ?2 WHERE id = ?1")
            .bind(checkin)
            .bind(status)
            .execute(self.pool())
            .await
            .context("cannot update a check-in")?;
        Ok(())
    }

    pub async fn checkin_summary(&self, member: MemberId) -> anyhow::Result<CheckinSummary> {
        // One round trip: the recent rows, each carrying the (constant) answered count. A
        // member with an answered check-in always has at least one row here.
        let rows: Vec<(String, Option<i64>, i64)> = sqlx::query_as(
            "SELECT status, mood,
                    (SELECT COUNT(*) FROM checkins WHERE member_id = ?1 AND status = 'answered')
             FROM checkins WHERE member_id = ?1 AND status != 'snoozed'
             ORDER BY id DESC LIMIT 30",
        )
        .bind(member.to_db())
        .fetch_all(self.pool())
        .await
        .context("cannot read recent check-ins")?;
        let answered = rows.first().map_or(0, |row| row.2);
        let recent: Vec<(String, Option<i64>)> = rows
            .into_iter()
            .map(|(status, mood, _)| (status, mood))
            .collect();
        let mut statuses: Vec<Answered> = recent
            .iter()
            .map(|(status, _)| match status.as_str() {
                "answered" => Answered::Yes,
                "open" => Answered::Open,
                _ => Answered::No,
            })
            .collect();
        // Only the newest may count as still open; an older open one went unanswered.
        for status in statuses.iter_mut().skip(1) {
            if *status == Answered::Open {
                *status = Answered::No;
            }
        }
        let mut moods: Vec<Mood> = recent
            .iter()
            .filter_map(|(_, mood)| mood.and_then(|m| u8::try_from(m).ok()).and_then(Mood::new))
            .take(12)
            .collect();
        moods.reverse();
        Ok(CheckinSummary {
            answered,
            recent: statuses,
            moods,
        })
    }
}

impl Store {
    /// Deletes reflections and journal entries written before `cutoff`; returns how many.
    pub async fn purge_reflections_before(&self, cutoff: DateTime<Utc>) -> anyhow::Result<u64> {
        let deleted = sqlx::query("DELETE FROM reflections WHERE created_at < ?1")
            .bind(time::to_db(cutoff))
            .execute(self.pool())
            .await
            .context("cannot purge old reflections")?
            .rows_affected();
        Ok(deleted)
    }
}
