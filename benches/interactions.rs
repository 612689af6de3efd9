//! Interaction latency, throughput, memory and start-up of the real bot, side by side with a
//! bare poise bot. Prints figures; asserts nothing about speed (a slow machine is not a
//! failure). `cargo bench --bench interactions`.
//!
//! The real binary (`CARGO_BIN_EXE_rekindle`, release) runs as its own process against the
//! fake Discord on 127.0.0.1, on a database seeded with 100,000 members plus 200 enrolled
//! members who each have an open check-in. The fake stamps when each INTERACTION_CREATE is
//! written to the bot's websocket and when the bot's callback POST arrives (see
//! `tests/support/fake/latency.rs`); a latency is the difference. Each kind runs with 1 and
//! with 50 interactions in flight (closed loop: a worker sends the next one when the
//! previous one is answered). The baseline is a minimal poise bot (one `/ping` answering a
//! constant ephemeral text) on its own tokio runtime in its own thread, against a second
//! fake, measured the same way.
//!
//! Both the fake and the bot run on this machine's cores, so every run also prints the CPU
//! time each side spent per interaction: that tells whether the fake or the bot was the
//! limit. The fakes set TCP_NODELAY: with Nagle's algorithm on, the fake's own 40 ms
//! delayed-ACK stalls would be measured as the bot's latency (one extra baseline row shows
//! them). Figures and their reading: BENCHMARKS.md.

#[path = "../tests/support/mod.rs"]
#[allow(unused_imports)]
mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rekindle::domain::schedule::Rhythm;
use rekindle::domain::timing::{Frequency, LocalTime};
use rekindle::store::Store;
use serde_json::{json, Value};
use support::{Actor, FakeDiscord, Interaction};

/// Measured interactions per kind and concurrency (`INTERACTIONS_PER_RUN` overrides it, e.g.
/// for a longer run under a profiler).
const PER_RUN: usize = 2_000;

fn per_run() -> usize {
    std::env::var("INTERACTIONS_PER_RUN")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(PER_RUN)
}

/// `INTERACTIONS_ONLY=status` runs only the kinds whose label contains "status".
fn wanted(label: &str) -> bool {
    std::env::var("INTERACTIONS_ONLY").map_or(true, |only| label.contains(only.as_str()))
}

/// Unmeasured interactions before each run: connections opened, caches warm.
const WARM_UP: usize = 200;
/// Members in the database besides the load's own.
const MEMBERS: u64 = 100_000;
/// Enrolled members with an open check-in, who run `/program status` and pick moods.
const LOAD_MEMBERS: u64 = 200;
const MEMBER_BASE: u64 = 100_000_000_000_000_000;
const LOAD_BASE: u64 = 200_000_000_000_000_000;
const CONCURRENCY: [usize; 2] = [1, 50];
/// How long one interaction may take before it counts as lost.
const LOST_AFTER: Duration = Duration::from_secs(10);

// ----- seeding -----

/// Seeds `members` enrolled members whose next check-in is more than a day away (nothing is
/// due while the benchmark runs), then the load's members, each with one open check-in.
/// Returns the load members' check-in ids, by member index.
async fn seed(store: &Store, members: u64, now: DateTime<Utc>) -> Vec<i64> {
    let rhythm = Rhythm {
        tz: chrono_tz::UTC,
        time: LocalTime::parse("19:00").expect("a time"),
        frequency: Frequency::Daily,
        days: rekindle::domain::days::Days::EVERY_DAY,
    };
    let slot = rhythm.following(rhythm.first_after(now).date);
    let now_s = now.timestamp();
    let mut tx = store.pool().begin().await.expect("a transaction");
    // One statement per range: 100,000 single-row inserts would take ten seconds.
    for (base, count) in [(MEMBER_BASE, members), (LOAD_BASE, LOAD_MEMBERS)] {
        sqlx::query(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?1)
             INSERT INTO members (id, timezone, checkin_time, frequency, encouragement, created_at)
             SELECT ?2 + i, 'UTC', '19:00', 'daily', 1, ?3 FROM n",
        )
        .bind(count as i64)
        .bind(base as i64)
        .bind(now_s - 10 * 86_400)
        .execute(&mut *tx)
        .await
        .expect("members");
    }
    sqlx::query(
        "INSERT INTO programs (member_id, step, step_since, paused, enrolled_at, next_checkin_date, next_checkin_at, next_encouragement_at)
         SELECT id, 2, ?1, 0, ?2, ?3, ?4, ?5 FROM members",
    )
    .bind(now_s - 3 * 86_400)
    .bind(now_s - 10 * 86_400)
    .bind(slot.date.to_string())
    .bind(slot.at.timestamp())
    .bind(slot.at.timestamp() + 3_600)
    .execute(&mut *tx)
    .await
    .expect("programs");
    let mut checkins = Vec::new();
    for i in 0..LOAD_MEMBERS {
        // Sent a minute ago: far from the 20-hour reminder.
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO checkins (member_id, step, prompt_index, sent_at) VALUES (?1, 2, 0, ?2) RETURNING id",
        )
        .bind((LOAD_BASE + i) as i64)
        .bind(now_s - 60)
        .fetch_one(&mut *tx)
        .await
        .expect("a check-in");
        checkins.push(id);
    }
    tx.commit().await.expect("seeded");
    checkins
}

// ----- /proc -----

/// (VmHWM, VmRSS) of a process, in MiB.
fn memory_mib(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kib| kib.parse::<f64>().ok())
            .map_or(f64::NAN, |kib| kib / 1024.0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// (thread name, user + system CPU seconds) from a `/proc/.../stat` line.
fn parse_stat(stat: &str) -> Option<(String, f64)> {
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let name = stat[open + 1..close].to_string();
    let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // USER_HZ is 100 on every Linux this runs on.
    Some((name, ticks / 100.0))
}

/// CPU seconds of process `pid` (all threads).
fn process_cpu(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| parse_stat(&s))
        .map_or(0.0, |(_, cpu)| cpu)
}

/// CPU seconds of this process's threads, split: (baseline bot threads, all others).
fn own_cpu() -> (f64, f64) {
    let mut split = (0.0, 0.0);
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return split;
    };
    for task in tasks.flatten() {
        let stat = std::fs::read_to_string(task.path().join("stat")).unwrap_or_default();
        if let Some((name, cpu)) = parse_stat(&stat) {
            if name.starts_with(BASELINE_THREADS) {
                split.0 += cpu;
            } else {
                split.1 += cpu;
            }
        }
    }
    split
}

fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map_or("unknown CPU".to_string(), |m| m.trim().to_string());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cores} cores, {model}")
}

// ----- load -----

/// One kind of interaction: checked templates, and who sends the n-th one from which template.
struct Workload {
    label: &'static str,
    templates: Vec<Interaction>,
    actor: fn(usize) -> (usize, Actor),
}

fn any_member(n: usize) -> (usize, Actor) {
    // A stride that walks over all 100,000 members, not just the first few.
    let i = (n as u64 * 7_919) % MEMBERS;
    (0, Actor::member(MEMBER_BASE + i))
}

fn enrolled_member(n: usize) -> (usize, Actor) {
    (0, Actor::member(LOAD_BASE + n as u64 % LOAD_MEMBERS))
}

fn checkin_owner_in_dm(n: usize) -> (usize, Actor) {
    let i = n % LOAD_MEMBERS as usize;
    (i, Actor::member(LOAD_BASE + i as u64).in_dm())
}

/// The figures of one run.
struct Run {
    in_flight: usize,
    /// Sorted.
    latencies: Vec<Duration>,
    elapsed: Duration,
    /// Callbacks the fake refused (not 204), and interactions never answered.
    refused: usize,
    lost: usize,
    bot_cpu: f64,
    fake_cpu: f64,
}

impl Run {
    fn quantile(&self, q: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((q * self.latencies.len() as f64).ceil() as usize).max(1);
        self.latencies[rank.min(self.latencies.len()) - 1]
    }
    fn figures(&self) -> [f64; 5] {
        [
            ms(self.quantile(0.50)),
            ms(self.quantile(0.90)),
            ms(self.quantile(0.99)),
            ms(self.quantile(1.0)),
            self.per_second(),
        ]
    }
    fn per_second(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Sends `total` interactions of `work`, `in_flight` at a time; `bot_cpu` reads the bot's
/// CPU seconds so far.
async fn drive(
    fake: &FakeDiscord,
    work: &Arc<Workload>,
    in_flight: usize,
    total: usize,
    bot_cpu: &dyn Fn() -> f64,
) -> Run {
    let next = Arc::new(AtomicUsize::new(0));
    let (bot_before, own_before) = (bot_cpu(), own_cpu());
    let started = Instant::now();
    let workers: Vec<_> = (0..in_flight)
        .map(|_| {
            let (fake, work, next) = (fake.clone(), work.clone(), next.clone());
            tokio::spawn(async move {
                let (mut latencies, mut refused, mut lost) = (Vec::new(), 0, 0);
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= total {
                        break;
                    }
                    let (template, who) = (work.actor)(n);
                    let interaction = fake.repeat_interaction(&work.templates[template], &who);
                    match fake.callback_timing(&interaction, LOST_AFTER).await {
                        Some(t) if t.status == 204 => latencies.push(t.latency()),
                        Some(_) => refused += 1,
                        None => lost += 1,
                    }
                }
                (latencies, refused, lost)
            })
        })
        .collect();
    let mut run = Run {
        in_flight,
        latencies: Vec::with_capacity(total),
        elapsed: Duration::ZERO,
        refused: 0,
        lost: 0,
        bot_cpu: 0.0,
        fake_cpu: 0.0,
    };
    for worker in workers {
        let (latencies, refused, lost) = worker.await.expect("a load worker");
        run.latencies.extend(latencies);
        run.refused += refused;
        run.lost += lost;
    }
    run.elapsed = started.elapsed();
    let (bot_after, own_after) = (bot_cpu(), own_cpu());
    run.latencies.sort();
    run.bot_cpu = bot_after - bot_before;
    // The baseline bot lives in this process: its threads are counted on the bot's side.
    run.fake_cpu = own_after.1 - own_before.1;
    run
}

/// Warm-up, then one measured run per concurrency.
async fn measure(
    fake: &FakeDiscord,
    work: Workload,
    concurrency: &[usize],
    bot_cpu: &dyn Fn() -> f64,
) -> (&'static str, Vec<Run>) {
    let work = Arc::new(work);
    let mut runs = Vec::new();
    for &in_flight in concurrency {
        drive(fake, &work, in_flight, WARM_UP, bot_cpu).await;
        runs.push(drive(fake, &work, in_flight, per_run(), bot_cpu).await);
    }
    (work.label, runs)
}

/// The first interaction of a kind goes through the fake's checked path; its callback must
/// be the answer a member would get, not an error, or the load would time the wrong path.
async fn checked(fake: &FakeDiscord, interaction: Interaction, expect: &str) -> Interaction {
    let callback = fake.wait_callback(&interaction, LOST_AFTER).await;
    let text = callback.to_string();
    assert!(
        text.contains(expect),
        "expected {expect:?} in the answer to {}: {callback:#}",
        interaction.payload["data"]
    );
    interaction
}

async fn rekindle_workloads(fake: &FakeDiscord, checkins: &[i64]) -> Vec<Workload> {
    let faq = fake
        .slash(
            &any_member(0).1,
            "faq",
            json!([{"type": 3, "name": "topic", "value": "no-contact"}]),
        )
        .await;
    let faq = checked(fake, faq, "\"embeds\":[{").await;
    let partial = fake
        .autocomplete(
            &any_member(0).1,
            "faq",
            json!([{"type": 3, "name": "topic", "value": "no cont", "focused": true}]),
        )
        .await;
    let partial = checked(fake, partial, "\"value\":\"no-contact\"").await;
    let status = fake
        .slash(
            &enrolled_member(0).1,
            "program",
            json!([{"type": 1, "name": "status", "options": []}]),
        )
        .await;
    let status = checked(fake, status, "2 of 7").await;
    let mut moods = Vec::new();
    for (i, checkin) in checkins.iter().enumerate() {
        let mood = fake
            .component(
                &checkin_owner_in_dm(i).1,
                &format!("ci:mood:{checkin}"),
                3,
                &["3"],
                None,
            )
            .await;
        moods.push(checked(fake, mood, "noted your mood").await);
    }
    let first_mood = fake.wait_callback(&moods[0], LOST_AFTER).await;
    println!(
        "  checked answers: /faq → embed {:?}; autocomplete → first choice {:?}; /program status → embed {:?}; mood → {:?}",
        fake.wait_callback(&faq, LOST_AFTER).await["data"]["embeds"][0]["title"],
        fake.wait_callback(&partial, LOST_AFTER).await["data"]["choices"][0]["value"],
        fake.wait_callback(&status, LOST_AFTER).await["data"]["embeds"][0]["title"],
        first_mood["data"]["content"],
    );
    vec![
        Workload {
            label: "/faq topic:no-contact",
            templates: vec![faq],
            actor: any_member,
        },
        Workload {
            label: "/faq autocomplete \"no cont\"",
            templates: vec![partial],
            actor: any_member,
        },
        Workload {
            label: "/program status",
            templates: vec![status],
            actor: enrolled_member,
        },
        Workload {
            label: "check-in mood select (DM)",
            templates: moods,
            actor: checkin_owner_in_dm,
        },
    ]
}

// ----- the real bot -----

struct Rekindle {
    label_runs: Vec<(&'static str, Vec<Run>)>,
    ready: Duration,
    registered: Duration,
    idle: (f64, f64),
    after_load: (f64, f64),
    violations: usize,
}

async fn rekindle() -> Rekindle {
    let fake = FakeDiscord::start_without_nagle().await;
    let dir = tempfile::tempdir().expect("a temporary folder");
    let url = format!("sqlite://{}", dir.path().join("x.db").display());
    let seeding = Instant::now();
    let checkins = {
        let store = Store::connect(&url).await.expect("a database");
        let checkins = seed(&store, MEMBERS, Utc::now()).await;
        store.close().await;
        checkins
    };
    println!(
        "  seeded {MEMBERS} members + {LOAD_MEMBERS} enrolled members with an open check-in in {:.1} s",
        seeding.elapsed().as_secs_f64()
    );
    let log = dir.path().join("bot.log");
    let started = Instant::now();
    let mut child = support::bot::bot_process(&fake, &url)
        .env("NO_COLOR", "1")
        .stderr(std::fs::File::create(&log).expect("a log file"))
        .spawn()
        .expect("the bot starts");
    let pid = child.id().expect("a pid");
    fake.wait_ready(Duration::from_secs(30)).await;
    let ready = started.elapsed();
    fake.wait_commands_registered(Duration::from_secs(30)).await;
    let registered = started.elapsed();
    // Let the scheduler loop make its first pass over the 100,000 members.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle = memory_mib(pid);

    let workloads = rekindle_workloads(&fake, &checkins).await;
    fake.enable_latency_probes();
    let bot_cpu = move || process_cpu(pid);
    let mut label_runs = Vec::new();
    for work in workloads.into_iter().filter(|w| wanted(w.label)) {
        label_runs.push(measure(&fake, work, &CONCURRENCY, &bot_cpu).await);
    }
    let after_load = memory_mib(pid);
    let violations = fake.violations().len();
    // A clean stop, as an operator's service manager would ask.
    let _ = std::process::Command::new("kill")
        .arg("-TERM")
        .arg(pid.to_string())
        .status();
    let _ = tokio::time::timeout(Duration::from_secs(10), child.wait()).await;
    let logged = std::fs::read_to_string(&log).unwrap_or_default();
    for line in logged.lines() {
        println!("  bot log: {line}");
    }
    Rekindle {
        label_runs,
        ready,
        registered,
        idle,
        after_load,
        violations,
    }
}

// ----- the baseline -----

/// Thread names of the baseline bot's runtime (for its CPU time).
const BASELINE_THREADS: &str = "baseline-bot";

mod baseline {
    use poise::serenity_prelude as serenity;

    type Context<'a> = poise::Context<'a, (), anyhow::Error>;

    /// Replies with a constant text that only you see
    #[poise::command(slash_command)]
    async fn ping(ctx: Context<'_>) -> Result<(), anyhow::Error> {
        ctx.send(
            poise::CreateReply::default()
                .content("pong")
                .ephemeral(true),
        )
        .await?;
        Ok(())
    }

    /// Runs the bare bot against `origin` on its own multi-thread runtime in its own thread
    /// (as a separate process would) until `stop` fires.
    pub fn spawn(
        origin: String,
        stop: tokio::sync::oneshot::Receiver<()>,
    ) -> std::thread::JoinHandle<()> {
        std::thread::Builder::new()
            .name(super::BASELINE_THREADS.into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .thread_name(super::BASELINE_THREADS)
                    .enable_all()
                    .build()
                    .expect("a runtime");
                runtime.block_on(run(origin, stop));
            })
            .expect("a thread")
    }

    async fn run(origin: String, stop: tokio::sync::oneshot::Receiver<()>) {
        // Without the proxy and the rate limiter off, serenity would call the real Discord.
        let http = serenity::HttpBuilder::new(crate::support::fake::TOKEN)
            .proxy(origin)
            .ratelimiter_disabled(true)
            .build();
        let framework = poise::Framework::builder()
            .options(poise::FrameworkOptions {
                commands: vec![ping()],
                ..Default::default()
            })
            .setup(|ctx, _ready, framework| {
                Box::pin(async move {
                    poise::builtins::register_globally(ctx, &framework.options().commands).await?;
                    Ok(())
                })
            })
            .build();
        let intents = serenity::GatewayIntents::GUILDS | serenity::GatewayIntents::DIRECT_MESSAGES;
        let mut client = serenity::ClientBuilder::new_with_http(http, intents)
            .framework(framework)
            .await
            .expect("a client");
        let shards = client.shard_manager.clone();
        tokio::spawn(async move {
            let _ = stop.await;
            shards.shutdown_all().await;
        });
        if let Err(error) = client.start().await {
            eprintln!("baseline bot stopped: {error}");
        }
    }
}

/// The bare bot's runs at `concurrency`; `nagle`: the fake's sockets as `FakeDiscord::start`
/// leaves them (to show what Nagle's algorithm does to the figures).
async fn baseline(nagle: bool, concurrency: &[usize]) -> Vec<Run> {
    let fake = if nagle {
        FakeDiscord::start().await
    } else {
        FakeDiscord::start_without_nagle().await
    };
    let (stop, stopped) = tokio::sync::oneshot::channel();
    let thread = baseline::spawn(fake.origin(), stopped);
    fake.wait_ready(Duration::from_secs(30)).await;
    fake.wait_commands_registered(Duration::from_secs(30)).await;
    let ping = fake.slash(&any_member(0).1, "ping", Value::Null).await;
    let ping = checked(&fake, ping, "pong").await;
    fake.enable_latency_probes();
    let work = Workload {
        label: "baseline /ping",
        templates: vec![ping],
        actor: any_member,
    };
    let bot_cpu = || own_cpu().0;
    let (_, runs) = measure(&fake, work, concurrency, &bot_cpu).await;
    let _ = stop.send(());
    let _ = tokio::task::spawn_blocking(move || thread.join()).await;
    let violations = fake.violations().len();
    if violations > 0 {
        println!("  baseline: the fake recorded {violations} violation(s)");
    }
    runs
}

// ----- report -----

fn row(label: &str, run: &Run, cores: f64) {
    let [p50, p90, p99, max, per_s] = run.figures();
    let n = run.latencies.len();
    let busy = (run.bot_cpu + run.fake_cpu) / (run.elapsed.as_secs_f64() * cores);
    println!(
        "{label:<30} {:>4} {n:>6} {p50:>8.3} {p90:>8.3} {p99:>8.3} {max:>8.3} {per_s:>8.0}   {:>5.3} {:>5.3} {:>4.0}%{}",
        run.in_flight,
        run.bot_cpu * 1000.0 / n.max(1) as f64,
        run.fake_cpu * 1000.0 / n.max(1) as f64,
        busy * 100.0,
        if run.refused + run.lost > 0 {
            format!("   REFUSED {} LOST {}", run.refused, run.lost)
        } else {
            String::new()
        }
    );
}

fn ratio_row(run: &Run, base: &Run) {
    let (a, b) = (run.figures(), base.figures());
    let r: Vec<String> = a
        .iter()
        .zip(b.iter())
        .map(|(x, y)| format!("{:>7.2}×", x / y))
        .collect();
    println!("{:<30} {:>4} {:>6} {}", "  ÷ baseline", "", "", r.join(" "));
}

fn goals(label: &str, run: &Run, base: &Run) -> Vec<String> {
    let p99 = ms(run.quantile(0.99));
    let base_p99 = ms(base.quantile(0.99));
    let mut out = Vec::new();
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    out.push(format!(
        "{label} at {}: p99 {p99:.2} ms ≤ 1.5 × baseline {base_p99:.2} ms = {:.2} ms: {}",
        run.in_flight,
        1.5 * base_p99,
        verdict(p99 <= 1.5 * base_p99)
    ));
    if run.in_flight == 50 {
        out.push(format!(
            "{label} at 50: p99 {p99:.2} ms < 20 ms: {}",
            verdict(p99 < 20.0)
        ));
    }
    if label.contains("autocomplete") {
        // A closed loop keeps `in_flight` requests waiting: the mean latency is in_flight ÷
        // throughput (Little's law), whatever the bot does with each one.
        out.push(format!(
            "{label} at {}: p99 {p99:.2} ms < 5 ms: {} (mean latency in a closed loop = {} ÷ {:.0}/s = {:.2} ms)",
            run.in_flight,
            verdict(p99 < 5.0),
            run.in_flight,
            run.per_second(),
            run.in_flight as f64 * 1000.0 / run.per_second()
        ));
    }
    out
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .thread_name("fake-discord")
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        println!("interactions benchmark on {}", machine());
        println!("Rekindle (release binary, its own process):");
        let rekindle = rekindle().await;
        println!("baseline (bare poise bot, own runtime and thread):");
        let base = baseline(false, &CONCURRENCY).await;
        let nagle = baseline(true, &[50]).await;

        println!();
        println!(
            "latency = INTERACTION_CREATE written to the websocket → callback POST received, in ms; {} interactions per row after {WARM_UP} unmeasured; the fake sets TCP_NODELAY",
            per_run()
        );
        println!(
            "CPU ms per interaction: the bot's process (or the baseline's threads), and this process's other threads (the fake and the load); busy: their sum over all cores"
        );
        println!(
            "{:<30} {:>4} {:>6} {:>8} {:>8} {:>8} {:>8} {:>8}   {:>5} {:>5} {:>5}",
            "interaction", "fly", "n", "p50", "p90", "p99", "max", "per s", "bot", "fake", "busy"
        );
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
        for run in &base {
            row("baseline /ping", run, cores);
        }
        for run in &nagle {
            row("baseline, fake with Nagle on", run, cores);
        }
        let mut verdicts = Vec::new();
        for (label, runs) in &rekindle.label_runs {
            for (run, base) in runs.iter().zip(&base) {
                row(label, run, cores);
                ratio_row(run, base);
                verdicts.extend(goals(label, run, base));
            }
        }
        println!();
        println!(
            "start-up with {MEMBERS} members: spawn → READY {:.0} ms, → commands registered {:.0} ms: {}",
            ms(rekindle.ready),
            ms(rekindle.registered),
            if rekindle.ready < Duration::from_secs(1) { "met (< 1 s)" } else { "MISSED (≥ 1 s)" }
        );
        let (idle_peak, idle_rss) = rekindle.idle;
        let (load_peak, load_rss) = rekindle.after_load;
        println!(
            "memory with {MEMBERS} members: idle after READY peak {idle_peak:.1} MiB (RSS {idle_rss:.1}); after the load peak {load_peak:.1} MiB (RSS {load_rss:.1}): {}",
            if load_peak.max(idle_peak) < 64.0 { "met (< 64 MiB)" } else { "MISSED (≥ 64 MiB)" }
        );
        println!("fake violations during the Rekindle runs: {}", rekindle.violations);
        for line in verdicts {
            println!("goal: {line}");
        }
    });
}
