//! What the crisis reply should be: full or short, and what it carries.
//!
//! Safe-messaging practice: a member who writes several crisis messages in a few minutes
//! gets a short reply with a line to call each time, not the whole text again and again.

use chrono::{DateTime, Duration, Utc};

use super::Level;

/// After a full reply, further crisis messages within this window get the short one.
pub const REPEAT_WINDOW: Duration = Duration::minutes(10);

/// The shape of a crisis reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// Emergency line, warm words, support lines (acute) or a gentle check-in (concern).
    Full,
    /// One short line with the emergency number and a line to call.
    Short,
}

/// Full, unless a full reply at least as urgent went to this member less than
/// [`REPEAT_WINDOW`] ago. Things getting worse (concern, then acute) get the full reply again.
pub fn form(last_full: Option<(DateTime<Utc>, Level)>, level: Level, now: DateTime<Utc>) -> Form {
    match last_full {
        Some((at, last)) if now - at < REPEAT_WINDOW && now >= at && last >= level => Form::Short,
        _ => Form::Full,
    }
}

/// Everything the adapter needs to render a crisis reply; no words of the member's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrisisReply {
    pub level: Level,
    pub form: Form,
    /// The member's country (ISO code), whose lines come first; `None`: international lines.
    pub region: Option<String>,
    /// The server whose support team the member may ask to reach out (acute only), if it
    /// has a support channel.
    pub support_guild: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap_or_default()
            + Duration::minutes(minutes)
    }

    const ACUTE: Level = Level::Acute;
    const CONCERN: Level = Level::Concern;

    #[test]
    fn the_first_crisis_message_gets_the_full_reply() {
        assert_eq!(form(None, ACUTE, at(0)), Form::Full);
    }

    #[test]
    fn another_within_ten_minutes_gets_the_short_reply() {
        assert_eq!(form(Some((at(0), ACUTE)), ACUTE, at(3)), Form::Short);
        assert_eq!(form(Some((at(0), ACUTE)), CONCERN, at(9)), Form::Short);
    }

    #[test]
    fn things_getting_worse_get_the_full_reply_again() {
        assert_eq!(form(Some((at(0), CONCERN)), ACUTE, at(2)), Form::Full);
        assert_eq!(form(Some((at(0), CONCERN)), CONCERN, at(2)), Form::Short);
    }

    #[test]
    fn after_ten_minutes_the_full_reply_comes_again() {
        assert_eq!(form(Some((at(0), ACUTE)), ACUTE, at(10)), Form::Full);
        assert_eq!(form(Some((at(0), ACUTE)), ACUTE, at(60)), Form::Full);
    }

    #[test]
    fn a_clock_that_went_backwards_gives_the_full_reply() {
        assert_eq!(form(Some((at(5), ACUTE)), ACUTE, at(0)), Form::Full);
    }
}
