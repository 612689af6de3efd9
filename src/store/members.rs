//! Members and their settings, reachability and cached DM channel.

use std::sync::atomic::Ordering;

use anyhow::Context as _;
use chrono::{DateTime, Utc};

use super::{time, Store};
use crate::domain::country::{self, Country};
use crate::domain::member::{MemberId, MemberSettings};
use crate::domain::schedule::{Plan, ScheduleChange};
use crate::domain::settings::{Frequency, LocalTime, Timezone};

/// A member's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRow {
    pub id: MemberId,
    pub settings: MemberSettings,
    pub reachable: bool,
    /// The member has not yet been told that their DMs were found closed.
    pub unreachable_notice_pending: bool,
    pub dm_channel_id: Option<u64>,
    /// The country whose support lines come first (ISO code), if the member chose one.
    pub region: Option<Country>,
}

type RawMember = (
    i64,
    String,
    String,
    String,
    i64,
    i64,
    i64,
    Option<i64>,
    Option<String>,
);

fn parse_member(row: RawMember) -> anyhow::Result<MemberRow> {
    let (id, timezone, checkin_time, frequency, encouragement, reachable, notice, channel, region) =
        row;
    let region = region
        .map(|code| country::by_code(&code).with_context(|| format!("stored region {code}")))
        .transpose()?;
    let settings = MemberSettings {
        timezone: Timezone::parse(&timezone).context("stored timezone")?,
        checkin_time: LocalTime::parse(&checkin_time).context("stored check-in time")?,
        frequency: Frequency::parse(&frequency).context("stored frequency")?,
        encouragement: encouragement != 0,
    };
    Ok(MemberRow {
        id: MemberId::from_db(id),
        settings,
        reachable: reachable != 0,
        unreachable_notice_pending: notice != 0,
        dm_channel_id: channel.and_then(|c| u64::try_from(c).ok()),
        region,
    })
}

impl Store {
    pub async fn member(&self, id: MemberId) -> anyhow::Result<Option<MemberRow>> {
        let row: Option<RawMember> = sqlx::query_as(
            "SELECT id, timezone, checkin_time, frequency, encouragement, reachable,
                    unreachable_notice_pending, dm_channel_id, region
             FROM members WHERE id = ?1",
        )
        .bind(id.to_db())
        .fetch_optional(self.pool())
        .await
        .context("cannot read a member")?;
        row.map(parse_member).transpose()
    }

    /// Saves new settings and, if the member has something scheduled, the schedule `plan`
    /// made from them; in one transaction.
    pub async fn update_member_settings(
        &self,
        id: MemberId,
        settings: MemberSettings,
        plan: Plan,
    ) -> anyhow::Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "UPDATE members SET timezone = ?2, checkin_time = ?3, frequency = ?4, encouragement = ?5
             WHERE id = ?1",
        )
        .bind(id.to_db())
        .bind(settings.timezone.name())
        .bind(settings.checkin_time.to_string())
        .bind(settings.frequency.as_str())
        .bind(settings.encouragement)
        .execute(&mut *tx)
        .await
        .context("cannot update a member's settings")?;
        super::schedule::reschedule_if_scheduled(&mut tx, id, plan).await?;
        tx.commit().await.context("cannot commit new settings")?;
        Ok(())
    }

    /// Records that DMs to this member fail (closed DMs): their schedule is cleared and their
    /// pending messages dropped, so nothing retries until they fix it.
    pub async fn mark_unreachable(&self, id: MemberId) -> anyhow::Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "UPDATE members SET reachable = 0, unreachable_notice_pending = 1 WHERE id = ?1",
        )
        .bind(id.to_db())
        .execute(&mut *tx)
        .await
        .context("cannot mark a member unreachable")?;
        super::schedule::apply(&mut tx, id, ScheduleChange::Clear).await?;
        sqlx::query(
            "UPDATE outbox SET status = 'failed', last_error = 'direct messages closed'
             WHERE member_id = ?1 AND status = 'pending'",
        )
        .bind(id.to_db())
        .execute(&mut *tx)
        .await
        .context("cannot drop a member's pending messages")?;
        tx.commit().await.context("cannot commit unreachability")?;
        self.notices_pending.store(true, Ordering::Release);
        Ok(())
    }

    /// A DM reached the member again; `plan` restarts their schedule (None: keep it clear,
    /// e.g. while paused).
    pub async fn mark_reachable(&self, id: MemberId, plan: Option<Plan>) -> anyhow::Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "UPDATE members SET reachable = 1, unreachable_notice_pending = 0 WHERE id = ?1",
        )
        .bind(id.to_db())
        .execute(&mut *tx)
        .await
        .context("cannot mark a member reachable")?;
        if let Some(plan) = plan {
            super::schedule::apply(&mut tx, id, ScheduleChange::Set(plan)).await?;
        }
        tx.commit().await.context("cannot commit reachability")?;
        Ok(())
    }

    /// Takes the pending "your DMs are closed" notice, if any: true once, then false.
    pub async fn take_unreachable_notice(&self, id: MemberId) -> anyhow::Result<bool> {
        if !self.notices_pending.load(Ordering::Acquire) {
            return Ok(false);
        }
        let changed = sqlx::query(
            "UPDATE members SET unreachable_notice_pending = 0
             WHERE id = ?1 AND unreachable_notice_pending = 1",
        )
        .bind(id.to_db())
        .execute(self.pool())
        .await
        .context("cannot read a member's notice")?
        .rows_affected();
        if changed == 1 {
            self.refresh_notices_pending().await?;
        }
        Ok(changed == 1)
    }

    /// Re-reads whether any notice is waiting.
    pub(crate) async fn refresh_notices_pending(&self) -> anyhow::Result<()> {
        let any: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM members WHERE unreachable_notice_pending = 1)",
        )
        .fetch_one(self.pool())
        .await
        .context("cannot read pending notices")?;
        self.notices_pending.store(any, Ordering::Release);
        Ok(())
    }

    pub async fn cache_dm_channel(&self, id: MemberId, channel: Option<u64>) -> anyhow::Result<()> {
        sqlx::query("UPDATE members SET dm_channel_id = ?2 WHERE id = ?1")
            .bind(id.to_db())
            .bind(channel.and_then(|c| i64::try_from(c).ok()))
            .execute(self.pool())
            .await
            .context("cannot cache a DM channel")?;
        Ok(())
    }

    /// Inserts the member with `settings` unless they exist; returns whether it was inserted.
    pub(crate) async fn insert_member(
        tx: &mut sqlx::SqliteConnection,
        id: MemberId,
        settings: MemberSettings,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        let inserted = sqlx::query(
            "INSERT INTO members (id, timezone, checkin_time, frequency, encouragement, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO NOTHING",
        )
        .bind(id.to_db())
        .bind(settings.timezone.name())
        .bind(settings.checkin_time.to_string())
        .bind(settings.frequency.as_str())
        .bind(settings.encouragement)
        .bind(time::to_db(now))
        .execute(&mut *tx)
        .await
        .context("cannot add a member")?
        .rows_affected();
        Ok(inserted == 1)
    }
}
