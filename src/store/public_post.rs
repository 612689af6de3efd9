//! Each server's public encouragement post: channel, local time, and where the cycle is.

use anyhow::Context as _;
use chrono::{DateTime, NaiveDate, Utc};

use super::{time, Store};
use crate::domain::schedule::Slot;
use crate::domain::settings::{LocalTime, Timezone};

/// A server's public post settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicPost {
    pub guild: u64,
    pub channel: u64,
    pub time: LocalTime,
    pub timezone: Timezone,
    pub enabled: bool,
    pub next: Option<Slot>,
    pub next_index: usize,
}

type RawPost = (
    i64,
    i64,
    String,
    String,
    i64,
    Option<String>,
    Option<i64>,
    i64,
);

fn parse(row: RawPost) -> anyhow::Result<PublicPost> {
    let (guild, channel, post_time, timezone, enabled, date, at, index) = row;
    let next = match (date.and_then(|d| d.parse::<NaiveDate>().ok()), at) {
        (Some(date), Some(at)) => Some(Slot {
            date,
            at: time::from_db(at),
        }),
        _ => None,
    };
    Ok(PublicPost {
        guild: u64::try_from(guild).unwrap_or_default(),
        channel: u64::try_from(channel).unwrap_or_default(),
        time: LocalTime::parse(&post_time).context("stored post time")?,
        timezone: Timezone::parse(&timezone).context("stored timezone")?,
        enabled: enabled != 0,
        next,
        next_index: usize::try_from(index).unwrap_or_default(),
    })
}

const COLUMNS: &str =
    "guild_id, channel_id, post_time, timezone, enabled, next_post_date, next_post_at, next_index";

impl Store {
    pub async fn public_post(&self, guild: u64) -> anyhow::Result<Option<PublicPost>> {
        let row: Option<RawPost> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM public_encouragement WHERE guild_id = ?1"
        ))
        .bind(i64::try_from(guild).unwrap_or_default())
        .fetch_optional(self.pool())
        .await
        .context("cannot read the public post settings")?;
        row.map(parse).transpose()
    }

    /// Saves a server's settings; the cycle position is kept across changes.
    pub async fn save_public_post(&self, post: &PublicPost) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO public_encouragement (guild_id, channel_id, post_time, timezone, enabled, next_post_date, next_post_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (guild_id) DO UPDATE SET channel_id = ?2, post_time = ?3, timezone = ?4, enabled = ?5,
                 next_post_date = ?6, next_post_at = ?7",
        )
        .bind(i64::try_from(post.guild).unwrap_or_default())
        .bind(i64::try_from(post.channel).unwrap_or_default())
        .bind(post.time.to_string())
        .bind(post.timezone.name())
        .bind(post.enabled)
        .bind(post.next.map(|s| s.date.to_string()))
        .bind(post.next.map(|s| time::to_db(s.at)))
        .execute(self.pool())
        .await
        .context("cannot save the public post settings")?;
        Ok(())
    }

    pub async fn due_public_posts(&self, now: DateTime<Utc>) -> anyhow::Result<Vec<PublicPost>> {
        let rows: Vec<RawPost> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM public_encouragement WHERE next_post_at <= ?1 ORDER BY next_post_at"
        ))
        .bind(time::to_db(now))
        .fetch_all(self.pool())
        .await
        .context("cannot read due public posts")?;
        rows.into_iter().map(parse).collect()
    }

    /// Queues a server's post (if `send`) and moves its schedule and cycle on, in one go.
    pub async fn plan_public_post(
        &self,
        guild: u64,
        send: Option<(u64, usize, String)>,
        next: Slot,
        next_index: usize,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let mut tx = self.begin().await?;
        if let Some((channel, index, nonce)) = send {
            sqlx::query(
                "INSERT INTO outbox (kind, channel_id, message_index, nonce, due_at) VALUES ('public', ?1, ?2, ?3, ?4)
                 ON CONFLICT (nonce) DO NOTHING",
            )
            .bind(i64::try_from(channel).unwrap_or_default())
            .bind(i64::try_from(index).unwrap_or_default())
            .bind(nonce)
            .bind(time::to_db(now))
            .execute(&mut *tx)
            .await
            .context("cannot queue a public post")?;
        }
        sqlx::query(
            "UPDATE public_encouragement SET next_post_date = ?2, next_post_at = ?3, next_index = ?4 WHERE guild_id = ?1",
        )
        .bind(i64::try_from(guild).unwrap_or_default())
        .bind(next.date.to_string())
        .bind(time::to_db(next.at))
        .bind(i64::try_from(next_index).unwrap_or_default())
        .execute(&mut *tx)
        .await
        .context("cannot move a public post on")?;
        tx.commit().await.context("cannot commit a public post")?;
        Ok(())
    }
}
