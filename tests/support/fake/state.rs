//! The fake's mutable state (one mutex), the ids it hands out and the records tests read.
//!
//! Everything the REST handlers, the gateway tasks and the test-facing API share lives in
//! [`State`], behind `Shared::state`. `Shared::notify` wakes every waiter after a change.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::{mpsc, Notify};

use super::{Frame, Recorded};

pub(crate) const APPLICATION_ID: u64 = 900_000_000_000_000_001;
pub(crate) const BOT_USER_ID: u64 = 900_000_000_000_000_002;
pub(crate) const OWNER_USER_ID: u64 = 900_000_000_000_000_003;
pub(crate) const GUILD_ID: u64 = 900_000_000_000_000_010;
pub(crate) const CHANNEL_ID: u64 = 900_000_000_000_000_020;
pub(crate) const DM_CHANNEL_BASE: u64 = 700_000_000_000_000_000;
/// How long a test-side call waits for a live gateway session before panicking. serenity
/// needs about 5 s to identify again after a non-resumable op 9, hence the margin.
pub(crate) const SESSION_WAIT: Duration = Duration::from_secs(10);

/// Deterministic id of the DM channel between the bot and `user_id`.
pub(crate) fn dm_channel_of(user_id: u64) -> u64 {
    DM_CHANNEL_BASE + user_id % 100_000_000_000_000_000
}

/// A command sent to the task that owns one websocket connection.
pub(crate) enum ConnCmd {
    /// Write this frame (already numbered if it is a dispatch).
    Frame(Value),
    /// Drop the TCP connection without a close frame.
    Drop,
    /// Send a close frame with this code, then end.
    Close(u16),
}

#[derive(Clone)]
pub(crate) struct Conn {
    pub id: u64,
    pub session_id: String,
    pub tx: mpsc::UnboundedSender<ConnCmd>,
}

/// One gateway session: its sequence counter and every dispatch sent in it (for RESUME).
pub(crate) struct Session {
    pub seq: u64,
    pub buffer: Vec<Value>,
    pub valid: bool,
}

/// One interaction the fake dispatched, and what the bot did with it.
pub(crate) struct InteractionRec {
    pub id: u64,
    pub token: String,
    /// Interaction type: 2 command, 3 component, 4 autocomplete, 5 modal submit.
    pub kind: u8,
    pub created: Instant,
    pub channel_id: u64,
    /// Callback type once acknowledged.
    pub acked: Option<u8>,
    /// The `@original` response message, once there is one.
    pub original: Option<Value>,
    /// The message a component sits on (for callback types 6 and 7).
    pub message: Option<Value>,
    pub followups: HashMap<u64, Value>,
}

/// A forced failure for the next `POST /channels/{id}/messages`.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Forced {
    TooMany { retry_after: f64, with_code: bool },
    Status(u16),
}

pub(crate) struct State {
    pub port: u16,
    pub next_id: u64,
    pub requests: Vec<Recorded>,
    pub frames: Vec<Frame>,
    pub violations: Vec<String>,
    // gateway
    pub heartbeat_interval_ms: u64,
    pub next_conn_id: u64,
    pub open_conns: HashMap<u64, mpsc::UnboundedSender<ConnCmd>>,
    pub current: Option<Conn>,
    pub sessions: HashMap<String, Session>,
    pub identified: usize,
    pub resumed: usize,
    pub ready_sent: usize,
    pub intents: Option<u64>,
    // commands: None until the bot registered them at that scope
    pub global_commands: Option<Vec<Value>>,
    pub guild_commands: HashMap<u64, Vec<Value>>,
    // interactions
    pub interactions: HashMap<u64, InteractionRec>,
    pub callback_deadline: Option<Duration>,
    pub app_permissions: u64,
    // messages
    pub messages: HashMap<u64, Value>,
    /// Ids in `messages` the fake made up itself (default component messages).
    pub synthetic: HashSet<u64>,
    pub channel_posts: Vec<(u64, Value)>,
    pub nonces: HashMap<(u64, String), Value>,
    pub known_channels: HashSet<u64>,
    pub dm_users: HashMap<u64, u64>,
    pub bots: HashSet<u64>,
    // knobs
    pub forced: VecDeque<Forced>,
    pub closed_dms: HashSet<u64>,
    pub rate_limit: Option<u32>,
    pub recent_creates: VecDeque<Instant>,
    pub rate_limit_hits: usize,
    /// Every `every`-th message creation answers 429 (a storm), counted in `storm_seen`.
    pub storm: Option<Storm>,
    pub storm_seen: u64,
    /// Added before answering requests: (method, path fragment, delay).
    pub delays: Vec<(String, String, std::time::Duration)>,
    /// Done at once, answered late: (method, path fragment, requests left, delay).
    pub late_answers: Vec<(String, String, usize, std::time::Duration)>,
    /// Every request is answered 401, as Discord does for a reset token.
    pub token_revoked: bool,
    /// The server of each guild channel that is not in the default guild.
    pub channel_guilds: HashMap<u64, u64>,
    /// Servers the bot left (`DELETE /users/@me/guilds/{id}`), in order.
    pub left_guilds: Vec<u64>,
    /// The next requests to leave a server answer these statuses instead (429 with Discord's
    /// rate-limit body), in order.
    pub leave_failures: VecDeque<u16>,
    /// The next `GET /gateway` requests answer these statuses instead (429 with Discord's
    /// rate-limit body), in order.
    pub discovery_failures: VecDeque<u16>,
    /// Message creations in these channels answer this (status, code, message).
    pub refused_channels: HashMap<u64, (u16, u64, &'static str)>,
    /// The gateway answers 503 instead of upgrading, counted in `gateway_refusals`.
    pub gateway_down: bool,
    pub gateway_refusals: usize,
}

/// A 429 storm: one message creation in `every` is rate limited.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Storm {
    pub every: u64,
    pub retry_after: f64,
    pub with_code: bool,
}

impl State {
    /// The delay set for this request, if any.
    pub fn delay_for(&self, method: &str, path: &str) -> Option<std::time::Duration> {
        self.delays
            .iter()
            .find(|(m, fragment, _)| m == method && path.contains(fragment.as_str()))
            .map(|(_, _, delay)| *delay)
    }

    /// The late-answer delay for this request, if one is set (and counts it off).
    pub fn take_late_answer(&mut self, method: &str, path: &str) -> Option<std::time::Duration> {
        let late = self
            .late_answers
            .iter_mut()
            .find(|(m, fragment, left, _)| {
                m == method && path.contains(fragment.as_str()) && *left > 0
            })?;
        late.2 -= 1;
        Some(late.3)
    }

    pub fn new(port: u16) -> State {
        State {
            port,
            next_id: 1_100_000_000_000_000_000,
            requests: Vec::new(),
            frames: Vec::new(),
            violations: Vec::new(),
            heartbeat_interval_ms: 41_250,
            next_conn_id: 1,
            open_conns: HashMap::new(),
            current: None,
            sessions: HashMap::new(),
            identified: 0,
            resumed: 0,
            ready_sent: 0,
            intents: None,
            global_commands: None,
            guild_commands: HashMap::new(),
            interactions: HashMap::new(),
            callback_deadline: Some(Duration::from_secs(3)),
            // VIEW_CHANNEL, SEND_MESSAGES, EMBED_LINKS, ATTACH_FILES, READ_MESSAGE_HISTORY,
            // USE_EXTERNAL_EMOJIS, ADD_REACTIONS, SEND_MESSAGES_IN_THREADS.
            app_permissions: (1 << 10)
                | (1 << 11)
                | (1 << 14)
                | (1 << 15)
                | (1 << 16)
                | (1 << 18)
                | (1 << 6)
                | (1 << 38),
            messages: HashMap::new(),
            synthetic: HashSet::new(),
            channel_posts: Vec::new(),
            nonces: HashMap::new(),
            known_channels: HashSet::from([CHANNEL_ID]),
            dm_users: HashMap::new(),
            bots: HashSet::from([BOT_USER_ID]),
            forced: VecDeque::new(),
            closed_dms: HashSet::new(),
            rate_limit: None,
            recent_creates: VecDeque::new(),
            rate_limit_hits: 0,
            storm: None,
            storm_seen: 0,
            delays: Vec::new(),
            late_answers: Vec::new(),
            token_revoked: false,
            channel_guilds: HashMap::new(),
            left_guilds: Vec::new(),
            leave_failures: VecDeque::new(),
            discovery_failures: VecDeque::new(),
            refused_channels: HashMap::new(),
            gateway_down: false,
            gateway_refusals: 0,
        }
    }

    /// A fresh snowflake-sized id.
    pub fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    pub fn violation(&mut self, text: impl Into<String>) {
        let text = text.into();
        eprintln!("[fake-discord] violation: {text}");
        self.violations.push(text);
    }

    pub fn ws_url(&self) -> String {
        format!("ws://127.0.0.1:{}/gateway", self.port)
    }

    /// Remembers that `user_id` has a DM channel with the bot; returns its id.
    pub fn open_dm(&mut self, user_id: u64) -> u64 {
        let channel = dm_channel_of(user_id);
        self.known_channels.insert(channel);
        self.dm_users.insert(channel, user_id);
        channel
    }

    /// The registered command called `name` visible in `guild` (guild commands first).
    pub fn find_command(&self, name: &str, guild: Option<u64>) -> Option<(Value, bool)> {
        let by_name = |list: &Vec<Value>| {
            list.iter()
                .find(|c| c["name"] == name && c["type"].as_u64().unwrap_or(1) == 1)
                .cloned()
        };
        if let Some(g) = guild {
            if let Some(c) = self.guild_commands.get(&g).and_then(by_name) {
                return Some((c, true));
            }
        }
        self.global_commands
            .as_ref()
            .and_then(by_name)
            .map(|c| (c, false))
    }

    pub fn commands_registered(&self) -> bool {
        self.global_commands.is_some() || !self.guild_commands.is_empty()
    }

    /// One line per request, for panic messages.
    pub fn request_summary(&self) -> String {
        let mut out = String::new();
        for r in &self.requests {
            out.push_str(&format!("  {} {} -> {}\n", r.method, r.path, r.status));
        }
        if out.is_empty() {
            out.push_str("  (no REST requests)\n");
        }
        out
    }

    pub fn frame_summary(&self) -> String {
        let mut out = String::new();
        for f in self
            .frames
            .iter()
            .rev()
            .take(30)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
        {
            out.push_str(&format!(
                "  conn {} {:?} op {} {} s={:?}\n",
                f.conn,
                f.dir,
                f.op,
                f.t.as_deref().unwrap_or("-"),
                f.s
            ));
        }
        if out.is_empty() {
            out.push_str("  (no gateway frames)\n");
        }
        out
    }

    pub fn diagnostics(&self) -> String {
        format!(
            "REST requests so far:\n{}last gateway frames:\n{}violations: {:#?}\n",
            self.request_summary(),
            self.frame_summary(),
            self.violations
        )
    }
}

/// What the server tasks and the test handle share.
pub(crate) struct Shared {
    pub port: u16,
    pub state: Mutex<State>,
    pub notify: Notify,
    /// Latency probes for load tools (off unless turned on); see `latency.rs`.
    pub probes: super::latency::Probes,
}

impl Shared {
    pub fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking test thread must not hide every later diagnostic behind a poison error.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn changed(&self) {
        self.notify.notify_waiters();
    }

    /// Waits until `check` returns `Some`, re-checking after every change (and every 50 ms
    /// as a safety net). Returns `Err(diagnostics)` at the deadline.
    pub async fn wait_until<T>(
        &self,
        timeout: Duration,
        mut check: impl FnMut(&mut State) -> Option<T>,
    ) -> Result<T, String> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.notify.notified();
            {
                let mut st = self.lock();
                if let Some(v) = check(&mut st) {
                    return Ok(v);
                }
                if tokio::time::Instant::now() >= deadline {
                    return Err(st.diagnostics());
                }
            }
            let _ = tokio::time::timeout(Duration::from_millis(50), notified).await;
        }
    }
}
