//! Everything stored about one member: read whole for an export, deleted whole on request.
//!
//! The export reads every table in one snapshot, so it is consistent even while the member
//! writes. The deletion takes the write lock first (no write can slip in between), removes
//! every row, and then scrubs the files: with `secure_delete` the freed pages are zeroed, and
//! a checkpoint empties the write-ahead log that still held the old pages.

use anyhow::Context as _;
use chrono::{DateTime, Utc};

use super::members::{MemberRow, MEMBER_COLUMNS};
use super::program::HistoryRow;
use super::types::UnixTime;
use super::Store;
use crate::domain::checkin::{CheckinStatus, Mood};
use crate::domain::faq_layer::ChangeKind;
use crate::domain::ids::{CheckinId, GuildId};
use crate::domain::member::MemberId;
use crate::domain::outbox::Kind;
use crate::domain::program::{Outcome, StepNumber};

/// Every row about a member.
#[derive(Debug, Clone, Default)]
pub struct MemberRecord {
    pub member: Option<MemberRow>,
    pub program: Option<ProgramRecord>,
    pub history: Vec<HistoryRow>,
    pub checkins: Vec<CheckinRecord>,
    pub reflections: Vec<ReflectionRecord>,
    pub pending: Vec<PendingRecord>,
    /// The changes the member made to a server's FAQ as its admin (their id is kept with
    /// each, for `/admin faq history`).
    pub faq_changes: Vec<FaqChangeRecord>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FaqChangeRecord {
    #[sqlx(rename = "guild_id")]
    pub guild: GuildId,
    pub key: String,
    #[sqlx(rename = "action")]
    pub kind: ChangeKind,
    #[sqlx(try_from = "UnixTime")]
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProgramRecord {
    pub step: StepNumber,
    #[sqlx(try_from = "UnixTime")]
    pub step_since: DateTime<Utc>,
    pub paused: bool,
    pub outcome: Option<Outcome>,
    pub finished_at: Option<UnixTime>,
    #[sqlx(try_from = "UnixTime")]
    pub enrolled_at: DateTime<Utc>,
    pub next_checkin_at: Option<UnixTime>,
    pub next_encouragement_at: Option<UnixTime>,
    /// The local date a pause with an end is over (`YYYY-MM-DD`), and when it resumes.
    pub paused_until: Option<String>,
    pub resume_at: Option<UnixTime>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CheckinRecord {
    pub id: CheckinId,
    pub step: StepNumber,
    #[sqlx(try_from = "i64")]
    pub prompt_index: usize,
    #[sqlx(try_from = "UnixTime")]
    pub sent_at: DateTime<Utc>,
    pub answered_at: Option<UnixTime>,
    pub mood: Option<Mood>,
    pub status: CheckinStatus,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReflectionRecord {
    pub checkin_id: Option<CheckinId>,
    pub body: String,
    #[sqlx(try_from = "UnixTime")]
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PendingRecord {
    pub kind: Kind,
    #[sqlx(try_from = "UnixTime")]
    pub due_at: DateTime<Utc>,
}

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
    /// Every row about the member, read in one snapshot.
    pub async fn member_record(&self, member: MemberId) -> anyhow::Result<MemberRecord> {
        let mut tx = self.snapshot().await?;
        let record = MemberRecord {
            member: sqlx::query_as(&format!("SELECT {MEMBER_COLUMNS} FROM members WHERE id = ?1"))
                .bind(member)
                .fetch_optional(&mut *tx)
                .await
                .context("cannot read the member")?,
            program: sqlx::query_as(
                "SELECT step, step_since, paused, outcome, finished_at, enrolled_at, next_checkin_at, next_encouragement_at,
                        paused_until, resume_at
                 FROM programs WHERE member_id = ?1",
            )
            .bind(member)
            .fetch_optional(&mut *tx)
            .await
            .context("cannot read the program")?,
            history: sqlx::query_as(
                "SELECT event, step, outcome, at FROM step_history WHERE member_id = ?1 ORDER BY id",
            )
            .bind(member)
            .fetch_all(&mut *tx)
            .await
            .context("cannot read the history")?,
            checkins: sqlx::query_as(
                "SELECT id, step, prompt_index, sent_at, answered_at, mood, status FROM checkins WHERE member_id = ?1 ORDER BY id",
            )
            .bind(member)
            .fetch_all(&mut *tx)
            .await
            .context("cannot read the check-ins")?,
            reflections: sqlx::query_as(
                "SELECT checkin_id, body, created_at FROM reflections WHERE member_id = ?1 ORDER BY id",
            )
            .bind(member)
            .fetch_all(&mut *tx)
            .await
            .context("cannot read the reflections")?,
            pending: sqlx::query_as(
                "SELECT kind, due_at FROM outbox WHERE member_id = ?1 AND status = 'pending' ORDER BY due_at, id",
            )
            .bind(member)
            .fetch_all(&mut *tx)
            .await
            .context("cannot read pending messages")?,
            faq_changes: sqlx::query_as(
                "SELECT guild_id, key, action, at FROM faq_changes WHERE admin_id = ?1 ORDER BY id",
            )
            .bind(member)
            .fetch_all(&mut *tx)
            .await
            .context("cannot read the member's FAQ changes")?,
        };
        tx.commit().await.context("cannot finish reading")?;
        Ok(record)
    }

    /// Deletes every row about the member in one `BEGIN IMMEDIATE` transaction (the write
    /// lock is taken first, so a concurrent write waits, then finds nothing), then scrubs
    /// the files so the words are gone from disk too.
    pub async fn delete_member(&self, member: MemberId) -> anyhow::Result<Deleted> {
        let mut tx = self.begin().await?;
        let mut deleted = Deleted::default();
        for (table, slot) in [
            ("checkins", &mut deleted.checkins),
            ("reflections", &mut deleted.reflections),
            ("step_history", &mut deleted.history),
            ("outbox", &mut deleted.pending),
        ] {
            *slot = sqlx::query_scalar(&format!(
                "SELECT COUNT(*) FROM {table} WHERE member_id = ?1"
            ))
            .bind(member)
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
                .bind(member)
                .execute(&mut *tx)
                .await
                .context("cannot delete a member's rows")?;
        }
        // An admin's FAQ changes stay (they are the server's), without who made them.
        sqlx::query("UPDATE faq_changes SET admin_id = NULL WHERE admin_id = ?1")
            .bind(member)
            .execute(&mut *tx)
            .await
            .context("cannot forget a member's FAQ changes")?;
        deleted.member = sqlx::query("DELETE FROM members WHERE id = ?1")
            .bind(member)
            .execute(&mut *tx)
            .await
            .context("cannot delete the member")?
            .rows_affected()
            == 1;
        tx.commit().await.context("cannot commit the deletion")?;
        self.scrub().await?;
        Ok(deleted)
    }
}
