//! Discord's limits on message components (action rows, buttons, selects), modals (callback
//! type 9, text inputs) and autocomplete results (callback type 8).

use std::collections::HashSet;

use serde_json::Value;

use super::validate::{max_str, req_str, Problems};

/// Validates the action rows of a message.
pub(crate) fn action_rows(p: &mut Problems, rows: &[Value]) {
    if rows.len() > 5 {
        p.add(
            "components",
            format!("at most 5 action rows (got {})", rows.len()),
        );
    }
    let mut ids = HashSet::new();
    for (i, row) in rows.iter().enumerate() {
        let rp = format!("components.{i}");
        if row["type"].as_u64() != Some(1) {
            p.add(
                format!("{rp}.type"),
                format!(
                    "top-level components must be action rows (type 1), got {}",
                    row["type"]
                ),
            );
            continue;
        }
        let items = row["components"].as_array().cloned().unwrap_or_default();
        if items.is_empty() {
            p.add(
                format!("{rp}.components"),
                "an action row must hold at least one component",
            );
        }
        let buttons = items
            .iter()
            .filter(|c| c["type"].as_u64() == Some(2))
            .count();
        let selects = items
            .iter()
            .filter(|c| matches!(c["type"].as_u64(), Some(3 | 5..=8)))
            .count();
        if buttons > 5 {
            p.add(
                format!("{rp}.components"),
                format!("a row holds at most 5 buttons (got {buttons})"),
            );
        }
        if selects > 0 && items.len() != 1 {
            p.add(
                format!("{rp}.components"),
                "a select menu must be alone in its row",
            );
        }
        for (j, c) in items.iter().enumerate() {
            let cp = format!("{rp}.components.{j}.");
            if let Some(id) = c.get("custom_id").and_then(Value::as_str) {
                if !ids.insert(id.to_string()) {
                    p.add(
                        format!("{cp}custom_id"),
                        format!("custom_id {id:?} is used twice in this message"),
                    );
                }
            }
            match c["type"].as_u64() {
                Some(2) => button(p, c, &cp),
                Some(3) => select(p, c, &cp, true),
                Some(5..=8) => select(p, c, &cp, false),
                Some(4) => p.add(
                    format!("{cp}type"),
                    "text inputs are only allowed in modals",
                ),
                _ => p.add(
                    format!("{cp}type"),
                    format!("unknown component type {}", c["type"]),
                ),
            }
        }
    }
}

fn custom_id(p: &mut Problems, c: &Value, path: &str) {
    req_str(p, c, "custom_id", path, 100);
}

fn button(p: &mut Problems, c: &Value, path: &str) {
    max_str(p, c, "label", path, 80);
    let has_label = c
        .get("label")
        .and_then(Value::as_str)
        .is_some_and(|l| !l.is_empty());
    let has_emoji = c.get("emoji").is_some_and(|e| !e.is_null());
    match c["style"].as_u64() {
        Some(5) => {
            if c.get("url").and_then(Value::as_str).is_none() {
                p.add(format!("{path}url"), "a link button needs a url");
            }
            if c.get("custom_id").is_some_and(|v| !v.is_null()) {
                p.add(
                    format!("{path}custom_id"),
                    "a link button must not have a custom_id",
                );
            }
        }
        Some(6) => {
            if c.get("sku_id").is_none() {
                p.add(format!("{path}sku_id"), "a premium button needs a sku_id");
            }
            return;
        }
        Some(1..=4) => {
            custom_id(p, c, path);
            if c.get("url").is_some_and(|v| !v.is_null()) {
                p.add(
                    format!("{path}url"),
                    "only link buttons (style 5) have a url",
                );
            }
        }
        _ => p.add(
            format!("{path}style"),
            format!("invalid button style {}", c["style"]),
        ),
    }
    if !has_label && !has_emoji {
        p.add(format!("{path}label"), "a button needs a label or an emoji");
    }
}

fn select(p: &mut Problems, c: &Value, path: &str, string_select: bool) {
    custom_id(p, c, path);
    max_str(p, c, "placeholder", path, 150);
    let min = c.get("min_values").and_then(Value::as_u64);
    let max = c.get("max_values").and_then(Value::as_u64);
    if min.is_some_and(|m| m > 25) {
        p.add(format!("{path}min_values"), "min_values must be 0..=25");
    }
    if max.is_some_and(|m| !(1..=25).contains(&m)) {
        p.add(format!("{path}max_values"), "max_values must be 1..=25");
    }
    if min.unwrap_or(1) > max.unwrap_or(1) {
        p.add(
            format!("{path}min_values"),
            "min_values is greater than max_values",
        );
    }
    if !string_select {
        return;
    }
    let options = c["options"].as_array().cloned().unwrap_or_default();
    if options.is_empty() || options.len() > 25 {
        p.add(
            format!("{path}options"),
            format!(
                "a string select needs 1..=25 options (got {})",
                options.len()
            ),
        );
    }
    if max.is_some_and(|m| m as usize > options.len()) {
        p.add(
            format!("{path}max_values"),
            "max_values is greater than the number of options",
        );
    }
    let mut values = HashSet::new();
    for (k, o) in options.iter().enumerate() {
        let op = format!("{path}options.{k}.");
        req_str(p, o, "label", &op, 100);
        req_str(p, o, "value", &op, 100);
        max_str(p, o, "description", &op, 100);
        if let Some(v) = o["value"].as_str() {
            if !values.insert(v.to_string()) {
                p.add(
                    format!("{op}value"),
                    format!("option value {v:?} is used twice"),
                );
            }
        }
    }
}

/// Validates the data of a modal callback (type 9).
pub(crate) fn modal(p: &mut Problems, data: &Value) {
    req_str(p, data, "title", "data.", 45);
    req_str(p, data, "custom_id", "data.", 100);
    let rows = data["components"].as_array().cloned().unwrap_or_default();
    if rows.is_empty() || rows.len() > 5 {
        p.add(
            "data.components",
            format!("a modal needs 1..=5 rows (got {})", rows.len()),
        );
    }
    let mut ids = HashSet::new();
    for (i, row) in rows.iter().enumerate() {
        let rp = format!("data.components.{i}");
        let items = row["components"].as_array().cloned().unwrap_or_default();
        if row["type"].as_u64() != Some(1) || items.len() != 1 {
            p.add(
                &rp,
                "each modal row must be an action row holding exactly one text input",
            );
        }
        for (j, c) in items.iter().enumerate() {
            let cp = format!("{rp}.components.{j}.");
            if c["type"].as_u64() != Some(4) {
                p.add(
                    format!("{cp}type"),
                    format!("modal rows hold text inputs (type 4), got {}", c["type"]),
                );
                continue;
            }
            custom_id(p, c, &cp);
            if let Some(id) = c["custom_id"].as_str() {
                if !ids.insert(id.to_string()) {
                    p.add(
                        format!("{cp}custom_id"),
                        format!("custom_id {id:?} is used twice in this modal"),
                    );
                }
            }
            if !matches!(c["style"].as_u64(), Some(1 | 2)) {
                p.add(
                    format!("{cp}style"),
                    format!("text input style must be 1 or 2, got {}", c["style"]),
                );
            }
            req_str(p, c, "label", &cp, 45);
            max_str(p, c, "placeholder", &cp, 100);
            max_str(p, c, "value", &cp, 4000);
            let min = c.get("min_length").and_then(Value::as_u64);
            let max = c.get("max_length").and_then(Value::as_u64);
            if min.is_some_and(|m| m > 4000) {
                p.add(format!("{cp}min_length"), "min_length must be 0..=4000");
            }
            if max.is_some_and(|m| !(1..=4000).contains(&m)) {
                p.add(format!("{cp}max_length"), "max_length must be 1..=4000");
            }
            if min.unwrap_or(0) > max.unwrap_or(4000) {
                p.add(
                    format!("{cp}min_length"),
                    "min_length is greater than max_length",
                );
            }
            if let Some(v) = c["value"].as_str() {
                if v.chars().count() as u64 > max.unwrap_or(4000) {
                    p.add(
                        format!("{cp}value"),
                        "prefilled value is longer than max_length",
                    );
                }
            }
        }
    }
}

/// Validates the data of an autocomplete result (callback type 8).
pub(crate) fn autocomplete(p: &mut Problems, data: &Value) {
    let Some(choices) = data.get("choices").and_then(Value::as_array) else {
        p.add(
            "data.choices",
            "an autocomplete result needs a choices array",
        );
        return;
    };
    if choices.len() > 25 {
        p.add(
            "data.choices",
            format!("at most 25 choices (got {})", choices.len()),
        );
    }
    for (i, c) in choices.iter().enumerate() {
        let cp = format!("data.choices.{i}.");
        req_str(p, c, "name", &cp, 100);
        match &c["value"] {
            Value::String(_) => max_str(p, c, "value", &cp, 100),
            Value::Number(_) => {}
            other => p.add(
                format!("{cp}value"),
                format!("choice value must be a string or number, got {other}"),
            ),
        }
    }
}
