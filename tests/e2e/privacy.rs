//! Privacy and admin: export, delete, aggregate statistics, content reload.

use std::path::Path;

use chrono::Duration;
use rekindle::clock::Clock;
use serde_json::{json, Value};

use crate::member::{
    admin, assert_private_reply, checkin, command, enrol, press, select, words, Member,
};
use crate::support::bot::test_settings;
use crate::support::{Actor, TestBot, WAIT};

/// `/privacy {sub}` and its callback.
async fn privacy(bot: &TestBot, who: &Actor, sub: &str) -> (crate::support::Interaction, Value) {
    let interaction = bot
        .fake
        .slash(
            who,
            "privacy",
            json!([{"type": 1, "name": sub, "options": []}]),
        )
        .await;
    let callback = bot.fake.wait_answer(&interaction, WAIT).await;
    (interaction, callback)
}

/// A member who has stored something of everything: settings, a mood, a reflection, a journal entry.
async fn member_with_history(bot: &TestBot, id: u64) -> Member {
    let member = Member::new(id);
    enrol(bot, &member).await;
    let dm = checkin(bot, &member).await;
    select(
        bot,
        &member.dm,
        &format!("ci:mood:{}", dm.id),
        "4",
        &dm.message,
    )
    .await;
    let before = bot.fake.dm_messages_to(member.id).len();
    bot.fake
        .dm_message(&member.dm, "We used to cook together on Sundays")
        .await;
    bot.fake.wait_dm_messages(member.id, before + 1, WAIT).await;
    bot.fake
        .dm_message(&member.dm, "Journal: a calmer day")
        .await;
    bot.fake.wait_dm_messages(member.id, before + 2, WAIT).await;
    member
}

#[tokio::test]
async fn the_export_holds_what_the_member_stored_field_by_field() {
    let mut bot = TestBot::start().await;
    let member = member_with_history(&bot, 8001).await;
    let (_, reply) = privacy(&bot, &member.guild, "export").await;
    assert_private_reply(&reply, "I've sent you a file");
    let message = bot
        .fake
        .dm_messages_to(member.id)
        .pop()
        .expect("the export DM");
    let file = &message["files"][0];
    assert_eq!(file["filename"], "rekindle-export.json");
    let export: Value =
        serde_json::from_str(file["content"].as_str().expect("text")).expect("valid JSON");
    assert_eq!(export["format"], "rekindle-export");
    assert_eq!(export["version"], 1);
    assert_eq!(export["member_id"], "8001");
    assert_eq!(export["settings"]["timezone"], "UTC");
    assert_eq!(export["settings"]["checkin_time"], "19:00");
    assert_eq!(export["settings"]["frequency"], "daily");
    assert_eq!(export["program"]["step"], 1);
    assert_eq!(export["program"]["paused"], false);
    assert_eq!(export["step_history"][0]["event"], "enrolled");
    assert_eq!(export["checkins"][0]["mood"], 4);
    assert_eq!(export["checkins"][0]["status"], "answered");
    let reflections = export["reflections"].as_array().expect("a list");
    assert_eq!(reflections.len(), 2);
    assert_eq!(
        reflections[0]["text"],
        "We used to cook together on Sundays"
    );
    assert_eq!(reflections[0]["checkin_id"], export["checkins"][0]["id"]);
    assert_eq!(reflections[1]["text"], "Journal: a calmer day");
    assert_eq!(reflections[1]["checkin_id"], Value::Null);
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn after_delete_no_table_holds_the_member_and_nothing_more_is_sent() {
    let mut bot = TestBot::start().await;
    let member = member_with_history(&bot, 8002).await;
    let other = member_with_history(&bot, 8003).await;
    let (interaction, prompt) = privacy(&bot, &member.guild, "delete").await;
    assert_private_reply(&prompt, "can't be undone");
    let shown = bot
        .fake
        .original_response(&interaction)
        .expect("the prompt");
    let done = press(&bot, &member.guild, "pv:delete", &shown).await;
    assert!(words(&done).contains("Nothing about you is left"), "{done}");

    // Scan the SQLite file: every table, every column, for the id as number or text.
    let pool = bot.running().store.pool();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )
    .fetch_all(pool)
    .await
    .expect("tables");
    for table in &tables {
        let columns: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info(?1)")
            .bind(table)
            .fetch_all(pool)
            .await
            .expect("columns");
        for column in columns {
            let sql = format!("SELECT COUNT(*) FROM \"{table}\" WHERE \"{column}\" = ?1 OR CAST(\"{column}\" AS TEXT) = ?2");
            let hits: i64 = sqlx::query_scalar(&sql)
                .bind(member.id as i64)
                .bind(member.id.to_string())
                .fetch_one(pool)
                .await
                .expect("scan");
            assert_eq!(hits, 0, "{table}.{column} still holds the member");
        }
    }
    // Days later the scheduler sends them nothing; the other member still gets their check-in.
    let before = bot.fake.dm_messages_to(member.id).len();
    let later = bot.clock.now() + Duration::days(2);
    bot.clock.set(later);
    bot.running().scheduler.run_due(later).await.expect("a run");
    assert_eq!(bot.fake.dm_messages_to(member.id).len(), before);
    assert!(bot
        .fake
        .dm_messages_to(other.id)
        .iter()
        .any(|m| m["content"]
            .as_str()
            .is_some_and(|c| c.contains("check-in time"))));
    // A later command starts from nothing.
    let status = command(
        &bot,
        &member.guild,
        "program",
        json!([{"type": 1, "name": "status", "options": []}]),
    )
    .await;
    assert_private_reply(&status, "haven't started the program");
    bot.stop().await;
}

#[tokio::test]
async fn cancelling_delete_keeps_everything() {
    let mut bot = TestBot::start().await;
    let member = member_with_history(&bot, 8004).await;
    let (interaction, _) = privacy(&bot, &member.guild, "delete").await;
    let shown = bot
        .fake
        .original_response(&interaction)
        .expect("the prompt");
    let kept = press(&bot, &member.guild, "pv:keep", &shown).await;
    assert!(words(&kept).contains("Nothing was deleted"), "{kept}");
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reflections WHERE member_id = 8004")
        .fetch_one(bot.running().store.pool())
        .await
        .expect("count");
    assert_eq!(rows, 2);
    bot.stop().await;
}

#[tokio::test]
async fn stats_are_aggregate_and_for_admins_only() {
    let mut bot = TestBot::start().await;
    member_with_history(&bot, 8005).await;
    member_with_history(&bot, 8006).await;
    command(
        &bot,
        &Actor::member(8007),
        "faq",
        json!([{"type": 3, "name": "topic", "value": "no-contact"}]),
    )
    .await;

    crate::support::bot::wait_for_count(
        &bot,
        "SELECT COALESCE(SUM(answered), 0) FROM faq_usage",
        1,
    )
    .await;
    let refused = admin(&bot, &Actor::member(8005), "stats", json!([])).await;
    assert_private_reply(&refused, "Manage Server");
    assert!(
        refused["data"]["embeds"]
            .as_array()
            .is_none_or(Vec::is_empty),
        "no figures for a non-admin"
    );

    let reply = admin(&bot, &Actor::admin(8008), "stats", json!([])).await;
    assert_eq!(reply["data"]["flags"].as_u64().unwrap_or(0) & 64, 64);
    let text = words(&reply);
    assert!(text.contains("Enrolled: 2"), "{text}");
    assert!(text.contains("Active in 7 days: 2"), "{text}");
    assert!(text.contains("Step 1: 2"), "{text}");
    assert!(text.contains("100% of 2 check-ins"), "{text}");
    assert!(
        text.contains("1 × Should I use the no-contact rule"),
        "{text}"
    );
    let raw = reply.to_string();
    for id in ["8005", "8006", "8007"] {
        assert!(!raw.contains(id), "the stats reply names no member: {raw}");
    }
    assert!(!raw.contains("Sundays"), "no reflection text");
    bot.stop().await;
}

#[tokio::test]
async fn reload_applies_a_good_file_and_refuses_a_bad_one() {
    let mut bot = TestBot::start().await;
    bot.stop().await;
    // Run on a copy of the content that the test can edit.
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/content.toml");
    let copy = bot.dir.path().join("content.toml");
    let original = std::fs::read_to_string(&shipped).expect("the shipped content");
    std::fs::write(&copy, &original).expect("a copy");
    let mut settings = test_settings(&bot.fake, &bot.database_url, &[]);
    settings.content_path = copy.clone();
    bot.boot_with(settings).await;
    let admin_actor = Actor::admin(8009);
    let asker = Actor::member(8010);
    let ask = || {
        command(
            &bot,
            &asker,
            "faq",
            json!([{"type": 3, "name": "topic", "value": "astrology"}]),
        )
    };

    let edited = original.replace(
        "there is no scientific evidence that they work",
        "they are not backed by evidence (edited)",
    );
    assert_ne!(edited, original);
    std::fs::write(&copy, &edited).expect("edited");
    let reloaded = admin(&bot, &admin_actor, "reload", json!([])).await;
    assert_private_reply(&reloaded, "Reloaded: 7 steps, 10 FAQ entries");
    assert!(words(&ask().await).contains("(edited)"));

    let broken = edited.replacen("min_days = 14", "min_days = 900", 1);
    std::fs::write(&copy, &broken).expect("broken");
    let refused = admin(&bot, &admin_actor, "reload", json!([])).await;
    assert_private_reply(&refused, "was not reloaded");
    assert!(
        words(&refused).contains("steps[1] (Allow time for healing)"),
        "names the entry: {refused}"
    );
    assert!(
        words(&refused).contains("at most 365"),
        "names the rule: {refused}"
    );
    assert!(
        words(&ask().await).contains("(edited)"),
        "the content in use stays"
    );

    let member = admin(&bot, &Actor::member(8011), "reload", json!([])).await;
    assert_private_reply(&member, "Manage Server");
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn privacy_info_says_what_is_kept_why_and_for_how_long() {
    let mut bot = TestBot::start().await;
    let (_, reply) = privacy(&bot, &Actor::member(8012).in_dm(), "info").await;
    assert_private_reply(&reply, "What I keep");
    let text = words(&reply);
    assert!(text.contains("deleted after 180 days"), "{text}");
    assert!(
        text.contains("/privacy export") && text.contains("/privacy delete"),
        "{text}"
    );
    bot.stop().await;
}
