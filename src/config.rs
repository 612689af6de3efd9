//! Settings: `config/default.toml` plus the environment, parsed into typed values once.
//!
//! A bad value stops the start with a message naming the file (or variable), the key and
//! what is wrong; every bad value is reported at once, so one round of fixes is enough
//! (a TOML syntax error or an unknown key still stops at the first, as the file cannot be
//! read further). The bot token only ever lives in a [`Token`], whose `Debug` and `Display`
//! never show it, so no log line or error can leak it.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use thiserror::Error;

use crate::domain::ids::GuildId;

use crate::domain::member::MemberSettings;
use crate::domain::timing::{Frequency, LocalTime, SettingError, Timezone};

/// Where the settings file is looked for when no `--config` is given.
pub const DEFAULT_CONFIG_PATH: &str = "config/default.toml";
/// The database when `DATABASE_URL` is not set: a file created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/rekindle.db";
/// The content file `rekindle check` falls back to when the settings file cannot say.
pub const DEFAULT_CONTENT_PATH: &str = "config/content.toml";
/// The value of `DISCORD_TOKEN` in `.env.example`.
pub const PLACEHOLDER_TOKEN: &str = "paste-your-bot-token-here";

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
    #[error(
        "DISCORD_TOKEN is still the placeholder from .env.example; put your bot's token there \
(https://discord.com/developers/applications → your application → Bot → Reset Token, then \
replace {PLACEHOLDER_TOKEN} after DISCORD_TOKEN= in .env, or in the service's environment file, \
with the token)."
    )]
    PlaceholderToken,
    /// More than one of the above, in the order they were found.
    #[error("{} problems in the settings:{}", .0.len(), .0.iter().map(|p| format!("\n  - {p}")).collect::<String>())]
    Several(Vec<ConfigError>),
}

impl ConfigError {
    /// One error for `problems`: the problem itself when there is one.
    fn from_problems(mut problems: Vec<ConfigError>) -> ConfigError {
        if problems.len() == 1 {
            problems.remove(0)
        } else {
            ConfigError::Several(problems)
        }
    }

    /// How many problems this error reports.
    pub fn count(&self) -> usize {
        match self {
            ConfigError::Several(problems) => problems.len(),
            _ => 1,
        }
    }
}

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

/// The servers Rekindle serves (`[servers]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerSettings {
    /// The home servers. Empty: any server the bot is added to.
    pub allowed: Vec<GuildId>,
}

impl ServerSettings {
    /// Whether the bot serves `guild`: it is a home server, or no list was given.
    pub fn allows(&self, guild: GuildId) -> bool {
        self.allowed.is_empty() || self.allowed.contains(&guild)
    }
}

/// The operator's HTTP listener (`[ops]`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpsSettings {
    /// Where `/healthz` and `/metrics` are served; `None`: no listener (the default).
    pub listen: Option<std::net::SocketAddr>,
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
    pub servers: ServerSettings,
    pub ops: OpsSettings,
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
    // Optional sections, so a settings file from before they existed still starts the bot.
    #[serde(default)]
    servers: ServersFile,
    #[serde(default)]
    ops: OpsFile,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ServersFile {
    // Each id as written: a quoted string (documented) or a bare integer (accepted).
    #[serde(default)]
    allowed: Vec<toml::Value>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct OpsFile {
    #[serde(default)]
    listen: String,
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

    /// Parses settings text; `path` only names the file in errors. Every bad value (and
    /// every bad environment variable) is reported, not only the first.
    pub fn parse(
        text: &str,
        path: &Path,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Settings, ConfigError> {
        let file: FileSettings = toml::from_str(text).map_err(|error| ConfigError::Syntax {
            file: path.to_owned(),
            message: error.to_string().trim_end().to_owned(),
        })?;
        let mut problems = Problems {
            file: path,
            found: Vec::new(),
        };
        let timezone = problems.value(
            "defaults.timezone",
            Timezone::parse(&file.defaults.timezone),
        );
        let checkin_time = problems.value(
            "defaults.checkin_time",
            LocalTime::parse(&file.defaults.checkin_time),
        );
        let frequency = problems.value(
            "defaults.frequency",
            Frequency::parse(&file.defaults.frequency),
        );
        let quiet_start = problems.value(
            "quiet_hours.start",
            LocalTime::parse(&file.quiet_hours.start),
        );
        let quiet_end = problems.value("quiet_hours.end", LocalTime::parse(&file.quiet_hours.end));
        let schedule = ScheduleSettings {
            reminder_after_hours: problems.positive(
                "schedule.reminder_after_hours",
                file.schedule.reminder_after_hours,
            ),
            stale_after_hours: problems.positive(
                "schedule.stale_after_hours",
                file.schedule.stale_after_hours,
            ),
            encouragement_every_days: problems.positive(
                "schedule.encouragement_every_days",
                file.schedule.encouragement_every_days,
            ),
        };
        let delivery = DeliverySettings {
            max_messages_per_second: problems.positive(
                "delivery.max_messages_per_second",
                file.delivery.max_messages_per_second,
            ),
            max_replies_per_second: problems.positive(
                "delivery.max_replies_per_second",
                file.delivery.max_replies_per_second,
            ),
        };
        let privacy = PrivacySettings {
            reflection_retention_days: problems.positive(
                "privacy.reflection_retention_days",
                file.privacy.reflection_retention_days,
            ),
        };
        let (max_rate, max_replies) = (
            delivery.max_messages_per_second,
            delivery.max_replies_per_second,
        );
        if max_rate.saturating_add(max_replies) > DISCORD_GLOBAL_LIMIT - CRISIS_HEADROOM {
            problems.invalid(
                "delivery",
                format!(
                    "max_messages_per_second ({max_rate}) and max_replies_per_second ({max_replies}) together must leave {CRISIS_HEADROOM} of Discord's {DISCORD_GLOBAL_LIMIT} requests a second for crisis replies; at most {} in all",
                    DISCORD_GLOBAL_LIMIT - CRISIS_HEADROOM
                ),
            );
        }
        let servers = ServerSettings {
            allowed: file
                .servers
                .allowed
                .iter()
                .enumerate()
                .filter_map(|(i, raw)| {
                    parse_guild_id(raw)
                        .map_err(|message| {
                            problems.invalid(&format!("servers.allowed[{i}]"), message)
                        })
                        .ok()
                })
                .fold(Vec::new(), |mut ids, id| {
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                    ids
                }),
        };
        let ops = OpsSettings {
            listen: match file.ops.listen.trim() {
                "" => None,
                raw => raw
                    .parse::<std::net::SocketAddr>()
                    .map_err(|_| {
                        problems.invalid(
                            "ops.listen",
                            format!("“{raw}” is not an address and port like \"127.0.0.1:9464\" (an IP address, not a host name; \"\" turns the listener off)"),
                        )
                    })
                    .ok(),
            },
        };
        let mut problems = problems.found;
        let discord = discord_from_env(&env, &mut problems);
        if let Some(guild) = discord
            .guild_id
            .filter(|g| !servers.allows(GuildId::new(*g)))
        {
            problems.push(ConfigError::Invalid {
                file: path.to_owned(),
                key: "servers.allowed".into(),
                message: format!("does not list {guild}, the server DISCORD_GUILD_ID registers the commands in; the bot would leave it. Add it, or unset DISCORD_GUILD_ID"),
            });
        }
        // A value that failed to parse is `None` here and has its problem recorded.
        let (Some(timezone), Some(checkin_time), Some(frequency), Some(start), Some(end)) =
            (timezone, checkin_time, frequency, quiet_start, quiet_end)
        else {
            return Err(ConfigError::from_problems(problems));
        };
        if !problems.is_empty() {
            return Err(ConfigError::from_problems(problems));
        }
        Ok(Settings {
            discord,
            database_url: database_url(&env),
            content_path: file.content_path,
            defaults: MemberSettings {
                timezone,
                checkin_time,
                frequency,
                // New members start with every day; /settings days narrows it.
                days: crate::domain::days::Days::EVERY_DAY,
                encouragement: file.defaults.encouragement,
            },
            quiet_hours: QuietHours { start, end },
            schedule,
            delivery,
            privacy,
            servers,
            ops,
        })
    }

    /// The content file that the settings file at `path` names, for `rekindle check` when the
    /// settings as a whole were refused: `content_path` if the file is TOML and has it as a
    /// string, else [`DEFAULT_CONTENT_PATH`].
    pub fn content_path_in(path: &Path) -> PathBuf {
        std::fs::read_to_string(path)
            .ok()
            .and_then(|text| text.parse::<toml::Table>().ok())
            .and_then(|table| match table.get("content_path") {
                Some(toml::Value::String(content)) => Some(PathBuf::from(content)),
                _ => None,
            })
            .unwrap_or_else(|| PathBuf::from(DEFAULT_CONTENT_PATH))
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
        self.discord
            .token
            .as_ref()
            .ok_or(if self.discord.token_is_placeholder {
                ConfigError::PlaceholderToken
            } else {
                ConfigError::MissingToken
            })
    }
}

/// The problems found in one settings file so far.
struct Problems<'a> {
    file: &'a Path,
    found: Vec<ConfigError>,
}

impl Problems<'_> {
    fn invalid(&mut self, key: &str, message: String) {
        self.found.push(ConfigError::Invalid {
            file: self.file.to_owned(),
            key: key.to_owned(),
            message,
        });
    }

    /// The parsed value, or `None` with its problem recorded.
    fn value<T>(&mut self, key: &str, parsed: Result<T, SettingError>) -> Option<T> {
        parsed
            .map_err(|error| self.invalid(key, in_a_file(&error)))
            .ok()
    }

    /// `value`, with a problem recorded when it is 0 (the settings are refused then, so the
    /// value returned does not matter).
    fn positive(&mut self, key: &str, value: u32) -> u32 {
        if value == 0 {
            self.invalid(key, "must be at least 1".into());
        }
        value
    }
}

/// `error` worded for someone editing the settings file. [`SettingError`]'s own text is
/// written for members in Discord, who pick from a list as they type; the file has no list.
fn in_a_file(error: &SettingError) -> String {
    match error {
        SettingError::UnknownTimezone(name) => format!(
            "“{name}” is not an IANA timezone name; write one like \"Europe/Berlin\", \"America/New_York\" or \"UTC\" (the names are listed at https://en.wikipedia.org/wiki/List_of_tz_database_time_zones, column \"TZ identifier\")"
        ),
        SettingError::BadTime(time) => format!(
            "“{time}” is not a 24-hour time; write it as \"HH:MM\", e.g. \"08:30\" or \"19:00\""
        ),
        SettingError::BadFrequency(frequency) => format!(
            "“{frequency}” is not a frequency; write \"daily\", \"every_2_days\" or \"weekly\""
        ),
        SettingError::UnknownRegion(region) => format!(
            "“{region}” is not a country; write its two-letter ISO 3166-1 code, e.g. \"DE\""
        ),
        // The settings file has no days key (new members start with every day); the words
        // for members serve if one is ever added.
        other @ (SettingError::NoDays | SettingError::UnknownDays(_)) => other.to_string(),
    }
}

/// A server id from `servers.allowed`: a quoted string of digits (as Discord's "Copy Server
/// ID" gives it) or a bare integer. Snowflakes of servers are 17 to 20 digits; anything else
/// (a name, a mention, a link, a channel id pasted with its server's) is refused with what to
/// write instead, never guessed at.
fn parse_guild_id(raw: &toml::Value) -> Result<GuildId, String> {
    const HOW: &str = "write the server's id in quotes, e.g. \"123456789012345678\" (Discord: User Settings → Advanced → Developer Mode on, then right-click the server icon → Copy Server ID)";
    let text = match raw {
        toml::Value::String(text) => text.trim().to_owned(),
        toml::Value::Integer(number) if *number > 0 => number.to_string(),
        other => return Err(format!("{other} is not a server id; {HOW}")),
    };
    let digits = text.chars().all(|c| c.is_ascii_digit());
    match text.parse::<u64>() {
        Ok(id) if digits && (17..=20).contains(&text.len()) && id > 0 => Ok(GuildId::new(id)),
        _ => Err(format!(
            "“{text}” is not a server id (17 to 20 digits); {HOW}"
        )),
    }
}

/// `DATABASE_URL`, or the default when it is unset or blank. Needs no settings file, so
/// `rekindle backup` works even when that file is broken.
pub fn database_url(env: &impl Fn(&str) -> Option<String>) -> String {
    env("DATABASE_URL")
        .filter(|url| !url.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned())
}

/// The Discord variables; each bad one is added to `problems` (and left out of the result,
/// which is then refused as a whole).
fn discord_from_env(
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

#[cfg(test)]
mod tests;
