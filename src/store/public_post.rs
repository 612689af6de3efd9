//! Each server's public encouragement post: channel, local time, and where the cycle is.

use anyhow::Context as _;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row as _;

use super::types::{index, index_to_db, UnixTime};
use super::Store;
use crate::domain::ids::{ChannelId, GuildId};
use crate::domain::schedule::Slot;
use crate::domain::timing::{LocalTime, Timezone};

/// A server's public post settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicPost {
    pub guild: GuildId,
    pub channel: ChannelId,
    pub time: LocalTime,
    pub timezone: Timezone,
    pub enabled: bool,
    pub next: Option<Slot>,
    pub next_index: usize,
    /// The last post Discord refused, when and why, until one succeeds or the channel changes.
    pub last_failure: Option<(DateTime<Utc>, String)>,
}

impl<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> for PublicPost {
    fn from_row(row: &'r sqlx::sqlite::SqliteRow) -> Result<Self, sqlx::Error> {
        let date: Option<String> = row.try_get("next_post_date")?;
        let at: Option<UnixTime> = row.try_get("next_post_at")?;
        let next = match (date, at) {
            (Some(date), Some(at)) => Some(Slot {
                date: date
                    .parse::<NaiveDate>()
                    .map_err(|error| sqlx::Error::ColumnDecode {
                        index: "next_post_date".into(),
                        source: format!("a stored date is “{date}”: {error}").into(),
                    })?,
                at: at.into(),
            }),
            _ => None,
        };
        let next_index: i64 = row.try_get("next_index")?;
        let failure: Option<String> = row.try_get("last_failure")?;
        let failed_at: Option<UnixTime> = row.try_get("last_failure_at")?;
        Ok(PublicPost {
            guild: row.try_get("guild_id")?,
            channel: row.try_get("channel_id")?,
            time: row.try_get("post_time")?,
            timezone: row.try_get("timezone")?,
            enabled: row.try_get("enabled")?,
            next,
            next_index: index(next_index, "post index").map_err(|error| {
                sqlx::Error::ColumnDecode {
                    index: "next_index".into(),
                    source: error.into(),
                }
            })?,
            last_failure: failure.zip(failed_at).map(|(why, at)| (at.into(), why)),
        })
    }
}

const COLUMNS: &str =
    "guild_id, channel_id, post_time, timezone, enabled, next_post_date, next_post_at, next_index,
     last_failure, last_failure_at";

impl Store {
    pub async fn public_post(&self, guild: GuildId) -> anyhow::Result<Option<PublicPost>> {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM public_encouragement WHERE guild_id = ?1"
        ))
        .bind(guild)
        .fetch_optional(self.pool())
        .await
        .context("cannot read the public post settings")
    }

    /// Saves a server's settings; the cycle position is kept across changes, and a failure
    /// recorded for the old channel is forgotten when the channel changes.
    pub async fn save_public_post(&self, post: &PublicPost) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO public_encouragement (guild_id, channel_id, post_time, timezone, enabled, next_post_date, next_post_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (guild_id) DO UPDATE SET
                 last_failure = CASE WHEN channel_id = ?2 THEN last_failure END,
                 last_failure_at = CASE WHEN channel_id = ?2 THEN last_failure_at END,
                 channel_id = ?2, post_time = ?3, timezone = ?4, enabled = ?5,
                 next_post_date = ?6, next_post_at = ?7",
        )
        .bind(post.guild)
        .bind(post.channel)
        .bind(post.time)
        .bind(post.timezone)
        .bind(post.enabled)
        .bind(post.next.map(|s| s.date.to_string()))
        .bind(post.next.map(|s| UnixTime(s.at)))
        .execute(self.pool())
        .await
        .context("cannot save the public post settings")?;
        Ok(())
    }

    /// Records that a post in `channel` was refused, and why; returns the servers whose post
    /// goes there (one, unless two servers named the same channel).
    pub async fn record_public_failure(
        &self,
        channel: ChannelId,
        why: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Vec<GuildId>> {
        sqlx::query_scalar(
            "UPDATE public_encouragement SET last_failure = ?2, last_failure_at = ?3
             WHERE channel_id = ?1 RETURNING guild_id",
        )
        .bind(channel)
        .bind(why)
        .bind(UnixTime(now))
        .fetch_all(self.pool())
        .await
        .context("cannot record a refused public post")
    }

    /// A post in `channel` went out: any recorded failure is over.
    pub async fn clear_public_failure(&self, channel: ChannelId) -> anyhow::Result<()> {
        sqlx::query(
            "UPDATE public_encouragement SET last_failure = NULL, last_failure_at = NULL
             WHERE channel_id = ?1 AND last_failure IS NOT NULL",
        )
        .bind(channel)
        .execute(self.pool())
        .await
        .context("cannot clear a public post's failure")?;
        Ok(())
    }

    /// Stops a server's public post (the bot left the server, or may not serve it).
    pub async fn stop_public_post(&self, guild: GuildId) -> anyhow::Result<bool> {
        let stopped = sqlx::query(
            "UPDATE public_encouragement SET enabled = 0, next_post_date = NULL, next_post_at = NULL
             WHERE guild_id = ?1 AND enabled = 1",
        )
        .bind(guild)
        .execute(self.pool())
        .await
        .context("cannot stop a public post")?
        .rows_affected();
        Ok(stopped > 0)
    }

    /// Posts due after `beyond`: planned by a clock that ran ahead and was set back.
    pub async fn public_posts_beyond(
        &self,
        beyond: DateTime<Utc>,
    ) -> anyhow::Result<Vec<PublicPost>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM public_encouragement WHERE next_post_at > ?1"
        ))
        .bind(UnixTime(beyond))
        .fetch_all(self.pool())
        .await
        .context("cannot read public posts from the future")?;
        super::schedule::decode_due(
            &mut *self.pool().acquire().await.context("cannot reach the database")?,
            rows,
            super::schedule::SetAside {
                owner: "server",
                id_column: "guild_id",
                what: "public posts",
                stop: "UPDATE public_encouragement SET next_post_date = NULL, next_post_at = NULL WHERE guild_id = ?1",
                after_repair: "/admin encouragement enabled:true",
            },
        )
        .await
    }

    pub async fn due_public_posts(&self, now: DateTime<Utc>) -> anyhow::Result<Vec<PublicPost>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM public_encouragement WHERE next_post_at <= ?1 ORDER BY next_post_at"
        ))
        .bind(UnixTime(now))
        .fetch_all(self.pool())
        .await
        .context("cannot read due public posts")?;
        super::schedule::decode_due(
            &mut *self.pool().acquire().await.context("cannot reach the database")?,
            rows,
            super::schedule::SetAside {
                owner: "server",
                id_column: "guild_id",
                what: "public posts",
                stop: "UPDATE public_encouragement SET next_post_date = NULL, next_post_at = NULL WHERE guild_id = ?1",
                after_repair: "/admin encouragement enabled:true",
            },
        )
        .await
    }

    /// Queues a server's post (if `send`: channel, message index, nonce) and moves its
    /// schedule and cycle on, in one go, provided the settings are still those `planned`
    /// was read with. An admin who changed them meanwhile (turned the post off, moved it)
    /// wins: nothing is queued or moved, and `false` is returned.
    pub async fn plan_public_post(
        &self,
        planned: &PublicPost,
        send: Option<(ChannelId, usize, String)>,
        next: Slot,
        next_index: usize,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        let mut tx = self.begin().await?;
        let moved = sqlx::query(
            "UPDATE public_encouragement SET next_post_date = ?2, next_post_at = ?3, next_index = ?4
             WHERE guild_id = ?1 AND channel_id = ?5 AND enabled = ?6 AND next_post_at IS ?7
               AND next_index = ?8",
        )
        .bind(planned.guild)
        .bind(next.date.to_string())
        .bind(UnixTime(next.at))
        .bind(index_to_db(next_index)?)
        .bind(planned.channel)
        .bind(planned.enabled)
        .bind(planned.next.map(|s| UnixTime(s.at)))
        .bind(index_to_db(planned.next_index)?)
        .execute(&mut *tx)
        .await
        .context("cannot move a public post on")?
        .rows_affected();
        if moved == 0 {
            return Ok(false);
        }
        if let Some((channel, message, nonce)) = send {
            sqlx::query(
                "INSERT INTO outbox (kind, channel_id, message_index, nonce, due_at) VALUES ('public', ?1, ?2, ?3, ?4)
                 ON CONFLICT (nonce) DO NOTHING",
            )
            .bind(channel)
            .bind(index_to_db(message)?)
            .bind(nonce)
            .bind(UnixTime(now))
            .execute(&mut *tx)
            .await
            .context("cannot queue a public post")?;
        }
        tx.commit().await.context("cannot commit a public post")?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;
    use crate::store::test_support::temp_store;

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 1, h, 0, 0)
            .single()
            .expect("a valid instant")
    }

    fn slot(day: u32) -> Slot {
        let date = NaiveDate::from_ymd_opt(2026, 6, day).expect("a valid date");
        Slot {
            date,
            at: Utc
                .with_ymd_and_hms(2026, 6, day, 9, 30, 0)
                .single()
                .expect("a valid instant"),
        }
    }

    #[tokio::test]
    async fn an_admin_change_made_while_the_post_was_being_planned_wins() {
        let (store, _dir) = temp_store().await;
        let post = PublicPost {
            guild: GuildId::new(77),
            channel: ChannelId::new(88),
            time: LocalTime::from_hm(9, 30).expect("a valid time"),
            timezone: Timezone::parse("UTC").expect("a known zone"),
            enabled: true,
            next: Some(slot(1)),
            next_index: 0,
            last_failure: None,
        };
        store.save_public_post(&post).await.expect("saved");
        let planned = store
            .public_post(post.guild)
            .await
            .expect("reads")
            .expect("a post");
        // The admin turns it off (or moves it) between the planner's read and its write.
        for change in [
            PublicPost {
                enabled: false,
                next: None,
                ..post.clone()
            },
            PublicPost {
                channel: ChannelId::new(99),
                ..post.clone()
            },
        ] {
            store.save_public_post(&change).await.expect("saved");
            let send = Some((planned.channel, 0, "p-77-1".to_owned()));
            let moved = store
                .plan_public_post(&planned, send, slot(2), 1, at(9))
                .await
                .expect("plans");
            assert!(!moved, "{change:?}");
            let now = store
                .public_post(post.guild)
                .await
                .expect("reads")
                .expect("a post");
            assert_eq!(now.enabled, change.enabled);
            assert_eq!(now.channel, change.channel);
            assert_eq!(now.next, change.next);
            let queued: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox")
                .fetch_one(store.pool())
                .await
                .expect("counts");
            assert_eq!(queued, 0, "nothing queued for a post changed meanwhile");
        }
        // Unchanged since it was read: planned as usual.
        store.save_public_post(&post).await.expect("saved");
        let planned = store
            .public_post(post.guild)
            .await
            .expect("reads")
            .expect("a post");
        let send = Some((planned.channel, 0, "p-77-1".to_owned()));
        assert!(store
            .plan_public_post(&planned, send, slot(2), 1, at(9))
            .await
            .expect("plans"));
    }
}
