use std::collections::HashMap;
use std::path::Path;

use super::*;

fn shipped_text() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(DEFAULT_CONFIG_PATH))
        .expect("config/default.toml is readable")
}

fn load_with(text: &str, vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    Settings::parse(text, Path::new("config/default.toml"), |name| {
        vars.get(name).cloned()
    })
}

#[test]
fn the_shipped_settings_load_with_their_documented_defaults() {
    let settings = load_with(&shipped_text(), &[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(settings.database_url, "sqlite://data/rekindle.db");
    assert_eq!(settings.defaults.timezone.name(), "UTC");
    assert_eq!(settings.defaults.checkin_time.to_string(), "19:00");
    assert_eq!(settings.quiet_hours.start.to_string(), "22:00");
    assert_eq!(settings.quiet_hours.end.to_string(), "08:00");
    assert_eq!(settings.schedule.reminder_after_hours, 20);
    assert_eq!(settings.schedule.stale_after_hours, 12);
    assert_eq!(settings.delivery.max_messages_per_second, 40);
    assert!(settings.discord.token.is_none());
    assert!(settings.discord.api_base.is_none());
}

#[test]
fn a_missing_token_says_how_to_set_it() {
    let settings = load_with(&shipped_text(), &[]).unwrap_or_else(|e| panic!("{e}"));
    let message = settings.token().unwrap_err().to_string();
    assert!(message.contains("DISCORD_TOKEN is not set"), "{message}");
    assert!(message.contains(".env.example"), "{message}");
}

#[test]
fn the_placeholder_token_counts_as_missing() {
    let settings = load_with(
        &shipped_text(),
        &[("DISCORD_TOKEN", "paste-your-bot-token-here")],
    );
    assert!(settings.map(|s| s.discord.token.is_none()).unwrap_or(false));
}

#[test]
fn the_token_never_prints() {
    let settings = load_with(&shipped_text(), &[("DISCORD_TOKEN", "MTIz.secret.value")])
        .unwrap_or_else(|e| panic!("{e}"));
    let token = settings.token().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(token.expose(), "MTIz.secret.value");
    assert!(!format!("{settings:?}").contains("secret"));
    assert!(!format!("{token}").contains("secret"));
}

#[test]
fn environment_overrides_apply() {
    let settings = load_with(
        &shipped_text(),
        &[
            ("DATABASE_URL", "sqlite://elsewhere.db"),
            ("DISCORD_API_BASE", "http://127.0.0.1:9999/api/v10/"),
            ("DISCORD_GUILD_ID", "123456789012345678"),
        ],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(settings.database_url, "sqlite://elsewhere.db");
    assert_eq!(
        settings.discord.api_base.as_deref(),
        Some("http://127.0.0.1:9999")
    );
    assert_eq!(settings.discord.guild_id, Some(123_456_789_012_345_678));
}

#[test]
fn a_bad_api_base_names_the_variable() {
    let error = load_with(&shipped_text(), &[("DISCORD_API_BASE", "127.0.0.1:9999")]).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("environment variable DISCORD_API_BASE"),
        "{error}"
    );
}

#[test]
fn a_bad_guild_id_names_the_variable() {
    let error = load_with(&shipped_text(), &[("DISCORD_GUILD_ID", "my server")]).unwrap_err();
    assert!(error.to_string().contains("DISCORD_GUILD_ID"), "{error}");
}

#[test]
fn a_bad_timezone_names_the_file_and_the_key() {
    let text = shipped_text().replace("timezone = \"UTC\"", "timezone = \"Mars/Olympus\"");
    let error = load_with(&text, &[]).unwrap_err().to_string();
    assert!(
        error.starts_with("config/default.toml: `defaults.timezone`:"),
        "{error}"
    );
    assert!(error.contains("Mars/Olympus"), "{error}");
}

#[test]
fn an_impossible_time_names_the_file_and_the_key() {
    let text = shipped_text().replace("start = \"22:00\"", "start = \"25:99\"");
    let error = load_with(&text, &[]).unwrap_err().to_string();
    assert!(
        error.starts_with("config/default.toml: `quiet_hours.start`:"),
        "{error}"
    );
    assert!(error.contains("25:99"), "{error}");
}

#[test]
fn a_zero_rate_is_refused() {
    let text = shipped_text().replace(
        "max_messages_per_second = 40",
        "max_messages_per_second = 0",
    );
    let error = load_with(&text, &[]).unwrap_err().to_string();
    assert!(
        error.contains("`delivery.max_messages_per_second`: must be at least 1"),
        "{error}"
    );
}

#[test]
fn an_unknown_key_is_a_syntax_error_naming_the_file() {
    let text = shipped_text().replace("[delivery]", "[delivery]\nmax_messages_per_minute = 3");
    let error = load_with(&text, &[]).unwrap_err().to_string();
    assert!(error.starts_with("config/default.toml:"), "{error}");
    assert!(error.contains("max_messages_per_minute"), "{error}");
}

#[test]
fn a_missing_file_says_where_to_start() {
    let error = Settings::load(Path::new("/nowhere/default.toml"), |_| None).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("/nowhere/default.toml: cannot be read"),
        "{error}"
    );
}
