//! Members and their settings, reachability and cached DM channel.

use std::sync::atomic::Ordering;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use sqlx::Row as _;

use super::types::UnixTime;
use super::Store;
use crate::domain::country::Country;
use crate::domain::ids::ChannelId;
use crate::domain::member::{MemberId, MemberSettings};
use crate::domain::schedule::{Plan, ScheduleChange};

/// A member's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRow {
    pub id: MemberId,
    pub settings: MemberSettings,
    pub reachable: bool,
    /// The member has not yet been told that their DMs were found closed.
    pub unreachable_notice_pending: bool,
    pub dm_channel: Option<ChannelId>,
    /// The country whose support lines come first, if the member chose one.
    pub region: Option<Country>,
    pub created_at: DateTime<Utc>,
}

impl<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> for MemberRow {
    fn from_row(row: &'r sqlx::sqlite::SqliteRow) -> Result<Self, sqlx::Error> {
        Ok(MemberRow {
            id: row.try_get("id")?,
            settings: MemberSettings {
                timezone: row.try_get("timezone")?,
                checkin_time: row.try_get("checkin_time")?,
                frequency: row.try_get("frequency")?,
                days: row.try_get("days")?,
                encouragement: row.try_get("encouragement")?,
            },
            reachable: row.try_get("reachable")?,
            unreachable_notice_pending: row.try_get("unreachable_notice_pending")?,
            dm_channel: row.try_get("dm_channel_id")?,
            region: row.try_get("region")?,
            created_at: row.try_get::<UnixTime, _>("created_at")?.into(),
        })
    }
}

pub(super) const MEMBER_COLUMNS: &str =
    "id, timezone, checkin_time, frequency, days, encouragement, reachable,
     unreachable_notice_pending, dm_channel_id, region, created_at";

impl Store {
    pub async fn member(&self, id: MemberId) -> anyhow::Result<Option<MemberRow>> {
        sqlx::query_as(&format!(
            "SELECT {MEMBER_COLUMNS} FROM members WHERE id = ?1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await
        .context("cannot read a member")
    }

    /// Changes the member's settings with `change` (from the settings stored now to the new
    /// ones and the schedule `plan` made from them) and, if the member has something
    /// scheduled, applies the plan; the read and the write in one `BEGIN IMMEDIATE`
    /// transaction, so two changes at once both take effect. Returns the new settings, or
    /// `None` when the member no longer exists (deleted meanwhile): nothing is written then.
    pub async fn update_member_settings(
        &self,
        id: MemberId,
        change: impl FnOnce(MemberSettings) -> (MemberSettings, Plan),
    ) -> anyhow::Result<Option<MemberSettings>> {
        let mut tx = self.begin().await?;
        let current: Option<MemberRow> = sqlx::query_as(&format!(
            "SELECT {MEMBER_COLUMNS} FROM members WHERE id = ?1"
        ))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .context("cannot read a member")?;
        let Some(current) = current else {
            return Ok(None);
        };
        let (settings, plan) = change(current.settings);
        let changed = sqlx::query(
            "UPDATE members SET timezone = ?2, checkin_time = ?3, frequency = ?4, encouragement = ?5, days = ?6
             WHERE id = ?1",
        )
        .bind(id)
        .bind(settings.timezone)
        .bind(settings.checkin_time)
        .bind(settings.frequency)
        .bind(settings.encouragement)
        .bind(settings.days)
        .execute(&mut *tx)
        .await
        .context("cannot update a member's settings")?
        .rows_affected();
        anyhow::ensure!(
            changed == 1,
            "a member's settings changed under the write lock"
        );
        super::schedule::reschedule_if_scheduled(&mut tx, id, plan).await?;
        tx.commit().await.context("cannot commit new settings")?;
        Ok(Some(settings))
    }

    /// Records that DMs to this member fail (closed DMs): their schedule is cleared and their
    /// pending messages dropped, so nothing retries until they fix it.
    pub async fn mark_unreachable(&self, id: MemberId) -> anyhow::Result<()> {
        let mut tx = self.begin().await?;
        let changed = sqlx::query(
            "UPDATE members SET reachable = 0, unreachable_notice_pending = 1 WHERE id = ?1",
        )
        .bind(id)
        .execute(&mut *tx)
        .await
        .context("cannot mark a member unreachable")?
        .rows_affected();
        if changed == 0 {
            // Not a member (or erased meanwhile): nothing to pause.
            return Ok(());
        }
        super::schedule::apply(&mut tx, id, ScheduleChange::Clear).await?;
        sqlx::query(
            "UPDATE outbox SET status = 'failed', last_error = 'direct messages closed'
             WHERE member_id = ?1 AND status = 'pending'",
        )
        .bind(id)
        .execute(&mut *tx)
        .await
        .context("cannot drop a member's pending messages")?;
        tx.commit().await.context("cannot commit unreachability")?;
        self.notices_pending.store(true, Ordering::Release);
        Ok(())
    }

    /// A DM reached the member again; `plan` restarts their schedule (None: keep it clear,
    /// e.g. while paused). Only a program still running when the write lock is held is
    /// restarted: a pause (or finish) since `plan` was made wins.
    pub async fn mark_reachable(&self, id: MemberId, plan: Option<Plan>) -> anyhow::Result<()> {
        let mut tx = self.begin().await?;
        let changed = sqlx::query(
            "UPDATE members SET reachable = 1, unreachable_notice_pending = 0 WHERE id = ?1 AND reachable = 0",
        )
        .bind(id)
        .execute(&mut *tx)
        .await
        .context("cannot mark a member reachable")?
        .rows_affected();
        if let (1, Some(plan)) = (changed, plan) {
            let running: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM programs WHERE member_id = ?1 AND paused = 0 AND finished_at IS NULL)",
            )
            .bind(id)
            .fetch_one(&mut *tx)
            .await
            .context("cannot read a member's program")?;
            if running {
                super::schedule::apply(&mut tx, id, ScheduleChange::Set(plan)).await?;
            }
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
        .bind(id)
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

    /// Remembers (or forgets) the member's DM channel; a no-op for someone who is not a member.
    pub async fn cache_dm_channel(
        &self,
        id: MemberId,
        channel: Option<ChannelId>,
    ) -> anyhow::Result<()> {
        sqlx::query("UPDATE members SET dm_channel_id = ?2 WHERE id = ?1")
            .bind(id)
            .bind(channel)
            .execute(self.pool())
            .await
            .context("cannot cache a DM channel")?;
        Ok(())
    }

    /// Inserts the member with `settings` unless they exist; returns whether it was inserted.
    /// Only enrolment calls this: every other write finds the member or does nothing, so no
    /// write can bring back a member who asked to be erased.
    pub(crate) async fn insert_member(
        tx: &mut sqlx::SqliteConnection,
        id: MemberId,
        settings: MemberSettings,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        let inserted = sqlx::query(
            "INSERT INTO members (id, timezone, checkin_time, frequency, encouragement, created_at, days)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (id) DO NOTHING",
        )
        .bind(id)
        .bind(settings.timezone)
        .bind(settings.checkin_time)
        .bind(settings.frequency)
        .bind(settings.encouragement)
        .bind(UnixTime(now))
        .bind(settings.days)
        .execute(&mut *tx)
        .await
        .context("cannot add a member")?
        .rows_affected();
        Ok(inserted == 1)
    }
}
