//! Who a member is to us (a Discord user id, nothing else) and what they chose.

use super::days::Days;
use super::timing::{Frequency, LocalTime, Timezone};

pub use super::ids::MemberId;

/// What a member set with `/settings` (or the defaults they started with).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberSettings {
    pub timezone: Timezone,
    pub checkin_time: LocalTime,
    pub frequency: Frequency,
    /// The days of the week check-ins may come on.
    pub days: Days,
    pub encouragement: bool,
}

impl MemberSettings {
    /// The member's check-in rhythm: when and how often.
    pub fn rhythm(&self) -> super::schedule::Rhythm {
        super::schedule::Rhythm {
            tz: self.timezone.tz(),
            time: self.checkin_time,
            frequency: self.frequency,
            days: self.days,
        }
    }
}

/// A partial change from `/settings`: only the options the member gave.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SettingsChange {
    pub timezone: Option<Timezone>,
    pub checkin_time: Option<LocalTime>,
    pub frequency: Option<Frequency>,
    pub days: Option<Days>,
    pub encouragement: Option<bool>,
}

impl SettingsChange {
    pub fn is_empty(&self) -> bool {
        *self == SettingsChange::default()
    }

    pub fn apply_to(self, current: MemberSettings) -> MemberSettings {
        MemberSettings {
            timezone: self.timezone.unwrap_or(current.timezone),
            checkin_time: self.checkin_time.unwrap_or(current.checkin_time),
            frequency: self.frequency.unwrap_or(current.frequency),
            days: self.days.unwrap_or(current.days),
            encouragement: self.encouragement.unwrap_or(current.encouragement),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_touches_only_the_given_settings() {
        let current = MemberSettings {
            timezone: Timezone::parse("UTC").expect("valid"),
            checkin_time: LocalTime::parse("19:00").expect("valid"),
            frequency: Frequency::Daily,
            days: Days::EVERY_DAY,
            encouragement: true,
        };
        let change = SettingsChange {
            frequency: Some(Frequency::Weekly),
            ..SettingsChange::default()
        };
        let after = change.apply_to(current);
        assert_eq!(after.frequency, Frequency::Weekly);
        assert_eq!(after.timezone, current.timezone);
        assert!(after.encouragement);
        assert!(SettingsChange::default().is_empty());
        assert!(!change.is_empty());
    }
}
