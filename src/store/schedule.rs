//! The schedule columns of `programs`: when each member's next check-in and encouragement
//! are due. NULL means nothing is scheduled, which keeps the due-indexes small.

use anyhow::Context as _;
use chrono::{DateTime, NaiveDate, Utc};

use super::{time, Store};
use crate::domain::member::{MemberId, MemberSettings};
use crate::domain::program::StepNumber;
use crate::domain::schedule::{Plan, ScheduleChange, Slot};
use crate::domain::settings::{Frequency, LocalTime, Timezone};

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
            .bind(member.to_db())
            .execute(&mut *conn)
            .await
            .context("cannot settle reminders")?;
            sqlx::query(
                "UPDATE programs SET next_checkin_date = NULL, next_checkin_at = NULL, next_encouragement_at = NULL
                 WHERE member_id = ?1",
            )
            .bind(member.to_db())
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
    .bind(member.to_db())
    .bind(plan.checkin.date.to_string())
    .bind(time::to_db(plan.checkin.at))
    .bind(plan.encouragement_at.map(time::to_db))
}

impl Store {
    /// Moves the member's next check-in to `slot` if one is scheduled later than it.
    pub async fn bring_checkin_forward(&self, member: MemberId, slot: Slot) -> anyhow::Result<()> {
        sqlx::query(
            "UPDATE programs SET next_checkin_date = ?2, next_checkin_at = ?3
             WHERE member_id = ?1 AND next_checkin_at > ?3",
        )
        .bind(member.to_db())
        .bind(slot.date.to_string())
        .bind(time::to_db(slot.at))
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

/// What the scheduler decided for one due member.
#[derive(Debug, Clone)]
pub struct PlannedCheckin {
    pub member: MemberId,
    pub step: StepNumber,
    /// The slot to send now, with its nonce.
    pub send: Option<(Slot, String)>,
    pub missed: Vec<Slot>,
    pub next: Slot,
}

/// A member whose next encouragement has come.
#[derive(Debug, Clone)]
pub struct DueEncouragement {
    pub member: MemberId,
    pub step: StepNumber,
    pub last_index: Option<usize>,
    pub due_at: DateTime<Utc>,
    pub timezone: Timezone,
    pub wanted: bool,
}

/// What the scheduler decided for one due encouragement.
#[derive(Debug, Clone)]
pub struct PlannedEncouragement {
    pub member: MemberId,
    /// Step, message index and nonce of the message to send now.
    pub send: Option<(StepNumber, usize, String)>,
    pub next_at: Option<DateTime<Utc>>,
}

/// An open check-in old enough for its one reminder.
#[derive(Debug, Clone, Copy)]
pub struct ReminderCandidate {
    pub checkin: i64,
    pub member: MemberId,
    /// The member's schedule is running (not paused, finished or unreachable).
    pub active: bool,
    /// The check-in's own message has been delivered (or was sent directly).
    pub delivered: bool,
    /// The check-in's message failed: it never arrived, so no reminder either.
    pub failed: bool,
}

type RawDue = (i64, i64, Option<String>, i64, String, String, String, i64);

impl Store {
    /// Members whose check-in slot is at or before `now`, oldest first.
    pub async fn due_checkins(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> anyhow::Result<Vec<DueCheckin>> {
        let rows: Vec<RawDue> = sqlx::query_as(
            "SELECT p.member_id, p.step, p.next_checkin_date, p.next_checkin_at,
                    m.timezone, m.checkin_time, m.frequency, m.encouragement
             FROM programs p JOIN members m ON m.id = p.member_id
             WHERE p.next_checkin_at <= ?1 ORDER BY p.next_checkin_at LIMIT ?2",
        )
        .bind(time::to_db(now))
        .bind(limit)
        .fetch_all(self.pool())
        .await
        .context("cannot read due check-ins")?;
        rows.into_iter()
            .map(
                |(member, step, date, at, timezone, checkin_time, frequency, encouragement)| {
                    let at = time::from_db(at);
                    let tz = Timezone::parse(&timezone).context("stored timezone")?;
                    let date = date
                        .and_then(|d| d.parse::<NaiveDate>().ok())
                        .unwrap_or_else(|| crate::domain::schedule::local_date(tz.tz(), at));
                    Ok(DueCheckin {
                        member: MemberId::from_db(member),
                        step: u8::try_from(step)
                            .ok()
                            .and_then(StepNumber::new)
                            .context("stored step")?,
                        slot: Slot { date, at },
                        settings: MemberSettings {
                            timezone: tz,
                            checkin_time: LocalTime::parse(&checkin_time).context("stored time")?,
                            frequency: Frequency::parse(&frequency).context("stored frequency")?,
                            encouragement: encouragement != 0,
                        },
                    })
                },
            )
            .collect()
    }

    /// Records the decisions for due members in one transaction: missed slots, the check-in
    /// to send with its outbox row (unless that slot already has one), and the next slot.
    /// `prompt` picks the prompt for a step given the last one used in it.
    pub async fn plan_checkins(
        &self,
        planned: &[PlannedCheckin],
        now: DateTime<Utc>,
        prompt: impl Fn(StepNumber, Option<usize>) -> usize,
    ) -> anyhow::Result<usize> {
        let mut tx = self.begin().await?;
        let mut queued = 0;
        for plan in planned {
            let member = plan.member.to_db();
            // A new slot closes any older check-in that is still open: unanswered.
            sqlx::query(
                "UPDATE checkins SET status = 'missed', reminded = 1 WHERE member_id = ?1 AND status = 'open'",
            )
            .bind(member)
            .execute(&mut *tx)
            .await
            .context("cannot close open check-ins")?;
            let mut last: Option<i64> = sqlx::query_scalar(
                "SELECT prompt_index FROM checkins WHERE member_id = ?1 AND step = ?2 ORDER BY id DESC LIMIT 1",
            )
            .bind(member)
            .bind(plan.step.get())
            .fetch_optional(&mut *tx)
            .await
            .context("cannot read the last prompt")?;
            let next_prompt = |last: &mut Option<i64>| {
                let index = prompt(plan.step, last.and_then(|l| usize::try_from(l).ok()));
                *last = i64::try_from(index).ok();
                index as i64
            };
            for slot in &plan.missed {
                sqlx::query("INSERT INTO checkins (member_id, step, prompt_index, sent_at, status, reminded) VALUES (?1, ?2, ?3, ?4, 'missed', 1)")
                    .bind(member)
                    .bind(plan.step.get())
                    .bind(next_prompt(&mut last))
                    .bind(time::to_db(slot.at))
                    .execute(&mut *tx)
                    .await
                    .context("cannot record a missed check-in")?;
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
                    let checkin: i64 = sqlx::query_scalar(
                        "INSERT INTO checkins (member_id, step, prompt_index, sent_at) VALUES (?1, ?2, ?3, ?4) RETURNING id",
                    )
                    .bind(member)
                    .bind(plan.step.get())
                    .bind(next_prompt(&mut last))
                    .bind(time::to_db(now))
                    .fetch_one(&mut *tx)
                    .await
                    .context("cannot create a check-in")?;
                    sqlx::query("INSERT INTO outbox (kind, member_id, checkin_id, nonce, due_at) VALUES ('checkin', ?1, ?2, ?3, ?4)")
                        .bind(member)
                        .bind(checkin)
                        .bind(nonce)
                        .bind(time::to_db(now))
                        .execute(&mut *tx)
                        .await
                        .context("cannot queue a check-in")?;
                    queued += 1;
                }
            }
            sqlx::query("UPDATE programs SET next_checkin_date = ?2, next_checkin_at = ?3 WHERE member_id = ?1")
                .bind(member)
                .bind(plan.next.date.to_string())
                .bind(time::to_db(plan.next.at))
                .execute(&mut *tx)
                .await
                .context("cannot move a schedule on")?;
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
        let rows: Vec<(i64, i64, i64, Option<String>)> = sqlx::query_as(
            "SELECT c.id, c.member_id,
                    EXISTS (SELECT 1 FROM programs p WHERE p.member_id = c.member_id AND p.next_checkin_at IS NOT NULL),
                    (SELECT o.status FROM outbox o WHERE o.checkin_id = c.id AND o.kind = 'checkin')
             FROM checkins c WHERE c.status = 'open' AND c.reminded = 0 AND c.sent_at <= ?1
             ORDER BY c.sent_at LIMIT ?2",
        )
        .bind(time::to_db(cutoff))
        .bind(limit)
        .fetch_all(self.pool())
        .await
        .context("cannot read reminder candidates")?;
        Ok(rows
            .into_iter()
            .map(|(checkin, member, active, status)| ReminderCandidate {
                checkin,
                member: MemberId::from_db(member),
                active: active != 0,
                delivered: status.as_deref().is_none_or(|s| s == "sent"),
                failed: status.as_deref() == Some("failed"),
            })
            .collect())
    }

    /// Queues the one reminder for each of `send` and marks every check-in in `settle` as
    /// reminded (sent or not), so none is ever considered twice.
    pub async fn plan_reminders(
        &self,
        send: &[(ReminderCandidate, String)],
        settle: &[i64],
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let mut tx = self.begin().await?;
        for (candidate, nonce) in send {
            sqlx::query(
                "INSERT INTO outbox (kind, member_id, checkin_id, nonce, due_at) VALUES ('reminder', ?1, ?2, ?3, ?4)
                 ON CONFLICT (nonce) DO NOTHING",
            )
            .bind(candidate.member.to_db())
            .bind(candidate.checkin)
            .bind(nonce)
            .bind(time::to_db(now))
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
        let rows: Vec<(i64, i64, Option<i64>, i64, String, i64)> = sqlx::query_as(
            "SELECT p.member_id, p.step, p.last_encouragement, p.next_encouragement_at, m.timezone, m.encouragement
             FROM programs p JOIN members m ON m.id = p.member_id
             WHERE p.next_encouragement_at <= ?1 ORDER BY p.next_encouragement_at LIMIT ?2",
        )
        .bind(time::to_db(now))
        .bind(limit)
        .fetch_all(self.pool())
        .await
        .context("cannot read due encouragements")?;
        rows.into_iter()
            .map(|(member, step, last, due_at, timezone, wanted)| {
                Ok(DueEncouragement {
                    member: MemberId::from_db(member),
                    step: u8::try_from(step)
                        .ok()
                        .and_then(StepNumber::new)
                        .context("stored step")?,
                    last_index: last.and_then(|l| usize::try_from(l).ok()),
                    due_at: time::from_db(due_at),
                    timezone: Timezone::parse(&timezone).context("stored timezone")?,
                    wanted: wanted != 0,
                })
            })
            .collect()
    }

    pub async fn plan_encouragements(
        &self,
        planned: &[PlannedEncouragement],
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let mut tx = self.begin().await?;
        for plan in planned {
            let member = plan.member.to_db();
            if let Some((step, index, nonce)) = &plan.send {
                sqlx::query(
                    "INSERT INTO outbox (kind, member_id, step, message_index, nonce, due_at)
                     VALUES ('encouragement', ?1, ?2, ?3, ?4, ?5) ON CONFLICT (nonce) DO NOTHING",
                )
                .bind(member)
                .bind(step.get())
                .bind(i64::try_from(*index).unwrap_or_default())
                .bind(nonce)
                .bind(time::to_db(now))
                .execute(&mut *tx)
                .await
                .context("cannot queue an encouragement")?;
                sqlx::query("UPDATE programs SET last_encouragement = ?2 WHERE member_id = ?1")
                    .bind(member)
                    .bind(i64::try_from(*index).unwrap_or_default())
                    .execute(&mut *tx)
                    .await
                    .context("cannot record the last encouragement")?;
            }
            sqlx::query("UPDATE programs SET next_encouragement_at = ?2 WHERE member_id = ?1")
                .bind(member)
                .bind(plan.next_at.map(time::to_db))
                .execute(&mut *tx)
                .await
                .context("cannot move an encouragement on")?;
        }
        tx.commit().await.context("cannot commit encouragements")?;
        Ok(())
    }
}
