//! FAQ usage counts: per server and topic, never per member.

use anyhow::Context as _;

use super::Store;
use crate::domain::ids::GuildId;
use crate::domain::member::MemberId;

/// How many times one topic was answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicCount {
    pub topic: String,
    pub answered: i64,
}

impl Store {
    /// Counts one more answer for `topic`, asked by `asker` in `here` (`None`: in DMs, where
    /// it counts for the server the asker enrolled in, or for no server). `asker` only picks
    /// the server: it is not stored.
    pub async fn record_faq_answer(
        &self,
        here: Option<GuildId>,
        asker: MemberId,
        topic: &str,
    ) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO faq_usage (guild_id, topic, answered)
             VALUES (COALESCE(?1, (SELECT guild_id FROM programs WHERE member_id = ?2), 0), ?3, 1)
             ON CONFLICT (guild_id, topic) DO UPDATE SET answered = answered + 1",
        )
        .bind(here)
        .bind(asker)
        .bind(topic)
        .execute(&self.pool)
        .await
        .context("cannot record an FAQ answer")?;
        Ok(())
    }

    /// The most answered topics in `guild`, most first; ties by name so the order is stable.
    pub async fn top_faq_topics(
        &self,
        guild: GuildId,
        limit: u32,
    ) -> anyhow::Result<Vec<TopicCount>> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT topic, answered FROM faq_usage WHERE guild_id = ?1
             ORDER BY answered DESC, topic ASC LIMIT ?2",
        )
        .bind(guild)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .context("cannot read FAQ usage")?;
        Ok(rows
            .into_iter()
            .map(|(topic, answered)| TopicCount { topic, answered })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::temp_store;

    const HERE: GuildId = GuildId::new(100);
    const ASKER: MemberId = MemberId::new(7);

    #[tokio::test]
    async fn answers_are_counted_per_topic_and_ranked() {
        let (store, _dir) = temp_store().await;
        for topic in [
            "no-contact",
            "jealousy",
            "no-contact",
            "astrology",
            "no-contact",
            "jealousy",
        ] {
            store
                .record_faq_answer(Some(HERE), ASKER, topic)
                .await
                .expect("recorded");
        }
        let top = store.top_faq_topics(HERE, 2).await.expect("read");
        let summary: Vec<(&str, i64)> =
            top.iter().map(|t| (t.topic.as_str(), t.answered)).collect();
        assert_eq!(summary, vec![("no-contact", 3), ("jealousy", 2)]);
    }

    #[tokio::test]
    async fn the_database_file_and_its_folder_are_created_with_wal_and_foreign_keys() {
        let (store, dir) = temp_store().await;
        assert!(dir.path().join("nested/rekindle.db").exists());
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(store.pool())
            .await
            .expect("pragma");
        assert_eq!(mode, "wal");
        let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(store.pool())
            .await
            .expect("pragma");
        assert_eq!(foreign_keys, 1);
    }

    #[tokio::test]
    async fn reopening_an_existing_database_keeps_its_rows() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let url = format!("sqlite://{}", dir.path().join("r.db").display());
        let first = crate::store::Store::connect(&url).await.expect("opens");
        first
            .record_faq_answer(Some(HERE), ASKER, "astrology")
            .await
            .expect("recorded");
        first.close().await;
        let second = crate::store::Store::connect(&url).await.expect("reopens");
        assert_eq!(second.top_faq_topics(HERE, 5).await.expect("read").len(), 1);
    }

    #[tokio::test]
    async fn each_server_counts_its_own_and_dms_count_for_the_askers_home_server_or_none() {
        let (store, _dir) = temp_store().await;
        let other = GuildId::new(200);
        store
            .record_faq_answer(Some(HERE), ASKER, "jealousy")
            .await
            .expect("recorded");
        store
            .record_faq_answer(Some(other), ASKER, "astrology")
            .await
            .expect("recorded");
        // Asked in DMs by someone who never enrolled: no server's count.
        store
            .record_faq_answer(None, ASKER, "no-contact")
            .await
            .expect("recorded");
        // Asked in DMs by a member who enrolled in `other`: that server's count.
        let member = MemberId::new(8);
        let at = 1_800_000_000_i64;
        sqlx::query("INSERT INTO members (id, timezone, checkin_time, frequency, encouragement, created_at) VALUES (?1, 'UTC', '19:00', 'daily', 1, ?2)")
            .bind(member).bind(at).execute(store.pool()).await.expect("a member");
        sqlx::query("INSERT INTO programs (member_id, step, step_since, enrolled_at, guild_id) VALUES (?1, 1, ?2, ?2, ?3)")
            .bind(member).bind(at).bind(other).execute(store.pool()).await.expect("a program");
        store
            .record_faq_answer(None, member, "astrology")
            .await
            .expect("recorded");
        let store = &store;
        let topics = |guild| async move {
            store
                .top_faq_topics(guild, 5)
                .await
                .expect("read")
                .into_iter()
                .map(|t| (t.topic, t.answered))
                .collect::<Vec<_>>()
        };
        assert_eq!(topics(HERE).await, vec![("jealousy".to_owned(), 1)]);
        assert_eq!(topics(other).await, vec![("astrology".to_owned(), 2)]);
        assert_eq!(
            topics(GuildId::new(0)).await,
            vec![("no-contact".to_owned(), 1)]
        );
    }
}
