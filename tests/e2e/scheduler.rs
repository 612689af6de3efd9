//! Scheduled delivery through the real outbox sender against the fake Discord: the right
//! local time, exactly once across a crash, 429 storms, 5xx, closed DMs, downtime, and the
//! public post.

use std::sync::Arc;

use chrono::Duration;
use rekindle::delivery::{Lane, SendError};
use rekindle::domain::ids::{ChannelId, GuildId};
use rekindle::scheduler::Scheduler;
use rekindle::service::messages::{BoxFuture, Destination, Messenger, Outgoing};
use serde_json::{json, Value};

use crate::look_back::{run_due, utc};
use crate::member::{assert_private_reply, command, enrol, words, Member};
use crate::support::bot::test_tuning;
use crate::support::{Actor, TestBot};

/// Sets the member's timezone and check-in time with `/settings`.
async fn set_time(bot: &TestBot, member: &Member, timezone: &str, time: &str) {
    let reply = command(
        bot,
        &member.guild,
        "settings",
        json!([{"type": 3, "name": "timezone", "value": timezone}, {"type": 3, "name": "checkin_time", "value": time}]),
    )
    .await;
    assert!(words(&reply).contains("Settings saved"), "{reply}");
}

/// The check-in DMs the member received (not the welcome or other messages).
fn checkins(bot: &TestBot, member: &Member) -> Vec<Value> {
    bot.fake
        .dm_messages_to(member.id)
        .into_iter()
        .filter(|m| {
            m["content"]
                .as_str()
                .is_some_and(|c| c.contains("check-in time"))
        })
        .collect()
}

async fn count(bot: &TestBot, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(bot.running().store.pool())
        .await
        .expect("count")
}

#[tokio::test]
async fn a_check_in_arrives_at_the_members_local_time_with_a_nonce() {
    let mut bot = TestBot::start().await;
    let member = Member::new(7001);
    enrol(&bot, &member).await;
    set_time(&bot, &member, "America/New_York", "20:00").await;
    // The bot's clock starts 2026-03-02 10:00 UTC; 20:00 EST is 01:00 UTC the next day.
    assert_eq!(run_due(&bot, utc(2026, 3, 3, 0, 59)).await.sent, 0);
    assert!(checkins(&bot, &member).is_empty());
    assert_eq!(run_due(&bot, utc(2026, 3, 3, 1, 0)).await.sent, 1);
    let sent = checkins(&bot, &member);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["enforce_nonce"], true);
    let nonce = sent[0]["nonce"].as_str().expect("a nonce");
    assert!(nonce.len() <= 25, "{nonce}");
    // After the US spring-forward (8 March), still 20:00 local: now 00:00 UTC. Five days
    // without a run send one check-in, not five.
    assert_eq!(run_due(&bot, utc(2026, 3, 8, 23, 59)).await.sent, 0);
    assert_eq!(run_due(&bot, utc(2026, 3, 9, 0, 0)).await.sent, 1);
    assert_eq!(checkins(&bot, &member).len(), 2);
    bot.fake.assert_no_violations();
    bot.stop().await;
}

/// Sends for real, then dies before the row can be marked sent: a crash at the worst moment.
struct DiesAfterSending(Arc<dyn Messenger>);

impl Messenger for DiesAfterSending {
    fn send<'a>(
        &'a self,
        to: Destination,
        message: &'a Outgoing,
        lane: Lane,
        nonce: Option<&'a str>,
    ) -> BoxFuture<'a, Result<ChannelId, SendError>> {
        Box::pin(async move {
            let channel = self.0.send(to, message, lane, nonce).await?;
            if lane == Lane::Scheduled {
                panic!(
                    "simulated crash: the message went out, the process died before marking it sent"
                );
            }
            Ok(channel)
        })
    }

    fn channel_guild(
        &self,
        channel: ChannelId,
    ) -> BoxFuture<'_, Result<Option<GuildId>, SendError>> {
        self.0.channel_guild(channel)
    }
}

#[tokio::test]
async fn a_crash_between_send_and_mark_still_leaves_exactly_one_message() {
    let mut bot = TestBot::start().await;
    let member = Member::new(7002);
    enrol(&bot, &member).await;
    let mut services = bot.running().services.clone();
    services.messenger = Arc::new(DiesAfterSending(services.messenger.clone()));
    let doomed = Scheduler::new(services, test_tuning());
    // Default check-in time 19:00 UTC.
    let due = utc(2026, 3, 2, 19, 0);
    bot.clock.set(due);
    let crashed = doomed
        .run_due(due)
        .await
        .expect("the run itself survives its task");
    assert_eq!(crashed.sent, 0, "nothing was marked sent");
    assert_eq!(
        checkins(&bot, &member).len(),
        1,
        "but the message did reach Discord"
    );
    assert_eq!(
        count(&bot, "SELECT COUNT(*) FROM outbox WHERE status = 'pending'").await,
        1
    );

    // "Restart": the real sender picks the row up again and re-sends with the same nonce.
    let after = run_due(&bot, due + Duration::minutes(1)).await;
    assert_eq!(after.sent, 1);
    assert_eq!(
        checkins(&bot, &member).len(),
        1,
        "Discord de-duplicated the nonce: one message"
    );
    let posts = bot
        .fake
        .requests()
        .into_iter()
        .filter(|r| {
            r.method == "POST"
                && r.path == format!("/channels/{}/messages", bot.fake.dm_channel_id(member.id))
        })
        .filter(|r| {
            r.body["content"]
                .as_str()
                .is_some_and(|c| c.contains("check-in time"))
        })
        .count();
    assert_eq!(posts, 2, "sent twice, created once");
    assert_eq!(
        count(&bot, "SELECT COUNT(*) FROM outbox WHERE status = 'sent'").await,
        1
    );
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn a_429_storm_delivers_every_message_exactly_once() {
    let mut bot = TestBot::start().await;
    let members: Vec<Member> = (0..20).map(|i| Member::new(7100 + i)).collect();
    for member in &members {
        enrol(&bot, member).await;
    }
    // One message in five is rate limited; half the time the body lacks `code`.
    bot.fake.set_429_storm(Some(5), 0.01, false);
    let report = run_due(&bot, utc(2026, 3, 2, 19, 0)).await;
    assert_eq!((report.sent, report.failed), (20, 0), "{report:?}");
    assert!(bot.fake.rate_limit_hits() >= 4, "the storm happened");
    for member in &members {
        assert_eq!(
            checkins(&bot, member).len(),
            1,
            "member {} got exactly one",
            member.id
        );
    }
    bot.fake.set_429_storm(Some(5), 0.01, true);
    let report = run_due(&bot, utc(2026, 3, 3, 19, 0)).await;
    assert_eq!(report.sent, 20);
    for member in &members {
        assert_eq!(checkins(&bot, member).len(), 2);
    }
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn server_errors_are_retried_then_the_message_arrives_once() {
    let mut bot = TestBot::start().await;
    let member = Member::new(7003);
    enrol(&bot, &member).await;
    bot.fake.fail_next_messages_with_status(2, 503);
    let report = run_due(&bot, utc(2026, 3, 2, 19, 0)).await;
    assert_eq!((report.sent, report.failed), (1, 0));
    assert_eq!(checkins(&bot, &member).len(), 1);
    assert_eq!(count(&bot, "SELECT attempts FROM outbox").await, 3);
    bot.stop().await;
}

#[tokio::test]
async fn closed_dms_pause_the_member_and_their_next_command_says_why() {
    let mut bot = TestBot::start().await;
    let member = Member::new(7004);
    enrol(&bot, &member).await;
    bot.fake.close_dms_for(member.id);
    let report = run_due(&bot, utc(2026, 3, 2, 19, 0)).await;
    assert_eq!(report.failed, 1);
    assert_eq!(
        count(&bot, "SELECT reachable FROM members WHERE id = 7004").await,
        0
    );
    // No retry storm: days later nothing is attempted.
    let posts_before = bot.fake.requests().len();
    run_due(&bot, utc(2026, 3, 5, 19, 0)).await;
    assert_eq!(bot.fake.requests().len(), posts_before);
    // Typing in an autocomplete neither fails nor uses up the notice.
    let typing = bot
        .fake
        .autocomplete(
            &member.guild,
            "faq",
            json!([{"type": 3, "name": "topic", "value": "astro", "focused": true}]),
        )
        .await;
    let suggestions = bot.fake.wait_answer(&typing, crate::support::WAIT).await;
    assert_eq!(suggestions["type"], 8, "{suggestions}");
    // The next command tells them, privately, once.
    let interaction = bot
        .fake
        .slash(
            &member.guild,
            "faq",
            json!([{"type": 3, "name": "topic", "value": "astrology"}]),
        )
        .await;
    let first = bot
        .fake
        .wait_answer(&interaction, crate::support::WAIT)
        .await;
    assert_private_reply(&first, "paused your check-ins");
    let answer = bot
        .fake
        .wait_followup_or_edit(&interaction, crate::support::WAIT)
        .await;
    assert!(
        answer.body.to_string().contains("astrology"),
        "the command still answers: {}",
        answer.body
    );
    let again = command(&bot, &member.guild, "help", json!([])).await;
    assert!(
        !words(&again).contains("paused your check-ins"),
        "told once: {again}"
    );
    bot.stop().await;
}

#[tokio::test]
async fn two_days_of_downtime_send_at_most_one_check_in_per_member() {
    let mut bot = TestBot::start().await;
    let members: Vec<Member> = (0..3).map(|i| Member::new(7200 + i)).collect();
    for member in &members {
        enrol(&bot, member).await;
    }
    let report = run_due(&bot, utc(2026, 3, 4, 20, 0)).await;
    assert_eq!(report.sent, 3);
    for member in &members {
        assert_eq!(checkins(&bot, member).len(), 1);
    }
    assert_eq!(
        count(
            &bot,
            "SELECT COUNT(*) FROM checkins WHERE status = 'missed'"
        )
        .await,
        6
    );
    bot.stop().await;
}

#[tokio::test]
async fn the_public_post_goes_to_the_configured_channel_at_the_configured_local_time() {
    let mut bot = TestBot::start().await;
    let channel = bot.fake.channel_id();
    let member = Actor::member(7300);
    let refused = command(
        &bot,
        &member,
        "admin",
        json!([{"type": 1, "name": "encouragement", "options": []}]),
    )
    .await;
    assert_private_reply(&refused, "Manage Server");

    let admin = Actor::admin(7301);
    let options = json!([{"type": 1, "name": "encouragement", "options": [
        {"type": 7, "name": "channel", "value": channel.to_string()},
        {"type": 3, "name": "time", "value": "09:30"},
        {"type": 3, "name": "timezone", "value": "Europe/Berlin"},
    ]}]);
    let saved = command(&bot, &admin, "admin", options).await;
    assert!(words(&saved).contains("09:30 (Europe/Berlin)"), "{saved}");
    // 09:30 CET is 08:30 UTC.
    assert_eq!(run_due(&bot, utc(2026, 3, 3, 8, 29)).await.sent, 0);
    assert_eq!(run_due(&bot, utc(2026, 3, 3, 8, 30)).await.sent, 1);
    let posts = bot.fake.messages_to_channel(channel);
    assert_eq!(posts.len(), 1);
    let content = crate::member::content();
    assert_eq!(
        posts[0]["content"],
        content.public_encouragements[0].as_str()
    );
    run_due(&bot, utc(2026, 3, 4, 8, 30)).await;
    let posts = bot.fake.messages_to_channel(channel);
    assert_eq!(
        posts[1]["content"],
        content.public_encouragements[1].as_str(),
        "the next message, not a repeat"
    );
    bot.fake.assert_no_violations();
    bot.stop().await;
}
