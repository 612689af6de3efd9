//! The HTTP side: the axum router, request recording, the `Authorization` check, body
//! parsing (JSON and multipart/form-data) and the small REST routes (gateway discovery,
//! users, application, DM channels, command registration). Message and interaction routes
//! live in `messages.rs` and `webhooks.rs`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::Router;
use serde_json::{json, Value};

use super::commands::validate_commands;
use super::payloads::{
    application_json, bot_user, check_model, dm_channel_json, guild_channel_json, user_json,
};
use super::state::{Shared, State, APPLICATION_ID, GUILD_ID};
use super::validate::Problems;
use super::{gateway, messages, webhooks, Recorded, TOKEN};

/// What a route answers.
pub(crate) struct Reply {
    pub status: u16,
    pub body: Option<Value>,
    pub headers: Vec<(&'static str, String)>,
}

impl Reply {
    pub fn json(status: u16, body: Value) -> Reply {
        Reply {
            status,
            body: Some(body),
            headers: Vec::new(),
        }
    }
    pub fn ok(body: Value) -> Reply {
        Reply::json(200, body)
    }
    pub fn no_content() -> Reply {
        Reply {
            status: 204,
            body: None,
            headers: Vec::new(),
        }
    }
    pub fn error(status: u16, code: u64, message: &str) -> Reply {
        Reply::json(status, json!({"message": message, "code": code}))
    }
    /// Records the problems as violations and answers Discord's 400 `Invalid Form Body`.
    pub fn invalid(st: &mut State, route: &str, p: &Problems) -> Reply {
        for line in p.lines(route) {
            st.violation(line);
        }
        Reply::json(400, p.error_body())
    }
}

/// A parsed request body.
pub(crate) struct Body {
    /// The JSON body, or for multipart `payload_json` (Null when absent).
    pub json: Value,
    /// Uploaded files: `{"name", "filename", "content"}`.
    pub files: Vec<Value>,
    pub multipart: bool,
}

impl Body {
    /// What `Recorded::body` shows.
    pub fn recorded(&self) -> Value {
        if self.multipart {
            json!({"payload_json": self.json, "files": self.files})
        } else {
            self.json.clone()
        }
    }
    /// The JSON payload with the files attached under `"files"` when there are any.
    pub fn effective(&self) -> Value {
        let mut v = self.json.clone();
        if self.multipart && v.is_object() {
            v["files"] = json!(self.files);
        }
        v
    }
}

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/gateway", get(gateway::ws_handler))
        .route("/api/v10/*rest", any(handle))
        .fallback(any(handle))
        .with_state(shared)
}

async fn handle(
    AxumState(shared): AxumState<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    let (response, late) = answer(shared, method, uri, headers, raw).await;
    if let Some(late) = late {
        tokio::time::sleep(late).await;
    }
    response
}

/// Handles a request; returns the response and how long to hold it back (see
/// [`FakeDiscord::answer_late`](super::FakeDiscord::answer_late)).
async fn answer(
    shared: Arc<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    raw: Bytes,
) -> (Response, Option<Duration>) {
    let arrived = Instant::now();
    let full_path = uri.path().to_string();
    let path = full_path
        .strip_prefix("/api/v10")
        .unwrap_or(&full_path)
        .to_string();
    let query = uri.query().map(str::to_string);
    let delay = shared.lock().delay_for(method.as_str(), &path);
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let mut st = shared.lock();
    let route = format!("{method} {path}");
    let reply = match parse_body(&content_type, &raw) {
        Err(e) => {
            st.violation(format!("{route}: unreadable body: {e}"));
            (
                Reply::error(400, 50109, "The request body contains invalid JSON."),
                Value::Null,
            )
        }
        Ok(body) => {
            let recorded = body.recorded();
            let reply = if !full_path.starts_with("/api/v10/") {
                st.violation(format!(
                    "unknown route {method} {full_path} (not under /api/v10)"
                ));
                Reply::error(404, 0, "404: Not Found")
            } else if st.token_revoked && !path.starts_with("/gateway") {
                // (/gateway stays answered: serenity would otherwise fall back to the real
                // gateway host.)
                Reply::error(401, 0, "401: Unauthorized")
            } else if auth.as_deref() != Some(&format!("Bot {TOKEN}")) {
                st.violation(format!(
                    "{route}: Authorization header is {auth:?}, expected \"Bot <token>\""
                ));
                Reply::error(401, 0, "401: Unauthorized")
            } else {
                route_request(&mut st, method.as_str(), &path, query.as_deref(), &body)
            };
            (reply, recorded)
        }
    };
    let (reply, recorded_body) = reply;
    let probed = shared.probes.callback_id(method.as_str(), &path);
    let late = st.take_late_answer(method.as_str(), &path);
    st.requests.push(Recorded {
        method: method.to_string(),
        path,
        query,
        headers_authorization: auth,
        body: recorded_body,
        status: reply.status,
        at: arrived,
    });
    drop(st);
    shared.changed();
    if let Some(id) = probed {
        shared.probes.callback_answered(id, arrived, reply.status);
    }
    let mut response = match &reply.body {
        Some(b) => (
            StatusCode::from_u16(reply.status).unwrap(),
            axum::Json(b.clone()),
        )
            .into_response(),
        None => StatusCode::from_u16(reply.status).unwrap().into_response(),
    };
    for (name, value) in reply.headers {
        response
            .headers_mut()
            .insert(name, HeaderValue::from_str(&value).unwrap());
    }
    (response, late)
}

fn parse_body(content_type: &str, raw: &[u8]) -> Result<Body, String> {
    if let Some(boundary) = content_type
        .strip_prefix("multipart/form-data")
        .and_then(|rest| {
            rest.split(';')
                .find_map(|p| p.trim().strip_prefix("boundary="))
                .map(|b| b.trim_matches('"').to_string())
        })
    {
        return parse_multipart(&boundary, raw);
    }
    let json = if raw.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(raw).map_err(|e| format!("invalid JSON: {e}"))?
    };
    Ok(Body {
        json,
        files: Vec::new(),
        multipart: false,
    })
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// A plain boundary splitter: enough for reqwest's multipart bodies.
fn parse_multipart(boundary: &str, raw: &[u8]) -> Result<Body, String> {
    let delim = format!("--{boundary}");
    let mut body = Body {
        json: Value::Null,
        files: Vec::new(),
        multipart: true,
    };
    let mut pos = find(raw, delim.as_bytes(), 0).ok_or("multipart: no boundary")? + delim.len();
    loop {
        if raw.get(pos..pos + 2) == Some(b"--") {
            break;
        }
        let header_start = pos + 2; // skip CRLF after the boundary
        let header_end =
            find(raw, b"\r\n\r\n", header_start).ok_or("multipart: part without headers")?;
        let headers = String::from_utf8_lossy(&raw[header_start..header_end]).to_string();
        let content_start = header_end + 4;
        let next = find(raw, format!("\r\n{delim}").as_bytes(), content_start)
            .ok_or("multipart: unterminated part")?;
        let content = &raw[content_start..next];
        let disposition = headers
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("content-disposition"))
            .unwrap_or("")
            .to_string();
        let param = |key: &str| {
            disposition.split(';').find_map(|p| {
                p.trim()
                    .strip_prefix(&format!("{key}="))
                    .map(|v| v.trim_matches('"').to_string())
            })
        };
        let name = param("name").unwrap_or_default();
        if name == "payload_json" {
            body.json =
                serde_json::from_slice(content).map_err(|e| format!("payload_json: {e}"))?;
        } else {
            // Text files read as text; every file also keeps its exact bytes (hex), so a
            // test can decode an image.
            let hex: String = content.iter().map(|b| format!("{b:02x}")).collect();
            body.files.push(json!({
                "name": name,
                "filename": param("filename"),
                "content": String::from_utf8_lossy(content),
                "bytes_hex": hex,
                "size": content.len(),
            }));
        }
        pos = next + 2 + delim.len();
    }
    Ok(body)
}

fn id_of(v: &Value) -> Option<u64> {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .or_else(|| v.as_u64())
}

fn route_request(
    st: &mut State,
    method: &str,
    path: &str,
    query: Option<&str>,
    body: &Body,
) -> Reply {
    let seg: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let app = APPLICATION_ID.to_string();
    match (method, seg.as_slice()) {
        ("GET", ["gateway"]) => match st.discovery_failures.pop_front() {
            Some(429) => Reply::json(
                429,
                json!({"message": "You are being rate limited.", "retry_after": 0.2, "global": true}),
            ),
            Some(status) if status != 200 => Reply::error(
                status,
                0,
                &format!("{status}: forced failure (fake-discord)"),
            ),
            _ => Reply::ok(json!({"url": st.ws_url()})),
        },
        ("GET", ["gateway", "bot"]) => Reply::ok(json!({
            "url": st.ws_url(), "shards": 1,
            "session_start_limit": {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1},
        })),
        ("GET", ["oauth2", "applications", "@me"]) | ("GET", ["applications", "@me"]) => {
            Reply::ok(application_json())
        }
        ("GET", ["users", "@me"]) => Reply::ok(bot_user()),
        ("GET", ["users", id]) => match id.parse::<u64>() {
            Ok(id) => Reply::ok(user_json(id, &format!("user{id}"), st.bots.contains(&id))),
            Err(_) => Reply::error(404, 10013, "Unknown User"),
        },
        ("POST", ["users", "@me", "channels"]) => open_dm(st, &body.json),
        ("DELETE", ["users", "@me", "guilds", g]) => match g.parse::<u64>() {
            Ok(_) if !st.leave_failures.is_empty() => {
                match st.leave_failures.pop_front().unwrap_or(500) {
                    429 => Reply::json(
                        429,
                        json!({"message": "You are being rate limited.", "retry_after": 0.2, "global": false}),
                    ),
                    status => Reply::error(
                        status,
                        0,
                        &format!("{status}: forced failure (fake-discord)"),
                    ),
                }
            }
            Ok(g) => {
                st.left_guilds.push(g);
                Reply::no_content()
            }
            Err(_) => Reply::error(404, 10004, "Unknown Guild"),
        },
        ("PUT", ["applications", a, "commands"]) if *a == app => {
            put_commands(st, None, &body.json, path)
        }
        ("PUT", ["applications", a, "guilds", g, "commands"]) if *a == app => match g.parse() {
            Ok(g) => put_commands(st, Some(g), &body.json, path),
            Err(_) => Reply::error(404, 10004, "Unknown Guild"),
        },
        ("GET", ["applications", a, "commands"]) if *a == app => {
            Reply::ok(json!(st.global_commands.clone().unwrap_or_default()))
        }
        ("GET", ["applications", a, "guilds", g, "commands"]) if *a == app => {
            let list = g
                .parse()
                .ok()
                .and_then(|g: u64| st.guild_commands.get(&g).cloned())
                .unwrap_or_default();
            Reply::ok(json!(list))
        }
        ("GET", ["channels", id]) => match id.parse::<u64>() {
            Ok(c) if st.dm_users.contains_key(&c) => Reply::ok(dm_channel_json(c, st.dm_users[&c])),
            Ok(c) if st.known_channels.contains(&c) => {
                let guild = st.channel_guilds.get(&c).copied().unwrap_or(GUILD_ID);
                Reply::ok(guild_channel_json(c, guild))
            }
            _ => Reply::error(404, 10003, "Unknown Channel"),
        },
        (_, ["channels", ..]) => messages::route(st, method, &seg, body),
        (_, ["interactions", ..]) | (_, ["webhooks", ..]) => {
            webhooks::route(st, method, &seg, query, body)
        }
        _ => {
            st.violation(format!("unknown route {method} {path}"));
            Reply::error(404, 0, "404: Not Found")
        }
    }
}

fn open_dm(st: &mut State, body: &Value) -> Reply {
    let Some(user) = id_of(&body["recipient_id"]) else {
        let mut p = Problems::default();
        p.add("recipient_id", "required snowflake missing");
        return Reply::invalid(st, "POST /users/@me/channels", &p);
    };
    if st.bots.contains(&user) {
        st.violation(format!(
            "POST /users/@me/channels: recipient {user} is a bot"
        ));
        return Reply::error(400, 50007, "Cannot send messages to this user");
    }
    let channel = st.open_dm(user);
    let reply = dm_channel_json(channel, user);
    if let Err(e) = check_model::<serenity::all::PrivateChannel>(&reply, "DM channel") {
        st.violation(e);
    }
    Reply::ok(reply)
}

fn put_commands(st: &mut State, guild: Option<u64>, body: &Value, path: &str) -> Reply {
    let mut p = Problems::default();
    validate_commands(&mut p, body);
    if !p.is_empty() {
        return Reply::invalid(st, &format!("PUT {path}"), &p);
    }
    let mut out = Vec::new();
    for cmd in body.as_array().unwrap() {
        let mut c = cmd.clone();
        let previous = match guild {
            Some(g) => st
                .guild_commands
                .get(&g)
                .and_then(|l| l.iter().find(|x| x["name"] == cmd["name"]).cloned()),
            None => st
                .global_commands
                .as_ref()
                .and_then(|l| l.iter().find(|x| x["name"] == cmd["name"]).cloned()),
        };
        let id = previous
            .and_then(|x| id_of(&x["id"]))
            .unwrap_or_else(|| st.next_id());
        c["id"] = json!(id.to_string());
        c["application_id"] = json!(APPLICATION_ID.to_string());
        c["version"] = json!(st.next_id().to_string());
        if c.get("type").is_none_or(Value::is_null) {
            c["type"] = json!(1);
        }
        if c.get("description").is_none_or(Value::is_null) {
            c["description"] = json!("");
        }
        if let Some(g) = guild {
            c["guild_id"] = json!(g.to_string());
        }
        out.push(c);
    }
    let reply = json!(out);
    if let Err(e) = check_model::<Vec<serenity::all::Command>>(&reply, "command list") {
        st.violation(e);
    }
    match guild {
        Some(g) => {
            st.guild_commands.insert(g, out);
        }
        None => st.global_commands = Some(out),
    }
    Reply::ok(reply)
}
