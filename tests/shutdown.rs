//! Stopping the real binary: SIGTERM with a backlog of scheduled messages, and while Discord
//! cannot be reached. The process must exit within 10 seconds, and nothing may be lost or
//! sent twice across the restart.

#[path = "support/mod.rs"]
mod support;

use std::process::Stdio;
use std::time::{Duration, Instant};

use chrono::Utc;
use rekindle::store::Store;
use support::bot::bot_process;
use support::{FakeDiscord, WAIT};

/// The longest a stop may take (a service manager's stop timeout is 15 s in
/// `contrib/rekindle.service`).
const STOP_WITHIN: Duration = Duration::from_secs(10);

/// `count` enrolled members whose check-in is due a minute ago, with DM channels the fake
/// knows.
async fn seed_due(store: &Store, fake: &FakeDiscord, count: u64) -> Vec<u64> {
    let now = Utc::now().timestamp();
    let today = Utc::now().date_naive().to_string();
    let mut tx = store.pool().begin().await.expect("a transaction");
    let mut ids = Vec::new();
    for i in 0..count {
        let id = 300_000_000_000_000_000 + i;
        let channel = fake.dm_channel_id(id);
        fake.add_text_channel(channel);
        sqlx::query(
            "INSERT INTO members (id, timezone, checkin_time, frequency, encouragement, dm_channel_id, created_at)
             VALUES (?1, 'UTC', '00:00', 'daily', 0, ?2, ?3)",
        )
        .bind(id as i64)
        .bind(channel as i64)
        .bind(now - 86_400)
        .execute(&mut *tx)
        .await
        .expect("a member");
        sqlx::query(
            "INSERT INTO programs (member_id, step, step_since, paused, enrolled_at, next_checkin_date, next_checkin_at)
             VALUES (?1, 1, ?2, 0, ?2, ?3, ?4)",
        )
        .bind(id as i64)
        .bind(now - 86_400)
        .bind(&today)
        .bind(now - 60)
        .execute(&mut *tx)
        .await
        .expect("a program");
        ids.push(id);
    }
    tx.commit().await.expect("seeded");
    ids
}

fn checkins_to(fake: &FakeDiscord, member: u64) -> usize {
    fake.dm_messages_to(member)
        .iter()
        .filter(|m| {
            m["content"]
                .as_str()
                .is_some_and(|c| c.contains("check-in time"))
        })
        .count()
}

fn sigterm(child: &tokio::process::Child) {
    let pid = child.id().expect("a running process").to_string();
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    assert!(status.success(), "SIGTERM sent");
}

/// Sends SIGTERM and waits for the exit; returns how long it took and whether it was clean.
async fn stop(mut child: tokio::process::Child) -> (Duration, bool) {
    let asked = Instant::now();
    sigterm(&child);
    let status = tokio::time::timeout(STOP_WITHIN * 2, child.wait())
        .await
        .expect("the bot exits at all")
        .expect("a status");
    (asked.elapsed(), status.success())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_with_600_messages_due_exits_in_time_and_nothing_is_lost_or_doubled() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().expect("a folder");
    let url = format!("sqlite://{}", dir.path().join("rekindle.db").display());
    let store = Store::connect(&url).await.expect("a database");
    let members = seed_due(&store, &fake, 600).await;
    store.close().await;

    let child = bot_process(&fake, &url)
        .stderr(Stdio::null())
        .spawn()
        .expect("the bot starts");
    // Sending is under way (paced at 40 a second: 600 take 15 s).
    fake.wait_for_requests("check-ins going out", 40, WAIT, |r| {
        r.method == "POST" && r.path.starts_with("/channels/") && r.status == 200
    })
    .await;
    let (took, clean) = stop(child).await;
    let sent_before = members
        .iter()
        .filter(|m| checkins_to(&fake, **m) > 0)
        .count();
    println!("SIGTERM with 600 due: exited in {took:?} after {sent_before} were sent");
    assert!(took < STOP_WITHIN, "took {took:?}");
    assert!(clean, "a clean exit");
    assert!(
        sent_before < 600,
        "it did not send the whole backlog before exiting"
    );

    // The next start sends the rest: each member exactly one check-in.
    let child = bot_process(&fake, &url)
        .stderr(Stdio::null())
        .spawn()
        .expect("the bot starts again");
    let deadline = Instant::now() + Duration::from_secs(60);
    while members.iter().any(|m| checkins_to(&fake, *m) == 0) {
        assert!(Instant::now() < deadline, "the backlog was not finished");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (took, _) = stop(child).await;
    assert!(took < STOP_WITHIN, "took {took:?}");
    let doubled: Vec<u64> = members
        .iter()
        .copied()
        .filter(|m| checkins_to(&fake, *m) > 1)
        .collect();
    assert!(doubled.is_empty(), "{} members got two", doubled.len());
    fake.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_while_discord_cannot_be_reached_exits_in_time() {
    // A port nothing listens on: every request is refused.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let port = closed.local_addr().expect("an address").port();
    drop(closed);
    let dir = tempfile::tempdir().expect("a folder");
    let url = format!("sqlite://{}", dir.path().join("rekindle.db").display());
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_rekindle"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_clear()
        .env("DISCORD_TOKEN", support::fake::TOKEN)
        .env("DISCORD_API_BASE", format!("http://127.0.0.1:{port}"))
        .env("DATABASE_URL", &url)
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = command.spawn().expect("the bot starts");
    // Wait until it is trying to connect (its database exists by then).
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(stderr));
    let started = tokio::time::timeout(WAIT, async {
        while let Ok(Some(line)) = lines.next_line().await {
            if line.contains("starting Rekindle") {
                return true;
            }
        }
        false
    })
    .await
    .unwrap_or(false);
    assert!(started, "the bot started");
    // Keep reading stderr so the pipe never fills.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    let (took, _) = stop(child).await;
    println!("SIGTERM with Discord unreachable: exited in {took:?}");
    assert!(took < STOP_WITHIN, "took {took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_while_an_export_is_uploading_exits_in_time_with_status_0() {
    // A member asked for their export; the upload hangs (a slow network, a stuck proxy)
    // when the operator stops the bot, whose scheduler is idle. A stop asked for is not a
    // failure: status 0, or systemd records a failed unit (and restarts one it did not stop).
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().expect("a folder");
    let url = format!("sqlite://{}", dir.path().join("rekindle.db").display());
    let store = Store::connect(&url).await.expect("a database");
    let member = seed_due(&store, &fake, 1).await[0];
    store.close().await;
    let child = bot_process(&fake, &url)
        .stderr(Stdio::null())
        .spawn()
        .expect("the bot starts");
    fake.wait_commands_registered(WAIT).await;
    // Its due check-in goes out first; then every message hangs.
    fake.wait_for_request("the check-in", WAIT, |r| {
        r.path.starts_with("/channels/") && r.status == 200
    })
    .await;
    fake.set_route_delay("POST", "/channels/", Some(Duration::from_secs(60)));
    let asked = fake
        .slash(
            &support::Actor::member(member),
            "privacy",
            serde_json::json!([{"type": 1, "name": "export", "options": []}]),
        )
        .await;
    let deferred = fake.wait_callback(&asked, WAIT).await;
    assert_eq!(deferred["type"], 5, "answered first: {deferred}");
    let (took, clean) = stop(child).await;
    println!("SIGTERM during an export upload: exited in {took:?}");
    assert!(took < STOP_WITHIN, "took {took:?}");
    assert!(clean, "status 0: a stop asked for is not a failure");
    fake.assert_no_violations();
}
