//! Answering FAQ questions and counting which topics are asked about.

use crate::content::{Content, FaqEntry};
use crate::store::Store;

/// Counts one answer for `key`. A statistic, not part of the answer: a failure is logged and
/// the member is not bothered with it. Callers count after replying, off the reply's path.
pub async fn count(store: &Store, key: &str) {
    if let Err(error) = store.record_faq_answer(key).await {
        tracing::warn!(topic = %key, error = format!("{error:#}"), "FAQ usage not counted");
    }
}

/// Finds the entry for `topic` (a key, or text to search) and counts the answer.
pub async fn answer(store: &Store, content: &Content, topic: &str) -> Option<FaqEntry> {
    let entry = content.resolve_faq(topic)?.clone();
    count(store, &entry.key).await;
    Some(entry)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::store::test_support::temp_store;

    fn content() -> Content {
        Content::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("config/content.toml"))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[tokio::test]
    async fn an_answer_by_key_or_by_words_is_counted_under_its_key() {
        let (store, _dir) = temp_store().await;
        let content = content();
        let by_key = answer(&store, &content, "no-contact").await.map(|e| e.key);
        let by_words = answer(&store, &content, "should I go no contact")
            .await
            .map(|e| e.key);
        assert_eq!(by_key.as_deref(), Some("no-contact"));
        assert_eq!(by_words.as_deref(), Some("no-contact"));
        let top = store.top_faq_topics(5).await.expect("read");
        assert_eq!(top.len(), 1);
        assert_eq!(top[0].answered, 2);
    }

    #[tokio::test]
    async fn an_unknown_topic_is_not_counted() {
        let (store, _dir) = temp_store().await;
        assert!(answer(&store, &content(), "zzzz qqqq").await.is_none());
        assert!(store.top_faq_topics(5).await.expect("read").is_empty());
    }
}
