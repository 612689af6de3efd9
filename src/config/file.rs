//! The settings file as written: its serde shapes, and the wording of its problems.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::ConfigError;
use crate::domain::ids::GuildId;
use crate::domain::timing::SettingError;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileSettings {
    pub(super) content_path: PathBuf,
    pub(super) defaults: FileDefaults,
    pub(super) quiet_hours: FileQuietHours,
    pub(super) schedule: ScheduleFile,
    pub(super) delivery: DeliveryFile,
    pub(super) privacy: PrivacyFile,
    // Optional sections, so a settings file from before they existed still starts the bot.
    #[serde(default)]
    pub(super) servers: ServersFile,
    #[serde(default)]
    pub(super) ops: OpsFile,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct ServersFile {
    // Each id as written: a quoted string (documented) or a bare integer (accepted).
    #[serde(default)]
    pub(super) allowed: Vec<toml::Value>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct OpsFile {
    #[serde(default)]
    pub(super) listen: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileDefaults {
    pub(super) timezone: String,
    pub(super) checkin_time: String,
    pub(super) frequency: String,
    pub(super) encouragement: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileQuietHours {
    pub(super) start: String,
    pub(super) end: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ScheduleFile {
    pub(super) reminder_after_hours: u32,
    pub(super) stale_after_hours: u32,
    pub(super) encouragement_every_days: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DeliveryFile {
    pub(super) max_messages_per_second: u32,
    pub(super) max_replies_per_second: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PrivacyFile {
    pub(super) reflection_retention_days: u32,
}

/// The problems found in one settings file so far.
pub(super) struct Problems<'a> {
    pub(super) file: &'a Path,
    pub(super) found: Vec<ConfigError>,
}

impl Problems<'_> {
    pub(super) fn invalid(&mut self, key: &str, message: String) {
        self.found.push(ConfigError::Invalid {
            file: self.file.to_owned(),
            key: key.to_owned(),
            message,
        });
    }

    /// The parsed value, or `None` with its problem recorded.
    pub(super) fn value<T>(&mut self, key: &str, parsed: Result<T, SettingError>) -> Option<T> {
        parsed
            .map_err(|error| self.invalid(key, in_a_file(&error)))
            .ok()
    }

    /// `value`, with a problem recorded when it is 0 (the settings are refused then, so the
    /// value returned does not matter).
    pub(super) fn positive(&mut self, key: &str, value: u32) -> u32 {
        if value == 0 {
            self.invalid(key, "must be at least 1".into());
        }
        value
    }
}

/// `error` worded for someone editing the settings file. [`SettingError`]'s own text is
/// written for members in Discord, who pick from a list as they type; the file has no list.
pub(super) fn in_a_file(error: &SettingError) -> String {
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
pub(super) fn parse_guild_id(raw: &toml::Value) -> Result<GuildId, String> {
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
