//! Answering FAQ questions from the FAQ of the place they are asked in, and counting which
//! topics are asked about.
//!
//! In a server that is the server's FAQ (the content file with the server's layer, see
//! `content::faq`); in DMs, the FAQ of the member's home server, the one they enrolled in;
//! the file's own FAQ when they have none.

use crate::content::faq::layered;
use crate::content::{Content, Faq, FaqEntry};
use crate::domain::ids::{GuildId, MemberId};
use crate::store::Store;

use super::ServiceError;

/// Where a member asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// In a server: that server's FAQ.
    Server(GuildId),
    /// In the bot's DMs: the FAQ of the member's home server.
    Dm(MemberId),
}

impl Place {
    /// A server, if the interaction came from one; else the member's DMs.
    pub fn of(guild: Option<GuildId>, member: MemberId) -> Place {
        guild.map_or(Place::Dm(member), Place::Server)
    }
}

/// The FAQ a member sees at `place`.
pub async fn faq_at(store: &Store, content: &Content, place: Place) -> Result<Faq, ServiceError> {
    let guild = match place {
        Place::Server(guild) => Some(guild),
        Place::Dm(member) => store.home_guild(member).await?,
    };
    let Some(guild) = guild else {
        return Ok(content.faq.clone());
    };
    let layer = store.faq_layer(guild).await?;
    if layer.is_empty() {
        return Ok(content.faq.clone());
    }
    Ok(layered(&content.faq, &layer).faq)
}

/// Counts one answer for `key`, asked in `here` (`None`: in DMs, counted for the server the
/// asker enrolled in, or none). A statistic, not part of the answer: a failure is logged and
/// the member is not bothered with it. Callers count after replying, off the reply's path.
pub async fn count(store: &Store, here: Option<GuildId>, asker: MemberId, key: &str) {
    if let Err(error) = store.record_faq_answer(here, asker, key).await {
        tracing::warn!(topic = %key, error = format!("{error:#}"), "FAQ usage not counted");
    }
}

/// Finds the entry for `topic` (a key, or text to search) in `faq` and counts the answer.
pub async fn answer(
    store: &Store,
    faq: &Faq,
    here: Option<GuildId>,
    asker: MemberId,
    topic: &str,
) -> Option<FaqEntry> {
    let entry = faq.resolve(topic)?.clone();
    count(store, here, asker, &entry.key).await;
    Some(entry)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use chrono::{DateTime, Utc};

    use super::*;
    use crate::domain::faq_layer::{ChangeKind, FaqDraft};
    use crate::store::test_support::temp_store;
    use crate::store::{FaqChange, LayerWrite};

    fn content() -> Content {
        Content::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("config/content.toml"))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[tokio::test]
    async fn an_answer_by_key_or_by_words_is_counted_under_its_key() {
        let (store, _dir) = temp_store().await;
        let content = content();
        let (here, asker) = (Some(GuildId::new(100)), MemberId::new(7));
        let by_key = answer(&store, &content.faq, here, asker, "no-contact")
            .await
            .map(|e| e.key);
        let by_words = answer(&store, &content.faq, here, asker, "should I go no contact")
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
        assert!(answer(&store, &content().faq, None, asker, "zzzz qqqq")
            .await
            .is_none());
        assert!(store
            .top_faq_topics(GuildId::new(0), 5)
            .await
            .expect("read")
            .is_empty());
    }

    #[tokio::test]
    async fn each_server_and_each_members_dms_get_their_own_faq() {
        let (store, _dir) = temp_store().await;
        let content = content();
        let (ours, theirs) = (GuildId::new(100), GuildId::new(200));
        let now = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        store
            .change_faq(ours, MemberId::new(1), now, |_| {
                Ok::<_, anyhow::Error>((
                    Some(FaqChange {
                        write: LayerWrite::Hide {
                            key: "astrology".into(),
                        },
                        kind: ChangeKind::Removed,
                        question: "Astrology?".into(),
                    }),
                    (),
                ))
            })
            .await
            .expect("saved");
        store
            .change_faq(theirs, MemberId::new(1), now, |_| {
                Ok::<_, anyhow::Error>((
                    Some(FaqChange {
                        write: LayerWrite::Put {
                            key: "birthday".into(),
                            draft: FaqDraft::from_fields("Birthday?", "Maybe not.", ""),
                        },
                        kind: ChangeKind::Added,
                        question: "Birthday?".into(),
                    }),
                    (),
                ))
            })
            .await
            .expect("saved");
        let keys = |faq: Faq| faq.iter().map(|e| e.key.clone()).collect::<Vec<_>>();
        let in_ours = keys(
            faq_at(&store, &content, Place::Server(ours))
                .await
                .expect("reads"),
        );
        let in_theirs = keys(
            faq_at(&store, &content, Place::Server(theirs))
                .await
                .expect("reads"),
        );
        assert_eq!(in_ours.len(), 9);
        assert!(!in_ours.contains(&"astrology".to_owned()));
        assert_eq!(in_theirs.len(), 11);
        assert_eq!(in_theirs.last().map(String::as_str), Some("birthday"));
        // Not enrolled: the file's FAQ in DMs.
        let stranger = keys(
            faq_at(&store, &content, Place::Dm(MemberId::new(9)))
                .await
                .expect("reads"),
        );
        assert_eq!(stranger.len(), 10);
    }
}
