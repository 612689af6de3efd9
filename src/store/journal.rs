//! The journal as the member reads it back: their reflections and journal entries (rows of
//! `reflections`), newest first, with the step each was written in.
//!
//! Every query is scoped to the member: an entry id that belongs to someone else reads as
//! one that does not exist. A reflection's step is its check-in's; a journal entry's is the
//! step the member was in when they wrote it, read from the step history, which records
//! every move.

use anyhow::Context as _;
use chrono::{DateTime, Utc};

use super::types::UnixTime;
use super::Store;
use crate::domain::ids::CheckinId;
use crate::domain::journal::EntryId;
use crate::domain::member::MemberId;
use crate::domain::program::StepNumber;

/// One entry, whole.
#[derive(Clone, PartialEq, Eq)]
pub struct JournalEntry {
    pub id: EntryId,
    /// The check-in it answers; `None` for a journal entry.
    pub checkin: Option<CheckinId>,
    /// The step it was written in, when known.
    pub step: Option<StepNumber>,
    pub body: String,
    pub written_at: DateTime<Utc>,
}

/// An entry holds a member's words: `Debug` shows its length, never the words.
impl std::fmt::Debug for JournalEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JournalEntry")
            .field("id", &self.id)
            .field("checkin", &self.checkin)
            .field("step", &self.step)
            .field("chars", &self.body.chars().count())
            .field("written_at", &self.written_at)
            .finish()
    }
}

impl<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> for JournalEntry {
    fn from_row(row: &'r sqlx::sqlite::SqliteRow) -> Result<Self, sqlx::Error> {
        use sqlx::Row as _;
        let raw: i64 = row.try_get("id")?;
        Ok(JournalEntry {
            id: EntryId::new(raw).ok_or_else(|| sqlx::Error::ColumnDecode {
                index: "id".into(),
                source: format!("a stored entry id is {raw}").into(),
            })?,
            checkin: row.try_get("checkin_id")?,
            step: row.try_get("step")?,
            body: row.try_get("body")?,
            written_at: row.try_get::<UnixTime, _>("created_at")?.into(),
        })
    }
}

/// The columns of an entry, with its step.
const ENTRY: &str = "r.id, r.checkin_id, r.body, r.created_at,
     COALESCE(c.step, (SELECT h.step FROM step_history h
                       WHERE h.member_id = r.member_id AND h.at <= r.created_at
                       ORDER BY h.at DESC, h.id DESC LIMIT 1)) AS step
     FROM reflections r LEFT JOIN checkins c ON c.id = r.checkin_id";

impl Store {
    /// How many entries the member has.
    pub async fn journal_count(&self, member: MemberId) -> anyhow::Result<usize> {
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM reflections WHERE member_id = ?1")
                .bind(member)
                .fetch_one(self.pool())
                .await
                .context("cannot count journal entries")?;
        super::types::index(count, "entry count")
    }

    /// Up to `limit` entries, newest first, skipping the `offset` newest.
    pub async fn journal_page(
        &self,
        member: MemberId,
        offset: usize,
        limit: usize,
    ) -> anyhow::Result<Vec<JournalEntry>> {
        sqlx::query_as(&format!(
            "SELECT {ENTRY} WHERE r.member_id = ?1 ORDER BY r.id DESC LIMIT ?2 OFFSET ?3"
        ))
        .bind(member)
        .bind(super::types::index_to_db(limit)?)
        .bind(super::types::index_to_db(offset)?)
        .fetch_all(self.pool())
        .await
        .context("cannot read journal entries")
    }

    /// Up to `limit` entries older than `before`, newest first.
    pub async fn journal_older(
        &self,
        member: MemberId,
        before: EntryId,
        limit: usize,
    ) -> anyhow::Result<Vec<JournalEntry>> {
        sqlx::query_as(&format!(
            "SELECT {ENTRY} WHERE r.member_id = ?1 AND r.id < ?2 ORDER BY r.id DESC LIMIT ?3"
        ))
        .bind(member)
        .bind(before.get())
        .bind(super::types::index_to_db(limit)?)
        .fetch_all(self.pool())
        .await
        .context("cannot read older journal entries")
    }

    /// Up to `limit` entries newer than `after` (the nearest ones), newest first.
    pub async fn journal_newer(
        &self,
        member: MemberId,
        after: EntryId,
        limit: usize,
    ) -> anyhow::Result<Vec<JournalEntry>> {
        let mut entries: Vec<JournalEntry> = sqlx::query_as(&format!(
            "SELECT {ENTRY} WHERE r.member_id = ?1 AND r.id > ?2 ORDER BY r.id ASC LIMIT ?3"
        ))
        .bind(member)
        .bind(after.get())
        .bind(super::types::index_to_db(limit)?)
        .fetch_all(self.pool())
        .await
        .context("cannot read newer journal entries")?;
        entries.reverse();
        Ok(entries)
    }

    /// How many of the member's entries are newer than `id`: its place, newest first.
    pub async fn journal_position(&self, member: MemberId, id: EntryId) -> anyhow::Result<usize> {
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM reflections WHERE member_id = ?1 AND id > ?2")
                .bind(member)
                .bind(id.get())
                .fetch_one(self.pool())
                .await
                .context("cannot place a journal entry")?;
        super::types::index(count, "entry position")
    }

    /// The member's entry `id`, if it is theirs.
    pub async fn journal_entry(
        &self,
        member: MemberId,
        id: EntryId,
    ) -> anyhow::Result<Option<JournalEntry>> {
        sqlx::query_as(&format!(
            "SELECT {ENTRY} WHERE r.member_id = ?1 AND r.id = ?2"
        ))
        .bind(member)
        .bind(id.get())
        .fetch_optional(self.pool())
        .await
        .context("cannot read a journal entry")
    }

    /// Deletes the member's entry `id` (a reflection's check-in keeps its mood and stays
    /// answered) and scrubs the files; false when there was no such entry of theirs.
    pub async fn delete_journal_entry(
        &self,
        member: MemberId,
        id: EntryId,
    ) -> anyhow::Result<bool> {
        let deleted = sqlx::query("DELETE FROM reflections WHERE member_id = ?1 AND id = ?2")
            .bind(member)
            .bind(id.get())
            .execute(self.pool())
            .await
            .context("cannot delete a journal entry")?
            .rows_affected();
        if deleted > 0 {
            self.scrub().await?;
        }
        Ok(deleted > 0)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;
    use crate::domain::checkin::Reflection;
    use crate::store::test_support::temp_store;

    async fn member_with_entries(store: &Store, member: MemberId, count: i64) {
        let t0 = Utc
            .with_ymd_and_hms(2026, 3, 2, 10, 0, 0)
            .single()
            .expect("valid");
        let mut tx = store.begin().await.expect("begin");
        let settings = crate::domain::member::MemberSettings {
            timezone: crate::domain::timing::Timezone::parse("UTC").expect("valid"),
            checkin_time: crate::domain::timing::LocalTime::parse("19:00").expect("valid"),
            frequency: crate::domain::timing::Frequency::Daily,
            days: crate::domain::days::Days::EVERY_DAY,
            encouragement: true,
        };
        Store::insert_member(&mut tx, member, settings, t0)
            .await
            .expect("insert");
        sqlx::query("INSERT INTO programs (member_id, step, step_since, enrolled_at) VALUES (?1, 2, ?2, ?2)")
            .bind(member)
            .bind(UnixTime(t0))
            .execute(&mut *tx)
            .await
            .expect("program");
        sqlx::query(
            "INSERT INTO step_history (member_id, event, step, at) VALUES (?1, 'advanced', 2, ?2)",
        )
        .bind(member)
        .bind(UnixTime(t0))
        .execute(&mut *tx)
        .await
        .expect("history");
        tx.commit().await.expect("commit");
        for n in 0..count {
            let text = Reflection::parse(&format!("entry {n}")).expect("valid");
            assert!(store
                .add_reflection(member, None, &text, t0 + Duration::hours(n + 1))
                .await
                .expect("kept"));
        }
    }

    #[tokio::test]
    async fn pages_move_both_ways_and_stay_with_their_member() {
        let (store, _dir) = temp_store().await;
        let (me, other) = (MemberId::new(1), MemberId::new(2));
        member_with_entries(&store, me, 12).await;
        member_with_entries(&store, other, 3).await;
        assert_eq!(store.journal_count(me).await.expect("count"), 12);
        let first = store.journal_page(me, 0, 5).await.expect("page");
        let bodies =
            |entries: &[JournalEntry]| entries.iter().map(|e| e.body.clone()).collect::<Vec<_>>();
        assert_eq!(
            bodies(&first),
            ["entry 11", "entry 10", "entry 9", "entry 8", "entry 7"]
        );
        assert!(first.iter().all(|e| e.step == StepNumber::new(2)));
        let last_shown = first.last().expect("five").id;
        let second = store.journal_older(me, last_shown, 5).await.expect("older");
        assert_eq!(
            bodies(&second),
            ["entry 6", "entry 5", "entry 4", "entry 3", "entry 2"]
        );
        assert_eq!(
            store
                .journal_position(me, second[0].id)
                .await
                .expect("place"),
            5
        );
        let back = store
            .journal_newer(me, second[0].id, 5)
            .await
            .expect("newer");
        assert_eq!(bodies(&back), bodies(&first));
        // Another member's entry is not mine to read or delete.
        let theirs = store.journal_page(other, 0, 1).await.expect("page")[0].id;
        assert_eq!(store.journal_entry(me, theirs).await.expect("read"), None);
        assert!(!store
            .delete_journal_entry(me, theirs)
            .await
            .expect("delete"));
        assert!(store
            .journal_entry(other, theirs)
            .await
            .expect("read")
            .is_some());
        assert!(store
            .delete_journal_entry(other, theirs)
            .await
            .expect("delete"));
        assert!(!store
            .delete_journal_entry(other, theirs)
            .await
            .expect("again"));
    }
}
