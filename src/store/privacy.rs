//! Everything stored about one member: read whole for an export, deleted whole on request.

use anyhow::Context as _;

use super::Store;
use crate::domain::member::MemberId;

/// Every row about a member, as stored (times are Unix seconds).
#[derive(Debug, Clone, Default)]
pub struct MemberRecord {
    pub member: Option<MemberRaw>,
    pub program: Option<ProgramRaw>,
    pub history: Vec<(String, i64, Option<String>, i64)>,
    pub checkins: Vec<CheckinRaw>,
    /// check-in id (None: journal), text, written.
    pub reflections: Vec<(Option<i64>, String, i64)>,
    /// kind, due, status.
    pub pending: Vec<(String, i64, String)>,
}

/// id, step, prompt index, sent, answered, mood, status.
pub type CheckinRaw = (i64, i64, i64, i64, Option<i64>, Option<i64>, String);
/// timezone, check-in time, frequency, encouragement, reachable, created, region.
pub type MemberRaw = (String, String, String, i64, i64, i64, Option<String>);
/// step, step since, paused, outcome, finished at, enrolled at, next check-in, next encouragement.
pub type ProgramRaw = (
    i64,
    i64,
    i64,
    Option<String>,
    Option<i64>,
    i64,
    Option<i64>,
    Option<i64>,
);

/// What a deletion removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Deleted {
    pub member: bool,
    pub checkins: i64,
    pub reflections: i64,
    pub history: i64,
    pub pending: i64,
}

impl Store {
    pub async fn member_record(&self, member: MemberId) -> anyhow::Result<MemberRecord> {
        let id = member.to_db();
        let pool = self.pool();
        Ok(MemberRecord {
            member: sqlx::query_as(
                "SELECT timezone, checkin_time, frequency, encouragement, reachable, created_at, region FROM members WHERE id = ?1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await
            .context("cannot read the member")?,
            program: sqlx::query_as(
                "SELECT step, step_since, paused, outcome, finished_at, enrolled_at, next_checkin_at, next_encouragement_at
                 FROM programs WHERE member_id = ?1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await
            .context("cannot read the program")?,
            history: sqlx::query_as("SELECT event, step, outcome, at FROM step_history WHERE member_id = ?1 ORDER BY id")
                .bind(id)
                .fetch_all(pool)
                .await
                .context("cannot read the history")?,
            checkins: sqlx::query_as(
                "SELECT id, step, prompt_index, sent_at, answered_at, mood, status FROM checkins WHERE member_id = ?1 ORDER BY id",
            )
            .bind(id)
            .fetch_all(pool)
            .await
            .context("cannot read the check-ins")?,
            reflections: sqlx::query_as(
                "SELECT checkin_id, body, created_at FROM reflections WHERE member_id = ?1 ORDER BY id",
            )
            .bind(id)
            .fetch_all(pool)
            .await
            .context("cannot read the reflections")?,
            pending: sqlx::query_as(
                "SELECT kind, due_at, status FROM outbox WHERE member_id = ?1 AND status = 'pending' ORDER BY id",
            )
            .bind(id)
            .fetch_all(pool)
            .await
            .context("cannot read pending messages")?,
        })
    }

    /// Deletes every row about the member, in one transaction.
    pub async fn delete_member(&self, member: MemberId) -> anyhow::Result<Deleted> {
        let id = member.to_db();
        let mut tx = self.begin().await?;
        let count =
            |table: &'static str| format!("SELECT COUNT(*) FROM {table} WHERE member_id = ?1");
        let mut deleted = Deleted::default();
        for (table, slot) in [
            ("checkins", &mut deleted.checkins),
            ("reflections", &mut deleted.reflections),
            ("step_history", &mut deleted.history),
            ("outbox", &mut deleted.pending),
        ] {
            *slot = sqlx::query_scalar(&count(table))
                .bind(id)
                .fetch_one(&mut *tx)
                .await
                .context("cannot count rows")?;
        }
        // Foreign keys cascade from `members` to every table about the member; the explicit
        // deletes make that true even for a database opened without foreign keys.
        for table in [
            "outbox",
            "reflections",
            "checkins",
            "step_history",
            "programs",
        ] {
            sqlx::query(&format!("DELETE FROM {table} WHERE member_id = ?1"))
                .bind(id)
                .execute(&mut *tx)
                .await
                .context("cannot delete a member's rows")?;
        }
        deleted.member = sqlx::query("DELETE FROM members WHERE id = ?1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .context("cannot delete the member")?
            .rows_affected()
            == 1;
        tx.commit().await.context("cannot commit the deletion")?;
        Ok(deleted)
    }
}
