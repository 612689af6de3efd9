//! Application command registration rules (the bulk-overwrite PUT body) and the check that
//! a test's slash/autocomplete invocation matches what the bot registered.

use std::collections::HashSet;

use serde_json::Value;

use super::validate::{chars, Problems};

fn valid_name(name: &str, chat_input: bool) -> Result<(), String> {
    let n = name.chars().count();
    if !(1..=32).contains(&n) {
        return Err(format!("name {name:?} must be 1..=32 characters"));
    }
    if chat_input {
        if !name
            .chars()
            .all(|c| c == '-' || c == '_' || c.is_alphanumeric())
        {
            return Err(format!(
                "name {name:?} does not match ^[-_\\p{{L}}\\p{{N}}]{{1,32}}$"
            ));
        }
        if name.to_lowercase() != name {
            return Err(format!("chat-input name {name:?} must be lowercase"));
        }
    }
    Ok(())
}

fn description(p: &mut Problems, v: &Value, path: &str) {
    let n = chars(&v["description"]);
    if !v["description"].is_string() || !(1..=100).contains(&n) {
        p.add(
            format!("{path}description"),
            format!("description must be 1..=100 characters (got {n})"),
        );
    }
}

/// Validates a bulk-overwrite body (`PUT .../commands`).
pub(crate) fn validate_commands(p: &mut Problems, body: &Value) {
    let Some(list) = body.as_array() else {
        p.add("", format!("body must be an array of commands, got {body}"));
        return;
    };
    let mut seen = HashSet::new();
    let mut per_type = [0usize; 4];
    for (i, cmd) in list.iter().enumerate() {
        let path = format!("{i}.");
        let kind = cmd.get("type").and_then(Value::as_u64).unwrap_or(1);
        if !(1..=3).contains(&kind) {
            p.add(
                format!("{path}type"),
                format!("unknown command type {kind}"),
            );
            continue;
        }
        per_type[kind as usize] += 1;
        let name = cmd["name"].as_str().unwrap_or("");
        if let Err(e) = valid_name(name, kind == 1) {
            p.add(format!("{path}name"), e);
        }
        if !seen.insert((kind, name.to_string())) {
            p.add(
                format!("{path}name"),
                format!("command name {name:?} is registered twice"),
            );
        }
        if kind == 1 {
            description(p, cmd, &path);
        } else if cmd
            .get("description")
            .and_then(Value::as_str)
            .is_some_and(|d| !d.is_empty())
        {
            p.add(
                format!("{path}description"),
                "user and message commands must have an empty description",
            );
        }
        match cmd.get("default_member_permissions") {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) => {}
            Some(other) => p.add(
                format!("{path}default_member_permissions"),
                format!("must be a string of digits or null, got {other}"),
            ),
        }
        let options = cmd
            .get("options")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if kind != 1 && !options.is_empty() {
            p.add(
                format!("{path}options"),
                "only chat-input commands take options",
            );
        }
        options_level(p, &options, &format!("{path}options"), 0);
        let total = chars(&cmd["name"]) + chars(&cmd["description"]) + option_chars(&options);
        if total > 4000 {
            p.add(
                path.trim_end_matches('.'),
                format!("command uses {total} characters, the limit is 4000"),
            );
        }
    }
    if per_type[1] > 100 || per_type[2] > 5 || per_type[3] > 5 {
        p.add(
            "",
            format!(
                "too many commands: {} chat-input (max 100), {} user (max 5), {} message (max 5)",
                per_type[1], per_type[2], per_type[3]
            ),
        );
    }
}

fn option_chars(options: &[Value]) -> usize {
    options
        .iter()
        .map(|o| {
            let choices: usize = o["choices"]
                .as_array()
                .map(|cs| {
                    cs.iter()
                        .map(|c| {
                            chars(&c["name"])
                                + c["value"].to_string().trim_matches('"').chars().count()
                        })
                        .sum()
                })
                .unwrap_or(0);
            chars(&o["name"])
                + chars(&o["description"])
                + choices
                + option_chars(o["options"].as_array().map(Vec::as_slice).unwrap_or(&[]))
        })
        .sum()
}

/// `depth` 0: the command's own options; 1: inside a group or subcommand; 2: inside a
/// subcommand of a group.
fn options_level(p: &mut Problems, options: &[Value], path: &str, depth: u8) {
    if options.len() > 25 {
        p.add(path, format!("at most 25 options (got {})", options.len()));
    }
    let subs = options
        .iter()
        .filter(|o| matches!(o["type"].as_u64(), Some(1 | 2)))
        .count();
    if subs > 0 && subs != options.len() {
        p.add(
            path,
            "subcommands and groups cannot be mixed with other options",
        );
    }
    let mut names = HashSet::new();
    let mut optional_seen = false;
    for (i, o) in options.iter().enumerate() {
        let op = format!("{path}.{i}.");
        let name = o["name"].as_str().unwrap_or("");
        if let Err(e) = valid_name(name, true) {
            p.add(format!("{op}name"), e);
        }
        if !names.insert(name.to_string()) {
            p.add(
                format!("{op}name"),
                format!("option name {name:?} is used twice at this level"),
            );
        }
        description(p, o, &op);
        let kind = o["type"].as_u64().unwrap_or(0);
        match kind {
            1 | 2 => {
                let inner = o["options"].as_array().cloned().unwrap_or_default();
                if kind == 2 && depth != 0 {
                    p.add(
                        format!("{op}type"),
                        "a subcommand group may only appear at the top level",
                    );
                }
                if kind == 1 && depth == 2 {
                    p.add(
                        format!("{op}type"),
                        "subcommands cannot nest deeper than a group",
                    );
                }
                if kind == 2 && inner.iter().any(|x| x["type"].as_u64() != Some(1)) {
                    p.add(
                        format!("{op}options"),
                        "a subcommand group may only hold subcommands",
                    );
                }
                if kind == 1
                    && inner
                        .iter()
                        .any(|x| matches!(x["type"].as_u64(), Some(1 | 2)))
                {
                    p.add(
                        format!("{op}options"),
                        "a subcommand cannot hold subcommands or groups",
                    );
                }
                if kind == 2 || !inner.is_empty() {
                    options_level(p, &inner, &format!("{op}options"), depth + 1);
                }
                if o.get("required").and_then(Value::as_bool) == Some(true) {
                    p.add(
                        format!("{op}required"),
                        "subcommands and groups cannot be required",
                    );
                }
                continue;
            }
            3..=11 => {}
            _ => p.add(format!("{op}type"), format!("unknown option type {kind}")),
        }
        let required = o.get("required").and_then(Value::as_bool).unwrap_or(false);
        if required && optional_seen {
            p.add(
                format!("{op}required"),
                "required options must come before optional ones",
            );
        }
        optional_seen |= !required;
        if let Some(choices) = o.get("choices").and_then(Value::as_array) {
            if !matches!(kind, 3 | 4 | 10) && !choices.is_empty() {
                p.add(
                    format!("{op}choices"),
                    "only string, integer and number options take choices",
                );
            }
            if choices.len() > 25 {
                p.add(
                    format!("{op}choices"),
                    format!("at most 25 choices (got {})", choices.len()),
                );
            }
            if !choices.is_empty() && o.get("autocomplete").and_then(Value::as_bool) == Some(true) {
                p.add(
                    format!("{op}autocomplete"),
                    "autocomplete cannot be combined with choices",
                );
            }
            for (k, c) in choices.iter().enumerate() {
                let cp = format!("{op}choices.{k}.");
                let n = chars(&c["name"]);
                if !(1..=100).contains(&n) {
                    p.add(
                        format!("{cp}name"),
                        format!("choice name must be 1..=100 characters (got {n})"),
                    );
                }
                if c["value"].is_string() && chars(&c["value"]) > 100 {
                    p.add(
                        format!("{cp}value"),
                        "choice value must be 100 or fewer characters",
                    );
                }
            }
        }
        for key in ["min_length", "max_length"] {
            if let Some(v) = o.get(key).and_then(Value::as_u64) {
                if kind != 3 || v > 6000 {
                    p.add(
                        format!("{op}{key}"),
                        format!("{key} applies to string options, 0..=6000"),
                    );
                }
            }
        }
    }
}

/// Checks that `given` (an invocation's `data.options`) fits the registered `schema`
/// options. Returns a description of the first mismatch.
pub(crate) fn check_invocation(
    schema: &[Value],
    given: &Value,
    autocomplete: bool,
) -> Result<(), String> {
    let given = match given {
        Value::Null => Vec::new(),
        Value::Array(a) => a.clone(),
        other => return Err(format!("options must be an array, got {other}")),
    };
    for g in &given {
        let name = g["name"].as_str().unwrap_or("");
        let Some(s) = schema.iter().find(|s| s["name"] == name) else {
            let known: Vec<&str> = schema.iter().filter_map(|s| s["name"].as_str()).collect();
            return Err(format!(
                "option {name:?} is not registered here (registered: {known:?})"
            ));
        };
        if g["type"] != s["type"] {
            return Err(format!(
                "option {name:?} has type {} but is registered with type {}",
                g["type"], s["type"]
            ));
        }
        if matches!(s["type"].as_u64(), Some(1 | 2)) {
            let inner = s["options"].as_array().cloned().unwrap_or_default();
            check_invocation(
                &inner,
                g.get("options").unwrap_or(&Value::Null),
                autocomplete,
            )
            .map_err(|e| format!("in {name:?}: {e}"))?;
        } else if g.get("focused").and_then(Value::as_bool) == Some(true)
            && s.get("autocomplete").and_then(Value::as_bool) != Some(true)
        {
            return Err(format!(
                "option {name:?} is focused but not registered with autocomplete"
            ));
        }
    }
    let is_sub_level = schema
        .iter()
        .any(|s| matches!(s["type"].as_u64(), Some(1 | 2)));
    if is_sub_level && given.len() != 1 {
        return Err(format!(
            "exactly one subcommand must be given, got {}",
            given.len()
        ));
    }
    if !autocomplete {
        for s in schema.iter().filter(|s| s["required"] == true) {
            if !given.iter().any(|g| g["name"] == s["name"]) {
                return Err(format!("required option {} is missing", s["name"]));
            }
        }
    }
    Ok(())
}
