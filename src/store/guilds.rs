//! Each server's own settings, and what the safety net needs to know about a member.

use anyhow::Context as _;
use chrono::{DateTime, Utc};

use super::types::UnixTime;
use super::Store;
use crate::domain::country::Country;
use crate::domain::ids::{ChannelId, GuildId};
use crate::domain::member::MemberId;

/// What the crisis reply needs beyond the detector: where the member is, and whose support
/// team they may ask to reach out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrisisContext {
    pub region: Option<Country>,
    pub support_guild: Option<GuildId>,
}

impl Store {
    /// The member's country and the support team they may ask: the server they enrolled in,
    /// or `guild` (where they are writing now), if that server has a support channel. Never
    /// a server the member may not belong to.
    pub async fn crisis_context(
        &self,
        member: MemberId,
        guild: Option<GuildId>,
    ) -> anyhow::Result<CrisisContext> {
        let row: (Option<Country>, Option<GuildId>) = sqlx::query_as(
            "SELECT (SELECT region FROM members WHERE id = ?1),
                    (SELECT g.guild_id FROM guild_settings g
                     WHERE g.support_channel_id IS NOT NULL
                       AND g.guild_id = COALESCE(?2, (SELECT guild_id FROM programs WHERE member_id = ?1)))",
        )
        .bind(member)
        .bind(guild)
        .fetch_one(self.pool())
        .await
        .context("cannot read a member's crisis context")?;
        Ok(CrisisContext {
            region: row.0,
            support_guild: row.1,
        })
    }

    /// The server's private support-team channel, if one is set.
    pub async fn support_channel(&self, guild: GuildId) -> anyhow::Result<Option<ChannelId>> {
        self.guild_channel(guild, GuildChannel::Support).await
    }

    /// Sets (or, with `None`, clears) the server's support-team channel.
    pub async fn set_support_channel(
        &self,
        guild: GuildId,
        channel: Option<ChannelId>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        self.set_guild_channel(guild, GuildChannel::Support, channel, now)
            .await
    }

    /// One of the server's channels, if it is set.
    pub(super) async fn guild_channel(
        &self,
        guild: GuildId,
        which: GuildChannel,
    ) -> anyhow::Result<Option<ChannelId>> {
        let column = which.column();
        let channel: Option<Option<ChannelId>> = sqlx::query_scalar(&format!(
            "SELECT {column} FROM guild_settings WHERE guild_id = ?1"
        ))
        .bind(guild)
        .fetch_optional(self.pool())
        .await
        .with_context(|| format!("cannot read a server's {}", which.name()))?;
        Ok(channel.flatten())
    }

    /// Sets (or, with `None`, clears) one of the server's channels.
    pub(super) async fn set_guild_channel(
        &self,
        guild: GuildId,
        which: GuildChannel,
        channel: Option<ChannelId>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let column = which.column();
        sqlx::query(&format!(
            "INSERT INTO guild_settings (guild_id, {column}, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (guild_id) DO UPDATE SET {column} = ?2, updated_at = ?3"
        ))
        .bind(guild)
        .bind(channel)
        .bind(UnixTime(now))
        .execute(self.pool())
        .await
        .with_context(|| format!("cannot save a server's {}", which.name()))?;
        Ok(())
    }

    /// Sets (or clears) the member's country. Returns false when they are not a member.
    pub async fn set_region(
        &self,
        member: MemberId,
        region: Option<Country>,
    ) -> anyhow::Result<bool> {
        let changed = sqlx::query("UPDATE members SET region = ?2 WHERE id = ?1")
            .bind(member)
            .bind(region)
            .execute(self.pool())
            .await
            .context("cannot save a member's region")?
            .rows_affected();
        Ok(changed == 1)
    }
}

/// A channel a server's admins choose for the bot: a column of `guild_settings`.
#[derive(Debug, Clone, Copy)]
pub(super) enum GuildChannel {
    /// Where crisis notes for the support team go.
    Support,
    /// Where operational problems go.
    Alerts,
}

impl GuildChannel {
    /// The column; a fixed name, never from input.
    fn column(self) -> &'static str {
        match self {
            GuildChannel::Support => "support_channel_id",
            GuildChannel::Alerts => "alerts_channel_id",
        }
    }

    fn name(self) -> &'static str {
        match self {
            GuildChannel::Support => "support channel",
            GuildChannel::Alerts => "alerts channel",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::temp_store;

    #[tokio::test]
    async fn only_the_members_own_server_or_the_one_they_write_in_is_offered() {
        let (store, _dir) = temp_store().await;
        let member = MemberId::new(7);
        let now = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).expect("a valid instant");
        let (g100, g200, g300) = (GuildId::new(100), GuildId::new(200), GuildId::new(300));
        let context = |guild| store.crisis_context(member, guild);
        assert_eq!(
            context(None).await.expect("reads"),
            CrisisContext::default()
        );
        store
            .set_support_channel(g100, Some(ChannelId::new(555)), now)
            .await
            .expect("saves");
        // Without a home server, no server is guessed: it could be one they are not in.
        assert_eq!(context(None).await.expect("reads").support_guild, None);
        store
            .set_support_channel(g200, Some(ChannelId::new(666)), now)
            .await
            .expect("saves");
        // Writing from a server picks that server's team.
        assert_eq!(
            context(Some(g200)).await.expect("reads").support_guild,
            Some(g200)
        );
        // A server without a team is not offered.
        assert_eq!(
            context(Some(g300)).await.expect("reads").support_guild,
            None
        );
        store
            .set_support_channel(g200, None, now)
            .await
            .expect("clears");
        assert_eq!(store.support_channel(g200).await.expect("reads"), None);
        assert_eq!(
            store.support_channel(g100).await.expect("reads"),
            Some(ChannelId::new(555))
        );
    }
}
