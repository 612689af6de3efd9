//! The durable outbox: scheduled messages waiting to be sent, and what became of them.
//!
//! The sender never works from a list read earlier: it takes the ids of due rows, then reads
//! each row afresh as it claims it ([`Store::claim`]), so a row whose member was erased, whose
//! check-in was answered or superseded, whose encouragement or public post was turned off
//! (or moved) meanwhile, or which grew too old, is never sent.

use anyhow::Context as _;
use chrono::{DateTime, Duration, Utc};

use super::types::UnixTime;
use super::Store;
use crate::domain::checkin::CheckinStatus;
use crate::domain::days::Days;
use crate::domain::ids::{ChannelId, CheckinId};
use crate::domain::member::MemberId;
use crate::domain::outbox::{Kind, Status};
use crate::domain::program::StepNumber;

/// An outbox row's id.
pub type OutboxId = i64;

/// A row as claimed for sending, with everything the sender needs (one query).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: OutboxId,
    pub kind: Kind,
    #[sqlx(rename = "member_id")]
    pub member: Option<MemberId>,
    /// The public channel of a public post.
    #[sqlx(rename = "channel_id")]
    pub channel: Option<ChannelId>,
    /// The member's cached DM channel, if any.
    #[sqlx(rename = "dm_channel_id")]
    pub dm_channel: Option<ChannelId>,
    #[sqlx(rename = "checkin_id")]
    pub checkin: Option<CheckinId>,
    /// The check-in's step, prompt and status, for check-ins and reminders.
    pub checkin_step: Option<StepNumber>,
    pub checkin_prompt: Option<i64>,
    pub checkin_status: Option<CheckinStatus>,
    /// The member's current step and since when; whether the program runs (not paused,
    /// finished or unscheduled).
    pub program_step: Option<StepNumber>,
    pub program_since: Option<UnixTime>,
    pub program_running: Option<bool>,
    /// Whether the member still wants private encouragement.
    pub encouragement_wanted: Option<bool>,
    /// The member's days as they are now: a check-in queued for a day they have since
    /// taken off their days is not sent.
    pub member_days: Option<Days>,
    /// Whether a public post's channel is still where its server posts, and posting is on.
    pub channel_posting: bool,
    /// An encouragement's step and index, or a public post's index.
    pub step: Option<StepNumber>,
    pub message_index: Option<i64>,
    pub nonce: String,
    pub attempts: i64,
    #[sqlx(try_from = "UnixTime")]
    pub due_at: DateTime<Utc>,
}

const CLAIM: &str = "SELECT o.id, o.kind, o.member_id, o.channel_id, m.dm_channel_id, o.checkin_id,
        c.step AS checkin_step, c.prompt_index AS checkin_prompt, c.status AS checkin_status,
        p.step AS program_step, p.step_since AS program_since,
        (p.paused = 0 AND p.finished_at IS NULL AND p.next_checkin_at IS NOT NULL) AS program_running,
        m.encouragement AS encouragement_wanted, m.days AS member_days,
        EXISTS (SELECT 1 FROM public_encouragement pe WHERE pe.channel_id = o.channel_id AND pe.enabled = 1)
            AS channel_posting,
        o.step, o.message_index, o.nonce, o.attempts, o.due_at
     FROM outbox o
     LEFT JOIN members m ON m.id = o.member_id
     LEFT JOIN checkins c ON c.id = o.checkin_id
     LEFT JOIN programs p ON p.member_id = o.member_id
     WHERE o.id = ?1 AND o.status = 'pending'";

/// Why a claimed row will not be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotSent {
    /// Its member paused, finished, or their check-in was answered or superseded.
    Cancelled(&'static str),
    /// Older than the stale window: recorded, never sent.
    Expired,
}

impl Store {
    /// The ids of pending rows due at or before `now`, oldest first.
    pub async fn due_outbox(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> anyhow::Result<Vec<OutboxId>> {
        sqlx::query_scalar(
            "SELECT id FROM outbox WHERE status = 'pending' AND due_at <= ?1 ORDER BY due_at, id LIMIT ?2",
        )
        .bind(UnixTime(now))
        .bind(limit)
        .fetch_all(self.pool())
        .await
        .context("cannot read the outbox")
    }

    /// Reads row `id` afresh for sending: `None` if it is no longer pending (sent, or its
    /// member was erased and it went with them).
    pub async fn claim(&self, id: OutboxId) -> anyhow::Result<Option<OutboxRow>> {
        sqlx::query_as(CLAIM)
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .context("cannot read an outbox row")
    }

    /// Records that a row will never be sent, and why; an unsent check-in counts as missed.
    pub async fn settle_unsent(&self, id: OutboxId, why: NotSent) -> anyhow::Result<()> {
        let (status, reason) = match why {
            NotSent::Cancelled(reason) => (Status::Cancelled, reason),
            NotSent::Expired => (Status::Expired, "too old to send"),
        };
        let mut tx = self.begin().await?;
        sqlx::query(
            "UPDATE outbox SET status = ?2, last_error = ?3 WHERE id = ?1 AND status = 'pending'",
        )
        .bind(id)
        .bind(status)
        .bind(reason)
        .execute(&mut *tx)
        .await
        .context("cannot settle a message")?;
        miss_checkin_of(&mut tx, id).await?;
        tx.commit()
            .await
            .context("cannot commit a settled message")?;
        Ok(())
    }

    /// Expires every pending row due before `cutoff` (after downtime): recorded, never sent.
    pub async fn expire_outbox_before(&self, cutoff: DateTime<Utc>) -> anyhow::Result<u64> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "UPDATE checkins SET status = 'missed', reminded = 1 WHERE status = 'open' AND id IN
                 (SELECT checkin_id FROM outbox WHERE status = 'pending' AND kind = 'checkin' AND due_at < ?1)",
        )
        .bind(UnixTime(cutoff))
        .execute(&mut *tx)
        .await
        .context("cannot record expired check-ins")?;
        let expired = sqlx::query(
            "UPDATE outbox SET status = 'expired', last_error = 'too old to send'
             WHERE status = 'pending' AND due_at < ?1",
        )
        .bind(UnixTime(cutoff))
        .execute(&mut *tx)
        .await
        .context("cannot expire old messages")?
        .rows_affected();
        tx.commit().await.context("cannot commit expiry")?;
        Ok(expired)
    }

    pub async fn mark_sent(
        &self,
        id: OutboxId,
        attempts: i64,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        sqlx::query("UPDATE outbox SET status = 'sent', sent_at = ?2, attempts = ?3 WHERE id = ?1")
            .bind(id)
            .bind(UnixTime(now))
            .bind(attempts)
            .execute(self.pool())
            .await
            .context("cannot mark a message sent")?;
        Ok(())
    }

    /// Gives up on a message; a check-in that never arrived is recorded as missed.
    pub async fn mark_failed(
        &self,
        id: OutboxId,
        attempts: i64,
        error: &str,
    ) -> anyhow::Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "UPDATE outbox SET status = 'failed', attempts = ?2, last_error = ?3 WHERE id = ?1",
        )
        .bind(id)
        .bind(attempts)
        .bind(error)
        .execute(&mut *tx)
        .await
        .context("cannot mark a message failed")?;
        miss_checkin_of(&mut tx, id).await?;
        tx.commit().await.context("cannot commit a failure")?;
        Ok(())
    }

    /// Gives up on a row that cannot be read (a stored value that does not fit its type):
    /// failed, with `reason`, and its check-in counted as missed, so it is neither claimed
    /// again on every run nor kept pending forever.
    pub async fn fail_unreadable(&self, id: OutboxId, reason: &str) -> anyhow::Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "UPDATE outbox SET status = 'failed', last_error = ?2 WHERE id = ?1 AND status = 'pending'",
        )
        .bind(id)
        .bind(reason)
        .execute(&mut *tx)
        .await
        .context("cannot set an unreadable message aside")?;
        miss_checkin_of(&mut tx, id).await?;
        tx.commit()
            .await
            .context("cannot commit an unreadable message set aside")?;
        Ok(())
    }

    /// Deletes sent and settled rows due before `cutoff`; returns how many.
    pub async fn purge_outbox_before(&self, cutoff: DateTime<Utc>) -> anyhow::Result<u64> {
        let deleted = sqlx::query("DELETE FROM outbox WHERE status != 'pending' AND due_at < ?1")
            .bind(UnixTime(cutoff))
            .execute(self.pool())
            .await
            .context("cannot purge the outbox")?
            .rows_affected();
        Ok(deleted)
    }

    /// Keeps a message pending for a later run (after a rate limit, or a refused token).
    pub async fn record_attempts(
        &self,
        id: OutboxId,
        attempts: i64,
        error: &str,
    ) -> anyhow::Result<()> {
        sqlx::query("UPDATE outbox SET attempts = ?2, last_error = ?3 WHERE id = ?1")
            .bind(id)
            .bind(attempts)
            .bind(error)
            .execute(self.pool())
            .await
            .context("cannot record an attempt")?;
        Ok(())
    }

    /// The earliest instant at which anything becomes due, for the sender loop's sleep.
    pub async fn next_due(
        &self,
        reminder_after: Duration,
    ) -> anyhow::Result<Option<DateTime<Utc>>> {
        let next: Option<UnixTime> = sqlx::query_scalar(
            "SELECT MIN(at) FROM (
                 SELECT MIN(next_checkin_at) AS at FROM programs WHERE next_checkin_at IS NOT NULL
                 UNION ALL SELECT MIN(next_encouragement_at) FROM programs WHERE next_encouragement_at IS NOT NULL
                 UNION ALL SELECT MIN(due_at) FROM outbox WHERE status = 'pending'
                 UNION ALL SELECT MIN(next_post_at) FROM public_encouragement WHERE next_post_at IS NOT NULL
                 UNION ALL SELECT MIN(resume_at) FROM programs WHERE resume_at IS NOT NULL
                 UNION ALL SELECT MIN(sent_at) + ?1 FROM checkins WHERE status = 'open' AND reminded = 0
             )",
        )
        .bind(reminder_after.num_seconds())
        .fetch_one(self.pool())
        .await
        .context("cannot read the next due time")?;
        Ok(next.map(Into::into))
    }

    /// Counts of outbox rows by status (for health and metrics).
    pub async fn outbox_counts(&self) -> anyhow::Result<Vec<(Status, i64)>> {
        sqlx::query_as("SELECT status, COUNT(*) FROM outbox GROUP BY status")
            .fetch_all(self.pool())
            .await
            .context("cannot count the outbox")
    }
}

/// A check-in whose message will never arrive counts as missed, with no reminder.
async fn miss_checkin_of(conn: &mut sqlx::SqliteConnection, id: OutboxId) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE checkins SET status = 'missed', reminded = 1
         WHERE id = (SELECT checkin_id FROM outbox WHERE id = ?1 AND kind = 'checkin') AND status = 'open'",
    )
    .bind(id)
    .execute(&mut *conn)
    .await
    .context("cannot record an undelivered check-in")?;
    Ok(())
}
