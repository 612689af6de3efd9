//! The schedule columns of `programs`: when each member's next check-in and encouragement
//! are due. NULL means nothing is scheduled, which keeps the due-indexes small.

use anyhow::Context as _;

use super::time;
use crate::domain::member::MemberId;
use crate::domain::schedule::{Plan, ScheduleChange};

/// Writes `change` for `member` on `conn` (inside the caller's transaction).
pub(crate) async fn apply(
    conn: &mut sqlx::SqliteConnection,
    member: MemberId,
    change: ScheduleChange,
) -> anyhow::Result<()> {
    let query = match change {
        ScheduleChange::Keep => return Ok(()),
        ScheduleChange::Clear => sqlx::query(
            "UPDATE programs SET next_checkin_date = NULL, next_checkin_at = NULL, next_encouragement_at = NULL
             WHERE member_id = ?1",
        )
        .bind(member.to_db()),
        ScheduleChange::Set(plan) => set(member, plan),
    };
    query
        .execute(&mut *conn)
        .await
        .context("cannot update a member's schedule")?;
    Ok(())
}

fn set(
    member: MemberId,
    plan: Plan,
) -> sqlx::query::Query<'static, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'static>> {
    sqlx::query(
        "UPDATE programs SET next_checkin_date = ?2, next_checkin_at = ?3, next_encouragement_at = ?4
         WHERE member_id = ?1",
    )
    .bind(member.to_db())
    .bind(plan.checkin.date.to_string())
    .bind(time::to_db(plan.checkin.at))
    .bind(plan.encouragement_at.map(time::to_db))
}
