//! JSON shapes the fake sends: users, members, channels, messages, READY, GUILD_CREATE,
//! the application, the base of every INTERACTION_CREATE, and the self-checks that each of
//! them deserializes into serenity 0.12.5's model (serenity silently drops what it can't parse).

use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use serenity::model::event::{Event, GatewayEvent};

use super::state::{State, APPLICATION_ID, BOT_USER_ID, CHANNEL_ID, GUILD_ID, OWNER_USER_ID};
use super::Actor;

pub(crate) fn now_timestamp() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.6f+00:00")
        .to_string()
}

pub(crate) fn user_json(id: u64, name: &str, bot: bool) -> Value {
    json!({
        "id": id.to_string(),
        "username": name,
        "global_name": if bot { Value::Null } else { json!(name) },
        "discriminator": "0",
        "avatar": null,
        "bot": bot,
        "public_flags": 0,
        "flags": 0,
    })
}

pub(crate) fn bot_user() -> Value {
    let mut u = user_json(BOT_USER_ID, "Rekindle", true);
    u["discriminator"] = json!("0001");
    u["verified"] = json!(true);
    u["mfa_enabled"] = json!(false);
    u
}

pub(crate) fn actor_user(actor: &Actor) -> Value {
    user_json(actor.id, &actor.name, false)
}

/// A full guild member (interactions carry this, with `permissions`).
pub(crate) fn member_json(actor: &Actor) -> Value {
    json!({
        "user": actor_user(actor),
        "nick": null,
        "avatar": null,
        "roles": [],
        "joined_at": "2024-01-01T00:00:00.000000+00:00",
        "premium_since": null,
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
        "permissions": actor.guild_permissions.to_string(),
        "communication_disabled_until": null,
    })
}

pub(crate) fn application_json() -> Value {
    json!({
        "id": APPLICATION_ID.to_string(),
        "name": "Rekindle",
        "icon": null,
        "description": "Fake application for tests",
        "rpc_origins": [],
        "bot_public": false,
        "bot_require_code_grant": false,
        "terms_of_service_url": null,
        "privacy_policy_url": null,
        "owner": user_json(OWNER_USER_ID, "owner", false),
        "verify_key": "0000000000000000000000000000000000000000000000000000000000000000",
        "team": null,
        "flags": 0,
        "tags": [],
        "bot": bot_user(),
        "integration_types_config": {"0": {}},
    })
}

pub(crate) fn ready_json(session_id: &str, ws_url: &str) -> Value {
    json!({
        "v": 10,
        "user": bot_user(),
        "guilds": [{"id": GUILD_ID.to_string(), "unavailable": true}],
        "session_id": session_id,
        "resume_gateway_url": ws_url,
        "shard": [0, 1],
        "application": {"id": APPLICATION_ID.to_string(), "flags": 0},
        "private_channels": [],
        "relationships": [],
    })
}

pub(crate) fn guild_channel_json(id: u64, guild: u64) -> Value {
    json!({
        "id": id.to_string(),
        "type": 0,
        "guild_id": guild.to_string(),
        "name": "general",
        "position": 0,
        "permission_overwrites": [],
        "nsfw": false,
        "topic": null,
        "last_message_id": null,
        "parent_id": null,
        "rate_limit_per_user": 0,
        "flags": 0,
    })
}

pub(crate) fn dm_channel_json(channel_id: u64, user_id: u64) -> Value {
    json!({
        "id": channel_id.to_string(),
        "type": 1,
        "last_message_id": null,
        "recipients": [user_json(user_id, &format!("user{user_id}"), false)],
        "flags": 0,
    })
}

pub(crate) fn guild_create_json() -> Value {
    guild_create_json_for(GUILD_ID, CHANNEL_ID)
}

/// GUILD_CREATE for `guild`, with one text channel.
pub(crate) fn guild_create_json_for(guild: u64, channel: u64) -> Value {
    let head = json!({
        "id": guild.to_string(),
        "name": "Rekindle Test Guild",
        "icon": null, "icon_hash": null, "splash": null, "discovery_splash": null,
        "owner_id": OWNER_USER_ID.to_string(),
        "afk_channel_id": null, "afk_timeout": 300,
        "widget_enabled": false, "widget_channel_id": null,
        "verification_level": 0, "default_message_notifications": 0, "explicit_content_filter": 0,
        "roles": [{
            "id": guild.to_string(), "name": "@everyone", "color": 0, "hoist": false,
            "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
            "icon": null, "unicode_emoji": null, "position": 0, "permissions": "2248473465835073",
            "managed": false, "mentionable": false, "flags": 0,
        }],
    });
    let rest = json!({
        "emojis": [], "features": [], "mfa_level": 0, "application_id": null,
        "system_channel_id": null, "system_channel_flags": 0, "rules_channel_id": null,
        "max_presences": null, "max_members": 500000, "vanity_url_code": null,
        "description": null, "banner": null, "premium_tier": 0,
        "premium_subscription_count": 0, "preferred_locale": "en-US",
        "public_updates_channel_id": null, "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50, "nsfw_level": 0, "stickers": [],
        "premium_progress_bar_enabled": false, "safety_alerts_channel_id": null,
        "joined_at": "2024-01-01T00:00:00.000000+00:00", "large": false, "unavailable": false,
        "member_count": 2, "voice_states": [], "members": [],
        "channels": [guild_channel_json(channel, guild)],
        "threads": [], "presences": [], "stage_instances": [], "guild_scheduled_events": [],
    });
    let mut guild = head;
    for (k, v) in rest.as_object().unwrap() {
        guild[k] = v.clone();
    }
    guild
}

/// An attachment object for an uploaded file (`{"filename", "content", "size"}` from the
/// multipart body), with the `description` (alt text) the payload's `attachments` entry gave
/// it. The url is never fetched.
fn attachment_json(
    st: &mut State,
    channel_id: u64,
    file: &Value,
    described: Option<&Value>,
) -> Value {
    let id = st.next_id();
    let filename = file["filename"].as_str().unwrap_or("file.bin").to_string();
    let size = file["size"]
        .as_u64()
        .unwrap_or_else(|| file["content"].as_str().map_or(0, |c| c.len() as u64));
    let url = format!(
        "http://127.0.0.1:{}/attachments/{channel_id}/{id}/{filename}",
        st.port
    );
    let content_type = if filename.ends_with(".png") {
        "image/png"
    } else if filename.ends_with(".json") {
        "application/json"
    } else {
        "application/octet-stream"
    };
    let mut attachment = json!({
        "id": id.to_string(), "filename": filename, "size": size, "url": url, "proxy_url": url,
        "content_type": content_type,
    });
    if let Some(description) = described
        .and_then(|d| d.get("description"))
        .filter(|d| d.is_string())
    {
        attachment["description"] = description.clone();
    }
    attachment
}

/// The payload's `attachments` entry for the `index`-th uploaded file (`files[index]`), if any.
fn described(payload: &Value, file: &Value, index: usize) -> Option<Value> {
    let wanted = file["name"]
        .as_str()
        .and_then(|n| {
            n.strip_prefix("files[")?
                .strip_suffix(']')?
                .parse::<u64>()
                .ok()
        })
        .unwrap_or(index as u64);
    payload["attachments"].as_array()?.iter().find_map(|a| {
        let id = a["id"]
            .as_u64()
            .or_else(|| a["id"].as_str()?.parse().ok())?;
        (id == wanted).then(|| a.clone())
    })
}

/// A message object for `payload` (a message create body) as Discord returns it.
pub(crate) fn message_json(
    st: &mut State,
    channel_id: u64,
    payload: &Value,
    files: &[Value],
    kind: u8,
) -> Value {
    let id = st.next_id();
    let attachments: Vec<Value> = files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let described = described(payload, f, i);
            attachment_json(st, channel_id, f, described.as_ref())
        })
        .collect();
    let array = |key: &str| {
        payload
            .get(key)
            .cloned()
            .filter(Value::is_array)
            .unwrap_or(json!([]))
    };
    let mut m = json!({
        "id": id.to_string(),
        "channel_id": channel_id.to_string(),
        "author": bot_user(),
        "content": payload.get("content").and_then(Value::as_str).unwrap_or(""),
        "timestamp": now_timestamp(),
        "edited_timestamp": null,
        "tts": payload.get("tts").and_then(Value::as_bool).unwrap_or(false),
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": attachments,
        "embeds": array("embeds"),
        "reactions": [],
        "pinned": false,
        "type": kind,
        "components": array("components"),
        "flags": payload.get("flags").and_then(Value::as_u64).unwrap_or(0),
    });
    if let Some(nonce) = payload.get("nonce").filter(|n| !n.is_null()) {
        m["nonce"] = nonce.clone();
    }
    if kind != 0 {
        m["application_id"] = json!(APPLICATION_ID.to_string());
        m["webhook_id"] = json!(APPLICATION_ID.to_string());
    }
    m
}

/// Applies an edit body (and its uploaded `files`) to a stored message.
pub(crate) fn apply_edit(st: &mut State, message: &mut Value, edit: &Value, files: &[Value]) {
    for key in ["content", "embeds", "components", "flags"] {
        match edit.get(key) {
            None => {}
            Some(Value::Null) if key == "content" => message[key] = json!(""),
            Some(Value::Null) if key == "flags" => message[key] = json!(0),
            Some(Value::Null) => message[key] = json!([]),
            Some(v) => message[key] = v.clone(),
        }
    }
    let channel_id = message["channel_id"]
        .as_str()
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    if let Some(list) = edit.get("attachments").and_then(Value::as_array) {
        // Listed ids keep existing attachments; entries with a filename are new uploads.
        let keep: Vec<String> = list
            .iter()
            .filter(|x| x.get("filename").is_none())
            .map(|x| x["id"].to_string().trim_matches('"').to_string())
            .collect();
        let mut kept: Vec<Value> = message["attachments"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        kept.retain(|a| {
            a["id"]
                .as_str()
                .is_some_and(|id| keep.iter().any(|k| k == id))
        });
        message["attachments"] = json!(kept);
    }
    for (i, f) in files.iter().enumerate() {
        let described = described(edit, f, i);
        let a = attachment_json(st, channel_id, f, described.as_ref());
        message["attachments"]
            .as_array_mut()
            .expect("attachments array")
            .push(a);
    }
    message["edited_timestamp"] = json!(now_timestamp());
}

/// `Err` with serenity's own error when `value` does not deserialize as `T`.
pub(crate) fn check_model<T: DeserializeOwned>(value: &Value, what: &str) -> Result<(), String> {
    serde_json::from_value::<T>(value.clone())
        .map(|_| ())
        .map_err(|e| format!("fake bug: {what} does not deserialize in serenity 0.12.5: {e}"))
}

/// Checks that a dispatch `t`/`d` would reach serenity's event handler (not be dropped as
/// an unknown event).
pub(crate) fn check_dispatch(t: &str, d: &Value) -> Result<(), String> {
    use serenity::all as s;
    match t {
        "INTERACTION_CREATE" => check_model::<s::Interaction>(d, "INTERACTION_CREATE")?,
        "MESSAGE_CREATE" => check_model::<s::Message>(d, "MESSAGE_CREATE")?,
        "READY" => check_model::<s::Ready>(d, "READY")?,
        "GUILD_CREATE" => check_model::<s::Guild>(d, "GUILD_CREATE")?,
        _ => {}
    }
    let frame = json!({"op": 0, "s": 1, "t": t, "d": d});
    match serde_json::from_value::<GatewayEvent>(frame) {
        Ok(GatewayEvent::Dispatch(_, Event::Unknown(_))) => Err(format!(
            "fake bug: serenity treats the {t} dispatch as an unknown event"
        )),
        Ok(_) => Ok(()),
        Err(e) => Err(format!("fake bug: {t} dispatch does not deserialize: {e}")),
    }
}
