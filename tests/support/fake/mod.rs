//! A fake Discord (REST v10 + websocket gateway) on 127.0.0.1 for end-to-end tests.
//!
//! One axum server serves REST under `/api/v10` and the gateway at `/gateway`. The bot is
//! pointed at [`FakeDiscord::origin`] (serenity: `HttpBuilder::proxy(origin)` with the rate
//! limiter disabled). The fake records every request and gateway frame, checks Discord's
//! payload limits (recorded as [`FakeDiscord::violations`] and answered 400 like Discord),
//! drives interactions and DMs over the live session, and injects faults. This file holds
//! the public handle, its record accessors and waiting helpers;
//! `interactions.rs` adds the methods that build events, `control.rs` the gateway controls
//! and fault knobs.

mod commands;
mod components;
mod control;
mod gateway;
mod interactions;
mod latency;
mod messages;
mod payloads;
mod rest;
mod state;
mod validate;
mod webhooks;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::Notify;

use state::{Shared, State};

// Used by the interaction benchmark; the tests do not need it.
#[allow(unused_imports)]
pub use latency::CallbackTiming;

/// The test guild's id, for settings built before a fake exists.
pub const HOME_GUILD: u64 = state::GUILD_ID;

/// The token tests give the bot; every REST call must carry `Authorization: Bot <TOKEN>`.
pub const TOKEN: &str = "OTAwMDAwMDAwMDAwMDAwMDAy.FakeDc.rekindle-test-token-not-a-secret";

/// Who performs an interaction or sends a DM.
#[derive(Clone, Debug)]
pub struct Actor {
    pub id: u64,
    pub name: String,
    /// Sent as `member.permissions` for guild interactions.
    pub guild_permissions: u64,
    /// false: the interaction comes from the bot's DM (`user`, no `guild_id`/`member`).
    pub in_guild: bool,
    /// The server a guild interaction comes from (default: the test guild), and the text
    /// channel it happens in.
    pub guild: u64,
    pub channel: u64,
}

/// VIEW_CHANNEL, SEND_MESSAGES, EMBED_LINKS, ATTACH_FILES, READ_MESSAGE_HISTORY,
/// ADD_REACTIONS, USE_APPLICATION_COMMANDS.
pub const BASIC_PERMISSIONS: u64 =
    (1 << 10) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 6) | (1 << 31);
pub const MANAGE_GUILD: u64 = 0x20;

impl Actor {
    pub fn member(id: u64) -> Actor {
        Actor {
            id,
            name: format!("user{id}"),
            guild_permissions: BASIC_PERMISSIONS,
            in_guild: true,
            guild: state::GUILD_ID,
            channel: state::CHANNEL_ID,
        }
    }
    /// The same person, acting in another server, in its text channel `channel`.
    pub fn in_server(self, guild: u64, channel: u64) -> Actor {
        Actor {
            guild,
            channel,
            in_guild: true,
            ..self
        }
    }
    pub fn admin(id: u64) -> Actor {
        Actor {
            guild_permissions: BASIC_PERMISSIONS | MANAGE_GUILD,
            ..Actor::member(id)
        }
    }
    pub fn in_dm(self) -> Actor {
        Actor {
            in_guild: false,
            ..self
        }
    }
    pub fn named(self, name: &str) -> Actor {
        Actor {
            name: name.to_string(),
            ..self
        }
    }
    pub fn with_permissions(self, guild_permissions: u64) -> Actor {
        Actor {
            guild_permissions,
            ..self
        }
    }
}

/// An interaction the fake dispatched.
#[derive(Clone, Debug)]
pub struct Interaction {
    pub id: u64,
    pub token: String,
    /// 2 command, 3 component, 4 autocomplete, 5 modal submit.
    pub kind: u8,
    pub channel_id: u64,
    pub guild_id: Option<u64>,
    pub user_id: u64,
    /// The full INTERACTION_CREATE `d` that was sent.
    pub payload: Value,
}

/// One REST request and the status the fake answered.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    /// Without `/api/v10` and without the query.
    pub path: String,
    pub query: Option<String>,
    pub headers_authorization: Option<String>,
    /// Null when empty; for multipart `{"payload_json": parsed, "files": [{"name", "filename", "content"}]}`.
    pub body: Value,
    pub status: u16,
    /// When the request arrived (before any delay the fake was told to add).
    pub at: std::time::Instant,
}

impl Recorded {
    /// The JSON payload whether the request was JSON or multipart.
    pub fn payload(&self) -> &Value {
        match self.body.get("payload_json") {
            Some(p) if self.body.get("files").is_some() => p,
            _ => &self.body,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    /// From the bot to the fake.
    In,
    /// From the fake to the bot.
    Out,
}

/// One gateway frame in either direction.
#[derive(Clone, Debug)]
pub struct Frame {
    /// Which websocket connection (1, 2, ... in connection order).
    pub conn: u64,
    pub dir: Dir,
    pub op: u64,
    pub t: Option<String>,
    pub s: Option<u64>,
    pub d: Value,
}

/// Handle to a running fake. Cheap to clone; the server lives as long as the test runtime.
#[derive(Clone)]
pub struct FakeDiscord {
    shared: Arc<Shared>,
}

impl FakeDiscord {
    pub const TOKEN: &'static str = TOKEN;

    /// Binds 127.0.0.1:0 and serves REST and the gateway on it.
    pub async fn start() -> FakeDiscord {
        FakeDiscord::serve(false).await
    }

    /// Like [`FakeDiscord::start`], with TCP_NODELAY on every accepted connection. For load
    /// tools: with Nagle's algorithm on, a gateway frame written while the previous one is
    /// unacknowledged waits for the bot's delayed ACK (up to 40 ms on Linux), a stall of the
    /// fake's own making that would be measured as the bot's latency.
    pub async fn start_without_nagle() -> FakeDiscord {
        FakeDiscord::serve(true).await
    }

    async fn serve(nodelay: bool) -> FakeDiscord {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let port = listener.local_addr().unwrap().port();
        let shared = Arc::new(Shared {
            port,
            state: Mutex::new(State::new(port)),
            notify: Notify::new(),
            probes: Default::default(),
        });
        let app = rest::router(shared.clone());
        tokio::spawn(async move {
            let server = axum::serve(listener, app);
            let server = if nodelay {
                server.tcp_nodelay(true)
            } else {
                server
            };
            server.await.expect("fake discord server");
        });
        FakeDiscord { shared }
    }

    pub fn token() -> &'static str {
        TOKEN
    }
    /// `http://127.0.0.1:PORT` (no `/api/v10`): the bot's API base / serenity proxy.
    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.shared.port)
    }
    pub fn gateway_url(&self) -> String {
        format!("ws://127.0.0.1:{}/gateway", self.shared.port)
    }
    pub fn application_id(&self) -> u64 {
        state::APPLICATION_ID
    }
    pub fn bot_user_id(&self) -> u64 {
        state::BOT_USER_ID
    }
    /// The application owner (poise's default owner).
    pub fn owner_user_id(&self) -> u64 {
        state::OWNER_USER_ID
    }
    /// The test guild (unavailable in READY, then GUILD_CREATE).
    pub fn guild_id(&self) -> u64 {
        state::GUILD_ID
    }
    /// The guild text channel interactions happen in.
    pub fn channel_id(&self) -> u64 {
        state::CHANNEL_ID
    }
    /// Deterministic per user.
    pub fn dm_channel_id(&self, user_id: u64) -> u64 {
        state::dm_channel_of(user_id)
    }

    // ----- records -----

    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.lock().requests.clone()
    }
    pub fn gateway_frames(&self) -> Vec<Frame> {
        self.shared.lock().frames.clone()
    }
    pub fn violations(&self) -> Vec<String> {
        self.shared.lock().violations.clone()
    }
    pub fn assert_no_violations(&self) {
        let v = self.violations();
        assert!(
            v.is_empty(),
            "fake Discord recorded {} violation(s):\n  {}",
            v.len(),
            v.join("\n  ")
        );
    }
    /// Clears recorded violations (e.g. after a test provoked one on purpose).
    pub fn take_violations(&self) -> Vec<String> {
        std::mem::take(&mut self.shared.lock().violations)
    }
    /// The intents of the last Identify.
    pub fn identify_intents(&self) -> Option<u64> {
        self.shared.lock().intents
    }
    /// Message payloads the bot created in `channel_id` (successful POSTs, after nonce
    /// de-dup). Multipart payloads carry their files under `"files"`.
    pub fn messages_to_channel(&self, channel_id: u64) -> Vec<Value> {
        let st = self.shared.lock();
        st.channel_posts
            .iter()
            .filter(|(c, _)| *c == channel_id)
            .map(|(_, b)| b.clone())
            .collect()
    }
    pub fn dm_messages_to(&self, user_id: u64) -> Vec<Value> {
        self.messages_to_channel(state::dm_channel_of(user_id))
    }
    /// Full message objects (with ids, as the fake answered them) the bot created in
    /// `channel_id` and has not deleted, oldest first. Pass one to [`FakeDiscord::component`].
    pub fn created_messages(&self, channel_id: u64) -> Vec<Value> {
        let st = self.shared.lock();
        let mut list: Vec<(u64, Value)> = st
            .messages
            .iter()
            .filter(|(id, m)| {
                !st.synthetic.contains(id) && m["channel_id"] == channel_id.to_string().as_str()
            })
            .map(|(id, m)| (*id, m.clone()))
            .collect();
        list.sort_by_key(|(id, _)| *id);
        list.into_iter().map(|(_, m)| m).collect()
    }
    /// The current `@original` response message of `interaction` (with its id), if any.
    pub fn original_response(&self, interaction: &Interaction) -> Option<Value> {
        self.shared
            .lock()
            .interactions
            .get(&interaction.id)
            .and_then(|r| r.original.clone())
    }
    /// How many message creations the global rate limit refused.
    pub fn rate_limit_hits(&self) -> usize {
        self.shared.lock().rate_limit_hits
    }
    pub fn sessions_identified(&self) -> usize {
        self.shared.lock().identified
    }
    pub fn sessions_resumed(&self) -> usize {
        self.shared.lock().resumed
    }

    // ----- waiting -----

    /// Waits until an Identify was answered with READY and that session is live.
    pub async fn wait_ready(&self, timeout: Duration) {
        let r = self
            .shared
            .wait_until(timeout, |st| {
                (st.ready_sent > 0 && st.current.is_some()).then_some(())
            })
            .await;
        if let Err(diag) = r {
            panic!("fake Discord: no READY session within {timeout:?}\n{diag}");
        }
    }

    /// Waits for a command registration (`PUT .../commands`, global or guild) and returns
    /// the registered list. Panics if the registration was refused.
    pub async fn wait_commands_registered(&self, timeout: Duration) -> Vec<Value> {
        let rec = self
            .wait_for_request("PUT .../commands", timeout, |r| {
                r.method == "PUT" && r.path.ends_with("/commands")
            })
            .await;
        if rec.status != 200 {
            panic!(
                "command registration was refused ({}):\n  {}",
                rec.status,
                self.violations().join("\n  ")
            );
        }
        rec.body.as_array().cloned().unwrap_or_default()
    }

    /// Waits for the first recorded request matching `pred` (including ones already made).
    pub async fn wait_for_request<F: Fn(&Recorded) -> bool>(
        &self,
        what: &str,
        timeout: Duration,
        pred: F,
    ) -> Recorded {
        let r = self
            .shared
            .wait_until(timeout, |st| st.requests.iter().find(|r| pred(r)).cloned())
            .await;
        r.unwrap_or_else(|diag| {
            panic!("fake Discord: no request matching {what:?} within {timeout:?}\n{diag}")
        })
    }

    /// Waits for `n` requests matching `pred`; returns them.
    pub async fn wait_for_requests<F: Fn(&Recorded) -> bool>(
        &self,
        what: &str,
        n: usize,
        timeout: Duration,
        pred: F,
    ) -> Vec<Recorded> {
        let r = self
            .shared
            .wait_until(timeout, |st| {
                let found: Vec<Recorded> =
                    st.requests.iter().filter(|r| pred(r)).cloned().collect();
                (found.len() >= n).then_some(found)
            })
            .await;
        r.unwrap_or_else(|diag| panic!("fake Discord: fewer than {n} requests matching {what:?} within {timeout:?}\n{diag}"))
    }

    /// Waits for the callback of `interaction`; returns its JSON body (for multipart the
    /// `payload_json` with the files under `"files"`).
    pub async fn wait_callback(&self, interaction: &Interaction, timeout: Duration) -> Value {
        let path = format!(
            "/interactions/{}/{}/callback",
            interaction.id, interaction.token
        );
        let rec = self
            .wait_for_request(&format!("POST {path}"), timeout, |r| {
                r.method == "POST" && r.path == path
            })
            .await;
        let mut v = rec.payload().clone();
        if let Some(files) = rec
            .body
            .get("files")
            .filter(|_| rec.body.get("payload_json").is_some())
        {
            v["files"] = files.clone();
        }
        v
    }

    /// Waits for the bot's answer to `interaction` as the member sees it: the callback, or,
    /// when the bot deferred (type 5 or 6), the edit that followed, shaped like the callback
    /// it stands for (type 4 with the deferral's flags, or type 7).
    pub async fn wait_answer(&self, interaction: &Interaction, timeout: Duration) -> Value {
        let callback = self.wait_callback(interaction, timeout).await;
        let kind = callback["type"].as_u64();
        if !matches!(kind, Some(5) | Some(6)) {
            return callback;
        }
        let base = format!("/webhooks/{}/{}", state::APPLICATION_ID, interaction.token);
        let original = format!("{base}/messages/@original");
        // poise follows a deferral with a follow-up; serenity's handlers edit the original.
        let edit = self
            .wait_for_request(
                &format!("the answer after a deferral on {base}"),
                timeout,
                |r| {
                    (r.method == "PATCH" && r.path == original)
                        || (r.method == "POST" && r.path == base)
                },
            )
            .await;
        let mut data = edit.payload().clone();
        if kind == Some(5) {
            let flags = callback["data"]["flags"].as_u64().unwrap_or(0);
            data["flags"] = serde_json::json!(flags);
            serde_json::json!({"type": 4, "data": data, "deferred": true})
        } else {
            serde_json::json!({"type": 7, "data": data, "deferred": true})
        }
    }

    /// Waits for a follow-up (`POST /webhooks/{app}/{token}`) or an edit of the original
    /// response (`PATCH /webhooks/{app}/{token}/messages/@original`).
    pub async fn wait_followup_or_edit(
        &self,
        interaction: &Interaction,
        timeout: Duration,
    ) -> Recorded {
        let base = format!("/webhooks/{}/{}", state::APPLICATION_ID, interaction.token);
        let original = format!("{base}/messages/@original");
        self.wait_for_request(&format!("follow-up or edit on {base}"), timeout, |r| {
            (r.method == "POST" && r.path == base) || (r.method == "PATCH" && r.path == original)
        })
        .await
    }

    /// Waits until `pred` holds for the messages created in `channel_id`; returns them.
    pub async fn wait_channel_messages<F: Fn(&[Value]) -> bool>(
        &self,
        channel_id: u64,
        timeout: Duration,
        pred: F,
    ) -> Vec<Value> {
        let r = self
            .shared
            .wait_until(timeout, |st| {
                let list: Vec<Value> = st
                    .channel_posts
                    .iter()
                    .filter(|(c, _)| *c == channel_id)
                    .map(|(_, b)| b.clone())
                    .collect();
                pred(&list).then_some(list)
            })
            .await;
        r.unwrap_or_else(|diag| panic!("fake Discord: messages in channel {channel_id} did not match within {timeout:?}\n{diag}"))
    }

    /// Waits until the DM messages to `user_id` number at least `n`; returns them.
    pub async fn wait_dm_messages(&self, user_id: u64, n: usize, timeout: Duration) -> Vec<Value> {
        self.wait_channel_messages(state::dm_channel_of(user_id), timeout, |l| l.len() >= n)
            .await
    }
}
