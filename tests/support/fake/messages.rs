//! `/channels/{id}/messages...`: message creation with the fault knobs (closed DMs, forced
//! failures, global rate limit, nonce de-duplication), edits, reads and deletes.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::payloads::{apply_edit, check_model, message_json};
use super::rest::{Body, Reply};
use super::state::{Forced, State};
use super::validate::{self, MsgKind, Problems, FLAG_SUPPRESS_EMBEDS, FLAG_SUPPRESS_NOTIFICATIONS};

pub(crate) fn route(st: &mut State, method: &str, seg: &[&str], body: &Body) -> Reply {
    let Some(channel) = seg.get(1).and_then(|s| s.parse::<u64>().ok()) else {
        return Reply::error(404, 10003, "Unknown Channel");
    };
    let path = format!("/{}", seg.join("/"));
    match (method, &seg[2..]) {
        ("POST", ["messages"]) => create(st, channel, body, &path),
        (_, ["messages", mid]) => {
            let Ok(mid) = mid.parse::<u64>() else {
                return Reply::error(404, 10008, "Unknown Message");
            };
            let exists = st.messages.get(&mid).is_some_and(|m| {
                m["channel_id"].as_str().and_then(|c| c.parse().ok()) == Some(channel)
            });
            if !exists {
                st.violation(format!(
                    "{method} {path}: no message {mid} by the bot in channel {channel}"
                ));
                return Reply::error(404, 10008, "Unknown Message");
            }
            match method {
                "GET" => Reply::ok(st.messages[&mid].clone()),
                "DELETE" => {
                    st.messages.remove(&mid);
                    Reply::no_content()
                }
                "PATCH" => {
                    let mut p = Problems::default();
                    validate::message(
                        &mut p,
                        &body.json,
                        body.files.len(),
                        MsgKind::Edit,
                        FLAG_SUPPRESS_EMBEDS,
                    );
                    if !p.is_empty() {
                        return Reply::invalid(st, &format!("PATCH {path}"), &p);
                    }
                    let mut m = st.messages[&mid].clone();
                    apply_edit(st, &mut m, &body.json, &body.files);
                    if let Err(e) = check_model::<serenity::all::Message>(&m, "edited message") {
                        st.violation(e);
                    }
                    st.messages.insert(mid, m.clone());
                    Reply::ok(m)
                }
                _ => unknown(st, method, &path),
            }
        }
        _ => unknown(st, method, &path),
    }
}

fn unknown(st: &mut State, method: &str, path: &str) -> Reply {
    st.violation(format!("unknown route {method} {path}"));
    Reply::error(404, 0, "404: Not Found")
}

fn too_many(retry_after: f64, global: bool, with_code: bool) -> Reply {
    let mut body = json!({"message": "You are being rate limited.", "retry_after": retry_after, "global": global});
    if with_code {
        body["code"] = json!(0);
    }
    let mut reply = Reply::json(429, body);
    reply
        .headers
        .push(("retry-after", format!("{}", retry_after.ceil() as u64)));
    reply.headers.push((
        "x-ratelimit-scope",
        if global { "global" } else { "user" }.to_string(),
    ));
    if global {
        reply
            .headers
            .push(("x-ratelimit-global", "true".to_string()));
    }
    reply
}

fn create(st: &mut State, channel: u64, body: &Body, path: &str) -> Reply {
    let route = format!("POST {path}");
    if !st.known_channels.contains(&channel) {
        st.violation(format!(
            "{route}: unknown channel {channel} (a user id instead of a DM channel id? open the DM with POST /users/@me/channels)"
        ));
        return Reply::error(404, 10003, "Unknown Channel");
    }
    let mut p = Problems::default();
    validate::message(
        &mut p,
        &body.json,
        body.files.len(),
        MsgKind::Create,
        FLAG_SUPPRESS_EMBEDS | FLAG_SUPPRESS_NOTIFICATIONS,
    );
    if !p.is_empty() {
        return Reply::invalid(st, &route, &p);
    }
    // Knobs, in order: refused channels, closed DMs, forced failures, rate limit, nonce
    // de-dup.
    if let Some((status, code, message)) = st.refused_channels.get(&channel).copied() {
        return Reply::error(status, code, message);
    }
    if st
        .dm_users
        .get(&channel)
        .is_some_and(|u| st.closed_dms.contains(u))
    {
        return Reply::error(403, 50007, "Cannot send messages to this user");
    }
    if let Some(forced) = st.forced.pop_front() {
        return match forced {
            Forced::TooMany {
                retry_after,
                with_code,
            } => too_many(retry_after, false, with_code),
            Forced::Status(status) => Reply::error(
                status,
                0,
                &format!("{status}: forced failure (fake-discord)"),
            ),
        };
    }
    if let Some(storm) = st.storm {
        st.storm_seen += 1;
        if st.storm_seen.is_multiple_of(storm.every.max(1)) {
            st.rate_limit_hits += 1;
            return too_many(storm.retry_after, false, storm.with_code);
        }
    }
    if let Some(limit) = st.rate_limit {
        let now = Instant::now();
        while st
            .recent_creates
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
        {
            st.recent_creates.pop_front();
        }
        if st.recent_creates.len() >= limit as usize {
            st.rate_limit_hits += 1;
            let oldest = *st.recent_creates.front().unwrap();
            let wait = Duration::from_secs(1).saturating_sub(now.duration_since(oldest));
            return too_many((wait.as_secs_f64() * 1000.0).ceil() / 1000.0, true, false);
        }
        st.recent_creates.push_back(now);
    }
    let nonce = match &body.json["nonce"] {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let enforce = body.json["enforce_nonce"].as_bool() == Some(true);
    if let (Some(n), true) = (&nonce, enforce) {
        if let Some(original) = st.nonces.get(&(channel, n.clone())) {
            return Reply::ok(original.clone());
        }
    }
    let message = message_json(st, channel, &body.json, &body.files, 0);
    if let Err(e) = check_model::<serenity::all::Message>(&message, "created message") {
        st.violation(e);
    }
    let id: u64 = message["id"].as_str().unwrap().parse().unwrap();
    st.messages.insert(id, message.clone());
    if let Some(n) = nonce {
        st.nonces
            .entry((channel, n))
            .or_insert_with(|| message.clone());
    }
    st.channel_posts.push((channel, body.effective()));
    Reply::ok(message)
}
