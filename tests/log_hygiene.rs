//! A whole member journey with every log line captured, at trace level for our crate and
//! everything else RUST_LOG could ask for: the token and members' words never appear.
//!
//! Its own test binary: the capture is the process-wide subscriber, as in `main`, so every
//! thread and every callsite is seen.

#[path = "e2e/member.rs"]
#[allow(dead_code)]
mod member;
#[path = "support/mod.rs"]
mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use chrono::Duration;
use rekindle::clock::Clock;
use serde_json::json;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::Layer;

use crate::member::{checkin, command, custom_ids, enrol, press, select, Member};
use crate::support::fake::TOKEN;
use crate::support::{TestBot, WAIT};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const REFLECTION: &str = "Quietly-Unique reflection about the lake house";
const JOURNAL: &str = "Quietly-Unique journal line about Thursday";
const CRISIS: &str = "Quietly-Unique: some nights I want to die";
const WRITTEN: &str = "Quietly-Unique entry written in the journal modal @everyone";

#[tokio::test]
async fn a_full_journey_logs_neither_the_token_nor_what_the_member_wrote() {
    // `log` records (tungstenite's) go through tracing too, as in `main`.
    let _ = tracing_log::LogTracer::init();
    let captured = Captured::default();
    let writer = captured.clone();
    let rust_log =
        "trace,serenity=trace,tungstenite=trace,tokio_tungstenite=trace,poise=trace,rekindle=trace";
    let layer = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .with_filter(rekindle::logging::filter(Some(rust_log)));
    tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer))
        .expect("the only subscriber");

    let mut bot = TestBot::start().await;
    let member = Member::new(9001);
    enrol(&bot, &member).await;
    let dm = checkin(&bot, &member).await;
    select(
        &bot,
        &member.dm,
        &format!("ci:mood:{}", dm.id),
        "2",
        &dm.message,
    )
    .await;
    let modal = press(
        &bot,
        &member.dm,
        &format!("ci:reflect:{}", dm.id),
        &dm.message,
    )
    .await;
    let modal_id = modal["data"]["custom_id"]
        .as_str()
        .expect("a modal")
        .to_owned();
    let submitted = bot
        .fake
        .modal_submit(&member.dm, &modal_id, &[("reflection", REFLECTION)])
        .await;
    bot.fake.wait_callback(&submitted, WAIT).await;
    for text in [JOURNAL, CRISIS] {
        let before = bot.fake.dm_messages_to(member.id).len();
        bot.fake.dm_message(&member.dm, text).await;
        bot.fake.wait_dm_messages(member.id, before + 1, WAIT).await;
    }
    command(
        &bot,
        &member.guild,
        "privacy",
        json!([{"type": 1, "name": "export", "options": []}]),
    )
    .await;
    // The journal: written by modal, listed, searched, suggested and read whole.
    let journal = |sub: &str, options: serde_json::Value| json!([{"type": 1, "name": sub, "options": options}]);
    command(&bot, &member.guild, "journal", journal("write", json!([]))).await;
    let written = bot
        .fake
        .modal_submit(&member.guild, "jn:write", &[("entry", WRITTEN)])
        .await;
    bot.fake.wait_answer(&written, WAIT).await;
    command(&bot, &member.guild, "journal", journal("list", json!([]))).await;
    let search = json!([{"type": 3, "name": "text", "value": "quietly unique"}]);
    command(&bot, &member.guild, "journal", journal("search", search)).await;
    let typed = json!([{"type": 3, "name": "entry", "value": "Quietly", "focused": true}]);
    let suggested = bot
        .fake
        .autocomplete(&member.guild, "journal", journal("read", typed))
        .await;
    let choices = bot.fake.wait_callback(&suggested, WAIT).await;
    let entry = choices["data"]["choices"][0]["value"].clone();
    let read = json!([{"type": 3, "name": "entry", "value": entry}]);
    let whole = command(&bot, &member.guild, "journal", journal("read", read)).await;
    assert_eq!(
        whole["data"]["embeds"][0]["description"], WRITTEN,
        "the journal steps ran"
    );
    // The next day at 19:00 UTC: the scheduled check-in (and its rendering) are logged too.
    let later = bot.clock.now() + Duration::hours(33);
    bot.clock.set(later);
    bot.running()
        .scheduler
        .run_due(later)
        .await
        .expect("a scheduler run");
    bot.fake.drop_gateway().await;
    let status = command(
        &bot,
        &member.guild,
        "program",
        json!([{"type": 1, "name": "status", "options": []}]),
    )
    .await;
    assert!(custom_ids(&status).is_empty());
    bot.stop().await;

    let logs = String::from_utf8_lossy(&captured.0.lock().expect("logs")).into_owned();
    // The capture works: our own lines and the libraries' are there.
    assert!(
        logs.contains("connected to Discord"),
        "{}",
        &logs[..logs.len().min(2000)]
    );
    assert!(
        logs.contains("outbox run finished"),
        "the scheduler logged its run"
    );
    assert!(
        logs.contains("serenity::gateway"),
        "library lines are captured too"
    );
    assert!(
        logs.contains("sent=1"),
        "a scheduled check-in went out: {logs}"
    );
    // And nothing private is.
    for secret in [
        TOKEN,
        "rekindle-test-token-not-a-secret",
        REFLECTION,
        JOURNAL,
        CRISIS,
        WRITTEN,
        "Quietly-Unique",
    ] {
        assert!(!logs.contains(secret), "the logs contain {secret:?}");
    }
}
