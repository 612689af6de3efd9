//! Aggregate statistics for admins: counts only, never a member.

use anyhow::Context as _;
use chrono::{DateTime, Utc};

use super::types::UnixTime;
use super::Store;

/// Totals across all members.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    pub enrolled: i64,
    pub active_7_days: i64,
    /// Members in steps 1 to 7 (index 0 is step 1), not counting those who finished.
    pub per_step: [i64; 7],
    pub finished: i64,
    pub paused: i64,
    /// Check-ins sent in the last 30 days, and how many of them were answered.
    pub checkins_30_days: i64,
    pub answered_30_days: i64,
}

impl Store {
    pub async fn totals(&self, now: DateTime<Utc>) -> anyhow::Result<Totals> {
        let pool = self.pool();
        let week_ago = UnixTime(now - chrono::Duration::days(7));
        let month_ago = UnixTime(now - chrono::Duration::days(30));
        let enrolled: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM programs")
            .fetch_one(pool)
            .await
            .context("count enrolled")?;
        let active_7_days: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM members m WHERE
                 EXISTS (SELECT 1 FROM checkins c WHERE c.member_id = m.id AND c.answered_at >= ?1)
              OR EXISTS (SELECT 1 FROM reflections r WHERE r.member_id = m.id AND r.created_at >= ?1)",
        )
        .bind(week_ago)
        .fetch_one(pool)
        .await
        .context("count active")?;
        let steps: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT step, COUNT(*) FROM programs WHERE finished_at IS NULL GROUP BY step",
        )
        .fetch_all(pool)
        .await
        .context("count per step")?;
        let mut per_step = [0; 7];
        for (step, count) in steps {
            if let Some(slot) = usize::try_from(step - 1)
                .ok()
                .and_then(|i| per_step.get_mut(i))
            {
                *slot = count;
            }
        }
        let finished: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM programs WHERE finished_at IS NOT NULL")
                .fetch_one(pool)
                .await
                .context("count finished")?;
        let paused: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM programs WHERE paused = 1 AND finished_at IS NULL",
        )
        .fetch_one(pool)
        .await
        .context("count paused")?;
        let (checkins_30_days, answered_30_days): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COALESCE(SUM(status = 'answered'), 0) FROM checkins WHERE sent_at >= ?1 AND status != 'snoozed'",
        )
        .bind(month_ago)
        .fetch_one(pool)
        .await
        .context("count check-ins")?;
        Ok(Totals {
            enrolled,
            active_7_days,
            per_step,
            finished,
            paused,
            checkins_30_days,
            answered_30_days,
        })
    }
}
