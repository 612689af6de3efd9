//! Answering FAQ questions and counting which topics are asked about, per server.

use crate::content::{Content, FaqEntry};
use crate::domain::ids::GuildId;
use crate::domain::member::MemberId;
use crate::store::Store;

/// Counts one answer for `key`, asked in `here` (`None`: in DMs, counted for the server the
/// asker enrolled in, or none). A statistic, not part of the answer: a failure is logged and
/// the member is not bothered with it. Callers count after replying, off the reply's path.
pub async fn count(store: &Store, here: Option<GuildId>, asker: MemberId, key: &str) {
    if let Err(error) = store.record_faq_answer(here, asker, key).await {
        tracing::warn!(topic = %key, error = format!("{error:#}"), "FAQ usage not counted");
    }
}

/// Finds the entry for `topic` (a key, or text to search) and counts the answer.
pub async fn answer(
    store: &Store,
    content: &Content,
    here: Option<GuildId>,
    asker: MemberId,
    topic: &str,
) -> Option<FaqEntry> {
    let entry = content.resolve_faq(topic)?.clone();
    count(store, here, asker, &entry.key).await;
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
        let (here, asker) = (Some(GuildId::new(100)), MemberId::new(7));
        let by_key = answer(&store, &content, here, asker, "no-contact")
            .await
            .map(|e| e.key);
        let by_words = answer(&store, &content, here, asker, "should I go no contact")
            .await
            .map(|e| e.key);
        assert_eq!(by_key.as_deref(), Some("no-contact"));
        assert_eq!(by_words.as_deref(), Some("no-contact"));
        let top = store
            .top_faq_topics(GuildId::new(100), 5)
            .await
            .expect("read");
        assert_eq!(top.len(), 1);
        assert_eq!(top[0].answered, 2);
    }

    #[tokio::test]
    async fn an_unknown_topic_is_not_counted() {
        let (store, _dir) = temp_store().await;
        let asker = MemberId::new(7);
        assert!(answer(&store, &content(), None, asker, "zzzz qqqq")
            .await
            .is_none());
        assert!(store
            .top_faq_topics(GuildId::new(0), 5)
            .await
            .expect("read")
            .is_empty());
    }
}
