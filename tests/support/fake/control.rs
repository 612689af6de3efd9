//! Gateway controls (drop the connection, op 7, op 9, heartbeat interval) and the fault and
//! environment knobs of [`FakeDiscord`] (forced failures, closed DMs, rate limit, ...).

use std::time::Duration;

use serde_json::json;

use super::gateway;
use super::state::{ConnCmd, Forced};
use super::FakeDiscord;

impl FakeDiscord {
    // ----- gateway control -----

    /// Closes the live connection without a close frame; serenity reconnects and resumes.
    pub async fn drop_gateway(&self) {
        let id = gateway::control(&mut self.shared.lock(), |_| ConnCmd::Drop);
        match id {
            Some(id) => gateway::wait_closed(&self.shared, id).await,
            None => panic!(
                "drop_gateway: no live gateway session\n{}",
                self.shared.lock().diagnostics()
            ),
        }
    }
    /// Sends op 7 Reconnect on the live connection.
    pub async fn request_reconnect(&self) {
        let id = gateway::control(&mut self.shared.lock(), |_| {
            ConnCmd::Frame(json!({"op": 7, "s": null, "t": null, "d": null}))
        });
        assert!(id.is_some(), "request_reconnect: no live gateway session");
    }
    /// Sends op 9 Invalid Session; when not resumable the session is forgotten.
    pub async fn invalidate_session(&self, resumable: bool) {
        let mut st = self.shared.lock();
        let session = st.current.as_ref().map(|c| c.session_id.clone());
        if let (Some(s), false) = (&session, resumable) {
            st.sessions.get_mut(s).unwrap().valid = false;
        }
        let id = gateway::control(&mut st, |_| {
            ConnCmd::Frame(json!({"op": 9, "s": null, "t": null, "d": resumable}))
        });
        assert!(id.is_some(), "invalidate_session: no live gateway session");
    }
    /// Heartbeat interval announced in Hello to later connections (default 41250 ms).
    pub fn set_heartbeat_interval_ms(&self, ms: u64) {
        self.shared.lock().heartbeat_interval_ms = ms;
    }

    // ----- knobs -----

    pub fn fail_next_messages_with_429(
        &self,
        n: usize,
        retry_after_secs: f64,
        with_code_field: bool,
    ) {
        let mut st = self.shared.lock();
        for _ in 0..n {
            st.forced.push_back(Forced::TooMany {
                retry_after: retry_after_secs,
                with_code: with_code_field,
            });
        }
    }
    pub fn fail_next_messages_with_status(&self, n: usize, status: u16) {
        let mut st = self.shared.lock();
        for _ in 0..n {
            st.forced.push_back(Forced::Status(status));
        }
    }
    /// A 429 storm: one message creation in `every` answers 429 with `retry_after` (None: off).
    pub fn set_429_storm(&self, every: Option<u64>, retry_after_secs: f64, with_code_field: bool) {
        let mut st = self.shared.lock();
        st.storm = every.map(|every| super::state::Storm {
            every,
            retry_after: retry_after_secs,
            with_code: with_code_field,
        });
        st.storm_seen = 0;
    }
    /// Messages to this user's DM channel get 403 code 50007.
    pub fn close_dms_for(&self, user_id: u64) {
        self.shared.lock().closed_dms.insert(user_id);
    }
    pub fn open_dms_for(&self, user_id: u64) {
        self.shared.lock().closed_dms.remove(&user_id);
    }
    /// Global limit on message creations per second (over it: 429 with `global: true`).
    pub fn set_rate_limit_per_second(&self, limit: Option<u32>) {
        let mut st = self.shared.lock();
        st.rate_limit = limit;
        st.recent_creates.clear();
    }
    /// How long after an interaction its callback is accepted (default 3 s; None: forever).
    pub fn set_callback_deadline(&self, deadline: Option<Duration>) {
        self.shared.lock().callback_deadline = deadline;
    }
    /// `app_permissions` sent with interactions.
    pub fn set_app_permissions(&self, permissions: u64) {
        self.shared.lock().app_permissions = permissions;
    }
    /// Makes `channel_id` a known guild text channel the bot may post to.
    pub fn add_text_channel(&self, channel_id: u64) {
        self.shared.lock().known_channels.insert(channel_id);
    }
    /// Answers `method` requests whose path contains `fragment` only after `delay` (a slow
    /// route), e.g. `("POST", "/users/@me/channels")`. `None` removes it.
    pub fn set_route_delay(&self, method: &str, fragment: &str, delay: Option<Duration>) {
        let mut st = self.shared.lock();
        st.delays
            .retain(|(m, f, _)| !(m == method && f == fragment));
        if let Some(delay) = delay {
            st.delays
                .push((method.to_owned(), fragment.to_owned(), delay));
        }
    }
    /// The next `count` `method` requests whose path contains `fragment` take effect at once
    /// (a message is created) but are answered only after `delay`: a response lost or slow on
    /// its way back, which the bot sees as a timeout although Discord acted.
    pub fn answer_late(&self, method: &str, fragment: &str, count: usize, delay: Duration) {
        self.shared.lock().late_answers.push((
            method.to_owned(),
            fragment.to_owned(),
            count,
            delay,
        ));
    }
    /// Answers every request 401, as after the token was reset (`false`: a good token again).
    pub fn revoke_token(&self, revoked: bool) {
        self.shared.lock().token_revoked = revoked;
    }
    /// Makes `channel_id` a text channel of `guild_id` (another server than the default).
    pub fn add_text_channel_in(&self, channel_id: u64, guild_id: u64) {
        let mut st = self.shared.lock();
        st.known_channels.insert(channel_id);
        st.channel_guilds.insert(channel_id, guild_id);
    }
    /// Message creations in `channel_id` answer Discord's error: 403 with 50013 (Missing
    /// Permissions) or 50001 (Missing Access), 404 with 10003 (Unknown Channel). `None`: the
    /// channel takes messages again.
    pub fn refuse_channel(&self, channel_id: u64, code: Option<u64>) {
        let mut st = self.shared.lock();
        match code {
            None => {
                st.refused_channels.remove(&channel_id);
            }
            Some(code) => {
                let (status, message) = match code {
                    10003 => (404, "Unknown Channel"),
                    50001 => (403, "Missing Access"),
                    _ => (403, "Missing Permissions"),
                };
                st.refused_channels
                    .insert(channel_id, (status, code, message));
            }
        }
    }
    /// The gateway refuses new connections with 503 (`false`: it accepts them again). A live
    /// session is not touched: drop it with [`FakeDiscord::drop_gateway`].
    pub fn set_gateway_down(&self, down: bool) {
        self.shared.lock().gateway_down = down;
    }
    /// Connections the gateway refused while down.
    pub fn gateway_refusals(&self) -> usize {
        self.shared.lock().gateway_refusals
    }
    /// The next requests to leave a server fail with these statuses, in order (429 comes
    /// with Discord's rate-limit body); the one after succeeds.
    pub fn fail_leaving(&self, statuses: &[u16]) {
        self.shared.lock().leave_failures.extend(statuses);
    }
    /// The next `GET /gateway` requests (gateway discovery) fail with these statuses, in
    /// order (429 comes with Discord's rate-limit body; 200 answers that one as usual); the
    /// ones after are answered.
    pub fn fail_gateway_discovery(&self, statuses: &[u16]) {
        self.shared.lock().discovery_failures.extend(statuses);
    }
    /// Servers the bot left, in order.
    pub fn left_guilds(&self) -> Vec<u64> {
        self.shared.lock().left_guilds.clone()
    }
    /// Tells the bot it is in `guild_id` (GUILD_CREATE on the live session), with one text
    /// channel `channel_id`, as when someone adds it to their server.
    pub async fn add_bot_to_guild(&self, guild_id: u64, channel_id: u64) {
        self.add_text_channel_in(channel_id, guild_id);
        let guild = super::payloads::guild_create_json_for(guild_id, channel_id);
        super::gateway::dispatch(&self.shared, "GUILD_CREATE", guild).await;
    }

    /// Marks `user_id` as a bot account (DMs to it are refused).
    pub fn mark_bot(&self, user_id: u64) {
        self.shared.lock().bots.insert(user_id);
    }
}
