//! When check-ins happen, as a member chooses it: timezone, local time and frequency.
//!
//! Each type has a private field and a `parse` that returns an error a member can read, so
//! the rest of the code never sees a timezone that does not exist or a time like 25:99.

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

/// Why a setting was refused. The text is shown to members as it is: kind and concrete.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SettingError {
    #[error("I don't know the timezone “{0}”. Try a name like Europe/Berlin, America/New_York or Asia/Kolkata; the list suggests names as you type.")]
    UnknownTimezone(String),
    #[error("“{0}” isn't a time I can use. Please give a 24-hour time as HH:MM, for example 08:30 or 19:00.")]
    BadTime(String),
    #[error("“{0}” isn't a frequency I know. Choose daily, every_2_days or weekly.")]
    BadFrequency(String),
    #[error("Please name at least one day for your check-ins: every_day, weekdays, weekends, or a list like mon,wed,fri.")]
    NoDays,
    #[error("I don't know the day {0}. Use every_day, weekdays, weekends, or days like mon,wed,fri (mon, tue, wed, thu, fri, sat, sun).")]
    UnknownDays(String),
    #[error("I don't know the country “{0}”. Pick one from the list as you type, or use `none` to forget it.")]
    UnknownRegion(String),
}

/// An IANA timezone such as `Europe/Berlin`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timezone(chrono_tz::Tz);

impl Timezone {
    pub fn parse(text: &str) -> Result<Self, SettingError> {
        let trimmed = text.trim();
        chrono_tz::Tz::from_str(trimmed)
            .or_else(|_| {
                // Accept any capitalisation ("europe/berlin"), as members type it.
                chrono_tz::TZ_VARIANTS
                    .iter()
                    .find(|tz| tz.name().eq_ignore_ascii_case(trimmed))
                    .copied()
                    .ok_or(())
            })
            .map(Timezone)
            .map_err(|()| SettingError::UnknownTimezone(super::text::quoted(text)))
    }

    pub fn tz(self) -> chrono_tz::Tz {
        self.0
    }

    pub fn name(self) -> &'static str {
        self.0.name()
    }
}

impl fmt::Display for Timezone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A wall-clock time of day, minute precision, 24-hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LocalTime {
    hour: u8,
    minute: u8,
}

impl LocalTime {
    /// Parses `HH:MM` (or `H:MM`), 00:00 to 23:59.
    pub fn parse(text: &str) -> Result<Self, SettingError> {
        let bad = || SettingError::BadTime(super::text::quoted(text));
        let (hours, minutes) = text.trim().split_once(':').ok_or_else(bad)?;
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(hours) || hours.len() > 2 || !all_digits(minutes) || minutes.len() != 2 {
            return Err(bad());
        }
        let hour: u8 = hours.parse().map_err(|_| bad())?;
        let minute: u8 = minutes.parse().map_err(|_| bad())?;
        Self::from_hm(hour, minute).ok_or_else(bad)
    }

    pub fn from_hm(hour: u8, minute: u8) -> Option<Self> {
        (hour < 24 && minute < 60).then_some(LocalTime { hour, minute })
    }

    pub fn hour(self) -> u8 {
        self.hour
    }

    pub fn minute(self) -> u8 {
        self.minute
    }

    pub fn as_naive(self) -> chrono::NaiveTime {
        chrono::NaiveTime::from_hms_opt(u32::from(self.hour), u32::from(self.minute), 0)
            .unwrap_or(chrono::NaiveTime::MIN)
    }
}

impl fmt::Display for LocalTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute)
    }
}

/// How often a member wants a check-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frequency {
    Daily,
    EveryTwoDays,
    Weekly,
}

impl Frequency {
    pub const ALL: [Frequency; 3] = [Frequency::Daily, Frequency::EveryTwoDays, Frequency::Weekly];

    pub fn parse(text: &str) -> Result<Self, SettingError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "daily" => Ok(Frequency::Daily),
            "every_2_days" => Ok(Frequency::EveryTwoDays),
            "weekly" => Ok(Frequency::Weekly),
            _ => Err(SettingError::BadFrequency(super::text::quoted(text))),
        }
    }

    /// The name used in commands, the database and the settings file.
    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Daily => "daily",
            Frequency::EveryTwoDays => "every_2_days",
            Frequency::Weekly => "weekly",
        }
    }

    /// Days between two check-ins.
    pub fn days(self) -> u32 {
        match self {
            Frequency::Daily => 1,
            Frequency::EveryTwoDays => 2,
            Frequency::Weekly => 7,
        }
    }
}

impl fmt::Display for Frequency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_timezone_parses_in_any_case() {
        assert_eq!(
            Timezone::parse("Europe/Berlin").map(Timezone::name),
            Ok("Europe/Berlin")
        );
        assert_eq!(
            Timezone::parse(" europe/berlin ").map(Timezone::name),
            Ok("Europe/Berlin")
        );
    }

    #[test]
    fn an_unknown_timezone_is_refused_with_examples() {
        let error = Timezone::parse("Mars/Olympus").unwrap_err();
        assert_eq!(error, SettingError::UnknownTimezone("Mars/Olympus".into()));
        assert!(error.to_string().contains("Europe/Berlin"));
    }

    #[test]
    fn a_valid_time_parses() {
        assert_eq!(
            LocalTime::parse("08:30").map(|t| t.to_string()),
            Ok("08:30".into())
        );
        assert_eq!(
            LocalTime::parse("7:05").map(|t| t.to_string()),
            Ok("07:05".into())
        );
        assert_eq!(
            LocalTime::parse("23:59").map(|t| (t.hour(), t.minute())),
            Ok((23, 59))
        );
    }

    #[test]
    fn impossible_or_malformed_times_are_refused() {
        for text in [
            "25:99", "24:00", "12:60", "12", "12:5", "ab:cd", "-1:30", "", "12:30:00", "+1:30",
        ] {
            assert_eq!(
                LocalTime::parse(text),
                Err(SettingError::BadTime(text.into())),
                "{text}"
            );
        }
    }

    #[test]
    fn frequencies_parse_and_round_trip() {
        for frequency in Frequency::ALL {
            assert_eq!(Frequency::parse(frequency.as_str()), Ok(frequency));
        }
        assert_eq!(Frequency::EveryTwoDays.days(), 2);
        assert!(Frequency::parse("hourly").is_err());
    }
}
