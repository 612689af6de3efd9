//! Each server's FAQ layer over the content file, and the history of who changed it.
//!
//! A change is read, decided and written in one `BEGIN IMMEDIATE` transaction
//! ([`Store::change_faq`]): two admins saving at once see each other's change (a key taken,
//! a revision moved on, a 25th entry) instead of both acting on the same old layer.

use std::collections::HashMap;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use sqlx::Row as _;

use super::types::{index, UnixTime};
use super::Store;
use crate::domain::faq_layer::{ChangeKind, FaqDraft, LayerEntry, Layered, Revision};
use crate::domain::ids::GuildId;
use crate::domain::member::MemberId;

/// A server's layer as a change reads it: its rows in order, and each key's revision.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LayerState {
    pub entries: Vec<LayerEntry>,
    revisions: HashMap<String, Revision>,
}

impl LayerState {
    pub fn new(
        entries: Vec<LayerEntry>,
        revisions: impl IntoIterator<Item = (String, Revision)>,
    ) -> LayerState {
        LayerState {
            entries,
            revisions: revisions.into_iter().collect(),
        }
    }

    /// The revision of `key` in this server: the id of its latest change, or none yet.
    pub fn revision(&self, key: &str) -> Revision {
        self.revisions
            .get(key)
            .copied()
            .unwrap_or(Revision::UNCHANGED)
    }
}

/// What a change writes to the layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayerWrite {
    /// The server's version of `key` (added or edited).
    Put { key: String, draft: FaqDraft },
    /// The file's entry `key` is hidden in this server.
    Hide { key: String },
    /// The server's own entry `key` is gone (the file has none to hide).
    Forget { key: String },
}

impl LayerWrite {
    pub fn key(&self) -> &str {
        match self {
            LayerWrite::Put { key, .. } | LayerWrite::Hide { key } | LayerWrite::Forget { key } => {
                key
            }
        }
    }
}

/// A decided change: the write and the history line it leaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaqChange {
    pub write: LayerWrite,
    pub kind: ChangeKind,
    /// The question as it reads after the change (for a removal, as it read before).
    pub question: String,
}

/// One line of a server's FAQ history.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FaqChangeRow {
    pub key: String,
    #[sqlx(rename = "action")]
    pub kind: ChangeKind,
    pub question: String,
    /// `None` once the admin erased their data (`/privacy delete`).
    #[sqlx(rename = "admin_id")]
    pub admin: Option<MemberId>,
    #[sqlx(try_from = "UnixTime")]
    pub at: DateTime<Utc>,
}

/// A layer row as stored; [`LayerEntry`] once checked.
#[derive(sqlx::FromRow)]
struct LayerRow {
    key: String,
    kind: String,
    question: Option<String>,
    answer: Option<String>,
    aliases: Option<String>,
}

impl TryFrom<LayerRow> for LayerEntry {
    type Error = anyhow::Error;

    fn try_from(row: LayerRow) -> anyhow::Result<LayerEntry> {
        let change = match (row.kind.as_str(), row.question, row.answer, row.aliases) {
            ("put", Some(question), Some(answer), Some(aliases)) => {
                let aliases: Vec<String> = serde_json::from_str(&aliases).with_context(|| {
                    format!(
                        "the stored aliases of FAQ entry “{}” are not a list of texts",
                        row.key
                    )
                })?;
                Layered::Put(FaqDraft {
                    question,
                    answer,
                    aliases,
                })
            }
            ("hide", None, None, None) => Layered::Hidden,
            (kind, ..) => anyhow::bail!(
                "the stored FAQ layer row for “{}” is a “{kind}” row with the wrong texts",
                row.key
            ),
        };
        Ok(LayerEntry {
            key: row.key,
            change,
        })
    }
}

const LAYER_SELECT: &str =
    "SELECT key, kind, question, answer, aliases FROM faq_layer WHERE guild_id = ?1 ORDER BY id";

async fn read_layer(
    executor: impl sqlx::SqliteExecutor<'_>,
    guild: GuildId,
) -> anyhow::Result<Vec<LayerEntry>> {
    let rows: Vec<LayerRow> = sqlx::query_as(LAYER_SELECT)
        .bind(guild)
        .fetch_all(executor)
        .await
        .context("cannot read a server's FAQ")?;
    rows.into_iter().map(LayerEntry::try_from).collect()
}

impl Store {
    /// The server's FAQ layer, in the order its rows were first written.
    pub async fn faq_layer(&self, guild: GuildId) -> anyhow::Result<Vec<LayerEntry>> {
        read_layer(self.pool(), guild).await
    }

    /// The server's layer with each key's revision, read in one snapshot: what the editor
    /// opens an entry from.
    pub async fn faq_layer_state(&self, guild: GuildId) -> anyhow::Result<LayerState> {
        let mut tx = self.snapshot().await?;
        let state = read_state(&mut tx, guild).await?;
        tx.commit().await.context("cannot finish reading")?;
        Ok(state)
    }

    /// The server a member enrolled in, whose FAQ they see in DMs; `None` when they are not
    /// enrolled or enrolled from DMs.
    pub async fn home_guild(&self, member: MemberId) -> anyhow::Result<Option<GuildId>> {
        let guild: Option<Option<GuildId>> =
            sqlx::query_scalar("SELECT guild_id FROM programs WHERE member_id = ?1")
                .bind(member)
                .fetch_optional(self.pool())
                .await
                .context("cannot read a member's home server")?;
        Ok(guild.flatten())
    }

    /// Reads the server's layer, lets `decide` choose (a pure decision: `None` stores
    /// nothing), and stores the change with its history line (who, when), all in one
    /// `BEGIN IMMEDIATE` transaction.
    pub async fn change_faq<T, E>(
        &self,
        guild: GuildId,
        admin: MemberId,
        now: DateTime<Utc>,
        decide: impl FnOnce(&LayerState) -> Result<(Option<FaqChange>, T), E>,
    ) -> Result<T, E>
    where
        E: From<anyhow::Error>,
    {
        let mut tx = self.begin().await?;
        let state = read_state(&mut tx, guild).await?;
        let (change, answer) = decide(&state)?;
        let Some(change) = change else {
            return Ok(answer);
        };
        write(&mut tx, guild, &change.write).await?;
        sqlx::query(
            "INSERT INTO faq_changes (guild_id, key, action, question, admin_id, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .bind(guild)
        .bind(change.write.key())
        .bind(change.kind)
        .bind(&change.question)
        .bind(admin)
        .bind(UnixTime(now))
        .execute(&mut *tx)
        .await
        .context("cannot record an FAQ change")?;
        tx.commit().await.context("cannot save an FAQ change")?;
        Ok(answer)
    }

    /// The server's FAQ changes, newest first: `limit` of them after skipping `skip`, and
    /// how many there are in all.
    pub async fn faq_history(
        &self,
        guild: GuildId,
        limit: u32,
        skip: u32,
    ) -> anyhow::Result<(Vec<FaqChangeRow>, usize)> {
        let mut tx = self.snapshot().await?;
        let rows: Vec<FaqChangeRow> = sqlx::query_as(
            "SELECT key, action, question, admin_id, at FROM faq_changes
             WHERE guild_id = ?1 ORDER BY id DESC LIMIT ?2 OFFSET ?3",
        )
        .bind(guild)
        .bind(limit)
        .bind(skip)
        .fetch_all(&mut *tx)
        .await
        .context("cannot read a server's FAQ history")?;
        let total = sqlx::query("SELECT COUNT(*) AS total FROM faq_changes WHERE guild_id = ?1")
            .bind(guild)
            .fetch_one(&mut *tx)
            .await
            .context("cannot count a server's FAQ history")?
            .try_get::<i64, _>("total")?;
        tx.commit().await.context("cannot finish reading")?;
        Ok((rows, index(total, "FAQ change count")?))
    }
}

async fn read_state(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    guild: GuildId,
) -> anyhow::Result<LayerState> {
    let entries = read_layer(&mut **tx, guild).await?;
    let revisions: Vec<(String, i64)> =
        sqlx::query_as("SELECT key, MAX(id) FROM faq_changes WHERE guild_id = ?1 GROUP BY key")
            .bind(guild)
            .fetch_all(&mut **tx)
            .await
            .context("cannot read a server's FAQ revisions")?;
    let revisions = revisions
        .into_iter()
        .map(|(key, id)| {
            let id = u64::try_from(id).context("a stored FAQ change id is negative")?;
            Ok((key, Revision::new(id)))
        })
        .collect::<anyhow::Result<_>>()?;
    Ok(LayerState { entries, revisions })
}

async fn write(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    guild: GuildId,
    write: &LayerWrite,
) -> anyhow::Result<()> {
    match write {
        LayerWrite::Put { key, draft } => {
            let aliases =
                serde_json::to_string(&draft.aliases).context("cannot encode FAQ aliases")?;
            sqlx::query(
                "INSERT INTO faq_layer (guild_id, key, kind, question, answer, aliases)
                 VALUES (?1, ?2, 'put', ?3, ?4, ?5)
                 ON CONFLICT (guild_id, key) DO UPDATE
                 SET kind = 'put', question = ?3, answer = ?4, aliases = ?5",
            )
            .bind(guild)
            .bind(key)
            .bind(&draft.question)
            .bind(&draft.answer)
            .bind(aliases)
            .execute(&mut **tx)
            .await
        }
        LayerWrite::Hide { key } => {
            sqlx::query(
                "INSERT INTO faq_layer (guild_id, key, kind) VALUES (?1, ?2, 'hide')
                 ON CONFLICT (guild_id, key) DO UPDATE
                 SET kind = 'hide', question = NULL, answer = NULL, aliases = NULL",
            )
            .bind(guild)
            .bind(key)
            .execute(&mut **tx)
            .await
        }
        LayerWrite::Forget { key } => {
            sqlx::query("DELETE FROM faq_layer WHERE guild_id = ?1 AND key = ?2")
                .bind(guild)
                .bind(key)
                .execute(&mut **tx)
                .await
        }
    }
    .context("cannot write a server's FAQ")?;
    Ok(())
}

#[cfg(test)]
mod tests;
