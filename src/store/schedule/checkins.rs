//! Check-ins whose slot has come, and the planner's decisions for them.

use anyhow::Context as _;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row as _;

use crate::domain::checkin::CheckinStatus;
use crate::domain::member::{MemberId, MemberSettings};
use crate::domain::program::StepNumber;
use crate::domain::schedule::Slot;
use crate::domain::timing::Timezone;
use crate::store::types::UnixTime;
use crate::store::Store;

/// A member whose next check-in slot has come.
#[derive(Debug, Clone)]
pub struct DueCheckin {
    pub member: MemberId,
    pub step: StepNumber,
    pub slot: Slot,
    pub settings: MemberSettings,
}

impl<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> for DueCheckin {
    fn from_row(row: &'r sqlx::sqlite::SqliteRow) -> Result<Self, sqlx::Error> {
        let at: DateTime<Utc> = row.try_get::<UnixTime, _>("next_checkin_at")?.into();
        let timezone: Timezone = row.try_get("timezone")?;
        let date = match row.try_get::<Option<String>, _>("next_checkin_date")? {
            Some(text) => text
                .parse::<NaiveDate>()
                .map_err(|error| sqlx::Error::ColumnDecode {
                    index: "next_checkin_date".into(),
                    source: format!("a stored date is “{text}”: {error}").into(),
                })?,
            None => crate::domain::schedule::local_date(timezone.tz(), at),
        };
        Ok(DueCheckin {
            member: row.try_get("member_id")?,
            step: row.try_get("step")?,
            slot: Slot { date, at },
            settings: MemberSettings {
                timezone,
                checkin_time: row.try_get("checkin_time")?,
                frequency: row.try_get("frequency")?,
                days: row.try_get("days")?,
                encouragement: row.try_get("encouragement")?,
            },
        })
    }
}

/// What the scheduler decided for one due member.
#[derive(Debug, Clone)]
pub struct PlannedCheckin {
    pub member: MemberId,
    pub step: StepNumber,
    /// The slot this decision was made for: if the member's schedule moved meanwhile (paused,
    /// erased, new settings), the decision is dropped.
    pub due: Slot,
    /// The slot to send now, with its nonce.
    pub send: Option<(Slot, String)>,
    pub missed: Vec<Slot>,
    pub next: Slot,
}

impl Store {
    /// Members whose check-in slot is at or before `now`, oldest first.
    pub async fn due_checkins(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> anyhow::Result<Vec<DueCheckin>> {
        let rows = sqlx::query(
            "SELECT p.member_id, p.step, p.next_checkin_date, p.next_checkin_at,
                    m.timezone, m.checkin_time, m.frequency, m.days, m.encouragement
             FROM programs p JOIN members m ON m.id = p.member_id
             WHERE p.next_checkin_at <= ?1 ORDER BY p.next_checkin_at LIMIT ?2",
        )
        .bind(UnixTime(now))
        .bind(limit)
        .fetch_all(self.pool())
        .await
        .context("cannot read due check-ins")?;
        super::decode_due(
            &mut *self.pool().acquire().await.context("cannot reach the database")?,
            rows,
            super::SetAside {
                owner: "member",
                id_column: "member_id",
                what: "check-ins",
                stop: "UPDATE programs SET next_checkin_date = NULL, next_checkin_at = NULL WHERE member_id = ?1",
                after_repair: "/program pause, then /program resume",
            },
        )
        .await
    }

    /// Records the decisions for due members in one transaction: missed slots, the check-in
    /// to send with its outbox row (unless that slot already has one), and the next slot.
    /// A member whose schedule moved since `due_checkins` read it (paused, erased, new
    /// settings) is left alone: the decision was made for a slot that no longer stands.
    /// `prompts_in` gives the number of prompts of a step, for rotation.
    pub async fn plan_checkins(
        &self,
        planned: &[PlannedCheckin],
        now: DateTime<Utc>,
        prompts_in: impl Fn(StepNumber) -> usize,
    ) -> anyhow::Result<usize> {
        let mut tx = self.begin().await?;
        let mut queued = 0;
        for plan in planned {
            let member = plan.member;
            let moved_on = sqlx::query(
                "UPDATE programs SET next_checkin_date = ?2, next_checkin_at = ?3
                 WHERE member_id = ?1 AND next_checkin_at = ?4 AND step = ?5",
            )
            .bind(member)
            .bind(plan.next.date.to_string())
            .bind(UnixTime(plan.next.at))
            .bind(UnixTime(plan.due.at))
            .bind(plan.step)
            .execute(&mut *tx)
            .await
            .context("cannot move a schedule on")?
            .rows_affected();
            if moved_on == 0 {
                continue;
            }
            let prompts = prompts_in(plan.step);
            for slot in &plan.missed {
                crate::store::checkins::open_checkin(
                    &mut tx,
                    member,
                    plan.step,
                    prompts,
                    slot.at,
                    CheckinStatus::Missed,
                )
                .await?;
            }
            if let Some((_, nonce)) = &plan.send {
                let taken: Option<i64> =
                    sqlx::query_scalar("SELECT id FROM outbox WHERE nonce = ?1")
                        .bind(nonce)
                        .fetch_optional(&mut *tx)
                        .await
                        .context("cannot look up a nonce")?;
                // One check-in per local day, even if the settings changed in between.
                if taken.is_none() {
                    let (checkin, _) = crate::store::checkins::open_checkin(
                        &mut tx,
                        member,
                        plan.step,
                        prompts,
                        now,
                        CheckinStatus::Open,
                    )
                    .await?;
                    sqlx::query("INSERT INTO outbox (kind, member_id, checkin_id, nonce, due_at) VALUES ('checkin', ?1, ?2, ?3, ?4)")
                        .bind(member)
                        .bind(checkin)
                        .bind(nonce)
                        .bind(UnixTime(now))
                        .execute(&mut *tx)
                        .await
                        .context("cannot queue a check-in")?;
                    queued += 1;
                }
            }
        }
        tx.commit()
            .await
            .context("cannot commit planned check-ins")?;
        Ok(queued)
    }
}
