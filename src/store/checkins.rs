//! Check-ins, moods, reflections and journal entries.
//!
//! There is one way a check-in comes to be ([`open_checkin`]), whether a member asks for it
//! with `/checkin` or the scheduler's slot comes: the previous open one is superseded, the
//! next prompt in rotation is chosen, and the row is written, inside the caller's
//! transaction.

use anyhow::Context as _;
use chrono::{DateTime, Utc};

use super::program::ProgramRow;
use super::types::UnixTime;
use super::Store;
use crate::domain::checkin::{next_prompt, Answered, CheckinStatus, Mood, Reflection};
use crate::domain::ids::CheckinId;
use crate::domain::member::MemberId;
use crate::domain::program::{Program, StepNumber};

/// A check-in as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CheckinRow {
    pub id: CheckinId,
    #[sqlx(rename = "member_id")]
    pub member: MemberId,
    pub step: StepNumber,
    #[sqlx(try_from = "i64")]
    pub prompt_index: usize,
    #[sqlx(try_from = "UnixTime")]
    pub sent_at: DateTime<Utc>,
    pub mood: Option<Mood>,
    pub status: CheckinStatus,
    pub has_reflection: bool,
}

const CHECKIN_COLUMNS: &str =
    "c.id, c.member_id, c.step, c.prompt_index, c.sent_at, c.mood, c.status,
     EXISTS (SELECT 1 FROM reflections r WHERE r.checkin_id = c.id) AS has_reflection";

/// A check-in and its member's program (none when they have no program).
#[derive(Debug, Clone)]
struct CheckinWithProgram {
    checkin: CheckinRow,
    program: Option<ProgramRow>,
}

impl<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> for CheckinWithProgram {
    fn from_row(row: &'r sqlx::sqlite::SqliteRow) -> Result<Self, sqlx::Error> {
        use sqlx::Row as _;
        let has_program: bool = row.try_get("has_program")?;
        Ok(CheckinWithProgram {
            checkin: CheckinRow::from_row(row)?,
            program: if has_program {
                Some(ProgramRow::from_row(row)?)
            } else {
                None
            },
        })
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

/// Opens a new check-in for `member` in `step`, sent at `sent_at`, on `conn` (inside the
/// caller's transaction): the open one before it is superseded (it counts as unanswered and
/// gets no reminder; it can still be answered late), and the prompt is the next in rotation
/// among `prompts`.
pub(crate) async fn open_checkin(
    conn: &mut sqlx::SqliteConnection,
    member: MemberId,
    step: StepNumber,
    prompts: usize,
    sent_at: DateTime<Utc>,
    status: CheckinStatus,
) -> anyhow::Result<(CheckinId, usize)> {
    sqlx::query(
        "UPDATE checkins SET status = 'missed', reminded = 1 WHERE member_id = ?1 AND status = 'open'",
    )
    .bind(member)
    .execute(&mut *conn)
    .await
    .context("cannot close open check-ins")?;
    let last: Option<i64> = sqlx::query_scalar(
        "SELECT prompt_index FROM checkins WHERE member_id = ?1 AND step = ?2 ORDER BY id DESC LIMIT 1",
    )
    .bind(member)
    .bind(step)
    .fetch_optional(&mut *conn)
    .await
    .context("cannot read the last prompt")?;
    let last = last
        .map(|i| super::types::index(i, "prompt index"))
        .transpose()?;
    let prompt = next_prompt(prompts, last);
    let reminded = status != CheckinStatus::Open;
    let id: CheckinId = sqlx::query_scalar(
        "INSERT INTO checkins (member_id, step, prompt_index, sent_at, status, reminded)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
    )
    .bind(member)
    .bind(step)
    .bind(super::types::index_to_db(prompt)?)
    .bind(UnixTime(sent_at))
    .bind(status)
    .bind(reminded)
    .fetch_one(&mut *conn)
    .await
    .context("cannot create a check-in")?;
    Ok((id, prompt))
}

impl Store {
    /// Opens a check-in in the member's current step, now, in one transaction with the read
    /// of that step. When they are not in a step (not enrolled, erased meanwhile, finished)
    /// nothing is written and their program (if any) comes back as `Err`.
    pub async fn create_checkin(
        &self,
        member: MemberId,
        prompts_in: impl Fn(StepNumber) -> usize,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Result<(CheckinId, usize, Program), Option<Program>>> {
        let mut tx = self.begin().await?;
        let program = super::program::read_program(&mut tx, member).await?;
        let Some(program @ Program::InStep { step, .. }) = program else {
            return Ok(Err(program));
        };
        let (id, prompt) = open_checkin(
            &mut tx,
            member,
            step,
            prompts_in(step),
            now,
            CheckinStatus::Open,
        )
        .await?;
        tx.commit().await.context("cannot commit a check-in")?;
        Ok(Ok((id, prompt, program)))
    }

    /// Removes a check-in that could not be delivered.
    pub async fn delete_checkin(&self, id: CheckinId) -> anyhow::Result<()> {
        sqlx::query("DELETE FROM checkins WHERE id = ?1")
            .bind(id)
            .execute(self.pool())
            .await
            .context("cannot delete a check-in")?;
        Ok(())
    }

    pub async fn checkin(&self, id: CheckinId) -> anyhow::Result<Option<CheckinRow>> {
        sqlx::query_as(&format!(
            "SELECT {CHECKIN_COLUMNS} FROM checkins c WHERE c.id = ?1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await
        .context("cannot read a check-in")
    }

    /// A check-in and its member's program, in one read (what an answer needs).
    pub async fn checkin_and_program(
        &self,
        id: CheckinId,
    ) -> anyhow::Result<Option<(CheckinRow, Option<Program>)>> {
        let row: Option<CheckinWithProgram> = sqlx::query_as(&format!(
            "SELECT {CHECKIN_COLUMNS}, p.member_id IS NOT NULL AS has_program,
                    p.step AS step, p.step_since, p.paused, p.outcome, p.finished_at
             FROM checkins c LEFT JOIN programs p ON p.member_id = c.member_id WHERE c.id = ?1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await
        .context("cannot read a check-in")?;
        Ok(row.map(|row| (row.checkin, row.program.map(Program::from))))
    }

    /// The member's newest check-in, if any.
    pub async fn latest_checkin(&self, member: MemberId) -> anyhow::Result<Option<CheckinRow>> {
        sqlx::query_as(&format!(
            "SELECT {CHECKIN_COLUMNS} FROM checkins c WHERE c.member_id = ?1 ORDER BY c.id DESC LIMIT 1"
        ))
        .bind(member)
        .fetch_optional(self.pool())
        .await
        .context("cannot read the latest check-in")
    }

    /// Records a mood on the member's check-in; false if it no longer exists.
    pub async fn set_mood(
        &self,
        member: MemberId,
        checkin: CheckinId,
        mood: Mood,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        let changed = sqlx::query(
            "UPDATE checkins SET mood = ?3, status = 'answered', answered_at = COALESCE(answered_at, ?4)
             WHERE id = ?1 AND member_id = ?2",
        )
        .bind(checkin)
        .bind(member)
        .bind(mood)
        .bind(UnixTime(now))
        .execute(self.pool())
        .await
        .context("cannot record a mood")?
        .rows_affected();
        Ok(changed == 1)
    }

    /// Stores a reflection: for `checkin` (which becomes answered), or a journal entry.
    /// False when the member (or the check-in) no longer exists: nothing is stored then.
    /// The same words for the same check-in again (a modal submitted twice) are kept once.
    pub async fn add_reflection(
        &self,
        member: MemberId,
        checkin: Option<CheckinId>,
        reflection: &Reflection,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        let mut tx = self.begin().await?;
        if checkin.is_some() {
            let kept_already: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM reflections WHERE member_id = ?1 AND checkin_id = ?2 AND body = ?3)",
            )
            .bind(member)
            .bind(checkin)
            .bind(reflection.as_str())
            .fetch_one(&mut *tx)
            .await
            .context("cannot read reflections")?;
            if kept_already {
                return Ok(true);
            }
        }
        let inserted = sqlx::query(
            "INSERT INTO reflections (member_id, checkin_id, body, created_at)
             SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM members WHERE id = ?1)
               AND (?2 IS NULL OR EXISTS (SELECT 1 FROM checkins WHERE id = ?2 AND member_id = ?1))",
        )
        .bind(member)
        .bind(checkin)
        .bind(reflection.as_str())
        .bind(UnixTime(now))
        .execute(&mut *tx)
        .await
        .context("cannot save a reflection")?
        .rows_affected();
        if inserted == 0 {
            return Ok(false);
        }
        if let Some(checkin) = checkin {
            sqlx::query(
                "UPDATE checkins SET status = 'answered', answered_at = COALESCE(answered_at, ?2) WHERE id = ?1",
            )
            .bind(checkin)
            .bind(UnixTime(now))
            .execute(&mut *tx)
            .await
            .context("cannot mark a check-in answered")?;
        }
        tx.commit().await.context("cannot commit a reflection")?;
        Ok(true)
    }

    /// Sets a check-in aside ("Snooze a day") if it is still open; an answered one keeps
    /// counting as answered.
    pub async fn snooze_checkin(&self, checkin: CheckinId) -> anyhow::Result<()> {
        sqlx::query("UPDATE checkins SET status = 'snoozed' WHERE id = ?1 AND status = 'open'")
            .bind(checkin)
            .execute(self.pool())
            .await
            .context("cannot update a check-in")?;
        Ok(())
    }

    pub async fn checkin_summary(&self, member: MemberId) -> anyhow::Result<CheckinSummary> {
        // One round trip: the recent rows, each carrying the (constant) answered count. A
        // member with an answered check-in always has at least one row here.
        let rows: Vec<(CheckinStatus, Option<Mood>, i64)> = sqlx::query_as(
            "SELECT status, mood,
                    (SELECT COUNT(*) FROM checkins WHERE member_id = ?1 AND status = 'answered')
             FROM checkins WHERE member_id = ?1 AND status != 'snoozed'
             ORDER BY id DESC LIMIT 30",
        )
        .bind(member)
        .fetch_all(self.pool())
        .await
        .context("cannot read recent check-ins")?;
        let answered = rows.first().map_or(0, |row| row.2);
        let mut recent: Vec<Answered> = rows
            .iter()
            .map(|(status, _, _)| match status {
                CheckinStatus::Answered => Answered::Yes,
                CheckinStatus::Open => Answered::Open,
                CheckinStatus::Snoozed | CheckinStatus::Missed => Answered::No,
            })
            .collect();
        // Only the newest may count as still open; an older open one went unanswered.
        for status in recent.iter_mut().skip(1) {
            if *status == Answered::Open {
                *status = Answered::No;
            }
        }
        let mut moods: Vec<Mood> = rows
            .iter()
            .filter_map(|(_, mood, _)| *mood)
            .take(12)
            .collect();
        moods.reverse();
        Ok(CheckinSummary {
            answered,
            recent,
            moods,
        })
    }

    /// Deletes reflections and journal entries written before `cutoff`; returns how many.
    /// The words leave the files too (see [`Store::scrub`]).
    pub async fn purge_reflections_before(&self, cutoff: DateTime<Utc>) -> anyhow::Result<u64> {
        let deleted = sqlx::query("DELETE FROM reflections WHERE created_at < ?1")
            .bind(UnixTime(cutoff))
            .execute(self.pool())
            .await
            .context("cannot purge old reflections")?
            .rows_affected();
        if deleted > 0 {
            self.scrub().await?;
        }
        Ok(deleted)
    }
}
