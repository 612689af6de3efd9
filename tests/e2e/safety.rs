//! The safety net end to end: a crisis reply goes out first and is never lost, to a 5xx, a
//! locked database, a flood of other DMs or closed DMs; its form follows safe-messaging
//! practice; the support team hears only when the member asks.

use std::str::FromStr;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sqlx::{Connection, Executor};

use crate::member::{
    assert_private_reply, checkin, command, custom_ids, enrol, flags, new_dms, press, reflections,
    words, Member, EPHEMERAL,
};
use crate::support::{Actor, Recorded, TestBot, WAIT};

const ACUTE: &str = "honestly i just want to die tonight";
const CONCERN: &str = "i cant go on like this anymore, whats the point of me";

/// How fast a crisis reply must go out, whatever else is happening.
const CRISIS_DEADLINE: Duration = Duration::from_secs(2);

fn is_crisis_reply(message: &Value) -> bool {
    words(message).contains("emergency number")
}

/// The first successful message POST to `channel` at or after `since`.
async fn first_post_after(bot: &TestBot, channel: u64, since: Instant) -> Recorded {
    let path = format!("/channels/{channel}/messages");
    bot.fake
        .wait_for_request("a message after the crisis text", WAIT, |r| {
            r.method == "POST" && r.path == path && r.status == 200 && r.at >= since
        })
        .await
}

#[tokio::test]
async fn a_crisis_dm_whose_reply_gets_a_500_is_retried_and_the_words_are_kept() {
    let mut bot = TestBot::start().await;
    let member = Member::new(9101);
    enrol(&bot, &member).await;
    checkin(&bot, &member).await;
    let before = bot.fake.dm_messages_to(member.id).len();
    bot.fake.fail_next_messages_with_status(1, 500);
    bot.fake.dm_message(&member.dm, ACUTE).await;
    let replies = new_dms(&bot, &member, before, 2).await;
    assert!(is_crisis_reply(&replies[0]), "resources first: {replies:?}");
    assert_eq!(replies[0]["embeds"][0]["title"], "You're not alone");
    assert!(
        words(&replies[1]).contains("Thank you for sharing"),
        "{}",
        replies[1]
    );
    let failed = bot
        .fake
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/messages") && r.status == 500)
        .count();
    assert_eq!(failed, 1, "the first attempt failed and was retried");
    assert_eq!(
        reflections(&bot, &member).await.len(),
        1,
        "the words are kept"
    );
    bot.fake.assert_no_violations();
    bot.stop().await;
}

/// Holds the database's write lock from another connection until dropped (or released).
async fn lock_database(bot: &TestBot) -> sqlx::SqliteConnection {
    let options =
        sqlx::sqlite::SqliteConnectOptions::from_str(&bot.database_url).expect("a SQLite URL");
    let mut connection = sqlx::SqliteConnection::connect_with(&options)
        .await
        .expect("a second connection");
    connection
        .execute("BEGIN IMMEDIATE")
        .await
        .expect("the write lock");
    connection
        .execute("UPDATE members SET encouragement = encouragement")
        .await
        .expect("a write inside the lock");
    connection
}

#[tokio::test]
async fn with_the_database_locked_for_8_s_a_crisis_dm_and_a_crisis_modal_are_answered_within_2_s() {
    let mut bot = TestBot::start().await;
    let member = Member::new(9102);
    enrol(&bot, &member).await;
    let first = checkin(&bot, &member).await;
    let modal = press(
        &bot,
        &member.dm,
        &format!("ci:reflect:{}", first.id),
        &first.message,
    )
    .await;
    let modal_id = modal["data"]["custom_id"]
        .as_str()
        .expect("a modal")
        .to_owned();
    let dm_channel = bot.fake.dm_channel_id(member.id);

    let mut lock = lock_database(&bot).await;
    let locked_at = Instant::now();

    let sent = Instant::now();
    bot.fake.dm_message(&member.dm, ACUTE).await;
    let reply = first_post_after(&bot, dm_channel, sent).await;
    let dm_latency = reply.at - sent;
    assert!(is_crisis_reply(reply.payload()), "{}", reply.payload());
    assert!(
        dm_latency < CRISIS_DEADLINE,
        "crisis DM took {dm_latency:?}"
    );

    let sent = Instant::now();
    let submitted = bot
        .fake
        .modal_submit(
            &member.dm,
            &modal_id,
            &[("reflection", "i want to kill myself")],
        )
        .await;
    let callback = bot.fake.wait_callback(&submitted, WAIT).await;
    let modal_latency = Instant::now() - sent;
    assert_eq!(flags(&callback) & EPHEMERAL, EPHEMERAL);
    assert!(is_crisis_reply(&callback), "{callback}");
    assert!(
        modal_latency < CRISIS_DEADLINE,
        "crisis modal took {modal_latency:?}"
    );
    println!("locked database: crisis DM reply in {dm_latency:?}, crisis modal response in {modal_latency:?}");

    // The lock holds for 8 s in all (the fault being injected), then goes.
    tokio::time::sleep_until((locked_at + Duration::from_secs(8)).into()).await;
    lock.execute("ROLLBACK").await.expect("release");
    drop(lock);
    // The words wait for the lock and are kept afterwards: both.
    let deadline = Instant::now() + WAIT * 4;
    while reflections(&bot, &member).await.len() < 2 {
        assert!(
            Instant::now() < deadline,
            "the words were not kept after the lock"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn a_flood_of_dms_from_strangers_neither_delays_a_crisis_reply_nor_trips_the_global_limit() {
    let mut bot = TestBot::start().await;
    bot.fake.set_rate_limit_per_second(Some(50));
    let fake = bot.fake.clone();
    let flood = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_millis(5));
        for id in 0..200u64 {
            tick.tick().await;
            fake.dm_message(
                &Actor::member(50_000 + id).in_dm(),
                "hello? is anyone there",
            )
            .await;
        }
    });
    // Halfway through the flood, someone in danger writes.
    bot.fake
        .wait_for_requests("the flood under way", 3, WAIT, |r| {
            r.method == "POST" && r.path.ends_with("/messages")
        })
        .await;
    let stranger = Actor::member(9103).in_dm();
    let sent = Instant::now();
    bot.fake.dm_message(&stranger, ACUTE).await;
    let reply = first_post_after(&bot, bot.fake.dm_channel_id(9103), sent).await;
    let latency = reply.at - sent;
    assert!(is_crisis_reply(reply.payload()), "{}", reply.payload());
    assert!(latency < CRISIS_DEADLINE, "crisis reply took {latency:?}");
    flood.await.expect("the flood ran");
    let flood_replies = bot
        .fake
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/messages") && r.status == 200)
        .count()
        - 1;
    println!("flood of 200 DMs in ~1 s: crisis reply in {latency:?}; {flood_replies} ordinary replies sent, the rest shed; {} global 429s", bot.fake.rate_limit_hits());
    assert_eq!(bot.fake.rate_limit_hits(), 0, "no global 429");
    assert!(
        flood_replies <= 15,
        "ordinary replies are paced, not one per DM: {flood_replies}"
    );
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn a_member_with_a_region_sees_that_countrys_lines_first() {
    let mut bot = TestBot::start().await;
    let member = Member::new(9104);
    enrol(&bot, &member).await;
    let saved = command(
        &bot,
        &member.guild,
        "settings",
        json!([{"type": 3, "name": "region", "value": "DE"}]),
    )
    .await;
    assert!(words(&saved).contains("Germany (DE)"), "{saved}");
    let before = bot.fake.dm_messages_to(member.id).len();
    bot.fake.dm_message(&member.dm, ACUTE).await;
    let reply = new_dms(&bot, &member, before, 1).await.remove(0);
    let text = words(&reply);
    assert!(text.contains("(112)"), "Germany's emergency number: {text}");
    assert!(text.contains("TelefonSeelsorge"), "{text}");
    let germany = text.find("TelefonSeelsorge").unwrap_or(usize::MAX);
    let anywhere = text.find("Find A Helpline").unwrap_or(0);
    assert!(germany < anywhere, "the country's lines come first: {text}");

    // Without a region: the international directories.
    let stranger = Member::new(9105);
    bot.fake.dm_message(&stranger.dm, ACUTE).await;
    let reply = new_dms(&bot, &stranger, 0, 1).await.remove(0);
    let text = words(&reply);
    assert!(text.contains("Find A Helpline"), "{text}");
    assert!(!text.contains("TelefonSeelsorge"), "{text}");
    assert!(text.contains("/settings region"), "{text}");

    // A bad region is refused with a kind message and changes nothing.
    let refused = command(
        &bot,
        &member.guild,
        "settings",
        json!([{"type": 3, "name": "region", "value": "Atlantis"}]),
    )
    .await;
    assert_private_reply(&refused, "I don't know the country “Atlantis”");
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn the_support_team_hears_only_when_the_member_presses_and_never_their_words() {
    let mut bot = TestBot::start().await;
    let support = 880_001;
    bot.fake.add_text_channel(support);
    let admin = Actor::admin(9110);
    let member = Member::new(9111);
    // Not an admin: refused, nothing set.
    let refused = command(
        &bot,
        &member.guild,
        "admin",
        json!([{"type": 1, "name": "support-channel", "options": [
            {"type": 7, "name": "channel", "value": support.to_string()}]}]),
    )
    .await;
    assert_private_reply(&refused, "Manage Server");
    let saved = command(
        &bot,
        &admin,
        "admin",
        json!([{"type": 1, "name": "support-channel", "options": [
            {"type": 7, "name": "channel", "value": support.to_string()}]}]),
    )
    .await;
    assert_private_reply(&saved, "never their words");
    enrol(&bot, &member).await;

    let before = bot.fake.dm_messages_to(member.id).len();
    let secret = "i have the pills and i want to die, nobody can know";
    bot.fake.dm_message(&member.dm, secret).await;
    new_dms(&bot, &member, before, 2).await;
    let reply = bot
        .fake
        .created_messages(bot.fake.dm_channel_id(member.id))
        .into_iter()
        .find(is_crisis_reply)
        .expect("the crisis reply");
    let ask = format!("cr:ask:{}", bot.fake.guild_id());
    assert_eq!(custom_ids(&reply), std::slice::from_ref(&ask), "{reply}");
    assert!(
        bot.fake.messages_to_channel(support).is_empty(),
        "nothing is posted before the press"
    );

    let interaction = bot
        .fake
        .component(&member.dm, &ask, 2, &[], Some(reply.clone()))
        .await;
    let deferred = bot.fake.wait_callback(&interaction, WAIT).await;
    assert_eq!(
        deferred["type"], 5,
        "answered at once, deferred: {deferred}"
    );
    let edit = bot.fake.wait_followup_or_edit(&interaction, WAIT).await;
    assert!(
        words(edit.payload()).contains("I've let the server's support team know"),
        "{:?}",
        edit.payload()
    );
    let posts = bot.fake.messages_to_channel(support);
    assert_eq!(posts.len(), 1, "{posts:?}");
    let post = words(&posts[0]);
    assert!(post.contains(&format!("<@{}>", member.id)), "{post}");
    assert!(
        !post.contains("pills") && !post.contains("nobody"),
        "never their words: {post}"
    );

    // A second press within the hour does not post again.
    let again = bot
        .fake
        .component(&member.dm, &ask, 2, &[], Some(reply))
        .await;
    bot.fake.wait_callback(&again, WAIT).await;
    let edit = bot.fake.wait_followup_or_edit(&again, WAIT).await;
    assert!(
        words(edit.payload()).contains("already"),
        "{:?}",
        edit.payload()
    );
    assert_eq!(bot.fake.messages_to_channel(support).len(), 1);
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn a_modal_whose_checkin_is_gone_still_answers_a_crisis_text_and_keeps_it_as_a_journal_entry()
{
    let mut bot = TestBot::start().await;
    let member = Member::new(9120);
    enrol(&bot, &member).await;
    let first = checkin(&bot, &member).await;
    let modal = press(
        &bot,
        &member.dm,
        &format!("ci:reflect:{}", first.id),
        &first.message,
    )
    .await;
    let modal_id = modal["data"]["custom_id"]
        .as_str()
        .expect("a modal")
        .to_owned();
    sqlx::query("DELETE FROM checkins WHERE id = ?1")
        .bind(first.id)
        .execute(bot.running().store.pool())
        .await
        .expect("the check-in is gone");
    let submitted = bot
        .fake
        .modal_submit(
            &member.dm,
            &modal_id,
            &[("reflection", "i dont want to be alive anymore")],
        )
        .await;
    let callback = bot.fake.wait_callback(&submitted, WAIT).await;
    assert!(is_crisis_reply(&callback), "{callback}");
    assert_eq!(flags(&callback) & EPHEMERAL, EPHEMERAL);
    let deadline = Instant::now() + WAIT;
    loop {
        let kept = reflections(&bot, &member).await;
        if !kept.is_empty() {
            assert_eq!(kept[0].0, None, "kept as a journal entry");
            break;
        }
        assert!(Instant::now() < deadline, "the words were not kept");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn hopelessness_gets_a_gentle_check_in_and_repeats_get_the_short_reply() {
    let mut bot = TestBot::start().await;
    let member = Member::new(9130);
    bot.fake.dm_message(&member.dm, CONCERN).await;
    let gentle = new_dms(&bot, &member, 0, 1).await.remove(0);
    assert_eq!(gentle["embeds"][0]["title"], "I'm here", "{gentle}");
    assert_eq!(custom_ids(&gentle), ["cr:lines"]);
    assert!(
        !words(&gentle).contains("Find A Helpline"),
        "lines come with the button: {gentle}"
    );
    let message = bot
        .fake
        .created_messages(bot.fake.dm_channel_id(member.id))
        .remove(0);
    let lines = press(&bot, &member.dm, "cr:lines", &message).await;
    assert_private_reply(&lines, "Find A Helpline");
    assert!(words(&lines).contains("emergency number"));

    // Worse: the full acute reply, even within minutes.
    bot.fake.dm_message(&member.dm, ACUTE).await;
    let acute = new_dms(&bot, &member, 1, 1).await.remove(0);
    assert_eq!(acute["embeds"][0]["title"], "You're not alone", "{acute}");
    // Again within minutes: short, with a line to call, no embed.
    bot.fake
        .dm_message(&member.dm, "i want to kill myself")
        .await;
    let short = new_dms(&bot, &member, 2, 1).await.remove(0);
    assert!(
        short["embeds"].as_array().is_none_or(Vec::is_empty),
        "{short}"
    );
    let text = words(&short);
    assert!(
        text.contains("I'm still here") && text.contains("findahelpline"),
        "{text}"
    );
    // After ten minutes, the full reply again.
    bot.clock.advance(chrono::Duration::minutes(11));
    bot.fake
        .dm_message(&member.dm, "i want to kill myself")
        .await;
    let full = new_dms(&bot, &member, 3, 1).await.remove(0);
    assert_eq!(full["embeds"][0]["title"], "You're not alone", "{full}");
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn a_crisis_reply_that_cannot_be_sent_by_dm_comes_with_the_next_command() {
    let mut bot = TestBot::start().await;
    let member = Member::new(9140);
    bot.fake.close_dms_for(member.id);
    bot.fake.dm_message(&member.dm, ACUTE).await;
    bot.fake
        .wait_for_request("the refused crisis reply", WAIT, |r| {
            r.path == format!("/channels/{}/messages", bot.fake.dm_channel_id(member.id))
                && r.status == 403
        })
        .await;
    let callback = command(&bot, &member.guild, "faq", json!([])).await;
    assert_eq!(flags(&callback) & EPHEMERAL, EPHEMERAL);
    assert!(is_crisis_reply(&callback), "{callback}");
    // Once only.
    let next = command(&bot, &member.guild, "steps", json!([])).await;
    assert!(!is_crisis_reply(&next), "{next}");
    bot.fake.assert_no_violations();
    bot.stop().await;
}
