//! The schedule columns of `programs`: when each member's next check-in and encouragement
//! are due. NULL means nothing is scheduled, which keeps the due-indexes small.
//!
//! What is due, and the planner's decisions written back, live beside this file: check-ins
//! ([`checkins`]), the one reminder ([`reminders`]), private encouragement
//! ([`encouragement`]). Each planning write checks that the member's schedule still stands
//! as it was read (a compare-and-set on the due instant), so a pause, an erasure or new
//! settings in between leave the member alone.

mod checkins;
mod encouragement;
mod reminders;

pub use checkins::{DueCheckin, PlannedCheckin};
pub use encouragement::{DueEncouragement, PlannedEncouragement};
pub use reminders::ReminderCandidate;

use anyhow::Context as _;
use chrono::{DateTime, Utc};

use super::members::{MemberRow, MEMBER_COLUMNS};
use super::types::UnixTime;
use super::Store;
use crate::domain::member::{MemberId, MemberSettings};
use crate::domain::schedule::{Plan, ScheduleChange, Slot};

/// Where an unreadable due row belongs, and how its schedule comes back once repaired.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SetAside<'a> {
    /// `member` or `server`: whose id `id_column` holds.
    pub owner: &'static str,
    pub id_column: &'a str,
    /// What stops: `check-ins`, `encouragements`, ...
    pub what: &'a str,
    /// An `UPDATE` whose `?1` is the id as stored, clearing the schedule column that made
    /// the row due.
    pub stop: &'a str,
    /// What brings the schedule back once the row is repaired.
    pub after_repair: &'a str,
}

/// Decodes the rows of a read of what is due, one by one. A row whose stored values do not
/// fit their types (a timezone this build does not know, a mangled date or setting) must not
/// stop everyone else's messages: it is set aside (`aside.stop`, so it is not read again on
/// every run), and logged at error level with its owner's id and what does not fit (never
/// anything a member wrote). Any other error (a missing column: a bug) fails the read as
/// before.
pub(crate) async fn decode_due<T>(
    conn: &mut sqlx::SqliteConnection,
    rows: Vec<sqlx::sqlite::SqliteRow>,
    aside: SetAside<'_>,
) -> anyhow::Result<Vec<T>>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>,
{
    use sqlx::Row as _;
    let mut due = Vec::with_capacity(rows.len());
    for row in &rows {
        match T::from_row(row) {
            Ok(decoded) => due.push(decoded),
            Err(error @ sqlx::Error::ColumnDecode { .. }) => {
                let id: i64 = row
                    .try_get(aside.id_column)
                    .context("cannot read the id of an unreadable row")?;
                sqlx::query(aside.stop)
                    .bind(id)
                    .execute(&mut *conn)
                    .await
                    .context("cannot set an unreadable row aside")?;
                tracing::error!(
                    owner = aside.owner,
                    id,
                    stopped = aside.what,
                    after_repair = aside.after_repair,
                    error = %error,
                    "a stored row does not fit its type: what it schedules is stopped until it is repaired"
                );
            }
            Err(error) => {
                return Err(error).with_context(|| format!("cannot read due {}", aside.what))
            }
        }
    }
    Ok(due)
}

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
    /// Plans again, with `plan`, up to `limit` running members whose next check-in or
    /// encouragement lies after `beyond`: planned by a clock that ran ahead and was set back
    /// (see [`crate::domain::schedule::horizon`]). Returns how many; in one transaction.
    pub async fn replan_beyond(
        &self,
        beyond: DateTime<Utc>,
        limit: u32,
        plan: impl Fn(&MemberSettings) -> Plan,
    ) -> anyhow::Result<usize> {
        let mut tx = self.begin().await?;
        let rows = sqlx::query(&format!(
            "SELECT {MEMBER_COLUMNS} FROM members WHERE id IN
                 (SELECT member_id FROM programs WHERE next_checkin_at > ?1
                  UNION SELECT member_id FROM programs WHERE next_encouragement_at > ?1)
             LIMIT ?2"
        ))
        .bind(UnixTime(beyond))
        .bind(limit)
        .fetch_all(&mut *tx)
        .await
        .context("cannot read schedules from the future")?;
        let members: Vec<MemberRow> = decode_due(
            &mut tx,
            rows,
            SetAside {
                owner: "member",
                id_column: "id",
                what: "check-ins and encouragements",
                stop: "UPDATE programs SET next_checkin_date = NULL, next_checkin_at = NULL, next_encouragement_at = NULL
                       WHERE member_id = ?1",
                after_repair: "/program pause, then /program resume",
            },
        )
        .await?;
        for member in &members {
            // A schedule is only ever far ahead while it runs, so this always moves it.
            set(member.id, plan(&member.settings), false)
                .execute(&mut *tx)
                .await
                .context("cannot plan a schedule again")?;
        }
        tx.commit()
            .await
            .context("cannot commit schedules planned again")?;
        Ok(members.len())
    }

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
