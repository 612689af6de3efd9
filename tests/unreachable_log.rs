//! While Discord cannot be reached, the journal gets one plain line saying so and why, not a
//! warning every 5 seconds; and one line when it is back.
//!
//! Its own test binary: the capture is the process-wide subscriber, built with the same
//! filter (and caps) as `main`, so serenity's own lines are seen as an operator would.

#[path = "support/mod.rs"]
mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rekindle::app::{self, StartOptions};
use rekindle::clock::ManualClock;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::Layer;

use crate::support::bot::{start_instant, test_settings, test_tuning};
use crate::support::FakeDiscord;

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

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("logs")).into_owned()
    }

    /// Waits until the logs contain `needle`, with a deadline.
    async fn wait_for(&self, needle: &str, within: Duration) {
        self.wait_for_after(0, needle, within).await;
    }

    /// Waits until the logs past byte `from` contain `needle`, with a deadline.
    async fn wait_for_after(&self, from: usize, needle: &str, within: Duration) {
        let deadline = tokio::time::Instant::now() + within;
        while !self.text()[from..].contains(needle) {
            assert!(
                tokio::time::Instant::now() < deadline,
                "no {needle:?} in the logs within {within:?}:\n{}",
                self.text()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Lines at WARN or above.
fn warnings(logs: &str) -> Vec<&str> {
    logs.lines()
        .filter(|line| line.contains(" WARN ") || line.contains(" ERROR "))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discord_out_of_reach_is_one_line_with_its_cause_not_a_warning_every_5_s() {
    let _ = tracing_log::LogTracer::init();
    let captured = Captured::default();
    let writer = captured.clone();
    // What an operator runs with by default.
    let layer = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .with_filter(rekindle::logging::filter(None));
    tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer))
        .expect("the only subscriber");

    // 1. Discord's REST API does not answer at start: a server that accepts connections and
    // closes them at once, counting them.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let origin = format!("http://{}", silent.local_addr().expect("an address"));
    let tries = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = tries.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = silent.accept().await {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            drop(stream);
        }
    });
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().expect("a temporary folder");
    let url = format!("sqlite://{}", dir.path().join("first.db").display());
    let settings = test_settings(&fake, &url, &[("DISCORD_API_BASE", &origin)]);
    let options = StartOptions {
        background_scheduler: false,
        tuning: test_tuning(),
    };
    let running = app::start(
        settings,
        Arc::new(ManualClock::new(start_instant())),
        options,
    )
    .await
    .unwrap_or_else(|e| panic!("{e:#}"));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while tries.load(std::sync::atomic::Ordering::SeqCst) < 3 {
        assert!(tokio::time::Instant::now() < deadline, "it stopped trying");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Stopping while it waits is immediate.
    tokio::time::timeout(Duration::from_secs(3), running.stop())
        .await
        .expect("the wait for Discord ends with the stop")
        .expect("a clean stop");
    let logs = captured.text();
    let lines: Vec<&str> = logs
        .lines()
        .filter(|line| line.contains("cannot reach Discord"))
        .collect();
    assert_eq!(lines.len(), 1, "one line for three tries:\n{logs}");
    println!("REST down: {}", lines[0]);
    assert!(
        lines[0].contains(&format!("{origin} does not answer")),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("retrying in 5 s"), "{}", lines[0]);
    assert_eq!(warnings(&logs), lines, "and no other warning:\n{logs}");
    let before = logs.len();

    // 2. The REST API answers, the gateway refuses every connection.
    let fake = FakeDiscord::start().await;
    fake.set_gateway_down(true);
    let url = format!("sqlite://{}", dir.path().join("second.db").display());
    let settings = test_settings(&fake, &url, &[]);
    let options = StartOptions {
        background_scheduler: false,
        tuning: test_tuning(),
    };
    let running = app::start(
        settings,
        Arc::new(ManualClock::new(start_instant())),
        options,
    )
    .await
    .unwrap_or_else(|e| panic!("{e:#}"));

    // serenity tries every 5 seconds; wait for three refusals, and for the line.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(40);
    while fake.gateway_refusals() < 3 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "serenity stopped trying: {} refusals",
            fake.gateway_refusals()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    captured
        .wait_for_after(before, "cannot reach Discord", Duration::from_secs(20))
        .await;
    let logs = captured.text()[before..].to_owned();
    let lines: Vec<&str> = logs
        .lines()
        .filter(|line| line.contains("cannot reach Discord"))
        .collect();
    assert_eq!(lines.len(), 1, "one line, not one per try:\n{logs}");
    println!("gateway down: {}", lines[0]);
    assert!(
        lines[0].contains("refused the connection") && lines[0].contains("503"),
        "the cause: {}",
        lines[0]
    );
    assert!(lines[0].contains("retrying in 5 s"), "{}", lines[0]);
    assert_eq!(
        warnings(&logs),
        lines,
        "no other warning while it waits (serenity's every 5 s are gone):\n{logs}"
    );

    // Back: the bot connects by itself, and says so once.
    fake.set_gateway_down(false);
    fake.wait_ready(Duration::from_secs(20)).await;
    captured
        .wait_for("reached Discord again", Duration::from_secs(10))
        .await;
    tokio::time::timeout(Duration::from_secs(10), running.stop())
        .await
        .expect("stops in time")
        .expect("a clean stop");
    let logs = captured.text()[before..].to_owned();
    assert_eq!(
        logs.matches("cannot reach Discord").count(),
        1,
        "still one line:\n{logs}"
    );
    assert!(
        !logs.contains(support::fake::TOKEN),
        "the token never reaches the logs"
    );
}
