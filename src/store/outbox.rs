//! The durable outbox: scheduled messages waiting to be sent, and what became of them.

use anyhow::Context as _;
use chrono::{DateTime, Utc};

use super::{time, Store};
use crate::domain::member::MemberId;

/// A message to send, as the sender needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    pub id: i64,
    pub kind: String,
    pub member: Option<MemberId>,
    pub channel: Option<u64>,
    pub checkin: Option<i64>,
    pub step: Option<u8>,
    pub message_index: Option<usize>,
    pub nonce: String,
    pub attempts: i64,
}

type RawRow = (
    i64,
    String,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    String,
    i64,
);

impl Store {
    /// Pending messages due at or before `now`, oldest first.
    pub async fn due_outbox(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> anyhow::Result<Vec<OutboxRow>> {
        let rows: Vec<RawRow> = sqlx::query_as(
            "SELECT id, kind, member_id, channel_id, checkin_id, step, message_index, nonce, attempts
             FROM outbox WHERE status = 'pending' AND due_at <= ?1 ORDER BY due_at, id LIMIT ?2",
        )
        .bind(time::to_db(now))
        .bind(limit)
        .fetch_all(self.pool())
        .await
        .context("cannot read the outbox")?;
        Ok(rows
            .into_iter()
            .map(
                |(id, kind, member, channel, checkin, step, index, nonce, attempts)| OutboxRow {
                    id,
                    kind,
                    member: member.map(MemberId::from_db),
                    channel: channel.and_then(|c| u64::try_from(c).ok()),
                    checkin,
                    step: step.and_then(|s| u8::try_from(s).ok()),
                    message_index: index.and_then(|i| usize::try_from(i).ok()),
                    nonce,
                    attempts,
                },
            )
            .collect())
    }

    pub async fn mark_sent(
        &self,
        id: i64,
        attempts: i64,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        sqlx::query("UPDATE outbox SET status = 'sent', sent_at = ?2, attempts = ?3 WHERE id = ?1")
            .bind(id)
            .bind(time::to_db(now))
            .bind(attempts)
            .execute(self.pool())
            .await
            .context("cannot mark a message sent")?;
        Ok(())
    }

    /// Gives up on a message; a check-in that never arrived is recorded as missed.
    pub async fn mark_failed(&self, id: i64, attempts: i64, error: &str) -> anyhow::Result<()> {
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
        sqlx::query(
            "UPDATE checkins SET status = 'missed', reminded = 1
             WHERE id = (SELECT checkin_id FROM outbox WHERE id = ?1 AND kind = 'checkin') AND status = 'open'",
        )
        .bind(id)
        .execute(&mut *tx)
        .await
        .context("cannot record an undelivered check-in")?;
        tx.commit().await.context("cannot commit a failure")?;
        Ok(())
    }

    /// Keeps a message pending for a later run (after a rate limit).
    pub async fn record_attempts(&self, id: i64, attempts: i64, error: &str) -> anyhow::Result<()> {
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
        reminder_after: chrono::Duration,
    ) -> anyhow::Result<Option<DateTime<Utc>>> {
        let next: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(at) FROM (
                 SELECT MIN(next_checkin_at) AS at FROM programs WHERE next_checkin_at IS NOT NULL
                 UNION ALL SELECT MIN(next_encouragement_at) FROM programs WHERE next_encouragement_at IS NOT NULL
                 UNION ALL SELECT MIN(due_at) FROM outbox WHERE status = 'pending'
                 UNION ALL SELECT MIN(next_post_at) FROM public_encouragement WHERE next_post_at IS NOT NULL
                 UNION ALL SELECT MIN(sent_at) + ?1 FROM checkins WHERE status = 'open' AND reminded = 0
             )",
        )
        .bind(reminder_after.num_seconds())
        .fetch_one(self.pool())
        .await
        .context("cannot read the next due time")?;
        Ok(next.map(time::from_db))
    }
}
