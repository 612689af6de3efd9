//! Moods over time: the points of the mood chart, and what a member answered in one step
//! (for the look back when they move on).

use anyhow::Context as _;
use chrono::{DateTime, Utc};

use super::types::UnixTime;
use super::Store;
use crate::domain::checkin::Mood;
use crate::domain::member::MemberId;
use crate::domain::program::StepNumber;

/// A mood and when it was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct MoodAt {
    #[sqlx(try_from = "UnixTime")]
    pub at: DateTime<Utc>,
    pub mood: Mood,
}

/// What a member answered in a step.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StepAnswers {
    pub answered: i64,
    /// Oldest first.
    pub moods: Vec<Mood>,
}

impl Store {
    /// The member's moods given at or after `since`, oldest first (one per answered check-in
    /// with a mood; when it was answered, or sent if that is unknown).
    pub async fn moods_since(
        &self,
        member: MemberId,
        since: DateTime<Utc>,
    ) -> anyhow::Result<Vec<MoodAt>> {
        sqlx::query_as(
            "SELECT COALESCE(answered_at, sent_at) AS at, mood FROM checkins
             WHERE member_id = ?1 AND mood IS NOT NULL AND COALESCE(answered_at, sent_at) >= ?2
             ORDER BY at, id",
        )
        .bind(member)
        .bind(UnixTime(since))
        .fetch_all(self.pool())
        .await
        .context("cannot read moods")
    }

    /// The check-ins of `step` sent at or after `since`: how many were answered, and their
    /// moods, oldest first.
    pub async fn step_answers(
        &self,
        member: MemberId,
        step: StepNumber,
        since: DateTime<Utc>,
    ) -> anyhow::Result<StepAnswers> {
        let rows: Vec<(Option<Mood>,)> = sqlx::query_as(
            "SELECT mood FROM checkins
             WHERE member_id = ?1 AND step = ?2 AND sent_at >= ?3 AND status = 'answered'
             ORDER BY id",
        )
        .bind(member)
        .bind(step)
        .bind(UnixTime(since))
        .fetch_all(self.pool())
        .await
        .context("cannot read a step's answers")?;
        Ok(StepAnswers {
            answered: i64::try_from(rows.len()).unwrap_or(i64::MAX),
            moods: rows.into_iter().filter_map(|(mood,)| mood).collect(),
        })
    }
}
