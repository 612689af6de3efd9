//! Attacks on running the bot (issue 12): a server that cannot be left at the first try, a
//! form submitted from a server that is not a home server, a clock set back under the alerts'
//! hour, the metrics counting what happened once, the listener against slow clients and a
//! stop, and one server's admins reading another's activity.

use chrono::{DateTime, Duration as Span, TimeZone, Utc};
use rekindle::domain::ids::GuildId;
use rekindle::service::alerts::{self, Alert};
use serde_json::json;

use crate::member::{assert_private_reply, command, words};
use crate::support::{Actor, TestBot, WAIT};

/// A server that is not on the list, with its text channel.
const STRANGE_GUILD: u64 = 900_000_000_000_000_600;
const STRANGE_CHANNEL: u64 = 900_000_000_000_000_601;
/// The test guild's alerts channel.
const ALERTS: u64 = 900_000_000_000_000_640;

fn at(hour: u32, minute: u32, second: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, hour, minute, second)
        .single()
        .expect("a valid instant")
}

async fn home_only() -> TestBot {
    let home = GuildId::new(crate::support::fake::HOME_GUILD);
    TestBot::start_with(|settings| settings.servers.allowed = vec![home]).await
}

#[tokio::test]
async fn a_server_not_on_the_list_is_still_left_when_leaving_fails_with_a_5xx_then_a_429() {
    let mut bot = home_only().await;
    bot.fake.fail_leaving(&[502, 429]);
    bot.fake
        .add_bot_to_guild(STRANGE_GUILD, STRANGE_CHANNEL)
        .await;
    let path = format!("/users/@me/guilds/{STRANGE_GUILD}");
    bot.fake
        .wait_for_requests("the bot to try leaving three times", 3, WAIT, |r| {
            r.method == "DELETE" && r.path == path
        })
        .await;
    assert_eq!(bot.fake.left_guilds(), vec![STRANGE_GUILD]);
    let statuses: Vec<u16> = bot
        .fake
        .requests()
        .iter()
        .filter(|r| r.method == "DELETE" && r.path == path)
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, vec![502, 429, 204], "no more tries once it left");
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn a_form_submitted_from_a_server_not_on_the_list_gets_one_private_line_and_saves_nothing() {
    let mut bot = home_only().await;
    // The form as the home server's admins get it (so the fake knows its inputs)...
    let opened = command(
        &bot,
        &Actor::admin(12_101),
        "admin",
        json!([{"type": 2, "name": "faq", "options": [{"type": 1, "name": "add", "options": []}]}]),
    )
    .await;
    assert_eq!(opened["type"], 9, "{opened}");
    // ...submitted by an admin of a server that is not a home server.
    let stranger = Actor::admin(12_102).in_server(STRANGE_GUILD, STRANGE_CHANNEL);
    let interaction = bot
        .fake
        .modal_submit(
            &stranger,
            "faq:add",
            &[
                ("question", "Who runs this place?"),
                ("answer", "We do now."),
                ("key", "takeover"),
            ],
        )
        .await;
    let reply = bot.fake.wait_answer(&interaction, WAIT).await;
    assert_private_reply(&reply, "This bot only serves its home server.");
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM faq_layer")
        .fetch_one(bot.running().store.pool())
        .await
        .expect("a count");
    assert_eq!(rows, 0, "nothing saved for any server");
    bot.fake.assert_no_violations();
    bot.stop().await;
}

/// `value` of the series `series` (its whole name with labels) in the exposition, 0 if absent.
fn series(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test]
async fn an_autocomplete_of_a_subcommand_is_counted_once_in_the_metrics() {
    let mut bot = TestBot::start().await;
    let admin = Actor::admin(12_201);
    let autocomplete = "rekindle_interactions_total{kind=\"autocomplete\",outcome=\"ok\"}";
    let metrics = || bot.running().services.telemetry.metrics.encode();
    assert_eq!(series(&metrics(), autocomplete), 0.0);
    // `/admin faq edit topic:` is a subcommand of a subcommand group of `/admin`.
    let interaction = bot
        .fake
        .autocomplete(
            &admin,
            "admin",
            json!([{"type": 2, "name": "faq", "options": [{"type": 1, "name": "edit", "options": [
                {"type": 3, "name": "topic", "value": "jeal", "focused": true}
            ]}]}]),
        )
        .await;
    let choices = bot.fake.wait_answer(&interaction, WAIT).await;
    assert!(words(&choices).is_empty() || choices["data"]["choices"].is_array());
    assert_eq!(
        series(&metrics(), autocomplete),
        1.0,
        "one autocomplete, counted once:\n{}",
        metrics()
    );
    // And a command of a subcommand: one command, counted once.
    let reply = command(
        &bot,
        &admin,
        "admin",
        json!([{"type": 2, "name": "faq", "options": [{"type": 1, "name": "list", "options": []}]}]),
    )
    .await;
    assert_private_reply(&reply, "This server's FAQ");
    let command_ok = "rekindle_interactions_total{kind=\"command\",outcome=\"ok\"}";
    let deadline = tokio::time::Instant::now() + WAIT;
    while series(&metrics(), command_ok) < 1.0 {
        assert!(tokio::time::Instant::now() < deadline, "{}", metrics());
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    assert_eq!(series(&metrics(), command_ok), 1.0, "{}", metrics());
    assert_eq!(series(&metrics(), autocomplete), 1.0, "{}", metrics());
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn a_clock_set_back_a_few_seconds_does_not_post_the_same_alert_twice_within_the_hour() {
    let mut bot = TestBot::start().await;
    let admin = Actor::admin(12_301);
    bot.fake.add_text_channel(ALERTS);
    let set = command(
        &bot,
        &admin,
        "admin",
        json!([{"type": 1, "name": "alerts", "options": [
            {"type": 7, "name": "channel", "value": ALERTS.to_string()}
        ]}]),
    )
    .await;
    assert_private_reply(&set, &format!("Operational alerts go to <#{ALERTS}>"));
    let notes = bot.fake.messages_to_channel(ALERTS).len();
    let guild = GuildId::new(crate::support::fake::HOME_GUILD);
    let alert = Alert::Content {
        problems: 1,
        first: "faq[3]: `answer` must not be empty".into(),
    };
    let raise = |now: DateTime<Utc>| {
        let bot = &bot;
        let alert = alert.clone();
        async move {
            bot.clock.set(now);
            let services = &bot.running().services;
            let content = services.content.get();
            alerts::raise(services.ctx(&content), &services.telemetry, guild, &alert).await
        }
    };
    assert!(raise(at(10, 0, 0)).await, "the first alert is posted");
    // NTP steps the clock back two seconds: the same problem again is still within the hour.
    assert!(!raise(at(9, 59, 58)).await, "not posted again");
    assert!(!raise(at(10, 30, 0)).await, "not posted again");
    // The hour is counted from the step back: a wrong clock delays an alert, never silences it.
    assert!(
        raise(at(10, 59, 58)).await,
        "an hour after the step back, posted"
    );
    // A clock that ran days ahead and is put right: the next alert within the hour after.
    assert!(!raise(at(10, 59, 58) - Span::days(3)).await);
    assert!(raise(at(11, 59, 58) - Span::days(3)).await);
    assert_eq!(bot.fake.messages_to_channel(ALERTS).len(), notes + 3);
    bot.fake.assert_no_violations();
    bot.stop().await;
}

/// A bot serving `/healthz` and `/metrics` on a port the system chose.
async fn with_listener() -> (TestBot, std::net::SocketAddr) {
    let bot = TestBot::start_with(|settings| {
        settings.ops.listen = Some("127.0.0.1:0".parse().expect("an address"));
    })
    .await;
    let address = bot.running().ops_address.expect("the bound address");
    (bot, address)
}

#[tokio::test]
async fn sixteen_silent_connections_cannot_keep_a_scrape_out_for_long() {
    use tokio::io::AsyncReadExt;
    let (mut bot, address) = with_listener().await;
    // Every slot taken by a client that connects and says nothing (slowloris).
    let mut silent = Vec::new();
    for _ in 0..16 {
        silent.push(
            tokio::net::TcpStream::connect(address)
                .await
                .expect("connects"),
        );
    }
    let started = std::time::Instant::now();
    let answer = tokio::time::timeout(WAIT, reqwest::get(format!("http://{address}/metrics")))
        .await
        .expect("a scrape gets through once the silent clients are dropped")
        .expect("answers");
    assert_eq!(answer.status().as_u16(), 200);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
    // The silent clients were dropped, not left holding their slots.
    for mut stream in silent {
        let mut buffer = [0u8; 64];
        let read = tokio::time::timeout(WAIT, stream.read(&mut buffer))
            .await
            .expect("closed by the listener");
        assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
    }
    bot.stop().await;
}

#[tokio::test]
async fn the_bot_stops_in_time_with_a_scrape_half_sent_and_the_connection_is_closed() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (mut bot, address) = with_listener().await;
    let mut half = tokio::net::TcpStream::connect(address)
        .await
        .expect("connects");
    half.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("writes");
    let mut kept = tokio::net::TcpStream::connect(address)
        .await
        .expect("connects");
    kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("writes");
    let mut buffer = vec![0u8; 1024];
    let read = kept.read(&mut buffer).await.expect("an answer");
    assert!(String::from_utf8_lossy(&buffer[..read]).starts_with("HTTP/1.1 "));
    let started = std::time::Instant::now();
    bot.stop().await;
    assert!(
        started.elapsed() < std::time::Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    // Both connections end with the bot (not when their own timeouts run out).
    for stream in [&mut half, &mut kept] {
        let read =
            tokio::time::timeout(std::time::Duration::from_secs(2), stream.read(&mut buffer))
                .await
                .expect("closed with the bot");
        assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
    }
}

#[tokio::test]
async fn stats_name_the_topics_asked_here_by_this_servers_own_questions() {
    use rekindle::domain::faq_layer::FaqDraft;
    use rekindle::service::faq_admin;
    let mut bot = TestBot::start().await;
    let guild = GuildId::new(bot.fake.guild_id());
    let admin = Actor::admin(12_501);
    {
        let services = &bot.running().services;
        let content = services.content.get();
        let ctx = || services.ctx(&content);
        let added = FaqDraft::from_fields("Can we keep the dog?", "Talk it through.", "");
        faq_admin::add(
            ctx(),
            guild,
            rekindle::domain::ids::MemberId::new(12_501),
            Some("the-dog"),
            &added,
        )
        .await
        .expect("added");
        let opened = faq_admin::open(ctx(), guild, "astrology")
            .await
            .expect("opens");
        let edited = FaqDraft::from_fields("Do horoscopes help?", "Not really.", "astrology");
        faq_admin::edit(
            ctx(),
            guild,
            rekindle::domain::ids::MemberId::new(12_501),
            "astrology",
            opened.revision,
            &edited,
        )
        .await
        .expect("edited");
    }
    let member = Actor::member(12_502);
    for asked in ["the-dog", "astrology"] {
        let reply = command(
            &bot,
            &member,
            "faq",
            json!([{"type": 3, "name": "topic", "value": asked}]),
        )
        .await;
        assert!(!words(&reply).contains("couldn't find"), "{reply}");
    }
    crate::support::bot::wait_for_count(
        &bot,
        "SELECT COALESCE(SUM(answered), 0) FROM faq_usage",
        2,
    )
    .await;
    let stats = words(
        &command(
            &bot,
            &admin,
            "admin",
            json!([{"type": 1, "name": "stats", "options": []}]),
        )
        .await,
    );
    for label in ["1 × Can we keep the dog?", "1 × Do horoscopes help?"] {
        assert!(stats.contains(label), "{label} in {stats}");
    }
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn another_servers_admin_reads_nothing_of_this_servers_activity_in_admin_health() {
    use crate::member::{enrol, Member};
    let mut bot = TestBot::start().await;
    // This server's member gets their check-in; another server's admin asks for health.
    let member = Member::new(12_601);
    enrol(&bot, &member).await;
    let now = rekindle::clock::Clock::now(&bot.clock) + Span::hours(10);
    bot.clock.set(now);
    bot.running()
        .scheduler
        .run_due(now)
        .await
        .expect("a scheduler run");
    let ours = words(
        &command(
            &bot,
            &Actor::admin(12_602),
            "admin",
            json!([{"type": 1, "name": "health", "options": []}]),
        )
        .await,
    );
    assert!(
        !ours.contains(" 0 sent today"),
        "this server's activity shows here: {ours}"
    );
    let stranger = Actor::admin(12_603).in_server(STRANGE_GUILD, STRANGE_CHANNEL);
    let theirs = words(
        &command(
            &bot,
            &stranger,
            "admin",
            json!([{"type": 1, "name": "health", "options": []}]),
        )
        .await,
    );
    assert!(
        theirs.contains("0 pending · 0 failed (last 7 days) · 0 sent today"),
        "{theirs}"
    );
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn a_server_not_on_the_list_that_the_bot_is_in_at_start_is_left_once_it_connects() {
    // Only another server is a home server: the one Discord lists right after READY is not.
    let home = crate::support::fake::HOME_GUILD;
    let mut bot = TestBot::start_with(|settings| {
        settings.servers.allowed = vec![GuildId::new(STRANGE_GUILD)]
    })
    .await;
    bot.fake
        .wait_for_request("the bot leaves the server it found at start", WAIT, |r| {
            r.method == "DELETE" && r.path == format!("/users/@me/guilds/{home}")
        })
        .await;
    assert_eq!(bot.fake.left_guilds(), vec![home]);
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn a_dm_channel_is_refused_as_the_alerts_channel_and_nothing_is_posted_there() {
    let mut bot = TestBot::start().await;
    let member = crate::member::Member::new(12_701);
    crate::member::enrol(&bot, &member).await;
    let dm_channel = bot.fake.dm_channel_id(member.id);
    let posts_before = bot.fake.dm_messages_to(member.id).len();
    let reply = command(
        &bot,
        &Actor::admin(12_702),
        "admin",
        json!([{"type": 1, "name": "alerts", "options": [
            {"type": 7, "name": "channel", "value": dm_channel.to_string()}
        ]}]),
    )
    .await;
    assert_private_reply(
        &reply,
        "is not a channel of this server, so nothing changed",
    );
    assert_eq!(bot.fake.dm_messages_to(member.id).len(), posts_before);
    let stored: Option<i64> =
        sqlx::query_scalar("SELECT alerts_channel_id FROM guild_settings WHERE guild_id = ?1")
            .bind(bot.fake.guild_id() as i64)
            .fetch_optional(bot.running().store.pool())
            .await
            .expect("a read")
            .flatten();
    assert_eq!(stored, None);
    bot.fake.assert_no_violations();
    bot.stop().await;
}

/// A bot whose gateway discovery (`GET /gateway`) answers `statuses` first, booted.
async fn boot_with_discovery(statuses: &[u16]) -> TestBot {
    let fake = crate::support::FakeDiscord::start().await;
    fake.fail_gateway_discovery(statuses);
    let dir = std::sync::Arc::new(tempfile::tempdir().expect("a temporary folder"));
    let database_url = format!("sqlite://{}", dir.path().join("rekindle.db").display());
    let mut bot = TestBot {
        fake,
        clock: rekindle::clock::ManualClock::new(crate::support::bot::start_instant()),
        running: None,
        dir,
        database_url,
    };
    // Connected and registered on the fake, i.e. through the configured origin.
    bot.boot().await;
    bot
}

fn discoveries(bot: &TestBot) -> Vec<u16> {
    bot.fake
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path == "/gateway")
        .map(|r| r.status)
        .collect()
}

#[tokio::test]
async fn gateway_discovery_answering_429_is_waited_out_and_the_bot_connects_through_its_api_base() {
    // Our own probe and serenity's discovery would both get a 429: serenity then falls back
    // to Discord's own gateway host, past DISCORD_API_BASE (and, in a test, to the internet).
    let mut bot = boot_with_discovery(&[429, 429]).await;
    let seen = discoveries(&bot);
    assert_eq!(&seen[..3], &[429, 429, 200], "{seen:?}");
    assert_eq!(bot.fake.sessions_identified(), 1);
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn the_bot_connects_through_its_api_base_even_when_only_serenitys_own_discovery_is_refused() {
    let mut bot = boot_with_discovery(&[200, 429]).await;
    let seen = discoveries(&bot);
    assert_eq!(&seen[..2], &[200, 429], "{seen:?}");
    assert_eq!(bot.fake.sessions_identified(), 1);
    bot.fake.assert_no_violations();
    bot.stop().await;
}
