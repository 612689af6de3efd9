//! Test-side events: slash commands, autocomplete, components, modal submits and DMs, built
//! as Discord sends them (INTERACTION_CREATE / MESSAGE_CREATE) and dispatched on the live
//! gateway session. Invocations a real client could not produce (unregistered command,
//! unknown option, a modal that was never shown) panic with an explanation.

use std::time::Instant;

use serde_json::{json, Map, Value};

use super::commands::check_invocation;
use super::gateway::{dispatch, dispatch_now};
use super::payloads::{actor_user, member_json, message_json, now_timestamp, user_json};
use super::state::{InteractionRec, State, APPLICATION_ID, GUILD_ID, SESSION_WAIT};
use super::{Actor, FakeDiscord, Interaction};

const DIRECT_MESSAGES_INTENT: u64 = 1 << 12;

/// The fields every interaction carries; registers the interaction so its callback is known.
fn base(st: &mut State, who: &Actor, kind: u8) -> (Value, Interaction) {
    let id = st.next_id();
    let token = format!("fake-interaction-token-{id}");
    let mut d = json!({
        "id": id.to_string(),
        "application_id": APPLICATION_ID.to_string(),
        "type": kind,
        "token": token,
        "version": 1,
        "app_permissions": st.app_permissions.to_string(),
        "locale": "en-US",
        "entitlements": [],
        "attachment_size_limit": 10_485_760,
    });
    let (channel_id, guild_id) = if who.in_guild {
        let (guild, channel) = (who.guild, who.channel);
        if guild != GUILD_ID {
            st.known_channels.insert(channel);
            st.channel_guilds.insert(channel, guild);
        }
        d["guild_id"] = json!(guild.to_string());
        d["guild_locale"] = json!("en-US");
        d["member"] = member_json(who);
        d["channel"] = json!({"id": channel.to_string(), "type": 0, "name": "general", "guild_id": guild.to_string(),
            "permissions": st.app_permissions.to_string(), "nsfw": false, "flags": 0});
        d["authorizing_integration_owners"] = json!({"0": guild.to_string()});
        d["context"] = json!(0);
        (channel, Some(guild))
    } else {
        let channel = st.open_dm(who.id);
        d["user"] = actor_user(who);
        d["channel"] = json!({"id": channel.to_string(), "type": 1, "recipients": [actor_user(who)], "flags": 0});
        d["authorizing_integration_owners"] = json!({"0": "0"});
        d["context"] = json!(1);
        (channel, None)
    };
    d["channel_id"] = json!(channel_id.to_string());
    st.interactions.insert(
        id,
        InteractionRec {
            id,
            token: token.clone(),
            kind,
            created: Instant::now(),
            channel_id,
            acked: None,
            original: None,
            message: None,
            followups: Default::default(),
        },
    );
    let handle = Interaction {
        id,
        token,
        kind,
        channel_id,
        guild_id,
        user_id: who.id,
        payload: Value::Null,
    };
    (d, handle)
}

/// `resolved` entries for user, channel and role options, as Discord adds them.
fn resolve(options: &Value, in_guild: bool, out: &mut Map<String, Value>) {
    for o in options.as_array().into_iter().flatten() {
        let id = o["value"]
            .as_str()
            .map(str::to_string)
            .or(o["value"].as_u64().map(|n| n.to_string()));
        match (o["type"].as_u64(), id) {
            (Some(1 | 2), _) => resolve(&o["options"], in_guild, out),
            (Some(6), Some(id)) if o["focused"] != true => {
                let n: u64 = id.parse().unwrap_or(0);
                out.entry("users").or_insert_with(|| json!({}))[&id] =
                    user_json(n, &format!("user{n}"), false);
                if in_guild {
                    out.entry("members").or_insert_with(|| json!({}))[&id] = json!({"roles": [],
                        "joined_at": "2024-01-01T00:00:00.000000+00:00", "deaf": false, "mute": false, "flags": 0,
                        "permissions": super::BASIC_PERMISSIONS.to_string()});
                }
            }
            (Some(7), Some(id)) if o["focused"] != true => {
                out.entry("channels").or_insert_with(|| json!({}))[&id] =
                    json!({"id": id, "type": 0, "name": "channel", "permissions": "0"});
            }
            _ => {}
        }
    }
}

fn count_focused(options: &Value) -> usize {
    options
        .as_array()
        .into_iter()
        .flatten()
        .map(|o| usize::from(o["focused"] == true) + count_focused(&o["options"]))
        .sum()
}

impl FakeDiscord {
    /// Dispatches an interaction built by `build` and resets its 3-second clock once sent.
    async fn send_interaction(&self, d: Value, mut handle: Interaction) -> Interaction {
        handle.payload = d.clone();
        dispatch(&self.shared, "INTERACTION_CREATE", d).await;
        if let Some(rec) = self.shared.lock().interactions.get_mut(&handle.id) {
            if rec.acked.is_none() {
                rec.created = Instant::now();
            }
        }
        handle
    }

    async fn command_like(&self, who: &Actor, name: &str, options: Value, kind: u8) -> Interaction {
        let guild = who.in_guild.then_some(who.guild);
        let found = self
            .shared
            .wait_until(SESSION_WAIT, |st| st.find_command(name, guild))
            .await;
        let (cmd, is_guild_cmd) = found.unwrap_or_else(|diag| {
            panic!("/{name} is not registered (visible to {who:?}) within {SESSION_WAIT:?}; did the bot register its commands?\n{diag}")
        });
        if !who.in_guild {
            let contexts_forbid = cmd["contexts"]
                .as_array()
                .is_some_and(|c| !c.iter().any(|x| x == 1));
            if cmd["dm_permission"] == false || contexts_forbid {
                panic!("/{name} is registered guild-only; Discord would not offer it in DMs");
            }
        }
        let schema = cmd["options"].as_array().cloned().unwrap_or_default();
        if let Err(e) = check_invocation(&schema, &options, kind == 4) {
            panic!("/{name} invocation does not match the registered command: {e}\nregistered: {cmd:#}");
        }
        if kind == 4 && count_focused(&options) != 1 {
            panic!("an autocomplete interaction needs exactly one option with \"focused\": true");
        }
        let (d, handle) = {
            let mut st = self.shared.lock();
            let (mut d, handle) = base(&mut st, who, kind);
            let mut resolved = Map::new();
            resolve(&options, who.in_guild, &mut resolved);
            let mut data = json!({"id": cmd["id"], "name": name, "type": 1});
            if !options.is_null() {
                data["options"] = options;
            }
            if !resolved.is_empty() {
                data["resolved"] = Value::Object(resolved);
            }
            if is_guild_cmd {
                data["guild_id"] = json!(who.guild.to_string());
            }
            d["data"] = data;
            (d, handle)
        };
        self.send_interaction(d, handle).await
    }

    /// A chat-input command. `options` is `data.options` as Discord sends it (with `type`,
    /// subcommand nesting), or `json!([])`/`Value::Null` for none.
    pub async fn slash(&self, who: &Actor, name: &str, options: Value) -> Interaction {
        self.command_like(who, name, options, 2).await
    }

    /// An autocomplete request; exactly one option carries `"focused": true`.
    pub async fn autocomplete(&self, who: &Actor, name: &str, options: Value) -> Interaction {
        self.command_like(who, name, options, 4).await
    }

    /// A button (2) or select (3, 5-8) use on `message` (default: a minimal bot message in
    /// the actor's channel).
    pub async fn component(
        &self,
        who: &Actor,
        custom_id: &str,
        component_type: u8,
        values: &[&str],
        message: Option<Value>,
    ) -> Interaction {
        let (d, handle) = {
            let mut st = self.shared.lock();
            let (mut d, handle) = base(&mut st, who, 3);
            let message = message.unwrap_or_else(|| {
                let m = message_json(
                    &mut st,
                    handle.channel_id,
                    &json!({"content": "(message with components)"}),
                    &[],
                    0,
                );
                let id: u64 = m["id"].as_str().unwrap().parse().unwrap();
                st.messages.insert(id, m.clone());
                st.synthetic.insert(id);
                m
            });
            let mut data = json!({"custom_id": custom_id, "component_type": component_type});
            if component_type != 2 {
                data["values"] = json!(values);
            }
            d["data"] = data;
            d["message"] = message.clone();
            st.interactions.get_mut(&handle.id).unwrap().message = Some(message);
            (d, handle)
        };
        self.send_interaction(d, handle).await
    }

    /// Submits the modal `custom_id` the bot showed earlier (callback type 9). Inputs not
    /// in `fields` are sent empty, as Discord does; required ones must be given.
    pub async fn modal_submit(
        &self,
        who: &Actor,
        custom_id: &str,
        fields: &[(&str, &str)],
    ) -> Interaction {
        self.submit_modal(who, custom_id, fields, true).await
    }

    /// Like [`FakeDiscord::modal_submit`], but skips the client-side min/max_length check:
    /// what a modified client (or a Discord bug) could send, to test the bot's own limits.
    pub async fn modal_submit_unchecked(
        &self,
        who: &Actor,
        custom_id: &str,
        fields: &[(&str, &str)],
    ) -> Interaction {
        self.submit_modal(who, custom_id, fields, false).await
    }

    async fn submit_modal(
        &self,
        who: &Actor,
        custom_id: &str,
        fields: &[(&str, &str)],
        check_lengths: bool,
    ) -> Interaction {
        let (d, handle) = {
            let mut st = self.shared.lock();
            let shown = st.requests.iter().rev().find(|r| {
                r.status == 204
                    && r.path.ends_with("/callback")
                    && r.payload()["type"] == 9
                    && r.payload()["data"]["custom_id"] == custom_id
            });
            let Some(shown) = shown.cloned() else {
                panic!(
                    "modal_submit: the bot never showed a modal with custom_id {custom_id:?}\n{}",
                    st.diagnostics()
                );
            };
            let source_message = shown
                .path
                .split('/')
                .nth(2)
                .and_then(|id| id.parse::<u64>().ok())
                .and_then(|id| st.interactions.get(&id))
                .and_then(|r| r.message.clone());
            let inputs: Vec<Value> = shown.payload()["data"]["components"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
                .collect();
            for (id, _) in fields {
                if !inputs.iter().any(|i| i["custom_id"] == *id) {
                    panic!("modal_submit: modal {custom_id:?} has no text input {id:?}");
                }
            }
            let mut rows = Vec::new();
            for input in &inputs {
                let id = input["custom_id"].as_str().unwrap_or("");
                let value = fields
                    .iter()
                    .find(|(f, _)| *f == id)
                    .map(|(_, v)| *v)
                    .unwrap_or("");
                let len = value.chars().count() as u64;
                if value.is_empty() && input["required"] != false {
                    panic!("modal_submit: required input {id:?} of modal {custom_id:?} left empty");
                }
                if check_lengths
                    && !value.is_empty()
                    && (len < input["min_length"].as_u64().unwrap_or(0)
                        || len > input["max_length"].as_u64().unwrap_or(4000))
                {
                    panic!("modal_submit: input {id:?} value length {len} is outside the modal's min/max_length");
                }
                rows.push(json!({"type": 1, "components": [{"type": 4, "custom_id": id, "value": value}]}));
            }
            let (mut d, handle) = base(&mut st, who, 5);
            d["data"] = json!({"custom_id": custom_id, "components": rows});
            if let Some(m) = source_message {
                d["message"] = m.clone();
                st.interactions.get_mut(&handle.id).unwrap().message = Some(m);
            }
            (d, handle)
        };
        self.send_interaction(d, handle).await
    }

    /// The interaction `template` again, as `who`, with a fresh id and token: same kind,
    /// `data` and (for components) `message`. For load tools: it skips the registration
    /// lookup and the serenity-model checks that `template` already passed, so the fake
    /// spends its time on the bot's traffic. Panics without a live gateway session.
    pub fn repeat_interaction(&self, template: &Interaction, who: &Actor) -> Interaction {
        let (d, mut handle) = {
            let mut st = self.shared.lock();
            let (mut d, handle) = base(&mut st, who, template.kind);
            d["data"] = template.payload["data"].clone();
            if let Some(message) = template.payload.get("message") {
                d["message"] = message.clone();
                st.interactions.get_mut(&handle.id).unwrap().message = Some(message.clone());
            }
            (d, handle)
        };
        handle.payload = d.clone();
        if dispatch_now(&self.shared, "INTERACTION_CREATE", d).is_none() {
            panic!("repeat_interaction: no live gateway session");
        }
        handle
    }

    /// A DM from `from` to the bot (MESSAGE_CREATE without `guild_id`); returns its id.
    /// Not delivered (and recorded as a violation) if the bot did not ask for DIRECT_MESSAGES.
    pub async fn dm_message(&self, from: &Actor, content: &str) -> u64 {
        let live = self
            .shared
            .wait_until(SESSION_WAIT, |st| st.current.as_ref().map(|_| st.intents))
            .await;
        let intents =
            live.unwrap_or_else(|diag| panic!("dm_message: no live gateway session\n{diag}"));
        let (d, id) = {
            let mut st = self.shared.lock();
            let id = st.next_id();
            let channel = st.open_dm(from.id);
            let d = json!({
                "id": id.to_string(), "channel_id": channel.to_string(), "author": actor_user(from),
                "content": content, "timestamp": now_timestamp(), "edited_timestamp": null, "tts": false,
                "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [],
                "embeds": [], "pinned": false, "type": 0, "flags": 0, "components": [],
                "nonce": id.to_string(),
            });
            if intents.unwrap_or(0) & DIRECT_MESSAGES_INTENT == 0 {
                st.violation(format!("dm_message from {}: the bot did not identify with DIRECT_MESSAGES (intents {intents:?}); Discord would not deliver it", from.id));
                return id;
            }
            (d, id)
        };
        dispatch(&self.shared, "MESSAGE_CREATE", d).await;
        id
    }
}
