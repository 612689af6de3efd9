//! FAQ usage counts: per topic, never per member.

use anyhow::Context as _;

use super::Store;

/// How many times one topic was answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicCount {
    pub topic: String,
    pub answered: i64,
}

impl Store {
    /// Counts one more answer for `topic`.
    pub async fn record_faq_answer(&self, topic: &str) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO faq_usage (topic, answered) VALUES (?1, 1)
             ON CONFLICT (topic) DO UPDATE SET answered = answered + 1",
        )
        .bind(topic)
        .execute(&self.pool)
        .await
        .context("cannot record an FAQ answer")?;
        Ok(())
    }

    /// The most answered topics, most first; ties by name so the order is stable.
    pub async fn top_faq_topics(&self, limit: u32) -> anyhow::Result<Vec<TopicCount>> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT topic, answered FROM faq_usage ORDER BY answered DESC, topic ASC LIMIT ?1",
        )
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
    use crate::store::test_support::temp_store;

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
            store.record_faq_answer(topic).await.expect("recorded");
        }
        let top = store.top_faq_topics(2).await.expect("read");
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
            .record_faq_answer("astrology")
            .await
            .expect("recorded");
        first.close().await;
        let second = crate::store::Store::connect(&url).await.expect("reopens");
        assert_eq!(second.top_faq_topics(5).await.expect("read").len(), 1);
    }
}
