//! Discord's documented limits on message payloads (channel messages, interaction callbacks,
//! webhooks): content, embeds, nonce, flags, emptiness; and the 400 body Discord answers.
//! Component, modal and autocomplete rules are in `components.rs`.

use serde_json::{json, Map, Value};

/// Problems found in one request body: (dotted path into the body, what is wrong).
#[derive(Default)]
pub(crate) struct Problems(pub Vec<(String, String)>);

impl Problems {
    pub fn add(&mut self, path: impl Into<String>, msg: impl Into<String>) {
        self.0.push((path.into(), msg.into()));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Discord's `Invalid Form Body` answer, with the nested `errors` object serenity parses.
    pub fn error_body(&self) -> Value {
        let mut errors = Map::new();
        for (path, msg) in &self.0 {
            let mut node = &mut errors;
            for part in path.split('.').filter(|p| !p.is_empty()) {
                node = node
                    .entry(part.to_string())
                    .or_insert_with(|| json!({}))
                    .as_object_mut()
                    .expect("error tree node is an object");
            }
            let list = node.entry("_errors").or_insert_with(|| json!([]));
            list.as_array_mut()
                .unwrap()
                .push(json!({"code": "FAKE_DISCORD_LIMIT", "message": msg}));
        }
        json!({"message": "Invalid Form Body", "code": 50035, "errors": errors})
    }

    /// One violation line per problem.
    pub fn lines(&self, route: &str) -> Vec<String> {
        self.0
            .iter()
            .map(|(p, m)| {
                if p.is_empty() {
                    format!("{route}: {m}")
                } else {
                    format!("{route}: {p}: {m}")
                }
            })
            .collect()
    }
}

pub(crate) fn chars(v: &Value) -> usize {
    v.as_str().map(|s| s.chars().count()).unwrap_or(0)
}

/// `v[key]` as a string no longer than `max` (when present and not null).
pub(crate) fn max_str(p: &mut Problems, v: &Value, key: &str, path: &str, max: usize) {
    match v.get(key) {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) => {
            let n = s.chars().count();
            if n > max {
                p.add(
                    format!("{path}{key}"),
                    format!("must be {max} or fewer in length (got {n})"),
                );
            }
        }
        Some(other) => p.add(
            format!("{path}{key}"),
            format!("must be a string, got {other}"),
        ),
    }
}

/// `v[key]` as a present string of 1..=max characters.
pub(crate) fn req_str(p: &mut Problems, v: &Value, key: &str, path: &str, max: usize) {
    match v.get(key).and_then(Value::as_str) {
        None => p.add(format!("{path}{key}"), "required string missing"),
        Some("") => p.add(format!("{path}{key}"), "must not be empty"),
        Some(_) => max_str(p, v, key, path, max),
    }
}

pub(crate) enum MsgKind {
    /// A new message: must not be empty.
    Create,
    /// An edit (PATCH) or update: every field optional.
    Edit,
}

pub(crate) const FLAG_SUPPRESS_EMBEDS: u64 = 1 << 2;
pub(crate) const FLAG_EPHEMERAL: u64 = 1 << 6;
pub(crate) const FLAG_SUPPRESS_NOTIFICATIONS: u64 = 1 << 12;

/// Validates a message body. `files` is the number of uploaded files; `allowed_flags` the
/// flags this route accepts.
pub(crate) fn message(
    p: &mut Problems,
    body: &Value,
    files: usize,
    kind: MsgKind,
    allowed_flags: u64,
) {
    let Some(obj) = body.as_object() else {
        p.add(
            "",
            format!("message body must be a JSON object, got {body}"),
        );
        return;
    };
    max_str(p, body, "content", "", 2000);
    let mut has_embeds = false;
    match obj.get("embeds") {
        None | Some(Value::Null) => {}
        Some(Value::Array(embeds)) => {
            has_embeds = !embeds.is_empty();
            if embeds.len() > 10 {
                p.add(
                    "embeds",
                    format!("at most 10 embeds (got {})", embeds.len()),
                );
            }
            let total: usize = embeds.iter().enumerate().map(|(i, e)| embed(p, e, i)).sum();
            if total > 6000 {
                p.add(
                    "embeds",
                    format!("embeds total {total} characters, the limit is 6000"),
                );
            }
        }
        Some(other) => p.add("embeds", format!("must be an array, got {other}")),
    }
    let mut has_components = false;
    match obj.get("components") {
        None | Some(Value::Null) => {}
        Some(Value::Array(rows)) => {
            has_components = !rows.is_empty();
            super::components::action_rows(p, rows);
        }
        Some(other) => p.add("components", format!("must be an array, got {other}")),
    }
    match obj.get("nonce") {
        None | Some(Value::Null) | Some(Value::Number(_)) => {}
        Some(Value::String(s)) if s.chars().count() > 25 => p.add(
            "nonce",
            format!(
                "nonce must be 25 or fewer characters (got {})",
                s.chars().count()
            ),
        ),
        Some(Value::String(_)) => {}
        Some(other) => p.add("nonce", format!("must be a string or integer, got {other}")),
    }
    if let Some(flags) = obj.get("flags").filter(|f| !f.is_null()) {
        match flags.as_u64() {
            Some(f) if f & !allowed_flags != 0 => {
                p.add("flags", format!("flags {f} include bits this route does not accept (allowed mask {allowed_flags})"))
            }
            Some(_) => {}
            None => p.add("flags", format!("must be an integer, got {flags}")),
        }
    }
    if files > 10 {
        p.add("files", format!("at most 10 files (got {files})"));
    }
    for (i, attachment) in obj
        .get("attachments")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        max_str(
            p,
            attachment,
            "description",
            &format!("attachments[{i}]."),
            1024,
        );
        max_str(
            p,
            attachment,
            "filename",
            &format!("attachments[{i}]."),
            1024,
        );
    }
    if let MsgKind::Create = kind {
        let has_content = obj
            .get("content")
            .and_then(Value::as_str)
            .is_some_and(|c| !c.trim().is_empty());
        let has_other = obj
            .get("sticker_ids")
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty())
            || obj.get("poll").is_some_and(|v| !v.is_null());
        if !(has_content || has_embeds || has_components || files > 0 || has_other) {
            p.add(
                "",
                "Cannot send an empty message (no content, embeds, components or files)",
            );
        }
    }
}

/// Validates one embed; returns its character count toward the 6000 total.
fn embed(p: &mut Problems, e: &Value, i: usize) -> usize {
    let path = format!("embeds.{i}.");
    max_str(p, e, "title", &path, 256);
    max_str(p, e, "description", &path, 4096);
    let mut total = chars(&e["title"]) + chars(&e["description"]);
    if let Some(footer) = e.get("footer").filter(|f| !f.is_null()) {
        max_str(p, footer, "text", &format!("{path}footer."), 2048);
        total += chars(&footer["text"]);
    }
    if let Some(author) = e.get("author").filter(|a| !a.is_null()) {
        max_str(p, author, "name", &format!("{path}author."), 256);
        total += chars(&author["name"]);
    }
    if let Some(fields) = e.get("fields").and_then(Value::as_array) {
        if fields.len() > 25 {
            p.add(
                format!("{path}fields"),
                format!("at most 25 fields (got {})", fields.len()),
            );
        }
        for (j, f) in fields.iter().enumerate() {
            let fp = format!("{path}fields.{j}.");
            req_str(p, f, "name", &fp, 256);
            req_str(p, f, "value", &fp, 1024);
            total += chars(&f["name"]) + chars(&f["value"]);
        }
    }
    total
}
