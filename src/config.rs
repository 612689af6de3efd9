//! Settings: `config/default.toml` plus the environment, parsed into typed values once.
//!
//! A bad value stops the start with a message naming the file (or variable), the key and
//! what is wrong. The bot token only ever lives in a [`Token`], whose `Debug` and `Display`
//! never show it, so no log line or error can leak it.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use thiserror::Error;

use crate::domain::member::MemberSettings;
use crate::domain::settings::{Frequency, LocalTime, SettingError, Timezone};

/// Where the settings file is looked for when no `--config` is given.
pub const DEFAULT_CONFIG_PATH: &str = "config/default.toml";
/// The database when `DATABASE_URL` is not set: a file created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/rekindle.db";

/// Discord's global limit, requests a second per bot.
const DISCORD_GLOBAL_LIMIT: u32 = 50;
/// Kept free of scheduled messages and ordinary replies, for crisis replies and the DMs
/// members ask for with a command.
const CRISIS_HEADROOM: u32 = 5;

const TOKEN_HELP: &str = "Create a bot at https://discord.com/developers/applications \
(your application → Bot → Reset Token), then copy .env.example to .env and put the token \
after DISCORD_TOKEN=, or export DISCORD_TOKEN in the environment.";

/// Why the settings could not be loaded.
#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("{file}: cannot be read: {reason}. Start Rekindle from the folder that holds config/, or pass --config PATH.")]
    Unreadable { file: PathBuf, reason: String },
    #[error("{file}: {message}")]
    Syntax { file: PathBuf, message: String },
    #[error("{file}: `{key}`: {message}")]
    Invalid {
        file: PathBuf,
        key: String,
        message: String,
    },
    #[error("environment variable {var}: {message}")]
    Environment { var: &'static str, message: String },
    #[error("DISCORD_TOKEN is not set. {TOKEN_HELP}")]
    MissingToken,
}

/// The bot token. Never printed: `Debug` and `Display` show a placeholder.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Accepts a non-empty token without spaces; the placeholder from `.env.example` counts
    /// as missing, so a half-done setup gets the same help as none.
    pub fn parse(raw: &str) -> Result<Token, ConfigError> {
        let token = raw.trim();
        let token = token.strip_prefix("Bot ").unwrap_or(token);
        if token.is_empty() || token == "paste-your-bot-token-here" {
            return Err(ConfigError::MissingToken);
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
    /// An origin such as `http://127.0.0.1:8080` (no `/api/v10`) that REST goes through.
    pub api_base: Option<String>,
    /// Register commands in this guild only (instant, for development) instead of globally.
    pub guild_id: Option<u64>,
}

#[derive(Debug, Clone, Copy)]
pub struct QuietHours {
    pub start: LocalTime,
    pub end: LocalTime,
}

#[derive(Debug, Clone, Copy)]
pub struct ScheduleSettings {
    pub reminder_after_hours: u32,
    pub stale_after_hours: u32,
    pub encouragement_every_days: u32,
}

#[derive(Debug, Clone, Copy)]
pub struct DeliverySettings {
    pub max_messages_per_second: u32,
    /// Ordinary replies to members' DMs per second, in all (crisis replies excepted).
    pub max_replies_per_second: u32,
}

#[derive(Debug, Clone, Copy)]
pub struct PrivacySettings {
    pub reflection_retention_days: u32,
}

/// All settings, validated.
#[derive(Debug, Clone)]
pub struct Settings {
    pub discord: DiscordSettings,
    pub database_url: String,
    pub content_path: PathBuf,
    /// What a new member starts with.
    pub defaults: MemberSettings,
    pub quiet_hours: QuietHours,
    pub schedule: ScheduleSettings,
    pub delivery: DeliverySettings,
    pub privacy: PrivacySettings,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    content_path: PathBuf,
    defaults: FileDefaults,
    quiet_hours: FileQuietHours,
    schedule: ScheduleFile,
    delivery: DeliveryFile,
    privacy: PrivacyFile,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDefaults {
    timezone: String,
    checkin_time: String,
    frequency: String,
    encouragement: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileQuietHours {
    start: String,
    end: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScheduleFile {
    reminder_after_hours: u32,
    stale_after_hours: u32,
    encouragement_every_days: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeliveryFile {
    max_messages_per_second: u32,
    max_replies_per_second: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PrivacyFile {
    reflection_retention_days: u32,
}

impl Settings {
    /// Loads the settings file at `path` and applies the environment, read through `env` so
    /// tests can pass their own.
    pub fn load(
        path: &Path,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Settings, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|error| ConfigError::Unreadable {
            file: path.to_owned(),
            reason: error.to_string(),
        })?;
        Settings::parse(&text, path, env)
    }

    /// Parses settings text; `path` only names the file in errors.
    pub fn parse(
        text: &str,
        path: &Path,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Settings, ConfigError> {
        let file: FileSettings = toml::from_str(text).map_err(|error| ConfigError::Syntax {
            file: path.to_owned(),
            message: error.to_string().trim_end().to_owned(),
        })?;
        let invalid = |key: &str, error: SettingError| ConfigError::Invalid {
            file: path.to_owned(),
            key: key.to_owned(),
            message: error.to_string(),
        };
        let positive = |key: &str, value: u32| {
            if value == 0 {
                Err(ConfigError::Invalid {
                    file: path.to_owned(),
                    key: key.to_owned(),
                    message: "must be at least 1".into(),
                })
            } else {
                Ok(value)
            }
        };
        let defaults = MemberSettings {
            timezone: Timezone::parse(&file.defaults.timezone)
                .map_err(|e| invalid("defaults.timezone", e))?,
            checkin_time: LocalTime::parse(&file.defaults.checkin_time)
                .map_err(|e| invalid("defaults.checkin_time", e))?,
            frequency: Frequency::parse(&file.defaults.frequency)
                .map_err(|e| invalid("defaults.frequency", e))?,
            encouragement: file.defaults.encouragement,
        };
        let quiet_hours = QuietHours {
            start: LocalTime::parse(&file.quiet_hours.start)
                .map_err(|e| invalid("quiet_hours.start", e))?,
            end: LocalTime::parse(&file.quiet_hours.end)
                .map_err(|e| invalid("quiet_hours.end", e))?,
        };
        let schedule = ScheduleSettings {
            reminder_after_hours: positive(
                "schedule.reminder_after_hours",
                file.schedule.reminder_after_hours,
            )?,
            stale_after_hours: positive(
                "schedule.stale_after_hours",
                file.schedule.stale_after_hours,
            )?,
            encouragement_every_days: positive(
                "schedule.encouragement_every_days",
                file.schedule.encouragement_every_days,
            )?,
        };
        let max_rate = positive(
            "delivery.max_messages_per_second",
            file.delivery.max_messages_per_second,
        )?;
        let max_replies = positive(
            "delivery.max_replies_per_second",
            file.delivery.max_replies_per_second,
        )?;
        if max_rate + max_replies > DISCORD_GLOBAL_LIMIT - CRISIS_HEADROOM {
            return Err(ConfigError::Invalid {
                file: path.to_owned(),
                key: "delivery".into(),
                message: format!(
                    "max_messages_per_second ({max_rate}) and max_replies_per_second ({max_replies}) together must leave {CRISIS_HEADROOM} of Discord's {DISCORD_GLOBAL_LIMIT} requests a second for crisis replies; at most {} in all",
                    DISCORD_GLOBAL_LIMIT - CRISIS_HEADROOM
                ),
            });
        }
        let retention = positive(
            "privacy.reflection_retention_days",
            file.privacy.reflection_retention_days,
        )?;
        Ok(Settings {
            discord: discord_from_env(&env)?,
            database_url: env("DATABASE_URL")
                .filter(|url| !url.trim().is_empty())
                .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned()),
            content_path: file.content_path,
            defaults,
            quiet_hours,
            schedule,
            delivery: DeliverySettings {
                max_messages_per_second: max_rate,
                max_replies_per_second: max_replies,
            },
            privacy: PrivacySettings {
                reflection_retention_days: retention,
            },
        })
    }

    /// The scheduling rules, for the pure schedule arithmetic.
    pub fn policy(&self) -> crate::domain::schedule::Policy {
        crate::domain::schedule::Policy {
            quiet_start: self.quiet_hours.start.as_naive(),
            quiet_end: self.quiet_hours.end.as_naive(),
            encouragement_every_days: self.schedule.encouragement_every_days,
        }
    }

    /// The token, or the error that tells the operator how to set it.
    pub fn token(&self) -> Result<&Token, ConfigError> {
        self.discord.token.as_ref().ok_or(ConfigError::MissingToken)
    }
}

fn discord_from_env(env: &impl Fn(&str) -> Option<String>) -> Result<DiscordSettings, ConfigError> {
    let set = |var: &str| env(var).filter(|value| !value.trim().is_empty());
    let token = match set("DISCORD_TOKEN") {
        None => None,
        Some(raw) => match Token::parse(&raw) {
            Ok(token) => Some(token),
            Err(ConfigError::MissingToken) => None,
            Err(other) => return Err(other),
        },
    };
    let api_base = set("DISCORD_API_BASE")
        .map(|raw| parse_api_base(&raw))
        .transpose()?;
    let guild_id = set("DISCORD_GUILD_ID")
        .map(|raw| {
            raw.trim().parse::<u64>().ok().filter(|id| *id > 0).ok_or(ConfigError::Environment {
                var: "DISCORD_GUILD_ID",
                message: format!("“{raw}” is not a server id; right-click the server with Developer Mode on and choose Copy Server ID, or leave it unset to register commands globally."),
            })
        })
        .transpose()?;
    Ok(DiscordSettings {
        token,
        api_base,
        guild_id,
    })
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

#[cfg(test)]
mod tests;
