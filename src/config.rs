//! Settings: `config/default.toml` plus the environment, parsed into typed values once.
//!
//! A bad value stops the start with a message naming the file (or variable), the key and
//! what is wrong; every bad value is reported at once, so one round of fixes is enough
//! (a TOML syntax error or an unknown key still stops at the first, as the file cannot be
//! read further). The bot token only ever lives in a [`Token`], whose `Debug` and `Display`
//! never show it, so no log line or error can leak it.

use std::path::{Path, PathBuf};

mod discord;
mod error;
mod file;

pub use discord::{DiscordSettings, Token};
pub use error::ConfigError;

use discord::discord_from_env;
use file::{parse_guild_id, FileSettings, Problems};

use crate::domain::ids::GuildId;

use crate::domain::member::MemberSettings;
use crate::domain::timing::{Frequency, LocalTime, Timezone};

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

/// `DATABASE_URL`, or the default when it is unset or blank. Needs no settings file, so
/// `rekindle backup` works even when that file is broken.
pub fn database_url(env: &impl Fn(&str) -> Option<String>) -> String {
    env("DATABASE_URL")
        .filter(|url| !url.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned())
}

#[cfg(test)]
mod tests;
