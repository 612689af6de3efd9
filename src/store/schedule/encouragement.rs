//! Private encouragement that has come due, and the planner's decisions for it.

use anyhow::Context as _;
use chrono::{DateTime, Utc};

use crate::domain::member::MemberId;
use crate::domain::program::StepNumber;
use crate::domain::timing::Timezone;
use crate::store::types::UnixTime;
use crate::store::Store;

/// A member whose next encouragement has come.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DueEncouragement {
    #[sqlx(rename = "member_id")]
    pub member: MemberId,
    pub step: StepNumber,
    #[sqlx(rename = "last_encouragement", try_from = "OptionalIndex")]
    pub last_index: Option<usize>,
    #[sqlx(rename = "next_encouragement_at", try_from = "UnixTime")]
    pub due_at: DateTime<Utc>,
    pub timezone: Timezone,
    #[sqlx(rename = "encouragement")]
    pub wanted: bool,
}

/// An optional index column, never negative.
#[derive(Debug, Clone, Copy, sqlx::Type)]
#[sqlx(transparent)]
pub struct OptionalIndex(Option<i64>);

impl TryFrom<OptionalIndex> for Option<usize> {
    type Error = std::num::TryFromIntError;
    fn try_from(value: OptionalIndex) -> Result<Self, Self::Error> {
        value.0.map(usize::try_from).transpose()
    }
}

/// What the scheduler decided for one due encouragement.
#[derive(Debug, Clone)]
pub struct PlannedEncouragement {
    pub member: MemberId,
    /// The instant this decision was made for (dropped if the schedule moved meanwhile).
    pub due_at: DateTime<Utc>,
    /// Step, message index and nonce of the message to send now.
    pub send: Option<(StepNumber, usize, String)>,
    pub next_at: Option<DateTime<Utc>>,
}

impl Store {
    /// Members whose encouragement is due at or before `now`.
    pub async fn due_encouragements(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> anyhow::Result<Vec<DueEncouragement>> {
        let rows = sqlx::query(
            "SELECT p.member_id, p.step, p.last_encouragement, p.next_encouragement_at, m.timezone, m.encouragement
             FROM programs p JOIN members m ON m.id = p.member_id
             WHERE p.next_encouragement_at <= ?1 ORDER BY p.next_encouragement_at LIMIT ?2",
        )
        .bind(UnixTime(now))
        .bind(limit)
        .fetch_all(self.pool())
        .await
        .context("cannot read due encouragements")?;
        super::decode_due(
            &mut *self
                .pool()
                .acquire()
                .await
                .context("cannot reach the database")?,
            rows,
            super::SetAside {
                owner: "member",
                id_column: "member_id",
                what: "encouragements",
                stop: "UPDATE programs SET next_encouragement_at = NULL WHERE member_id = ?1",
                after_repair: "/program pause, then /program resume",
            },
        )
        .await
    }

    /// Records the encouragement decisions; a member whose schedule moved since the read is
    /// left alone.
    pub async fn plan_encouragements(
        &self,
        planned: &[PlannedEncouragement],
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let mut tx = self.begin().await?;
        for plan in planned {
            let member = plan.member;
            let moved_on = sqlx::query(
                "UPDATE programs SET next_encouragement_at = ?2
                 WHERE member_id = ?1 AND next_encouragement_at = ?3",
            )
            .bind(member)
            .bind(plan.next_at.map(UnixTime))
            .bind(UnixTime(plan.due_at))
            .execute(&mut *tx)
            .await
            .context("cannot move an encouragement on")?
            .rows_affected();
            if moved_on == 0 {
                continue;
            }
            if let Some((step, index, nonce)) = &plan.send {
                let index = crate::store::types::index_to_db(*index)?;
                sqlx::query(
                    "INSERT INTO outbox (kind, member_id, step, message_index, nonce, due_at)
                     VALUES ('encouragement', ?1, ?2, ?3, ?4, ?5) ON CONFLICT (nonce) DO NOTHING",
                )
                .bind(member)
                .bind(*step)
                .bind(index)
                .bind(nonce)
                .bind(UnixTime(now))
                .execute(&mut *tx)
                .await
                .context("cannot queue an encouragement")?;
                sqlx::query("UPDATE programs SET last_encouragement = ?2 WHERE member_id = ?1")
                    .bind(member)
                    .bind(index)
                    .execute(&mut *tx)
                    .await
                    .context("cannot record the last encouragement")?;
            }
        }
        tx.commit().await.context("cannot commit encouragements")?;
        Ok(())
    }
}
