//! Reaching Discord: the token, which never shows itself, and the Discord variables of the
//! environment.

use std::fmt;

use super::{ConfigError, PLACEHOLDER_TOKEN};

pub(super) const TOKEN_HELP: &str = "Create a bot at https://discord.com/developers/applications \
(your application → Bot → Reset Token), then copy .env.example to .env and put the token \
after DISCORD_TOKEN=, or export DISCORD_TOKEN in the environment.";

/// The bot token. Never printed: `Debug` and `Display` show a placeholder.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Accepts a non-empty token without spaces; the placeholder from `.env.example` is
    /// refused as such, so a half-done setup is told which half is missing.
    pub fn parse(raw: &str) -> Result<Token, ConfigError> {
        let token = raw.trim();
        let token = token.strip_prefix("Bot ").unwrap_or(token);
        if token.is_empty() {
            return Err(ConfigError::MissingToken);
        }
        if token == PLACEHOLDER_TOKEN {
            return Err(ConfigError::PlaceholderToken);
        }
        if token.chars().any(char::is_whitespace) {
            return Err(ConfigError::Environment {
                var: "DISCORD_TOKEN",
                message: format!("contains spaces; paste the token alone. {TOKEN_HELP}"),
            });
        }
        Ok(Token(token.to_owned()))
    }

    /// The secret itself, for the one place that hands it to serenity.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Everything about reaching Discord.
#[derive(Debug, Clone)]
pub struct DiscordSettings {
    /// `None` when `DISCORD_TOKEN` is unset: `rekindle check` needs no token, running does.
    pub token: Option<Token>,
    /// `DISCORD_TOKEN` is the placeholder from `.env.example` (and `token` is `None`).
    pub token_is_placeholder: bool,
    /// An origin such as `http://127.0.0.1:8080` (no `/api/v10`) that REST goes through.
    pub api_base: Option<String>,
    /// Register commands in this guild only (instant, for development) instead of globally.
    pub guild_id: Option<u64>,
}

/// The Discord variables; each bad one is added to `problems` (and left out of the result,
/// which is then refused as a whole).
pub(super) fn discord_from_env(
    env: &impl Fn(&str) -> Option<String>,
    problems: &mut Vec<ConfigError>,
) -> DiscordSettings {
    let set = |var: &str| env(var).filter(|value| !value.trim().is_empty());
    let mut token_is_placeholder = false;
    let token = match set("DISCORD_TOKEN").map(|raw| Token::parse(&raw)) {
        None | Some(Err(ConfigError::MissingToken)) => None,
        Some(Err(ConfigError::PlaceholderToken)) => {
            token_is_placeholder = true;
            None
        }
        Some(Err(other)) => {
            problems.push(other);
            None
        }
        Some(Ok(token)) => Some(token),
    };
    let api_base = set("DISCORD_API_BASE").and_then(|raw| {
        parse_api_base(&raw)
            .map_err(|problem| problems.push(problem))
            .ok()
    });
    let guild_id = set("DISCORD_GUILD_ID").and_then(|raw| {
        let id = raw.trim().parse::<u64>().ok().filter(|id| *id > 0);
        if id.is_none() {
            problems.push(ConfigError::Environment {
                var: "DISCORD_GUILD_ID",
                message: format!("“{raw}” is not a server id; right-click the server with Developer Mode on and choose Copy Server ID, or leave it unset to register commands globally."),
            });
        }
        id
    });
    DiscordSettings {
        token,
        token_is_placeholder,
        api_base,
        guild_id,
    }
}

/// Accepts `http(s)://host[:port]`, with or without a trailing `/` or `/api/v10`, and
/// returns the bare origin that serenity's proxy setting expects.
fn parse_api_base(raw: &str) -> Result<String, ConfigError> {
    let trimmed = raw.trim().trim_end_matches('/');
    let trimmed = trimmed.strip_suffix("/api/v10").unwrap_or(trimmed);
    let valid_scheme = trimmed.starts_with("http://") || trimmed.starts_with("https://");
    let host = trimmed
        .split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or("");
    if !valid_scheme || host.is_empty() || host.contains('/') {
        return Err(ConfigError::Environment {
            var: "DISCORD_API_BASE",
            message: format!("“{raw}” is not an origin like http://127.0.0.1:8080 (scheme and host, no path); leave it unset to talk to Discord directly."),
        });
    }
    Ok(trimmed.to_owned())
}
