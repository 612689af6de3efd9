use std::collections::HashMap;
use std::path::Path;

use super::*;
use crate::domain::timing::SettingError;

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
fn the_placeholder_token_is_called_out_as_the_placeholder() {
    let settings = load_with(
        &shipped_text(),
        &[("DISCORD_TOKEN", "paste-your-bot-token-here")],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(settings.discord.token.is_none());
    let message = settings.token().unwrap_err().to_string();
    assert!(
        message.starts_with(
            "DISCORD_TOKEN is still the placeholder from .env.example; put your bot's token there"
        ),
        "{message}"
    );
    assert!(
        message.contains("https://discord.com/developers/applications"),
        "{message}"
    );
    assert!(!message.contains("is not set"), "{message}");
}

#[test]
fn the_placeholder_in_the_example_env_file_is_the_one_recognised() {
    let example =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".env.example"))
            .expect(".env.example is readable");
    let value = example
        .lines()
        .find_map(|line| line.strip_prefix("DISCORD_TOKEN="))
        .expect(".env.example sets DISCORD_TOKEN");
    assert!(matches!(
        Token::parse(value),
        Err(ConfigError::PlaceholderToken)
    ));
    assert!(matches!(Token::parse("  "), Err(ConfigError::MissingToken)));
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
fn a_bad_timezone_in_the_file_is_explained_for_a_file_not_for_discord() {
    let text = shipped_text().replace("timezone = \"UTC\"", "timezone = \"Mars/Olympus\"");
    let error = load_with(&text, &[]).unwrap_err().to_string();
    assert!(!error.contains("as you type"), "{error}");
    assert!(!error.contains("the list"), "{error}");
    assert!(!error.starts_with("I "), "{error}");
    assert!(error.contains("is not an IANA timezone name"), "{error}");
    assert!(error.contains("\"Europe/Berlin\""), "{error}");
    // Members in Discord keep the wording written for them.
    let for_members = SettingError::UnknownTimezone("Mars/Olympus".into()).to_string();
    assert!(for_members.contains("as you type"), "{for_members}");
}

#[test]
fn a_bad_time_or_frequency_in_the_file_is_explained_for_a_file() {
    let text = shipped_text()
        .replace("checkin_time = \"19:00\"", "checkin_time = \"7pm\"")
        .replace("frequency = \"daily\"", "frequency = \"hourly\"");
    let error = load_with(&text, &[]).unwrap_err().to_string();
    assert!(
        error.contains(
            "`defaults.checkin_time`: “7pm” is not a 24-hour time; write it as \"HH:MM\""
        ),
        "{error}"
    );
    assert!(
        error.contains("`defaults.frequency`: “hourly” is not a frequency; write \"daily\""),
        "{error}"
    );
    assert!(!error.contains("I can use"), "{error}");
}

#[test]
fn every_bad_value_and_variable_is_reported_not_only_the_first() {
    let text = shipped_text()
        .replace("timezone = \"UTC\"", "timezone = \"Mars/Olympus\"")
        .replace("end = \"08:00\"", "end = \"8 am\"")
        .replace("stale_after_hours = 12", "stale_after_hours = 0")
        .replace("max_replies_per_second = 5", "max_replies_per_second = 9");
    let error = load_with(
        &text,
        &[
            ("DISCORD_GUILD_ID", "my server"),
            ("DISCORD_API_BASE", "discord.example"),
        ],
    )
    .unwrap_err();
    assert_eq!(error.count(), 6, "{error}");
    let message = error.to_string();
    assert!(
        message.starts_with("6 problems in the settings:"),
        "{message}"
    );
    for expected in [
        "config/default.toml: `defaults.timezone`: “Mars/Olympus”",
        "config/default.toml: `quiet_hours.end`: “8 am”",
        "config/default.toml: `schedule.stale_after_hours`: must be at least 1",
        "config/default.toml: `delivery`: max_messages_per_second (40) and max_replies_per_second (9)",
        "environment variable DISCORD_API_BASE",
        "environment variable DISCORD_GUILD_ID",
    ] {
        assert!(message.contains(&format!("\n  - {expected}")), "{expected}: {message}");
    }
}

#[test]
fn one_problem_reads_as_one_line() {
    let text = shipped_text().replace("stale_after_hours = 12", "stale_after_hours = 0");
    let error = load_with(&text, &[]).unwrap_err();
    assert_eq!(error.count(), 1);
    assert_eq!(
        error.to_string(),
        "config/default.toml: `schedule.stale_after_hours`: must be at least 1"
    );
}

#[test]
fn the_content_path_is_found_even_in_a_refused_settings_file() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let settings = dir.path().join("default.toml");
    let content = "content_path = \"elsewhere/content.toml\"\nunknown_key = 1\n";
    std::fs::write(&settings, content).expect("written");
    assert!(Settings::load(&settings, |_| None).is_err());
    assert_eq!(
        Settings::content_path_in(&settings),
        Path::new("elsewhere/content.toml")
    );
    std::fs::write(&settings, "content_path = [broken").expect("written");
    assert_eq!(
        Settings::content_path_in(&settings),
        Path::new(DEFAULT_CONTENT_PATH)
    );
    assert_eq!(
        Settings::content_path_in(&dir.path().join("missing.toml")),
        Path::new(DEFAULT_CONTENT_PATH)
    );
}

#[test]
fn the_database_url_needs_no_settings_file() {
    assert_eq!(database_url(&|_: &str| None), DEFAULT_DATABASE_URL);
    assert_eq!(
        database_url(&|_: &str| Some("  ".to_owned())),
        DEFAULT_DATABASE_URL
    );
    assert_eq!(
        database_url(&|_: &str| Some("sqlite:///var/lib/rekindle/rekindle.db".to_owned())),
        "sqlite:///var/lib/rekindle/rekindle.db"
    );
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

#[test]
fn home_servers_are_read_as_quoted_or_bare_ids_and_an_empty_list_serves_any() {
    let any = load_with(&shipped_text(), &[]).unwrap_or_else(|e| panic!("{e}"));
    assert!(any.servers.allowed.is_empty());
    assert!(any.servers.allows(GuildId::new(123_456_789_012_345_678)));
    assert_eq!(any.ops.listen, None, "the listener is off by default");

    let text = shipped_text().replace(
        "allowed = []",
        "allowed = [\"123456789012345678\", 223456789012345678, \" 123456789012345678 \"]",
    );
    let home = load_with(&text, &[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        home.servers.allowed,
        vec![
            GuildId::new(123_456_789_012_345_678),
            GuildId::new(223_456_789_012_345_678)
        ],
        "both forms, trimmed, each once"
    );
    assert!(home.servers.allows(GuildId::new(223_456_789_012_345_678)));
    assert!(!home.servers.allows(GuildId::new(323_456_789_012_345_678)));
}

#[test]
fn every_malformed_server_id_is_refused_with_its_position_and_how_to_copy_one() {
    let text = shipped_text().replace(
        "allowed = []",
        "allowed = [\"Rekindle Support\", \"<#123456789012345678>\", \"12345\", -5, 1.5, \"\", \"https://discord.com/channels/123456789012345678\", \"123456789012345678\"]",
    );
    let error = load_with(&text, &[]).unwrap_err();
    assert_eq!(error.count(), 7, "{error}");
    let message = error.to_string();
    for position in 0..7 {
        assert!(
            message.contains(&format!("`servers.allowed[{position}]`")),
            "{message}"
        );
    }
    assert!(
        !message.contains("servers.allowed[7]"),
        "the good one passes"
    );
    assert!(message.contains("Copy Server ID"), "{message}");
}

#[test]
fn the_listener_address_must_be_an_ip_and_a_port() {
    let text = shipped_text().replace("listen = \"\"", "listen = \"127.0.0.1:0\"");
    let settings = load_with(&text, &[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        settings.ops.listen,
        Some("127.0.0.1:0".parse().expect("an address"))
    );
    for bad in ["localhost:9464", "9464", "127.0.0.1", "127.0.0.1:99999"] {
        let text = shipped_text().replace("listen = \"\"", &format!("listen = \"{bad}\""));
        let message = load_with(&text, &[]).unwrap_err().to_string();
        assert!(message.contains("`ops.listen`"), "{bad}: {message}");
    }
}

#[test]
fn a_settings_file_without_the_servers_and_ops_sections_still_loads() {
    let text = shipped_text();
    let old = &text[..text.find("[servers]").expect("the section")];
    let settings = load_with(old, &[]).unwrap_or_else(|e| panic!("{e}"));
    assert!(settings.servers.allowed.is_empty());
    assert_eq!(settings.ops.listen, None);
}

#[test]
fn a_development_server_that_the_home_list_leaves_out_is_a_contradiction() {
    let text = shipped_text().replace("allowed = []", "allowed = [\"123456789012345678\"]");
    let message = load_with(&text, &[("DISCORD_GUILD_ID", "223456789012345678")])
        .unwrap_err()
        .to_string();
    assert!(message.contains("DISCORD_GUILD_ID"), "{message}");
    assert!(load_with(&text, &[("DISCORD_GUILD_ID", "123456789012345678")]).is_ok());
}
