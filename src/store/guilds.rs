//! Each server's own settings, and what the safety net needs to know about a member.

use anyhow::Context as _;
use chrono::{DateTime, Utc};

use super::{time, Store};
use crate::domain::member::MemberId;

/// What the crisis reply needs beyond the detector: where the member is, and whose support
/// team they may ask to reach out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrisisContext {
    pub region: Option<String>,
    pub support_guild: Option<u64>,
}

fn to_db_id(id: u64) -> anyhow::Result<i64> {
    i64::try_from(id).with_context(|| format!("the id {id} does not fit in SQLite"))
}

fn from_db_id(id: i64) -> anyhow::Result<u64> {
    u64::try_from(id).with_context(|| format!("a stored id is negative: {id}"))
}

impl Store {
    /// The member's country and the support team they may ask: the server they enrolled in,
    /// or `guild` (where they are writing now), or the only server with a support channel.
    pub async fn crisis_context(
        &self,
        member: MemberId,
        guild: Option<u64>,
    ) -> anyhow::Result<CrisisContext> {
        let guild = guild.map(to_db_id).transpose()?;
        let row: (Option<String>, Option<i64>) = sqlx::query_as(
            "WITH home AS (
                 SELECT COALESCE(?2, (SELECT guild_id FROM programs WHERE member_id = ?1)) AS guild
             ),
             candidates AS (
                 SELECT g.guild_id FROM guild_settings g, home
                 WHERE g.support_channel_id IS NOT NULL AND g.guild_id = home.guild
                 UNION ALL
                 SELECT guild_id FROM guild_settings
                 WHERE support_channel_id IS NOT NULL AND (SELECT guild FROM home) IS NULL
                   AND (SELECT COUNT(*) FROM guild_settings WHERE support_channel_id IS NOT NULL) = 1
             )
             SELECT (SELECT region FROM members WHERE id = ?1), (SELECT guild_id FROM candidates LIMIT 1)",
        )
        .bind(member.to_db())
        .bind(guild)
        .fetch_one(self.pool())
        .await
        .context("cannot read a member's crisis context")?;
        Ok(CrisisContext {
            region: row.0,
            support_guild: row.1.map(from_db_id).transpose()?,
        })
    }

    /// The server's private support-team channel, if one is set.
    pub async fn support_channel(&self, guild: u64) -> anyhow::Result<Option<u64>> {
        let channel: Option<Option<i64>> =
            sqlx::query_scalar("SELECT support_channel_id FROM guild_settings WHERE guild_id = ?1")
                .bind(to_db_id(guild)?)
                .fetch_optional(self.pool())
                .await
                .context("cannot read a server's support channel")?;
        channel.flatten().map(from_db_id).transpose()
    }

    /// Sets (or, with `None`, clears) the server's support-team channel.
    pub async fn set_support_channel(
        &self,
        guild: u64,
        channel: Option<u64>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO guild_settings (guild_id, support_channel_id, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (guild_id) DO UPDATE SET support_channel_id = ?2, updated_at = ?3",
        )
        .bind(to_db_id(guild)?)
        .bind(channel.map(to_db_id).transpose()?)
        .bind(time::to_db(now))
        .execute(self.pool())
        .await
        .context("cannot save a server's support channel")?;
        Ok(())
    }

    /// Sets (or clears) the member's country. Returns false when they are not a member.
    pub async fn set_region(&self, member: MemberId, region: Option<&str>) -> anyhow::Result<bool> {
        let changed = sqlx::query("UPDATE members SET region = ?2 WHERE id = ?1")
            .bind(member.to_db())
            .bind(region)
            .execute(self.pool())
            .await
            .context("cannot save a member's region")?
            .rows_affected();
        Ok(changed == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::temp_store;

    #[tokio::test]
    async fn a_member_without_a_home_server_is_offered_the_only_support_team() {
        let (store, _dir) = temp_store().await;
        let member = MemberId::new(7);
        let now = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        assert_eq!(
            store.crisis_context(member, None).await.expect("reads"),
            CrisisContext::default()
        );
        store
            .set_support_channel(100, Some(555), now)
            .await
            .expect("saves");
        assert_eq!(
            store
                .crisis_context(member, None)
                .await
                .expect("reads")
                .support_guild,
            Some(100)
        );
        // Two servers with a support team: without a home server, nobody is guessed.
        store
            .set_support_channel(200, Some(666), now)
            .await
            .expect("saves");
        assert_eq!(
            store
                .crisis_context(member, None)
                .await
                .expect("reads")
                .support_guild,
            None
        );
        // Writing from a server picks that server's team.
        assert_eq!(
            store
                .crisis_context(member, Some(200))
                .await
                .expect("reads")
                .support_guild,
            Some(200)
        );
        // A server without a team is not offered.
        assert_eq!(
            store
                .crisis_context(member, Some(300))
                .await
                .expect("reads")
                .support_guild,
            None
        );
        store
            .set_support_channel(200, None, now)
            .await
            .expect("clears");
        assert_eq!(store.support_channel(200).await.expect("reads"), None);
        assert_eq!(store.support_channel(100).await.expect("reads"), Some(555));
    }
}
