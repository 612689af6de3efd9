use std::path::Path;

use chrono::{Duration, TimeZone, Utc};

use super::*;
use crate::config::Settings;
use crate::content::Content;
use crate::service::{checkin, program};
use crate::store::test_support::temp_store;
use crate::store::Store;

fn settings() -> Settings {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut settings = Settings::load(&root.join("config/default.toml"), |_| None)
        .unwrap_or_else(|e| panic!("{e}"));
    settings.content_path = root.join("config/content.toml");
    settings
}

fn content(settings: &Settings) -> Content {
    Content::load(&settings.content_path).unwrap_or_else(|e| panic!("{e}"))
}

const ALICE: MemberId = MemberId::new(424_242_424_242_424_242);
const BOB: MemberId = MemberId::new(515_151_515_151_515_151);

async fn journey(store: &Store, content: &Content, settings: &Settings, member: MemberId) {
    let t0 = Utc
        .with_ymd_and_hms(2026, 2, 1, 12, 0, 0)
        .single()
        .expect("valid");
    let ctx = |now| Ctx {
        store,
        content,
        now,
        settings,
        messenger: crate::service::testing::quiet(),
        guards: crate::service::testing::guards(),
    };
    program::begin(ctx(t0), member).await.expect("enrolled");
    let prepared = checkin::prepare(ctx(t0 + Duration::hours(1)), member)
        .await
        .expect("check-in");
    checkin::record_mood(ctx(t0 + Duration::hours(2)), member, prepared.id, "2")
        .await
        .expect("mood");
    checkin::record_reflection(
        ctx(t0 + Duration::hours(2)),
        member,
        prepared.id,
        "I miss the walks we took",
    )
    .await
    .expect("reflection");
    checkin::dm_text(ctx(t0 + Duration::hours(3)), member, "a journal line")
        .await
        .expect("journal");
}

#[tokio::test]
async fn an_export_holds_every_stored_field() {
    let (store, _dir) = temp_store().await;
    let settings = settings();
    let content = content(&settings);
    journey(&store, &content, &settings, ALICE).await;
    let now = Utc
        .with_ymd_and_hms(2026, 2, 2, 0, 0, 0)
        .single()
        .expect("valid");
    let export = export(
        Ctx {
            store: &store,
            content: &content,
            now,
            settings: &settings,
            messenger: crate::service::testing::quiet(),
            guards: crate::service::testing::guards(),
        },
        ALICE,
    )
    .await
    .expect("export")
    .expect("something stored");
    assert_eq!(export.format, "rekindle-export");
    assert_eq!(export.version, 1);
    assert_eq!(export.member_id, "424242424242424242");
    let member_settings = export.settings.as_ref().expect("settings");
    assert_eq!(member_settings.timezone, "UTC");
    assert_eq!(member_settings.checkin_time, "19:00");
    assert_eq!(export.program.as_ref().map(|p| p.step), Some(1));
    assert_eq!(export.step_history.len(), 1);
    assert_eq!(export.step_history[0].event, "enrolled");
    assert_eq!(export.checkins.len(), 1);
    assert_eq!(export.checkins[0].mood, Some(2));
    assert_eq!(export.checkins[0].prompt, content.steps[0].prompts[0]);
    let texts: Vec<(Option<i64>, &str)> = export
        .reflections
        .iter()
        .map(|r| (r.checkin_id, r.text.as_str()))
        .collect();
    assert_eq!(
        texts,
        vec![
            (Some(export.checkins[0].id), "I miss the walks we took"),
            (None, "a journal line")
        ]
    );
}

#[tokio::test]
async fn the_export_format_keeps_its_documented_field_names() {
    let (store, _dir) = temp_store().await;
    let settings = settings();
    let content = content(&settings);
    journey(&store, &content, &settings, ALICE).await;
    let now = Utc
        .with_ymd_and_hms(2026, 2, 2, 0, 0, 0)
        .single()
        .expect("valid");
    let export = export(
        Ctx {
            store: &store,
            content: &content,
            now,
            settings: &settings,
            messenger: crate::service::testing::quiet(),
            guards: crate::service::testing::guards(),
        },
        ALICE,
    )
    .await
    .expect("export");
    let json = serde_json::to_value(export).expect("serialisable");
    let keys: Vec<&str> = json
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    for key in [
        "format",
        "version",
        "exported_at",
        "member_id",
        "settings",
        "program",
        "step_history",
        "checkins",
        "reflections",
        "pending_messages",
        "faq_changes",
    ] {
        assert!(keys.contains(&key), "{key} in {keys:?}");
    }
    assert_eq!(json["exported_at"], "2026-02-02T00:00:00Z");
    assert_eq!(
        json["reflections"][1]["checkin_id"],
        serde_json::Value::Null
    );
    assert!(json["checkins"][0]["sent_at"].is_string());
}

#[tokio::test]
async fn nothing_stored_means_no_export() {
    let (store, _dir) = temp_store().await;
    let settings = settings();
    let content = content(&settings);
    let now = Utc::now();
    assert!(export(
        Ctx {
            store: &store,
            content: &content,
            now,
            settings: &settings,
            messenger: crate::service::testing::quiet(),
            guards: crate::service::testing::guards(),
        },
        BOB
    )
    .await
    .expect("export")
    .is_none());
}

#[tokio::test]
async fn an_admin_who_never_started_the_program_gets_their_faq_changes_and_can_erase_their_id() {
    let (store, _dir) = temp_store().await;
    let settings = settings();
    let content = content(&settings);
    let now = Utc
        .with_ymd_and_hms(2026, 2, 2, 0, 0, 0)
        .single()
        .expect("valid");
    let ctx = || Ctx {
        store: &store,
        content: &content,
        now,
        settings: &settings,
        messenger: crate::service::testing::quiet(),
        guards: crate::service::testing::guards(),
    };
    let guild = crate::domain::ids::GuildId::new(900_000_000_000_000_010);
    crate::service::faq_admin::remove(ctx(), guild, BOB, "astrology")
        .await
        .expect("removed");
    let exported = export(ctx(), BOB)
        .await
        .expect("export")
        .expect("their id is stored: something to export");
    assert_eq!(exported.settings, None);
    assert_eq!(exported.program, None);
    assert_eq!(
        exported.faq_changes,
        vec![ExportFaqChange {
            server_id: "900000000000000010".into(),
            key: "astrology".into(),
            action: "removed".into(),
            at: now,
        }]
    );
    delete(ctx(), BOB).await.expect("deleted");
    assert!(export(ctx(), BOB).await.expect("export").is_none());
    let (history, _) = store.faq_history(guild, 10, 0).await.expect("history");
    assert_eq!(history.len(), 1, "the server's change stays");
    assert_eq!(history[0].admin, None, "without who made it");
}

#[tokio::test]
async fn deleting_leaves_no_trace_of_the_member_and_spares_everyone_else() {
    let (store, _dir) = temp_store().await;
    let settings = settings();
    let content = content(&settings);
    journey(&store, &content, &settings, ALICE).await;
    journey(&store, &content, &settings, BOB).await;
    let now = Utc::now();
    let deleted = delete(
        Ctx {
            store: &store,
            content: &content,
            now,
            settings: &settings,
            messenger: crate::service::testing::quiet(),
            guards: crate::service::testing::guards(),
        },
        ALICE,
    )
    .await
    .expect("deleted");
    assert!(deleted.member);
    assert_eq!(
        (deleted.checkins, deleted.reflections, deleted.history),
        (1, 2, 1)
    );
    // Scan every column of every table for Alice's id, as a number and as text.
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )
    .fetch_all(store.pool())
    .await
    .expect("tables");
    for table in tables {
        let columns: Vec<String> =
            sqlx::query_scalar(&format!("SELECT name FROM pragma_table_info('{table}')"))
                .fetch_all(store.pool())
                .await
                .expect("columns");
        for column in columns {
            let hits: i64 = sqlx::query_scalar(&format!(
                "SELECT COUNT(*) FROM \"{table}\" WHERE \"{column}\" = ?1 OR CAST(\"{column}\" AS TEXT) LIKE '%' || ?2 || '%'"
            ))
            .bind(ALICE)
            .bind(ALICE.to_string())
            .fetch_one(store.pool())
            .await
            .expect("scan");
            assert_eq!(hits, 0, "{table}.{column} still mentions the member");
        }
    }
    let bob = export(
        Ctx {
            store: &store,
            content: &content,
            now,
            settings: &settings,
            messenger: crate::service::testing::quiet(),
            guards: crate::service::testing::guards(),
        },
        BOB,
    )
    .await
    .expect("export");
    assert_eq!(
        bob.map(|e| e.reflections.len()),
        Some(2),
        "other members keep everything"
    );
}

/// Keeps the export files it is asked to send.
#[derive(Default)]
struct ExportCatcher {
    files: std::sync::Mutex<Vec<String>>,
}

impl crate::service::messages::Messenger for ExportCatcher {
    fn send<'a>(
        &'a self,
        _to: crate::service::messages::Destination,
        message: &'a Outgoing,
        _lane: Lane,
        _nonce: Option<&'a str>,
    ) -> crate::service::messages::BoxFuture<
        'a,
        Result<crate::domain::ids::ChannelId, crate::delivery::SendError>,
    > {
        Box::pin(async move {
            if let Outgoing::Export { json } = message {
                self.files
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push(String::from_utf8_lossy(json).into_owned());
            }
            Ok(crate::domain::ids::ChannelId::new(1))
        })
    }

    fn channel_guild(
        &self,
        _channel: crate::domain::ids::ChannelId,
    ) -> crate::service::messages::BoxFuture<
        '_,
        Result<Option<crate::domain::ids::GuildId>, crate::delivery::SendError>,
    > {
        Box::pin(async { Ok(None) })
    }
}

#[tokio::test]
async fn an_export_racing_an_erasure_and_a_new_start_sends_none_of_the_erased_words() {
    // The member asks for their export, erases everything while it is on its way, and
    // starts again at once: the file that arrives is about the new start, not the words
    // they erased.
    let (store, _dir) = temp_store().await;
    let settings = settings();
    let content = content(&settings);
    journey(&store, &content, &settings, ALICE).await;
    let guards = crate::service::guards::Guards::new();
    let catcher = ExportCatcher::default();
    let now = Utc
        .with_ymd_and_hms(2026, 2, 2, 0, 0, 0)
        .single()
        .expect("valid");
    let ctx = Ctx {
        store: &store,
        content: &content,
        now,
        settings: &settings,
        messenger: &catcher,
        guards: &guards,
    };
    // The erasure holds the member's lock while it deletes (as `delete` does).
    let erasing = guards.lock(ALICE).await;
    let exporting = export_to_dm(ctx, ALICE);
    tokio::pin!(exporting);
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while guards.holders_and_waiters(ALICE) < 2 {
        assert!(tokio::time::Instant::now() < deadline, "the export waits");
        tokio::select! {
            _ = &mut exporting => panic!("the export went out under the erasure's lock"),
            () = tokio::time::sleep(std::time::Duration::from_millis(1)) => {}
        }
    }
    store.delete_member(ALICE).await.expect("erased");
    program::begin(ctx, ALICE).await.expect("a new start");
    drop(erasing);
    exporting.await.expect("exported");
    let files = catcher
        .files
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    assert_eq!(files.len(), 1);
    assert!(
        !files[0].contains("I miss the walks we took"),
        "{}",
        files[0]
    );
    assert!(!files[0].contains("a journal line"), "{}", files[0]);
}

/// Bob's export holds Bob's FAQ changes, in every server he made them, and nobody else's;
/// erasing Bob takes his id from his changes only.
#[tokio::test]
async fn an_export_holds_only_the_admins_own_faq_changes_and_erasing_spares_the_others() {
    let (store, _dir) = temp_store().await;
    let settings = settings();
    let content = content(&settings);
    let now = Utc
        .with_ymd_and_hms(2026, 2, 2, 0, 0, 0)
        .single()
        .expect("valid");
    let ctx = || Ctx {
        store: &store,
        content: &content,
        now,
        settings: &settings,
        messenger: crate::service::testing::quiet(),
        guards: crate::service::testing::guards(),
    };
    let carol = MemberId::new(626_262_626_262_626_262);
    let here = crate::domain::ids::GuildId::new(900_000_000_000_000_020);
    let there = crate::domain::ids::GuildId::new(900_000_000_000_000_030);
    for (guild, admin, key) in [
        (here, BOB, "astrology"),
        (here, carol, "jealousy"),
        (there, carol, "no-contact"),
        (there, BOB, "counseling"),
    ] {
        crate::service::faq_admin::remove(ctx(), guild, admin, key)
            .await
            .expect("removed");
    }
    let exported = export(ctx(), BOB)
        .await
        .expect("export")
        .expect("something to export");
    let mine: Vec<(String, String)> = exported
        .faq_changes
        .iter()
        .map(|c| (c.server_id.clone(), c.key.clone()))
        .collect();
    assert_eq!(
        mine,
        vec![
            (here.get().to_string(), "astrology".to_owned()),
            (there.get().to_string(), "counseling".to_owned()),
        ]
    );
    let json = serde_json::to_string(&exported).expect("json");
    assert!(!json.contains(&carol.get().to_string()), "{json}");
    assert!(
        !json.contains("jealousy") && !json.contains("no-contact"),
        "{json}"
    );

    delete(ctx(), BOB).await.expect("deleted");
    for guild in [here, there] {
        let (history, _) = store.faq_history(guild, 10, 0).await.expect("history");
        assert_eq!(history.len(), 2);
        for change in history {
            let expected = if ["jealousy", "no-contact"].contains(&change.key.as_str()) {
                Some(carol)
            } else {
                None
            };
            assert_eq!(change.admin, expected, "{}", change.key);
        }
    }
}
