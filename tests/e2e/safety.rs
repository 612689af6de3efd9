//! The safety net end to end: a crisis reply goes out first and is never lost, to a 5xx, a
//! locked database, a flood of other DMs or closed DMs; its form follows safe-messaging
//! practice; the support team hears only when the member asks.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sqlx::Executor;

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

    let mut lock = bot.lock_database().await;
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
    let callback = bot.fake.wait_answer(&submitted, WAIT).await;
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
    // The team's channel gets one note saying what will arrive there.
    let note = bot.fake.messages_to_channel(support);
    assert_eq!(note.len(), 1, "{note:?}");
    assert!(
        words(&note[0]).contains("only their mention"),
        "{}",
        note[0]
    );
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
    assert_eq!(
        bot.fake.messages_to_channel(support).len(),
        1,
        "nothing is posted before the press"
    );

    let interaction = bot
        .fake
        .component(&member.dm, &ask, 2, &[], Some(reply.clone()))
        .await;
    let answer = bot.fake.wait_answer(&interaction, WAIT).await;
    assert_private_reply(&answer, "I've let the server's support team know");
    let posts = bot.fake.messages_to_channel(support);
    assert_eq!(posts.len(), 2, "{posts:?}");
    let post = words(&posts[1]);
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
    let answer = bot.fake.wait_answer(&again, WAIT).await;
    assert_private_reply(&answer, "already");
    assert_eq!(bot.fake.messages_to_channel(support).len(), 2);
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
    let callback = bot.fake.wait_answer(&submitted, WAIT).await;
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
    let channel = bot.fake.dm_channel_id(member.id);
    // The crisis replies to this member, in order (they are not enrolled, so each is
    // followed by a note that nothing was kept).
    let is_reply = |m: &Value| is_crisis_reply(m) || m["embeds"][0]["title"] == "I'm here";
    let crisis_replies = |n: usize| {
        let fake = bot.fake.clone();
        async move {
            fake.wait_channel_messages(channel, WAIT, |all| {
                all.iter().filter(|m| is_reply(m)).count() >= n
            })
            .await
            .into_iter()
            .filter(|m| is_reply(m))
            .collect::<Vec<Value>>()
        }
    };
    bot.fake.dm_message(&member.dm, CONCERN).await;
    let gentle = crisis_replies(1).await.remove(0);
    assert_eq!(gentle["embeds"][0]["title"], "I'm here", "{gentle}");
    assert_eq!(custom_ids(&gentle), ["cr:lines"]);
    assert!(
        !words(&gentle).contains("Find A Helpline"),
        "lines come with the button: {gentle}"
    );
    let message = bot.fake.created_messages(channel).remove(0);
    let lines = press(&bot, &member.dm, "cr:lines", &message).await;
    assert_private_reply(&lines, "Find A Helpline");
    assert!(words(&lines).contains("emergency number"));

    // Worse: the full acute reply, even within minutes.
    bot.fake.dm_message(&member.dm, ACUTE).await;
    let acute = crisis_replies(2).await.remove(1);
    assert_eq!(acute["embeds"][0]["title"], "You're not alone", "{acute}");
    // Again within minutes: short, with a line to call, no embed.
    bot.fake
        .dm_message(&member.dm, "i want to kill myself")
        .await;
    let short = crisis_replies(3).await.remove(2);
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
    let full = crisis_replies(4).await.remove(3);
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

// ----- Found by the adversarial review; each failed before its fix. -----

#[tokio::test]
async fn a_raid_of_crisis_texts_is_answered_in_turn_without_tripping_the_global_limit() {
    let mut bot = TestBot::start().await;
    bot.fake.set_rate_limit_per_second(Some(50));
    let fake = bot.fake.clone();
    let raid = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_millis(5));
        for id in 0..200u64 {
            tick.tick().await;
            fake.dm_message(&Actor::member(60_000 + id).in_dm(), "kms")
                .await;
        }
    });
    bot.fake
        .wait_for_requests("the raid under way", 60, WAIT, |r| {
            r.method == "POST" && r.path.ends_with("/messages")
        })
        .await;
    let member = Actor::member(9901).in_dm();
    let sent = Instant::now();
    bot.fake.dm_message(&member, ACUTE).await;
    let reply = first_post_after(&bot, bot.fake.dm_channel_id(9901), sent).await;
    raid.await.expect("the raid ran");
    let hits = bot.fake.rate_limit_hits();
    println!(
        "raid of 200 crisis texts in ~1 s: a genuine crisis reply after {:?}; {hits} global 429s",
        reply.at - sent
    );
    assert!(is_crisis_reply(reply.payload()));
    assert_eq!(hits, 0, "no global 429");
    bot.stop().await;
}

#[tokio::test]
async fn someone_in_no_program_is_not_offered_a_servers_support_team() {
    let mut bot = TestBot::start().await;
    let support = 880_101;
    bot.fake.add_text_channel(support);
    command(
        &bot,
        &Actor::admin(9910),
        "admin",
        json!([{"type": 1, "name": "support-channel", "options": [
            {"type": 7, "name": "channel", "value": support.to_string()}]}]),
    )
    .await;
    let stranger = Member::new(9902);
    bot.fake.dm_message(&stranger.dm, ACUTE).await;
    let reply = new_dms(&bot, &stranger, 0, 1).await.remove(0);
    assert!(is_crisis_reply(&reply));
    assert!(custom_ids(&reply).is_empty(), "{:?}", custom_ids(&reply));
    bot.stop().await;
}

#[tokio::test]
async fn a_forged_ask_for_another_server_posts_nothing() {
    let mut bot = TestBot::start().await;
    let (other_guild, other_channel) = (4_242_424_242_i64, 880_202_u64);
    bot.fake.add_text_channel(other_channel);
    sqlx::query(
        "INSERT INTO guild_settings (guild_id, support_channel_id, updated_at) VALUES (?1, ?2, 0)",
    )
    .bind(other_guild)
    .bind(other_channel as i64)
    .execute(bot.running().store.pool())
    .await
    .expect("inserted");
    let member = Member::new(9903);
    enrol(&bot, &member).await;
    let forged = format!("cr:ask:{other_guild}");
    let interaction = bot.fake.component(&member.dm, &forged, 2, &[], None).await;
    let answer = bot.fake.wait_answer(&interaction, WAIT).await;
    assert_private_reply(&answer, "couldn't reach the server's support team");
    assert!(bot.fake.messages_to_channel(other_channel).is_empty());
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn an_undelivered_acute_reply_is_not_downgraded_by_a_later_concern() {
    let mut bot = TestBot::start().await;
    let member = Member::new(9904);
    bot.fake.close_dms_for(member.id);
    let path = format!("/channels/{}/messages", bot.fake.dm_channel_id(member.id));
    bot.fake.dm_message(&member.dm, ACUTE).await;
    bot.fake.dm_message(&member.dm, CONCERN).await;
    // Each DM: the crisis reply, then the note that nothing was kept; all refused.
    bot.fake
        .wait_for_requests("four refused replies", 4, WAIT, |r| {
            r.path == path && r.status == 403
        })
        .await;
    let callback = command(&bot, &member.guild, "faq", json!([])).await;
    assert_eq!(
        callback["data"]["embeds"][0]["title"], "You're not alone",
        "{callback}"
    );
    bot.stop().await;
}
