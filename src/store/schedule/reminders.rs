//! Open check-ins old enough for their one gentle reminder.

use anyhow::Context as _;
use chrono::{DateTime, Utc};

use crate::domain::ids::CheckinId;
use crate::domain::member::MemberId;
use crate::store::types::UnixTime;
use crate::store::Store;

/// An open check-in old enough for its one reminder.
#[derive(Debug, Clone, Copy)]
pub struct ReminderCandidate {
    pub checkin: CheckinId,
    pub member: MemberId,
    /// The member's schedule is running (not paused, finished or unreachable).
    pub active: bool,
    /// The check-in's own message has been delivered (or was sent directly).
    pub delivered: bool,
    /// The check-in's message failed: it never arrived, so no reminder either.
    pub failed: bool,
}

impl Store {
    /// Open check-ins sent at or before `cutoff` that have not had their reminder.
    pub async fn reminder_candidates(
        &self,
        cutoff: DateTime<Utc>,
        limit: u32,
    ) -> anyhow::Result<Vec<ReminderCandidate>> {
        let rows: Vec<(CheckinId, MemberId, bool, Option<crate::domain::outbox::Status>)> =
            sqlx::query_as(
                "SELECT c.id, c.member_id,
                    EXISTS (SELECT 1 FROM programs p WHERE p.member_id = c.member_id AND p.next_checkin_at IS NOT NULL),
                    (SELECT o.status FROM outbox o WHERE o.checkin_id = c.id AND o.kind = 'checkin')
             FROM checkins c WHERE c.status = 'open' AND c.reminded = 0 AND c.sent_at <= ?1
             ORDER BY c.sent_at LIMIT ?2",
            )
            .bind(UnixTime(cutoff))
            .bind(limit)
            .fetch_all(self.pool())
            .await
            .context("cannot read reminder candidates")?;
        use crate::domain::outbox::Status;
        Ok(rows
            .into_iter()
            .map(|(checkin, member, active, status)| ReminderCandidate {
                checkin,
                member,
                active,
                delivered: status.is_none_or(|s| s == Status::Sent),
                failed: matches!(
                    status,
                    Some(Status::Failed | Status::Cancelled | Status::Expired)
                ),
            })
            .collect())
    }

    /// Queues the one reminder for each of `send` (whose check-in is still open) and marks
    /// every check-in in `settle` as reminded (sent or not), so none is ever considered twice.
    pub async fn plan_reminders(
        &self,
        send: &[(ReminderCandidate, String)],
        settle: &[CheckinId],
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let mut tx = self.begin().await?;
        for (candidate, nonce) in send {
            sqlx::query(
                "INSERT INTO outbox (kind, member_id, checkin_id, nonce, due_at)
                 SELECT 'reminder', ?1, ?2, ?3, ?4
                 WHERE EXISTS (SELECT 1 FROM checkins WHERE id = ?2 AND status = 'open' AND reminded = 0)
                 ON CONFLICT (nonce) DO NOTHING",
            )
            .bind(candidate.member)
            .bind(candidate.checkin)
            .bind(nonce)
            .bind(UnixTime(now))
            .execute(&mut *tx)
            .await
            .context("cannot queue a reminder")?;
        }
        for checkin in send
            .iter()
            .map(|(c, _)| c.checkin)
            .chain(settle.iter().copied())
        {
            sqlx::query("UPDATE checkins SET reminded = 1 WHERE id = ?1")
                .bind(checkin)
                .execute(&mut *tx)
                .await
                .context("cannot mark a reminder")?;
        }
        tx.commit().await.context("cannot commit reminders")?;
        Ok(())
    }
}
