//! Aggregate statistics for admins: counts only, never a member, and only the members of the
//! admin's own server (the one each member enrolled in).

use anyhow::Context as _;
use chrono::{DateTime, Utc};

use super::types::UnixTime;
use super::Store;
use crate::domain::ids::GuildId;

/// Totals across the members who enrolled in one server.
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
    /// The totals for the members who enrolled in `guild`; one snapshot for every count.
    pub async fn totals(&self, guild: GuildId, now: DateTime<Utc>) -> anyhow::Result<Totals> {
        let mut snapshot = self.snapshot().await?;
        let pool = &mut *snapshot;
        let week_ago = UnixTime(now - chrono::Duration::days(7));
        let month_ago = UnixTime(now - chrono::Duration::days(30));
        let enrolled: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM programs WHERE guild_id = ?1")
            .bind(guild)
            .fetch_one(&mut *pool)
            .await
            .context("count enrolled")?;
        let active_7_days: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM members m JOIN programs p ON p.member_id = m.id AND p.guild_id = ?2 WHERE
                (EXISTS (SELECT 1 FROM checkins c WHERE c.member_id = m.id AND c.answered_at >= ?1)
              OR EXISTS (SELECT 1 FROM reflections r WHERE r.member_id = m.id AND r.created_at >= ?1))",
        )
        .bind(week_ago)
        .bind(guild)
        .fetch_one(&mut *pool)
        .await
        .context("count active")?;
        let steps: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT step, COUNT(*) FROM programs WHERE guild_id = ?1 AND finished_at IS NULL GROUP BY step",
        )
        .bind(guild)
        .fetch_all(&mut *pool)
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
        let finished: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM programs WHERE guild_id = ?1 AND finished_at IS NOT NULL",
        )
        .bind(guild)
        .fetch_one(&mut *pool)
        .await
        .context("count finished")?;
        let paused: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM programs WHERE guild_id = ?1 AND paused = 1 AND finished_at IS NULL",
        )
        .bind(guild)
        .fetch_one(&mut *pool)
        .await
        .context("count paused")?;
        let (checkins_30_days, answered_30_days): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COALESCE(SUM(c.status = 'answered'), 0) FROM checkins c
             JOIN programs p ON p.member_id = c.member_id AND p.guild_id = ?2
             WHERE c.sent_at >= ?1 AND c.status != 'snoozed'",
        )
        .bind(month_ago)
        .bind(guild)
        .fetch_one(&mut *pool)
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
