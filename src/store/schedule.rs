//! The schedule columns of `programs`: when each member's next check-in and encouragement
//! are due. NULL means nothing is scheduled, which keeps the due-indexes small.

use anyhow::Context as _;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row as _;

use super::types::UnixTime;
use super::Store;
use crate::domain::checkin::CheckinStatus;
use crate::domain::ids::CheckinId;
use crate::domain::member::{MemberId, MemberSettings};
use crate::domain::program::StepNumber;
use crate::domain::schedule::{Plan, ScheduleChange, Slot};
use crate::domain::settings::Timezone;

/// Writes `change` for `member` on `conn` (inside the caller's transaction).
pub(crate) async fn apply(
    conn: &mut sqlx::SqliteConnection,
    member: MemberId,
    change: ScheduleChange,
) -> anyhow::Result<()> {
    let query = match change {
        ScheduleChange::Keep => return Ok(()),
        ScheduleChange::Clear => {
            // An open check-in gets no reminder while nothing is scheduled.
            sqlx::query(
                "UPDATE checkins SET reminded = 1 WHERE member_id = ?1 AND status = 'open'",
            )
            .bind(member)
            .execute(&mut *conn)
            .await
            .context("cannot settle reminders")?;
            // Nothing already queued goes out either.
            sqlx::query(
                "UPDATE outbox SET status = 'cancelled', last_error = 'nothing scheduled'
                 WHERE member_id = ?1 AND status = 'pending'",
            )
            .bind(member)
            .execute(&mut *conn)
            .await
            .context("cannot cancel queued messages")?;
            sqlx::query(
                "UPDATE programs SET next_checkin_date = NULL, next_checkin_at = NULL, next_encouragement_at = NULL
                 WHERE member_id = ?1",
            )
            .bind(member)
        }
        ScheduleChange::Set(plan) => set(member, plan, false),
    };
    query
        .execute(&mut *conn)
        .await
        .context("cannot update a member's schedule")?;
    Ok(())
}

/// Replaces the schedule with `plan`, but only for a member who has one (not paused,
/// finished or unreachable): new settings must not restart a paused member's check-ins.
pub(crate) async fn reschedule_if_scheduled(
    conn: &mut sqlx::SqliteConnection,
    member: MemberId,
    plan: Plan,
) -> anyhow::Result<()> {
    set(member, plan, true)
        .execute(&mut *conn)
        .await
        .context("cannot reschedule a member")?;
    Ok(())
}

fn set(
    member: MemberId,
    plan: Plan,
    only_if_scheduled: bool,
) -> sqlx::query::Query<'static, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'static>> {
    const ALWAYS: &str = "UPDATE programs SET next_checkin_date = ?2, next_checkin_at = ?3, next_encouragement_at = ?4
         WHERE member_id = ?1";
    const IF_SCHEDULED: &str = "UPDATE programs SET next_checkin_date = ?2, next_checkin_at = ?3, next_encouragement_at = ?4
         WHERE member_id = ?1 AND next_checkin_at IS NOT NULL";
    sqlx::query(if only_if_scheduled {
        IF_SCHEDULED
    } else {
        ALWAYS
    })
    .bind(member)
    .bind(plan.checkin.date.to_string())
    .bind(UnixTime(plan.checkin.at))
    .bind(plan.encouragement_at.map(UnixTime))
}

impl Store {
    /// Moves the member's next check-in to `slot` if one is scheduled later than it.
    pub async fn bring_checkin_forward(&self, member: MemberId, slot: Slot) -> anyhow::Result<()> {
        sqlx::query(
            "UPDATE programs SET next_checkin_date = ?2, next_checkin_at = ?3
             WHERE member_id = ?1 AND next_checkin_at > ?3",
        )
        .bind(member)
        .bind(slot.date.to_string())
        .bind(UnixTime(slot.at))
        .execute(self.pool())
        .await
        .context("cannot bring a check-in forward")?;
        Ok(())
    }
}

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
    /// Members whose check-in slot is at or before `now`, oldest first.
    pub async fn due_checkins(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> anyhow::Result<Vec<DueCheckin>> {
        sqlx::query_as(
            "SELECT p.member_id, p.step, p.next_checkin_date, p.next_checkin_at,
                    m.timezone, m.checkin_time, m.frequency, m.encouragement
             FROM programs p JOIN members m ON m.id = p.member_id
             WHERE p.next_checkin_at <= ?1 ORDER BY p.next_checkin_at LIMIT ?2",
        )
        .bind(UnixTime(now))
        .bind(limit)
        .fetch_all(self.pool())
        .await
        .context("cannot read due check-ins")
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
                super::checkins::open_checkin(
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
                    let (checkin, _) = super::checkins::open_checkin(
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

    /// Members whose encouragement is due at or before `now`.
    pub async fn due_encouragements(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> anyhow::Result<Vec<DueEncouragement>> {
        sqlx::query_as(
            "SELECT p.member_id, p.step, p.last_encouragement, p.next_encouragement_at, m.timezone, m.encouragement
             FROM programs p JOIN members m ON m.id = p.member_id
             WHERE p.next_encouragement_at <= ?1 ORDER BY p.next_encouragement_at LIMIT ?2",
        )
        .bind(UnixTime(now))
        .bind(limit)
        .fetch_all(self.pool())
        .await
        .context("cannot read due encouragements")
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
                let index = super::types::index_to_db(*index)?;
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
