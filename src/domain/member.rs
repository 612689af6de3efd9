//! Who a member is to us (a Discord user id, nothing else) and what they chose.

use std::fmt;

use super::settings::{Frequency, LocalTime, Timezone};

/// A member's Discord user id. The only identifier stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MemberId(u64);

impl MemberId {
    pub const fn new(id: u64) -> MemberId {
        MemberId(id)
    }

    pub fn get(self) -> u64 {
        self.0
    }

    /// SQLite integers are signed; Discord ids fit in 63 bits.
    pub fn to_db(self) -> i64 {
        i64::try_from(self.0).unwrap_or(i64::MAX)
    }

    pub fn from_db(id: i64) -> MemberId {
        MemberId(u64::try_from(id).unwrap_or_default())
    }
}

impl fmt::Display for MemberId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What a member set with `/settings` (or the defaults they started with).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberSettings {
    pub timezone: Timezone,
    pub checkin_time: LocalTime,
    pub frequency: Frequency,
    pub encouragement: bool,
}

/// A partial change from `/settings`: only the options the member gave.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SettingsChange {
    pub timezone: Option<Timezone>,
    pub checkin_time: Option<LocalTime>,
    pub frequency: Option<Frequency>,
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

    #[test]
    fn member_ids_round_trip_through_the_database_type() {
        let id = MemberId::new(1_234_567_890_123_456_789);
        assert_eq!(MemberId::from_db(id.to_db()), id);
    }
}
