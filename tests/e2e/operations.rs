//! Running the bot as a server's team and a host do (issue 12): home servers, statistics per
//! server, `/admin health`, alerts at most once an hour, and the `/healthz` and `/metrics`
//! listener, all through the real bot against the fake Discord.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use rekindle::delivery::{ChannelProblem, SendError};
use rekindle::domain::ids::{ChannelId, GuildId};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::member::{admin, assert_private_reply, command, content, enrol, words, Member};
use crate::support::bot::wait_for_count;
use crate::support::{Actor, TestBot, WAIT};

/// A second server, with its text channel.
const OTHER_GUILD: u64 = 900_000_000_000_000_500;
const OTHER_CHANNEL: u64 = 900_000_000_000_000_501;
/// Channels of the test guild: the public encouragement and the team's alerts.
const PUBLIC: u64 = 900_000_000_000_000_030;
const ALERTS: u64 = 900_000_000_000_000_040;

const REFUSED: &str = "This command is for the server's admins";

fn at(hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, hour, minute, 0)
        .single()
        .expect("a valid instant")
}

/// Message creations the bot attempted in `channel`, whatever the answer.
fn posts_to(bot: &TestBot, channel: u64) -> Vec<u16> {
    let path = format!("/channels/{channel}/messages");
    bot.fake
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == path)
        .map(|r| r.status)
        .collect()
}

fn question(key: &str) -> String {
    content()
        .faq
        .iter()
        .find(|entry| entry.key == key)
        .map(|entry| entry.question.clone())
        .expect("a shipped FAQ entry")
}

/// Sets the alerts channel of the test guild to `ALERTS`, and checks the reply.
async fn set_alerts(bot: &TestBot, who: &Actor) {
    bot.fake.add_text_channel(ALERTS);
    let reply = admin(
        bot,
        who,
        "alerts",
        json!([{"type": 7, "name": "channel", "value": ALERTS.to_string()}]),
    )
    .await;
    assert_private_reply(&reply, &format!("Operational alerts go to <#{ALERTS}>"));
}

/// Sets the public encouragement to `PUBLIC` at 10:30 UTC (the clock says 10:00).
async fn set_public_post(bot: &TestBot, who: &Actor) {
    bot.fake.add_text_channel(PUBLIC);
    let reply = admin(
        bot,
        who,
        "encouragement",
        json!([
            {"type": 7, "name": "channel", "value": PUBLIC.to_string()},
            {"type": 3, "name": "time", "value": "10:30"},
            {"type": 3, "name": "timezone", "value": "UTC"}
        ]),
    )
    .await;
    assert!(words(&reply).contains(&format!("<#{PUBLIC}>")), "{reply}");
}

async fn run_at(bot: &TestBot, now: DateTime<Utc>) {
    bot.clock.set(now);
    bot.running()
        .scheduler
        .run_due(now)
        .await
        .expect("a scheduler run");
}

#[tokio::test]
async fn a_server_not_on_the_list_is_left_and_its_interactions_get_one_private_line_and_change_nothing(
) {
    let home = GuildId::new(crate::support::fake::HOME_GUILD);
    let mut bot = TestBot::start_with(|settings| settings.servers.allowed = vec![home]).await;
    // Someone adds the bot to their own server.
    bot.fake.add_bot_to_guild(OTHER_GUILD, OTHER_CHANNEL).await;
    bot.fake
        .wait_for_request("the bot leaves the other server", WAIT, |r| {
            r.method == "DELETE" && r.path == format!("/users/@me/guilds/{OTHER_GUILD}")
        })
        .await;
    assert_eq!(
        bot.fake.left_guilds(),
        vec![OTHER_GUILD],
        "the home server is kept"
    );

    // Interactions that were already on their way from there are answered with one line.
    let stranger = Actor::admin(7101).in_server(OTHER_GUILD, OTHER_CHANNEL);
    for (name, options) in [
        (
            "faq",
            json!([{"type": 3, "name": "topic", "value": "astrology"}]),
        ),
        (
            "admin",
            json!([{"type": 1, "name": "stats", "options": []}]),
        ),
        (
            "program",
            json!([{"type": 1, "name": "start", "options": []}]),
        ),
    ] {
        let reply = command(&bot, &stranger, name, options).await;
        assert_private_reply(&reply, "This bot only serves its home server.");
        assert!(!words(&reply).contains("Enrolled"), "{reply}");
    }
    let pressed = bot
        .fake
        .component(&stranger, "pg:begin", 2, &[], None)
        .await;
    let reply = bot.fake.wait_answer(&pressed, WAIT).await;
    assert_private_reply(&reply, "This bot only serves its home server.");
    let autocomplete = bot
        .fake
        .autocomplete(
            &stranger,
            "faq",
            json!([{"type": 3, "name": "topic", "value": "jeal", "focused": true}]),
        )
        .await;
    // Autocomplete cannot carry a message: it is not answered at all.
    let home_member = Actor::member(7102);
    let reply = command(
        &bot,
        &home_member,
        "faq",
        json!([{"type": 3, "name": "topic", "value": "astrology"}]),
    )
    .await;
    assert!(words(&reply).contains(&question("astrology")), "{reply}");
    wait_for_count(&bot, "SELECT COALESCE(SUM(answered), 0) FROM faq_usage", 1).await;
    let pool = bot.running().store.pool();
    let members: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM members")
        .fetch_one(pool)
        .await
        .expect("a count");
    assert_eq!(members, 0, "nothing was written for the other server");
    let path = format!(
        "/interactions/{}/{}/callback",
        autocomplete.id, autocomplete.token
    );
    assert!(
        !bot.fake.requests().iter().any(|r| r.path == path),
        "the autocomplete from the other server was not answered"
    );
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn stats_in_one_server_count_only_its_members_and_its_faq_questions() {
    let mut bot = TestBot::start().await;
    let in_home = Member::new(7201);
    let mut in_other = Member::new(7202);
    in_other.guild = Actor::member(7202).in_server(OTHER_GUILD, OTHER_CHANNEL);
    enrol(&bot, &in_home).await;
    enrol(&bot, &in_other).await;
    let faq = |who: Actor, topic: &'static str| {
        let bot = &bot;
        async move {
            command(
                bot,
                &who,
                "faq",
                json!([{"type": 3, "name": "topic", "value": topic}]),
            )
            .await
        }
    };
    faq(in_home.guild.clone(), "astrology").await;
    faq(in_other.guild.clone(), "jealousy").await;
    // Asked in DMs: counted for the server the member enrolled in.
    faq(in_other.dm.clone(), "no-contact").await;
    wait_for_count(&bot, "SELECT COALESCE(SUM(answered), 0) FROM faq_usage", 3).await;

    let home_stats = words(&admin(&bot, &Actor::admin(7203), "stats", json!([])).await);
    assert!(home_stats.contains("Enrolled: 1"), "{home_stats}");
    assert!(
        home_stats.contains(&format!("1 × {}", question("astrology"))),
        "{home_stats}"
    );
    for elsewhere in ["jealousy", "no-contact"] {
        assert!(!home_stats.contains(&question(elsewhere)), "{home_stats}");
    }
    let other_admin = Actor::admin(7204).in_server(OTHER_GUILD, OTHER_CHANNEL);
    let other_stats = words(&admin(&bot, &other_admin, "stats", json!([])).await);
    assert!(other_stats.contains("Enrolled: 1"), "{other_stats}");
    assert!(other_stats.contains("Step 1: 1"), "{other_stats}");
    assert!(other_stats.contains(&question("jealousy")), "{other_stats}");
    assert!(
        other_stats.contains(&question("no-contact")),
        "{other_stats}"
    );
    assert!(
        !other_stats.contains(&question("astrology")),
        "{other_stats}"
    );
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn admin_health_shows_version_uptime_gateway_scheduler_outbox_unreachable_and_problems() {
    let mut bot = TestBot::start().await;
    let admin_actor = Actor::admin(7301);
    // One member whose DMs closed, so a check-in fails: an unreachable member, a failed row.
    let closed = Member::new(7302);
    enrol(&bot, &closed).await;
    bot.fake.close_dms_for(closed.id);
    // A public post the channel refuses: a problem for this server.
    set_public_post(&bot, &admin_actor).await;
    bot.fake.refuse_channel(PUBLIC, Some(50013));
    run_at(&bot, at(10, 30)).await;
    run_at(&bot, at(19, 0)).await;
    bot.clock.set(at(19, 5));

    let reply = admin(&bot, &admin_actor, "health", json!([])).await;
    assert_private_reply(&reply, "Rekindle health");
    let text = words(&reply);
    println!("/admin health as rendered:\n{text}");
    for expected in [
        &format!("Version: {}", env!("CARGO_PKG_VERSION")),
        "Up for: 9 h 5 min",
        "Gateway: shard 0: connected, ",
        "reconnects since start: 0",
        "Scheduler: last pass 5 min ago",
        "Outbox (this server's members and posts): 0 pending · 2 failed (last 7 days) · ",
        " sent today (UTC)",
        "Members unreachable by DM: 1 (of this server's members)",
        "**public encouragement**: the public encouragement was not posted: the bot may not post there (Missing Permissions, 50013)",
    ] {
        assert!(text.contains(expected), "{expected:?} in\n{text}");
    }
    assert!(
        !text.contains(&closed.id.to_string()),
        "no member id: {text}"
    );

    // Another server's admins read nothing about this server's problem.
    let other = Actor::admin(7303).in_server(OTHER_GUILD, OTHER_CHANNEL);
    let theirs = words(&admin(&bot, &other, "health", json!([])).await);
    assert!(theirs.contains("Last problems: none"), "{theirs}");
    assert!(theirs.contains("Members unreachable by DM: 0"), "{theirs}");
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn a_public_channel_answering_50013_is_alerted_once_not_again_within_the_hour_and_shown_by_admin_encouragement(
) {
    let mut bot = TestBot::start().await;
    let admin_actor = Actor::admin(7401);
    set_alerts(&bot, &admin_actor).await;
    set_public_post(&bot, &admin_actor).await;
    bot.fake.refuse_channel(PUBLIC, Some(50013));

    run_at(&bot, at(10, 30)).await;
    let alerts = bot.fake.messages_to_channel(ALERTS);
    assert_eq!(alerts.len(), 2, "the note, then one alert: {alerts:?}");
    let alert = words(&alerts[1]);
    assert!(
        alert.contains("The public encouragement was not posted"),
        "{alert}"
    );
    assert!(alert.contains("Missing Permissions, 50013"), "{alert}");
    assert!(alert.contains(&format!("<#{PUBLIC}>")), "{alert}");

    // /admin encouragement with no options shows the failure too.
    let shown = words(&admin(&bot, &admin_actor, "encouragement", json!([])).await);
    assert!(shown.contains("⚠ not posted"), "{shown}");
    assert!(shown.contains("Missing Permissions, 50013"), "{shown}");

    // The same problem again within the hour: no second alert.
    let services = bot.running().services.clone();
    let refused = SendError::Channel(ChannelProblem::MissingPermissions);
    for minute in [45, 59] {
        bot.clock.set(at(10, minute));
        let content = services.content.get();
        rekindle::service::alerts::public_post_failed(
            services.ctx(&content),
            &services.telemetry,
            ChannelId::new(PUBLIC),
            &refused,
        )
        .await;
    }
    assert_eq!(bot.fake.messages_to_channel(ALERTS).len(), 2, "held back");

    // The next day's post is refused again, more than an hour on: alerted again.
    run_at(&bot, at(10, 30) + chrono::Duration::days(1)).await;
    assert_eq!(bot.fake.messages_to_channel(ALERTS).len(), 3);

    // Fixed: the day after, the post goes out and the failure is no longer shown.
    bot.fake.refuse_channel(PUBLIC, None);
    run_at(&bot, at(10, 30) + chrono::Duration::days(2)).await;
    assert_eq!(bot.fake.messages_to_channel(PUBLIC).len(), 1);
    let shown = words(&admin(&bot, &admin_actor, "encouragement", json!([])).await);
    assert!(shown.contains("Last post: no problem recorded"), "{shown}");
    assert_eq!(
        bot.fake.messages_to_channel(ALERTS).len(),
        3,
        "no alert for a success"
    );
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn a_deleted_alerts_channel_is_tried_once_per_kind_an_hour_and_never_alerted_about() {
    let mut bot = TestBot::start().await;
    let admin_actor = Actor::admin(7501);
    set_alerts(&bot, &admin_actor).await;
    set_public_post(&bot, &admin_actor).await;
    bot.fake.refuse_channel(PUBLIC, Some(50001));
    // Someone deletes the alerts channel.
    bot.fake.refuse_channel(ALERTS, Some(10003));

    run_at(&bot, at(10, 30)).await;
    assert_eq!(
        posts_to(&bot, ALERTS),
        vec![200, 404],
        "the note, then one try"
    );
    // More of the same problem within the hour: not tried again.
    let services = bot.running().services.clone();
    for minute in [40, 50] {
        bot.clock.set(at(10, minute));
        let content = services.content.get();
        rekindle::service::alerts::public_post_failed(
            services.ctx(&content),
            &services.telemetry,
            ChannelId::new(PUBLIC),
            &SendError::Channel(ChannelProblem::MissingAccess),
        )
        .await;
    }
    // Another kind of problem is tried once, and its failure is not alerted either.
    let content = services.content.get();
    rekindle::service::alerts::content_refused(
        services.ctx(&content),
        &services.telemetry,
        1,
        "faq[3]: a test problem",
    )
    .await;
    assert_eq!(posts_to(&bot, ALERTS), vec![200, 404, 404]);
    let health = words(&admin(&bot, &admin_actor, "health", json!([])).await);
    assert!(
        health.contains("**alerts channel**: an alert could not be posted in the alerts channel: the channel no longer exists (Unknown Channel, 10003)"),
        "{health}"
    );
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn a_channel_of_another_server_is_refused_for_alerts_encouragement_and_support_without_posting_there(
) {
    let mut bot = TestBot::start().await;
    bot.fake.add_text_channel_in(OTHER_CHANNEL, OTHER_GUILD);
    let reply = admin(
        &bot,
        &Actor::admin(7601),
        "alerts",
        json!([{"type": 7, "name": "channel", "value": OTHER_CHANNEL.to_string()}]),
    )
    .await;
    assert_private_reply(
        &reply,
        "is not a channel of this server, so nothing changed",
    );
    assert!(
        posts_to(&bot, OTHER_CHANNEL).is_empty(),
        "nothing posted there"
    );
    let stored = bot
        .running()
        .store
        .alerts_channel(GuildId::new(bot.fake.guild_id()))
        .await
        .expect("reads");
    assert_eq!(stored, None);
    // The same for the public encouragement and the support channel: no posts there.
    let public = admin(
        &bot,
        &Actor::admin(7601),
        "encouragement",
        json!([{"type": 7, "name": "channel", "value": OTHER_CHANNEL.to_string()}]),
    )
    .await;
    assert_private_reply(
        &public,
        "not one of this server's channels, so nothing changed",
    );
    let support = admin(
        &bot,
        &Actor::admin(7601),
        "support-channel",
        json!([{"type": 7, "name": "channel", "value": OTHER_CHANNEL.to_string()}]),
    )
    .await;
    assert_private_reply(
        &support,
        "is not a channel of this server, so nothing changed",
    );
    assert!(
        posts_to(&bot, OTHER_CHANNEL).is_empty(),
        "nothing posted there"
    );
    // With no options it shows that none is set; enabled:false turns a set one off.
    set_alerts(&bot, &Actor::admin(7601)).await;
    let shown = admin(&bot, &Actor::admin(7601), "alerts", json!([])).await;
    assert_private_reply(&shown, &format!("Operational alerts go to <#{ALERTS}>"));
    let off = admin(
        &bot,
        &Actor::admin(7601),
        "alerts",
        json!([{"type": 5, "name": "enabled", "value": false}]),
    )
    .await;
    assert_private_reply(&off, "No alerts channel");
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn a_content_file_refused_on_reload_is_alerted_to_the_team_and_the_old_content_stays() {
    let folder = tempfile::tempdir().expect("a folder");
    let file = folder.path().join("content.toml");
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/content.toml");
    std::fs::copy(&shipped, &file).expect("a copy of the content");
    let path = file.clone();
    let mut bot = TestBot::start_with(move |settings| settings.content_path = path).await;
    let admin_actor = Actor::admin(7651);
    set_alerts(&bot, &admin_actor).await;
    std::fs::write(&file, "this is not = [ toml").expect("a broken file");
    let reply = admin(&bot, &admin_actor, "reload", json!([])).await;
    assert_private_reply(&reply, "The content file was not reloaded");
    let alerts = bot
        .fake
        .wait_channel_messages(ALERTS, WAIT, |list| list.len() >= 2)
        .await;
    let alert = words(&alerts[1]);
    assert!(
        alert.contains("The content file was refused on reload"),
        "{alert}"
    );
    // Again at once: the same kind within the hour is not posted again.
    let again = admin(&bot, &admin_actor, "reload", json!([])).await;
    assert_private_reply(&again, "The content file was not reloaded");
    wait_for_count(
        &bot,
        "SELECT COUNT(*) FROM alerts_sent WHERE kind = 'content'",
        1,
    )
    .await;
    let faq = command(
        &bot,
        &Actor::member(7652),
        "faq",
        json!([{"type": 3, "name": "topic", "value": "astrology"}]),
    )
    .await;
    assert!(
        words(&faq).contains(&question("astrology")),
        "the old content stays"
    );
    assert_eq!(bot.fake.messages_to_channel(ALERTS).len(), 2);
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn a_member_without_manage_server_is_refused_health_and_alerts_and_nothing_changes() {
    let mut bot = TestBot::start().await;
    let member = Actor::member(7701);
    bot.fake.add_text_channel(ALERTS);
    let health = admin(&bot, &member, "health", json!([])).await;
    assert_private_reply(&health, REFUSED);
    assert!(!words(&health).contains("Outbox"), "{health}");
    let alerts = admin(
        &bot,
        &member,
        "alerts",
        json!([{"type": 7, "name": "channel", "value": ALERTS.to_string()}]),
    )
    .await;
    assert_private_reply(&alerts, REFUSED);
    assert!(posts_to(&bot, ALERTS).is_empty());
    let stored = bot
        .running()
        .store
        .alerts_channel(GuildId::new(bot.fake.guild_id()))
        .await
        .expect("reads");
    assert_eq!(stored, None);
    bot.fake.assert_no_violations();
    bot.stop().await;
}

/// One raw HTTP exchange with the listener: what a scraper, or something worse, sends.
async fn raw(address: std::net::SocketAddr, request: &[u8]) -> String {
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("connects");
    stream.write_all(request).await.expect("writes");
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(WAIT, stream.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer).into_owned()
}

/// Waits until `GET path` answers `status`; returns the body.
async fn wait_status(address: std::net::SocketAddr, path: &str, status: u16) -> String {
    let client = reqwest::Client::new();
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let response = client
            .get(format!("http://{address}{path}"))
            .send()
            .await
            .expect("the listener answers");
        let got = response.status().as_u16();
        let body = response.text().await.unwrap_or_default();
        if got == status {
            return body;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "GET {path} stayed {got} ({body}), expected {status}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn healthz_and_metrics_answer_over_http_refuse_garbage_and_close_with_the_bot() {
    let mut bot = TestBot::start_with(|settings| {
        settings.ops.listen = Some("127.0.0.1:0".parse().expect("an address"));
    })
    .await;
    let address = bot.running().ops_address.expect("the bound address");
    assert_ne!(address.port(), 0, "the port the system chose is reported");

    // Connected, and the scheduler within its interval: 200.
    run_at(&bot, at(10, 0)).await;
    assert_eq!(wait_status(address, "/healthz", 200).await, "ok\n");
    command(
        &bot,
        &Actor::member(7801),
        "faq",
        json!([{"type": 3, "name": "topic", "value": "astrology"}]),
    )
    .await;

    // The interaction is counted once its handling ends, just after the member's answer.
    let counted = "rekindle_interactions_total{kind=\"command\",outcome=\"ok\"} 1";
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let text = reqwest::get(format!("http://{address}/metrics"))
            .await
            .expect("answers")
            .text()
            .await
            .expect("a body");
        if text.contains(counted) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{counted} in\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let response = reqwest::get(format!("http://{address}/metrics"))
        .await
        .expect("answers");
    assert_eq!(response.status().as_u16(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        content_type.starts_with("application/openmetrics-text"),
        "{content_type}"
    );
    let metrics = response.text().await.expect("a body");
    for line in [
        "rekindle_interactions_total{kind=\"command\",outcome=\"ok\"} 1",
        "rekindle_interaction_duration_seconds_count{kind=\"command\"} 1",
        "rekindle_outbox_pending 0",
        "rekindle_gateway_connected 1",
        "rekindle_gateway_reconnects_total 0",
        "rekindle_messages_total{kind=\"checkin\",outcome=\"sent\"} 0",
        "rekindle_crisis_replies_total{via=\"dm\"} 0",
        "rekindle_alerts_total{kind=\"public_post\"} 0",
        "# EOF",
    ] {
        assert!(metrics.contains(line), "{line} in\n{metrics}");
    }
    println!("/metrics excerpt:\n{}", &metrics[..metrics.len().min(3000)]);

    // Anything else is refused, and nothing breaks.
    let client = reqwest::Client::new();
    let post = client
        .post(format!("http://{address}/metrics"))
        .body("x")
        .send()
        .await
        .expect("answers");
    assert_eq!(post.status().as_u16(), 405);
    let missing = reqwest::get(format!("http://{address}/admin"))
        .await
        .expect("answers");
    assert_eq!(missing.status().as_u16(), 404);
    let garbage = raw(address, b"\x16\x03\x01\x02\x00hello garbage\r\n\r\n").await;
    assert!(garbage.starts_with("HTTP/1.1 400"), "{garbage:?}");
    let huge = format!(
        "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "a".repeat(64 * 1024)
    );
    let huge = raw(address, huge.as_bytes()).await;
    assert!(huge.starts_with("HTTP/1.1 431"), "{huge:?}");
    let traversal = raw(
        address,
        b"GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
    )
    .await;
    assert!(traversal.starts_with("HTTP/1.1 404"), "{traversal:?}");

    // Two hours without a scheduler pass: 503, saying why.
    bot.clock.set(at(12, 0));
    let why = wait_status(address, "/healthz", 503).await;
    assert!(
        why.contains("the scheduler has not run for 7200 s"),
        "{why}"
    );
    run_at(&bot, at(12, 0)).await;
    wait_status(address, "/healthz", 200).await;

    // The gateway down: 503, saying why.
    bot.fake.set_gateway_down(true);
    bot.fake.drop_gateway().await;
    let why = wait_status(address, "/healthz", 503).await;
    assert!(
        why.contains("not connected to the Discord gateway"),
        "{why}"
    );
    bot.fake.set_gateway_down(false);
    wait_status(address, "/healthz", 200).await;
    let metrics = reqwest::get(format!("http://{address}/metrics"))
        .await
        .expect("answers")
        .text()
        .await
        .expect("a body");
    assert!(
        metrics.contains("rekindle_gateway_reconnects_total 1"),
        "{metrics}"
    );

    // The listener stops with the bot.
    bot.stop().await;
    assert!(
        tokio::net::TcpStream::connect(address).await.is_err(),
        "the port is closed"
    );
}
