//! The identifiers Rekindle stores, each its own type so one can never stand in for another.
//!
//! Discord ids are snowflakes: unsigned 64-bit numbers that in practice stay below 2^63, so
//! SQLite's signed integers hold them. The conversion happens once, at the store boundary,
//! and a value that does not fit is an error there, never a silent default or clamp.

use std::fmt;

macro_rules! discord_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(u64);

        impl $name {
            pub const fn new(id: u64) -> $name {
                $name(id)
            }

            pub fn get(self) -> u64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

discord_id!(
    /// A member's Discord user id. The only identifier stored about a person.
    MemberId
);
discord_id!(
    /// A Discord server (guild).
    GuildId
);
discord_id!(
    /// A Discord channel: a server's text channel, or a member's DM channel.
    ChannelId
);

/// A check-in's id (a database row id, always positive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CheckinId(i64);

impl CheckinId {
    /// `None` for zero or a negative number: no row has such an id.
    pub fn new(id: i64) -> Option<CheckinId> {
        (id > 0).then_some(CheckinId(id))
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for CheckinId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkin_id_is_positive() {
        assert_eq!(CheckinId::new(7).map(CheckinId::get), Some(7));
        assert_eq!(CheckinId::new(0), None);
        assert_eq!(CheckinId::new(-3), None);
    }
}
