//! The schema's history: a database made by an earlier version keeps every row through the
//! migrations that came after it.

use std::str::FromStr;

use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

use super::Store;

/// The last migration before the outbox was rebuilt with its new fates.
const BEFORE_FATES: &str = "20261128000005";

/// An outbox row: kind, member, check-in, nonce, due, status, attempts.
type OutboxLine = (String, Option<i64>, Option<i64>, String, i64, String, i64);

#[tokio::test]
async fn an_outbox_row_in_every_status_survives_the_rebuild_of_the_outbox() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let url = format!("sqlite://{}", dir.path().join("rekindle.db").display());
    // The database as the version before the outbox rebuild left it.
    let old = dir.path().join("old-migrations");
    std::fs::create_dir(&old).expect("a folder");
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    for entry in std::fs::read_dir(&shipped).expect("the migrations") {
        let path = entry.expect("a migration").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if name
            .get(..14)
            .is_some_and(|version| version <= BEFORE_FATES)
        {
            std::fs::copy(&path, old.join(name)).expect("copied");
        }
    }
    let options = SqliteConnectOptions::from_str(&url)
        .expect("a SQLite URL")
        .create_if_missing(true)
        .foreign_keys(true);
    let pool = SqlitePoolOptions::new()
        .connect_with(options)
        .await
        .expect("the old database");
    sqlx::migrate::Migrator::new(old.as_path())
        .await
        .expect("the old migrations")
        .run(&pool)
        .await
        .expect("migrated to the old schema");
    sqlx::raw_sql(
        "INSERT INTO members (id, timezone, checkin_time, frequency, encouragement, created_at)
             VALUES (7, 'UTC', '19:00', 'daily', 1, 0);
         INSERT INTO programs (member_id, step, step_since, enrolled_at) VALUES (7, 1, 0, 0);
         INSERT INTO checkins (id, member_id, step, prompt_index, sent_at) VALUES (1, 7, 1, 0, 0);
         INSERT INTO outbox (kind, member_id, checkin_id, nonce, due_at, status, attempts, last_error, sent_at)
             VALUES ('checkin', 7, 1, 'c7.1', 10, 'pending', 0, NULL, NULL),
                    ('reminder', 7, 1, 'r7.1', 20, 'sent', 1, NULL, 25),
                    ('encouragement', 7, NULL, 'e7.1', 30, 'failed', 4, '500: down', NULL);
         INSERT INTO outbox (kind, channel_id, message_index, nonce, due_at, status)
             VALUES ('public', 88, 2, 'p9.1', 40, 'pending');",
    )
    .execute(&pool)
    .await
    .expect("rows in every status the old schema knew");
    pool.close().await;

    let store = Store::connect(&url).await.expect("brought up to date");
    let rows: Vec<OutboxLine> = sqlx::query_as(
        "SELECT kind, member_id, checkin_id, nonce, due_at, status, attempts FROM outbox ORDER BY id",
    )
    .fetch_all(store.pool())
    .await
    .expect("the outbox");
    let row = |kind: &str, member, checkin, nonce: &str, due, status: &str, attempts| {
        (
            kind.to_owned(),
            member,
            checkin,
            nonce.to_owned(),
            due,
            status.to_owned(),
            attempts,
        )
    };
    assert_eq!(
        rows,
        vec![
            row("checkin", Some(7), Some(1), "c7.1", 10, "pending", 0),
            row("reminder", Some(7), Some(1), "r7.1", 20, "sent", 1),
            row("encouragement", Some(7), None, "e7.1", 30, "failed", 4),
            row("public", None, None, "p9.1", 40, "pending", 0),
        ]
    );
    // The new fates are accepted, and erasing the member still takes their rows along.
    sqlx::query("UPDATE outbox SET status = 'cancelled' WHERE nonce = 'c7.1'")
        .execute(store.pool())
        .await
        .expect("a cancelled row");
    sqlx::query("UPDATE outbox SET status = 'expired' WHERE nonce = 'p9.1'")
        .execute(store.pool())
        .await
        .expect("an expired row");
    store
        .delete_member(crate::domain::ids::MemberId::new(7))
        .await
        .expect("erased");
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE member_id IS NOT NULL")
        .fetch_one(store.pool())
        .await
        .expect("a count");
    assert_eq!(left, 0);
}
