//! The durable outbox: scheduled messages waiting to be sent, and what became of them.

use anyhow::Context as _;
use chrono::{DateTime, Utc};

use super::{time, Store};
use crate::domain::member::MemberId;

/// A message to send, with everything the sender needs to render it (one query, no
/// further reads per message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    pub id: i64,
    pub kind: String,
    pub member: Option<MemberId>,
    /// The public channel of a public post.
    pub channel: Option<u64>,
    /// The member's cached DM channel, if any.
    pub dm_channel: Option<u64>,
    pub checkin: Option<i64>,
    /// The check-in's step and prompt, for check-ins and reminders.
    pub checkin_prompt: Option<(u8, usize)>,
    /// The member's current step, since when, and whether they finished.
    pub program: Option<(u8, DateTime<Utc>, bool)>,
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
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    String,
    i64,
    Option<i64>,
);

fn small<T: TryFrom<i64>>(value: Option<i64>) -> Option<T> {
    value.and_then(|v| T::try_from(v).ok())
}

impl Store {
    /// Pending messages due at or before `now`, oldest first.
    pub async fn due_outbox(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> anyhow::Result<Vec<OutboxRow>> {
        let rows: Vec<RawRow> = sqlx::query_as(
            "SELECT o.id, o.kind, o.member_id, o.channel_id, m.dm_channel_id, o.checkin_id,
                    c.step, c.prompt_index, p.step, p.step_since, o.step, o.message_index, o.nonce, o.attempts,
                    p.finished_at
             FROM outbox o
             LEFT JOIN members m ON m.id = o.member_id
             LEFT JOIN checkins c ON c.id = o.checkin_id
             LEFT JOIN programs p ON p.member_id = o.member_id
             WHERE o.status = 'pending' AND o.due_at <= ?1 ORDER BY o.due_at, o.id LIMIT ?2",
        )
        .bind(time::to_db(now))
        .bind(limit)
        .fetch_all(self.pool())
        .await
        .context("cannot read the outbox")?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let (
                    id,
                    kind,
                    member,
                    channel,
                    dm_channel,
                    checkin,
                    c_step,
                    prompt,
                    p_step,
                    since,
                    step,
                    index,
                    nonce,
                    attempts,
                    finished,
                ) = row;
                OutboxRow {
                    id,
                    kind,
                    member: member.map(MemberId::from_db),
                    channel: small(channel),
                    dm_channel: small(dm_channel),
                    checkin,
                    checkin_prompt: small::<u8>(c_step).zip(small::<usize>(prompt)),
                    program: small::<u8>(p_step)
                        .zip(since)
                        .map(|(s, at)| (s, time::from_db(at), finished.is_some())),
                    step: small(step),
                    message_index: small(index),
                    nonce,
                    attempts,
                }
            })
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

    /// Deletes sent and failed rows due before `cutoff`; returns how many.
    pub async fn purge_outbox_before(&self, cutoff: DateTime<Utc>) -> anyhow::Result<u64> {
        let deleted = sqlx::query("DELETE FROM outbox WHERE status != 'pending' AND due_at < ?1")
            .bind(time::to_db(cutoff))
            .execute(self.pool())
            .await
            .context("cannot purge the outbox")?
            .rows_affected();
        Ok(deleted)
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
