//! What the server's team and the host need to run the bot: each server's alerts channel,
//! when each kind of alert was last posted, and the counts behind `/admin health`. Counts
//! and channel ids only, never a member.

use anyhow::Context as _;
use chrono::{DateTime, Utc};

use super::guilds::GuildChannel;
use super::types::UnixTime;
use super::Store;
use crate::domain::alerts::AlertKind;
use crate::domain::ids::{ChannelId, GuildId};

/// The outbox, summed up for `/admin health` and `/metrics`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxSummary {
    /// Waiting to be sent (the outbox depth).
    pub pending: i64,
    /// Given up on (kept a week, then purged).
    pub failed: i64,
    /// Sent since `since` (the start of the day, UTC).
    pub sent_since: i64,
}

impl Store {
    /// The server's alerts channel, if one is set.
    pub async fn alerts_channel(&self, guild: GuildId) -> anyhow::Result<Option<ChannelId>> {
        self.guild_channel(guild, GuildChannel::Alerts).await
    }

    /// Sets (or, with `None`, clears) the server's alerts channel.
    pub async fn set_alerts_channel(
        &self,
        guild: GuildId,
        channel: Option<ChannelId>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        self.set_guild_channel(guild, GuildChannel::Alerts, channel, now)
            .await
    }

    /// Every server with an alerts channel, for problems that concern the whole bot.
    pub async fn alerts_channels(&self) -> anyhow::Result<Vec<(GuildId, ChannelId)>> {
        sqlx::query_as(
            "SELECT guild_id, alerts_channel_id FROM guild_settings
             WHERE alerts_channel_id IS NOT NULL ORDER BY guild_id",
        )
        .fetch_all(self.pool())
        .await
        .context("cannot read the alerts channels")
    }

    /// Claims the hour for an alert of `kind` in `guild` at `now`: true (and `now` recorded)
    /// when none was posted after `held_back_since`, false when this hour already had one.
    /// A time recorded in the future (the clock was set back) is first brought back to `now`
    /// and holds this alert back: the hour restarts (see [`crate::domain::alerts::may_alert`]).
    /// Conditional statements in one transaction, so two problems at once claim it once.
    pub async fn claim_alert(
        &self,
        guild: GuildId,
        kind: AlertKind,
        now: DateTime<Utc>,
        held_back_since: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "UPDATE alerts_sent SET sent_at = ?3 WHERE guild_id = ?1 AND kind = ?2 AND sent_at > ?3",
        )
        .bind(guild)
        .bind(kind.as_str())
        .bind(UnixTime(now))
        .execute(&mut *tx)
        .await
        .context("cannot record an alert")?;
        let claimed = sqlx::query(
            "INSERT INTO alerts_sent (guild_id, kind, sent_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (guild_id, kind) DO UPDATE SET sent_at = ?3
             WHERE sent_at <= ?4",
        )
        .bind(guild)
        .bind(kind.as_str())
        .bind(UnixTime(now))
        .bind(UnixTime(held_back_since))
        .execute(&mut *tx)
        .await
        .context("cannot record an alert")?
        .rows_affected();
        tx.commit().await.context("cannot record an alert")?;
        Ok(claimed == 1)
    }

    /// The outbox summed up; `since` bounds "sent today".
    pub async fn outbox_summary(&self, since: DateTime<Utc>) -> anyhow::Result<OutboxSummary> {
        let (pending, failed, sent_since): (i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM outbox WHERE status = 'pending'),
                    (SELECT COUNT(*) FROM outbox WHERE status = 'failed'),
                    (SELECT COUNT(*) FROM outbox WHERE status = 'sent' AND sent_at >= ?1)",
        )
        .bind(UnixTime(since))
        .fetch_one(self.pool())
        .await
        .context("cannot sum up the outbox")?;
        Ok(OutboxSummary {
            pending,
            failed,
            sent_since,
        })
    }

    /// The outbox of one server, summed up like [`Store::outbox_summary`]: the messages to
    /// the members who enrolled in `guild`, and its public encouragement posts. What its
    /// admins see: never another server's activity.
    pub async fn server_outbox_summary(
        &self,
        guild: GuildId,
        since: DateTime<Utc>,
    ) -> anyhow::Result<OutboxSummary> {
        let (pending, failed, sent_since): (i64, i64, i64) = sqlx::query_as(
            "WITH here AS (
                 SELECT status, sent_at FROM outbox
                 WHERE member_id IN (SELECT member_id FROM programs WHERE guild_id = ?2)
                    OR (kind = 'public'
                        AND channel_id IN (SELECT channel_id FROM public_encouragement
                                           WHERE guild_id = ?2))
             )
             SELECT (SELECT COUNT(*) FROM here WHERE status = 'pending'),
                    (SELECT COUNT(*) FROM here WHERE status = 'failed'),
                    (SELECT COUNT(*) FROM here WHERE status = 'sent' AND sent_at >= ?1)",
        )
        .bind(UnixTime(since))
        .bind(guild)
        .fetch_one(self.pool())
        .await
        .context("cannot sum up a server's outbox")?;
        Ok(OutboxSummary {
            pending,
            failed,
            sent_since,
        })
    }

    /// Members who enrolled in `guild` and whose DMs were found closed.
    pub async fn unreachable_members(&self, guild: GuildId) -> anyhow::Result<i64> {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM members m JOIN programs p ON p.member_id = m.id
             WHERE p.guild_id = ?1 AND m.reachable = 0",
        )
        .bind(guild)
        .fetch_one(self.pool())
        .await
        .context("cannot count unreachable members")
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::domain::alerts::held_back_since;
    use crate::store::test_support::temp_store;

    fn at(hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, hour, minute, 0)
            .single()
            .expect("a valid instant")
    }

    #[tokio::test]
    async fn an_alert_claims_its_hour_per_server_and_kind() {
        let (store, _dir) = temp_store().await;
        let (a, b) = (GuildId::new(100), GuildId::new(200));
        let claim = |guild, kind, now| store.claim_alert(guild, kind, now, held_back_since(now));
        assert!(claim(a, AlertKind::PublicPost, at(10, 0))
            .await
            .expect("claims"));
        assert!(!claim(a, AlertKind::PublicPost, at(10, 59))
            .await
            .expect("held back"));
        assert!(claim(a, AlertKind::Content, at(10, 59))
            .await
            .expect("another kind"));
        assert!(claim(b, AlertKind::PublicPost, at(10, 59))
            .await
            .expect("another server"));
        assert!(claim(a, AlertKind::PublicPost, at(11, 0))
            .await
            .expect("an hour on"));
        // The hour restarted at 11:00.
        assert!(!claim(a, AlertKind::PublicPost, at(11, 30))
            .await
            .expect("held back"));
        // A clock set back holds the alert and restarts the hour: not twice within minutes,
        // and not silenced for longer than an hour.
        assert!(!claim(a, AlertKind::PublicPost, at(9, 0))
            .await
            .expect("held back"));
        assert!(!claim(a, AlertKind::PublicPost, at(9, 59))
            .await
            .expect("held back"));
        assert!(claim(a, AlertKind::PublicPost, at(10, 0))
            .await
            .expect("an hour after the step back"));
    }

    #[tokio::test]
    async fn the_alerts_channel_is_set_read_and_cleared() {
        let (store, _dir) = temp_store().await;
        let guild = GuildId::new(100);
        assert_eq!(store.alerts_channel(guild).await.expect("reads"), None);
        store
            .set_alerts_channel(guild, Some(ChannelId::new(555)), at(10, 0))
            .await
            .expect("saves");
        // The support channel of the same server is a different setting, kept apart.
        store
            .set_support_channel(guild, Some(ChannelId::new(666)), at(10, 0))
            .await
            .expect("saves");
        assert_eq!(
            store.alerts_channel(guild).await.expect("reads"),
            Some(ChannelId::new(555))
        );
        assert_eq!(
            store.alerts_channels().await.expect("reads"),
            vec![(guild, ChannelId::new(555))]
        );
        store
            .set_alerts_channel(guild, None, at(10, 1))
            .await
            .expect("clears");
        assert!(store.alerts_channels().await.expect("reads").is_empty());
        assert_eq!(
            store.support_channel(guild).await.expect("reads"),
            Some(ChannelId::new(666))
        );
    }
}
