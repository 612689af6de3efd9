//! Interaction responses: `POST /interactions/{id}/{token}/callback` (type checks, the
//! 3-second deadline, double acknowledgement) and the interaction webhook
//! (`/webhooks/{app}/{token}`: follow-ups and the `@original` message).

use serde_json::{json, Value};

use super::components;
use super::payloads::{apply_edit, check_model, message_json};
use super::rest::{Body, Reply};
use super::state::{State, APPLICATION_ID};
use super::validate::{
    self, MsgKind, Problems, FLAG_EPHEMERAL, FLAG_SUPPRESS_EMBEDS, FLAG_SUPPRESS_NOTIFICATIONS,
};

const RESPONSE_FLAGS: u64 = FLAG_EPHEMERAL | FLAG_SUPPRESS_EMBEDS | FLAG_SUPPRESS_NOTIFICATIONS;

pub(crate) fn route(
    st: &mut State,
    method: &str,
    seg: &[&str],
    _query: Option<&str>,
    body: &Body,
) -> Reply {
    let path = format!("/{}", seg.join("/"));
    match (method, seg) {
        ("POST", ["interactions", id, token, "callback"]) => callback(st, id, token, body, &path),
        (_, ["webhooks", app, token, rest @ ..]) => {
            if *app != APPLICATION_ID.to_string() {
                st.violation(format!(
                    "{method} {path}: application id {app} is not the bot's ({APPLICATION_ID})"
                ));
                return Reply::error(404, 10015, "Unknown Webhook");
            }
            webhook(st, method, token, rest, body, &path)
        }
        _ => {
            st.violation(format!("unknown route {method} {path}"));
            Reply::error(404, 0, "404: Not Found")
        }
    }
}

fn callback(st: &mut State, id: &str, token: &str, body: &Body, path: &str) -> Reply {
    let route = format!("POST {path}");
    let rec = id
        .parse::<u64>()
        .ok()
        .and_then(|id| st.interactions.get(&id))
        .filter(|r| r.token == token);
    let Some(rec) = rec else {
        st.violation(format!("{route}: unknown interaction id/token"));
        return Reply::error(404, 10062, "Unknown interaction");
    };
    let (iid, kind, created, acked) = (rec.id, rec.kind, rec.created, rec.acked);
    if let Some(deadline) = st.callback_deadline {
        if created.elapsed() > deadline {
            st.violation(format!(
                "{route}: callback {:?} after the interaction arrived (limit {deadline:?})",
                created.elapsed()
            ));
            return Reply::error(404, 10062, "Unknown interaction");
        }
    }
    if let Some(previous) = acked {
        st.violation(format!(
            "{route}: interaction already acknowledged (callback type {previous})"
        ));
        return Reply::error(400, 40060, "Interaction has already been acknowledged.");
    }
    let json = &body.json;
    let ctype = json["type"].as_u64().unwrap_or(0) as u8;
    let data = json.get("data").cloned().unwrap_or(Value::Null);
    let mut p = Problems::default();
    let allowed: &[u8] = match kind {
        2 => &[4, 5, 9],
        3 => &[4, 5, 6, 7, 9],
        4 => &[8],
        5 => &[4, 5, 6, 7],
        _ => &[1],
    };
    if ![1, 4, 5, 6, 7, 8, 9].contains(&ctype) {
        p.add("type", format!("invalid callback type {}", json["type"]));
    } else if !allowed.contains(&ctype) {
        p.add("type", format!("callback type {ctype} is not valid for interaction type {kind} (allowed {allowed:?})"));
    }
    let mut sub = Problems::default();
    match ctype {
        4 => validate::message(
            &mut sub,
            &data,
            body.files.len(),
            MsgKind::Create,
            RESPONSE_FLAGS,
        ),
        7 => validate::message(
            &mut sub,
            &data,
            body.files.len(),
            MsgKind::Edit,
            RESPONSE_FLAGS,
        ),
        5 | 6 if !data.is_null() => {
            validate::message(&mut sub, &data, 0, MsgKind::Edit, RESPONSE_FLAGS)
        }
        8 => components::autocomplete(&mut sub, &data),
        9 => components::modal(&mut sub, &data),
        _ => {}
    }
    for (path, msg) in sub.0 {
        let path = if path.starts_with("data") {
            path
        } else {
            format!("data.{path}").trim_end_matches('.').to_string()
        };
        p.add(path, msg);
    }
    if !p.is_empty() {
        return Reply::invalid(st, &route, &p);
    }
    let channel = st.interactions[&iid].channel_id;
    let original = match ctype {
        4 => Some(message_json(st, channel, &data, &body.files, 20)),
        5 => {
            let mut m = message_json(st, channel, &json!({"flags": data["flags"]}), &[], 20);
            m["flags"] = json!(m["flags"].as_u64().unwrap_or(0) | 128); // LOADING
            Some(m)
        }
        6 => st.interactions[&iid].message.clone(),
        7 => st.interactions[&iid].message.clone().map(|mut m| {
            apply_edit(st, &mut m, &data, &body.files);
            m
        }),
        _ => None,
    };
    if let Some(m) = &original {
        if let Err(e) = check_model::<serenity::all::Message>(m, "interaction response message") {
            st.violation(e);
        }
    }
    let rec = st.interactions.get_mut(&iid).unwrap();
    rec.acked = Some(ctype);
    rec.original = original;
    Reply::no_content()
}

fn webhook(
    st: &mut State,
    method: &str,
    token: &str,
    rest: &[&str],
    body: &Body,
    path: &str,
) -> Reply {
    let route = format!("{method} {path}");
    let Some(iid) = st
        .interactions
        .values()
        .find(|r| r.token == token)
        .map(|r| r.id)
    else {
        st.violation(format!("{route}: unknown interaction token"));
        return Reply::error(404, 10015, "Unknown Webhook");
    };
    if st.interactions[&iid].acked.is_none() {
        st.violation(format!(
            "{route}: the interaction was not acknowledged (callback) yet"
        ));
        return Reply::error(404, 10015, "Unknown Webhook");
    }
    let channel = st.interactions[&iid].channel_id;
    match (method, rest) {
        ("POST", []) => {
            let mut p = Problems::default();
            validate::message(
                &mut p,
                &body.json,
                body.files.len(),
                MsgKind::Create,
                RESPONSE_FLAGS,
            );
            if !p.is_empty() {
                return Reply::invalid(st, &route, &p);
            }
            let m = message_json(st, channel, &body.json, &body.files, 20);
            let mid: u64 = m["id"].as_str().unwrap().parse().unwrap();
            st.interactions
                .get_mut(&iid)
                .unwrap()
                .followups
                .insert(mid, m.clone());
            Reply::ok(m)
        }
        (_, ["messages", which]) => {
            let followup = which.parse::<u64>().ok();
            let rec = &st.interactions[&iid];
            let current = match followup {
                _ if *which == "@original" => rec.original.clone(),
                Some(mid) => rec.followups.get(&mid).cloned(),
                None => None,
            };
            let Some(mut message) = current else {
                st.violation(format!("{route}: no such interaction message"));
                return Reply::error(404, 10008, "Unknown Message");
            };
            let stored = match method {
                "GET" => return Reply::ok(message),
                "PATCH" => {
                    let mut p = Problems::default();
                    validate::message(
                        &mut p,
                        &body.json,
                        body.files.len(),
                        MsgKind::Edit,
                        RESPONSE_FLAGS,
                    );
                    if !p.is_empty() {
                        return Reply::invalid(st, &route, &p);
                    }
                    apply_edit(st, &mut message, &body.json, &body.files);
                    message["flags"] = json!(message["flags"].as_u64().unwrap_or(0) & !128); // no longer loading
                    if let Err(e) = check_model::<serenity::all::Message>(
                        &message,
                        "edited interaction message",
                    ) {
                        st.violation(e);
                    }
                    Some(message.clone())
                }
                "DELETE" => None,
                _ => {
                    st.violation(format!("unknown route {route}"));
                    return Reply::error(404, 0, "404: Not Found");
                }
            };
            let rec = st.interactions.get_mut(&iid).unwrap();
            match (followup, *which == "@original") {
                (_, true) => rec.original = stored,
                (Some(mid), false) => {
                    match stored {
                        Some(m) => rec.followups.insert(mid, m),
                        None => rec.followups.remove(&mid),
                    };
                }
                _ => {}
            }
            if method == "DELETE" {
                Reply::no_content()
            } else {
                Reply::ok(message)
            }
        }
        _ => {
            st.violation(format!("unknown route {route}"));
            Reply::error(404, 0, "404: Not Found")
        }
    }
}
