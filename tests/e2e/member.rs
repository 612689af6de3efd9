//! A member going through the program by way of the fake Discord: the commands, buttons and
//! direct messages the program scenarios share, and reads of what the database holds.
//!
//! Every helper waits for the bot's answer with a deadline (the fake's `wait_*`), never sleeps.

use std::path::Path;

use rekindle::content::Content;
use serde_json::{json, Value};

use crate::support::{Actor, Interaction, TestBot, WAIT};

pub const EPHEMERAL: u64 = 64;

/// The shipped content, for titles, prompts and `min_days`.
pub fn content() -> Content {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/content.toml");
    Content::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

/// One member, as seen in the server (slash commands) and in their DMs with the bot
/// (check-in components).
pub struct Member {
    pub id: u64,
    pub guild: Actor,
    pub dm: Actor,
}

impl Member {
    pub fn new(id: u64) -> Member {
        Member {
            id,
            guild: Actor::member(id),
            dm: Actor::member(id).in_dm(),
        }
    }
}

pub fn flags(callback: &Value) -> u64 {
    callback["data"]["flags"].as_u64().unwrap_or(0)
}

/// Every word a message (or a callback's `data`) shows: content, embed titles,
/// descriptions and fields, so a test can ask "does the member read X?".
pub fn words(message: &Value) -> String {
    let message = message.get("data").unwrap_or(message);
    let mut out = message["content"].as_str().unwrap_or("").to_owned();
    for embed in message["embeds"].as_array().into_iter().flatten() {
        for key in ["title", "description"] {
            out.push('\n');
            out.push_str(embed[key].as_str().unwrap_or(""));
        }
        for field in embed["fields"].as_array().into_iter().flatten() {
            out.push_str(&format!(
                "\n{}: {}",
                field["name"].as_str().unwrap_or(""),
                field["value"].as_str().unwrap_or("")
            ));
        }
    }
    out
}

/// The `custom_id`s of every component on a message (or a callback's `data`), in order.
pub fn custom_ids(message: &Value) -> Vec<String> {
    let message = message.get("data").unwrap_or(message);
    message["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|c| c["custom_id"].as_str().map(str::to_owned))
        .collect()
}

/// An ephemeral reply (flag 64) whose words contain `expected`.
#[track_caller]
pub fn assert_private_reply(callback: &Value, expected: &str) {
    assert_eq!(callback["type"], 4, "a message reply: {callback}");
    assert_eq!(
        flags(callback) & EPHEMERAL,
        EPHEMERAL,
        "ephemeral: {callback}"
    );
    assert!(
        words(callback).contains(expected),
        "the reply says {expected:?}: {callback}"
    );
}

/// `/admin {sub}` with `options`, and the bot's callback.
pub async fn admin(bot: &TestBot, who: &Actor, sub: &str, options: Value) -> Value {
    command(
        bot,
        who,
        "admin",
        json!([{"type": 1, "name": sub, "options": options}]),
    )
    .await
}

/// `/{name}` with `options`, and the bot's callback.
pub async fn command(bot: &TestBot, who: &Actor, name: &str, options: Value) -> Value {
    let interaction = bot.fake.slash(who, name, options).await;
    bot.fake.wait_answer(&interaction, WAIT).await
}

/// `/program {sub}`, the interaction (for its response message) and the callback.
pub async fn program(bot: &TestBot, who: &Actor, sub: &str) -> (Interaction, Value) {
    let interaction = bot
        .fake
        .slash(
            who,
            "program",
            json!([{"type": 1, "name": sub, "options": []}]),
        )
        .await;
    let callback = bot.fake.wait_answer(&interaction, WAIT).await;
    (interaction, callback)
}

/// Presses the button `custom_id` on `message` and returns the callback.
pub async fn press(bot: &TestBot, who: &Actor, custom_id: &str, message: &Value) -> Value {
    let interaction = bot
        .fake
        .component(who, custom_id, 2, &[], Some(message.clone()))
        .await;
    bot.fake.wait_answer(&interaction, WAIT).await
}

/// Chooses `value` in the select `custom_id` on `message` and returns the callback.
pub async fn select(
    bot: &TestBot,
    who: &Actor,
    custom_id: &str,
    value: &str,
    message: &Value,
) -> Value {
    let interaction = bot
        .fake
        .component(who, custom_id, 3, &[value], Some(message.clone()))
        .await;
    bot.fake.wait_answer(&interaction, WAIT).await
}

/// Waits for `n` more DMs to the member than `before` and returns the new ones.
pub async fn new_dms(bot: &TestBot, member: &Member, before: usize, n: usize) -> Vec<Value> {
    let all = bot.fake.wait_dm_messages(member.id, before + n, WAIT).await;
    all[before..].to_vec()
}

/// `/program start`, the privacy notice, "Begin", and the welcome DM (returned).
pub async fn enrol(bot: &TestBot, member: &Member) -> Value {
    let before = bot.fake.dm_messages_to(member.id).len();
    let (interaction, notice) = program(bot, &member.guild, "start").await;
    assert_eq!(custom_ids(&notice), ["pg:begin", "pg:notnow"], "{notice}");
    let shown = bot
        .fake
        .original_response(&interaction)
        .expect("the privacy notice is the response");
    let begun = press(bot, &member.guild, "pg:begin", &shown).await;
    assert!(
        words(&begun).contains("I've sent you a direct message"),
        "{begun}"
    );
    new_dms(bot, member, before, 1).await.remove(0)
}

/// A check-in as the member received it.
pub struct CheckinDm {
    pub id: i64,
    /// The message object (with its id) to press components on.
    pub message: Value,
}

impl CheckinDm {
    pub fn has(&self, custom_id: &str) -> bool {
        custom_ids(&self.message).iter().any(|c| c == custom_id)
    }
}

/// `/checkin` and the check-in DM it sends.
pub async fn checkin(bot: &TestBot, member: &Member) -> CheckinDm {
    let before = bot.fake.dm_messages_to(member.id).len();
    let callback = command(bot, &member.guild, "checkin", json!([])).await;
    assert_private_reply(&callback, "Your check-in is in your DMs");
    new_dms(bot, member, before, 1).await;
    let message = bot
        .fake
        .created_messages(bot.fake.dm_channel_id(member.id))
        .pop()
        .expect("the check-in message");
    let id = custom_ids(&message)
        .iter()
        .find_map(|c| c.strip_prefix("ci:mood:").and_then(|n| n.parse().ok()))
        .unwrap_or_else(|| panic!("a check-in carries a mood select: {message}"));
    CheckinDm { id, message }
}

// ----- what the database holds -----

/// `(step, paused, outcome)` of the member's program.
pub async fn program_row(bot: &TestBot, member: &Member) -> Option<(i64, i64, Option<String>)> {
    sqlx::query_as("SELECT step, paused, outcome FROM programs WHERE member_id = ?1")
        .bind(member.id as i64)
        .fetch_optional(bot.running().store.pool())
        .await
        .expect("read programs")
}

/// `(event, step)` of the member's step history, oldest first.
pub async fn history(bot: &TestBot, member: &Member) -> Vec<(String, i64)> {
    sqlx::query_as("SELECT event, step FROM step_history WHERE member_id = ?1 ORDER BY id")
        .bind(member.id as i64)
        .fetch_all(bot.running().store.pool())
        .await
        .expect("read step_history")
}

/// `(id, step, mood, status)` of the member's check-ins, oldest first.
pub async fn checkins(bot: &TestBot, member: &Member) -> Vec<(i64, i64, Option<i64>, String)> {
    sqlx::query_as("SELECT id, step, mood, status FROM checkins WHERE member_id = ?1 ORDER BY id")
        .bind(member.id as i64)
        .fetch_all(bot.running().store.pool())
        .await
        .expect("read checkins")
}

/// `(checkin_id, body)` of the member's reflections and journal entries, oldest first.
pub async fn reflections(bot: &TestBot, member: &Member) -> Vec<(Option<i64>, String)> {
    sqlx::query_as("SELECT checkin_id, body FROM reflections WHERE member_id = ?1 ORDER BY id")
        .bind(member.id as i64)
        .fetch_all(bot.running().store.pool())
        .await
        .expect("read reflections")
}

/// `members.reachable` for the member, if they have a row.
pub async fn reachable(bot: &TestBot, member: &Member) -> Option<i64> {
    sqlx::query_scalar("SELECT reachable FROM members WHERE id = ?1")
        .bind(member.id as i64)
        .fetch_optional(bot.running().store.pool())
        .await
        .expect("read members")
}

/// Every row of every table about members, as text: equal snapshots mean nothing changed.
pub async fn snapshot(bot: &TestBot) -> Vec<String> {
    let pool = bot.running().store.pool();
    let mut rows = Vec::new();
    for table in [
        "members",
        "programs",
        "step_history",
        "checkins",
        "reflections",
        "outbox",
    ] {
        let columns: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info(?1)")
            .bind(table)
            .fetch_all(pool)
            .await
            .expect("read the schema");
        let sql = format!(
            "SELECT json_array({}) FROM {table} ORDER BY rowid",
            columns.join(", ")
        );
        let table_rows: Vec<String> = sqlx::query_scalar(&sql)
            .fetch_all(pool)
            .await
            .expect("read a table");
        rows.extend(table_rows.into_iter().map(|row| format!("{table}: {row}")));
    }
    rows
}
