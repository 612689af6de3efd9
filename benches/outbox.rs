//! The outbox under load, against the fake Discord on loopback. Prints figures; asserts
//! nothing about speed (a slow machine is not a failure).
//!
//! `cargo bench --bench outbox` prints:
//!  (a) delivery rate with pacing at 40/s against a 50/s limit, as a fraction of 40, and 429s;
//!  (b) the raw delivery rate with pacing far above what the fake can take;
//!  (c) the cost of one `run_due` with 100,000 members and nothing due;
//!  (d) peak memory of the real bot process idle with 10,000 / 50,000 / 100,000 members,
//!      and its start-up time to READY.

#[path = "../tests/support/mod.rs"]
#[allow(unused_imports)]
mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use rekindle::clock::{Clock, ManualClock};
use rekindle::content::{Content, SharedContent};
use rekindle::discord::messenger::DiscordMessenger;
use rekindle::discord::transport::Transport;
use rekindle::scheduler::{Scheduler, Tuning};
use rekindle::service::guards::Guards;
use rekindle::service::safety::SafetyNet;
use rekindle::service::Services;
use rekindle::store::Store;
use support::bot::test_settings;
use support::FakeDiscord;

const DUE: i64 = 1_780_000_000; // 2026-05-28 20:26:40 UTC

fn due_instant() -> DateTime<Utc> {
    Utc.timestamp_opt(DUE, 0).single().expect("a valid instant")
}

/// Seeds `count` enrolled members. `due`: their check-in is due at `DUE` (else a day later).
/// With `fake`, each member's DM channel is cached and known to the fake, as in steady state.
async fn seed(store: &Store, count: u64, due: bool, fake: Option<&FakeDiscord>) {
    let mut tx = store.pool().begin().await.expect("a transaction");
    let at = if due { DUE } else { DUE + 86_400 };
    for i in 0..count {
        let id = 100_000_000_000_000_000 + i;
        let channel = fake.map(|f| {
            let channel = f.dm_channel_id(id);
            f.add_text_channel(channel);
            channel as i64
        });
        sqlx::query(
            "INSERT INTO members (id, timezone, checkin_time, frequency, encouragement, dm_channel_id, created_at)
             VALUES (?1, 'UTC', '20:26', 'daily', 1, ?2, ?3)",
        )
        .bind(id as i64)
        .bind(channel)
        .bind(DUE - 86_400)
        .execute(&mut *tx)
        .await
        .expect("a member");
        sqlx::query(
            "INSERT INTO programs (member_id, step, step_since, paused, enrolled_at, next_checkin_date, next_checkin_at, next_encouragement_at)
             VALUES (?1, 2, ?2, 0, ?2, ?3, ?4, ?5)",
        )
        .bind(id as i64)
        .bind(DUE - 86_400)
        .bind(if due { "2026-05-28" } else { "2026-05-29" })
        .bind(at + 20) // 20:26:40 is the slot's instant rounded to the minute below
        .bind(DUE + 3 * 86_400)
        .execute(&mut *tx)
        .await
        .expect("a program");
    }
    tx.commit().await.expect("seeded");
}

struct Rig {
    fake: FakeDiscord,
    store: Store,
    scheduler: Scheduler,
    _dir: tempfile::TempDir,
}

async fn rig(members: u64, due: bool, per_second: u32, with_fake_channels: bool) -> Rig {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().expect("a temporary folder");
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let mut settings = test_settings(&fake, &url, &[]);
    settings.delivery.max_messages_per_second = per_second;
    let settings = Arc::new(settings);
    let store = Store::connect(&url).await.expect("a database");
    seed(&store, members, due, with_fake_channels.then_some(&fake)).await;
    let content = SharedContent::new(Content::load(&settings.content_path).expect("content"));
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(due_instant()));
    let token = settings.token().expect("a token").clone();
    let telemetry = Arc::new(rekindle::telemetry::Telemetry::new(
        rekindle::telemetry::Status::new(due_instant(), std::time::Duration::from_secs(30)),
    ));
    let transport = Arc::new(Transport::new(&token, &settings).expect("a transport"));
    let services = Services {
        store: store.clone(),
        content: content.clone(),
        settings,
        clock,
        messenger: Arc::new(DiscordMessenger::new(transport, content, telemetry.clone())),
        guards: Arc::new(Guards::new()),
        safety: Arc::new(SafetyNet::new()),
        telemetry,
    };
    let tuning = Tuning {
        in_flight: 32,
        batch: 1000,
        ..Tuning::default()
    };
    let scheduler = Scheduler::new(services, tuning);
    Rig {
        fake,
        store,
        scheduler,
        _dir: dir,
    }
}

fn messages(fake: &FakeDiscord) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/messages") && r.status == 200)
        .count()
}

async fn paced() {
    let rig = rig(10_000, true, 40, true).await;
    rig.fake.set_rate_limit_per_second(Some(50));
    let scheduler = rig.scheduler.clone();
    let run = tokio::spawn(async move {
        scheduler
            .run_due(Utc.timestamp_opt(DUE + 30, 0).single().expect("t"))
            .await
    });
    // Planning 10,000 check-ins comes first; measure the steady sending rate after it.
    while messages(&rig.fake) == 0 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let window = Duration::from_secs(15);
    let (start, first) = (Instant::now(), messages(&rig.fake));
    tokio::time::sleep(window).await;
    let sent = messages(&rig.fake) - first;
    let elapsed = start.elapsed().as_secs_f64();
    run.abort();
    let rate = sent as f64 / elapsed;
    println!(
        "(a) paced at 40/s against a 50/s limit: {rate:.2} msg/s over {elapsed:.1} s = {:.3} of 40; 429 responses: {}",
        rate / 40.0,
        rig.fake.rate_limit_hits()
    );
}

async fn raw() {
    let rig = rig(10_000, true, 1_000_000, true).await;
    let now = Utc.timestamp_opt(DUE + 30, 0).single().expect("t");
    let started = Instant::now();
    let queued = rig.scheduler.plan(now).await.expect("planning");
    let planning = started.elapsed().as_secs_f64();
    let report = rig.scheduler.run_due(now).await.expect("a run");
    let total = started.elapsed().as_secs_f64();
    let sending = total - planning;
    let sent = messages(&rig.fake);
    println!(
        "(b) unpaced: {queued} check-ins planned in {planning:.2} s, sent in {sending:.2} s = {:.0} msg/s sending, {:.0} msg/s end to end; sent={} failed={} (fake and bot share the 2 cores)",
        sent as f64 / sending,
        sent as f64 / total,
        report.sent,
        report.failed
    );
    let _ = rig.store;
}

async fn idle_run() {
    let rig = rig(100_000, false, 40, false).await;
    let now = Utc.timestamp_opt(DUE + 30, 0).single().expect("t");
    rig.scheduler.run_due(now).await.expect("a warm-up run");
    let runs = 200;
    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let report = rig.scheduler.run_due(now).await.expect("a run");
        times.push(started.elapsed());
        assert_eq!(report.sent, 0);
    }
    times.sort();
    let p50 = times[runs / 2];
    let p99 = times[runs * 99 / 100];
    println!(
        "(c) run_due with 100,000 members, none due: p50 {:.3} ms, p99 {:.3} ms",
        ms(p50),
        ms(p99)
    );
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// Peak resident memory (VmHWM) of a process, in MiB.
fn peak_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

async fn process_memory(members: u64) {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().expect("a temporary folder");
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    {
        let store = Store::connect(&url).await.expect("a database");
        seed(&store, members, false, None).await;
        // The real bot runs on the real clock: put every slot a day ahead of it, so nothing
        // is due (or overdue) while its idle memory is measured.
        sqlx::query(
            "UPDATE programs SET next_checkin_date = date('now', '+1 day'),
                 next_checkin_at = unixepoch('now') + 86400, next_encouragement_at = unixepoch('now') + 3 * 86400",
        )
        .execute(store.pool())
        .await
        .expect("schedules moved to the real clock");
        store.close().await;
    }
    let started = Instant::now();
    let mut child = support::bot::bot_process(&fake, &url)
        .spawn()
        .expect("the bot starts");
    fake.wait_ready(Duration::from_secs(30)).await;
    let ready = started.elapsed();
    fake.wait_commands_registered(Duration::from_secs(30)).await;
    // Let the scheduler loop make its first pass over the database.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let pid = child.id().expect("a pid");
    let peak = peak_mib(pid).unwrap_or(f64::NAN);
    // A clean stop, as an operator's service manager would ask.
    let _ = std::process::Command::new("kill")
        .arg("-TERM")
        .arg(pid.to_string())
        .status();
    let _ = tokio::time::timeout(Duration::from_secs(10), child.wait()).await;
    println!("(d) bot process with {members:>6} members: start to READY {:.0} ms, peak RSS {peak:.1} MiB", ms(ready));
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let only = std::env::args().nth(1).filter(|a| !a.starts_with("--"));
        let wants = |name: &str| only.as_deref().is_none_or(|o| o == name);
        println!(
            "outbox benchmark on {} cores",
            std::thread::available_parallelism().map_or(0, |n| n.get())
        );
        if wants("a") {
            paced().await;
        }
        if wants("b") {
            raw().await;
        }
        if wants("c") {
            idle_run().await;
        }
        if wants("d") {
            for members in [10_000, 50_000, 100_000] {
                process_memory(members).await;
            }
        }
    });
}
