//! Latency probes for load tools: when each INTERACTION_CREATE was written to the bot's
//! websocket and when its callback POST reached the fake, keyed by interaction id.
//!
//! The test-facing waits (`wait_callback` and friends) rescan every recorded request under
//! the state lock after every change: right for a test, quadratic under load. Probes live
//! behind their own small lock, stay off (one atomic load per frame and request) until a tool
//! turns them on, and hand each timing to exactly one waiter through a oneshot channel, so
//! fifty concurrent waiters cost nothing while they wait. They never change what the fake
//! answers or records.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::oneshot;

use super::{FakeDiscord, Interaction};

/// When an interaction left the fake and when the bot's answer to it came back.
#[derive(Clone, Copy, Debug)]
pub struct CallbackTiming {
    /// Just before the INTERACTION_CREATE frame was written to the websocket.
    pub sent: Instant,
    /// When the fake's HTTP handler received `POST /interactions/{id}/{token}/callback`
    /// (headers and body read, before the fake's own checks).
    pub arrived: Instant,
    /// What the fake answered the callback (204 when it was valid).
    pub status: u16,
}

impl CallbackTiming {
    /// The bot's turnaround: dispatch written to callback received.
    pub fn latency(&self) -> Duration {
        self.arrived.saturating_duration_since(self.sent)
    }
}

#[derive(Default)]
struct Entry {
    sent: Option<Instant>,
    arrived: Option<(Instant, u16)>,
    waiter: Option<oneshot::Sender<CallbackTiming>>,
}

impl Entry {
    fn timing(&self) -> Option<CallbackTiming> {
        let (arrived, status) = self.arrived?;
        Some(CallbackTiming {
            sent: self.sent?,
            arrived,
            status,
        })
    }
}

/// The probe table, shared by the gateway tasks, the HTTP handler and the waiters.
#[derive(Default)]
pub(crate) struct Probes {
    enabled: AtomicBool,
    entries: Mutex<HashMap<u64, Entry>>,
}

impl Probes {
    fn enabled(&self) -> bool {
        self.enabled.load(Ordering::Relaxed)
    }

    fn update(&self, id: u64, change: impl FnOnce(&mut Entry)) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let entry = entries.entry(id).or_default();
        change(entry);
        if entry.waiter.is_some() {
            if let Some(timing) = entry.timing() {
                let waiter = entry.waiter.take().expect("checked");
                entries.remove(&id);
                drop(entries);
                let _ = waiter.send(timing);
            }
        }
    }

    /// Called by a connection task just before it writes `frame` to the websocket.
    pub fn frame_writing(&self, frame: &Value) {
        if !self.enabled() || frame["t"].as_str() != Some("INTERACTION_CREATE") {
            return;
        }
        let now = Instant::now();
        if let Some(id) = frame["d"]["id"].as_str().and_then(|s| s.parse().ok()) {
            self.update(id, |e| e.sent = Some(now));
        }
    }

    /// The interaction id if `method path` is an interaction callback and probes are on.
    pub fn callback_id(&self, method: &str, path: &str) -> Option<u64> {
        if !self.enabled() || method != "POST" {
            return None;
        }
        let mut seg = path.trim_start_matches('/').split('/');
        match (seg.next(), seg.next(), seg.next(), seg.next(), seg.next()) {
            (Some("interactions"), Some(id), Some(_token), Some("callback"), None) => {
                id.parse().ok()
            }
            _ => None,
        }
    }

    /// Called by the HTTP handler once it has answered the callback of interaction `id`.
    pub fn callback_answered(&self, id: u64, arrived: Instant, status: u16) {
        self.update(id, |e| e.arrived = Some((arrived, status)));
    }
}

impl FakeDiscord {
    /// Turns the latency probes on for interactions dispatched from now on.
    pub fn enable_latency_probes(&self) {
        self.shared.probes.enabled.store(true, Ordering::Relaxed);
    }

    /// Waits for the callback of `interaction` and returns its timing (None at `timeout`).
    /// Each interaction's timing is handed out once. Needs [`FakeDiscord::enable_latency_probes`]
    /// before the interaction was dispatched. Unlike `wait_callback`, waiting scans nothing.
    pub async fn callback_timing(
        &self,
        interaction: &Interaction,
        timeout: Duration,
    ) -> Option<CallbackTiming> {
        let probes = &self.shared.probes;
        let receiver = {
            let mut entries = probes.entries.lock().unwrap_or_else(|e| e.into_inner());
            let entry = entries.entry(interaction.id).or_default();
            if let Some(timing) = entry.timing() {
                entries.remove(&interaction.id);
                return Some(timing);
            }
            let (sender, receiver) = oneshot::channel();
            entry.waiter = Some(sender);
            receiver
        };
        match tokio::time::timeout(timeout, receiver).await {
            Ok(Ok(timing)) => Some(timing),
            _ => {
                let mut entries = probes.entries.lock().unwrap_or_else(|e| e.into_inner());
                entries.remove(&interaction.id);
                None
            }
        }
    }
}
