//! Operational alerts: what kinds of problem a server's team is told about, and how often.
//!
//! A team that is told the same thing every few minutes stops reading, and a problem that
//! nobody fixes (a deleted channel, a missing permission) would otherwise be repeated on every
//! attempt. So each kind of problem is posted at most once an hour per server, and deliveries
//! count as failing only when several fail within an hour. Pure: the caller says what time it
//! is and what was last posted.

use chrono::{DateTime, Duration, Utc};

/// A kind of operational problem. Stored by [`AlertKind::as_str`]; the names never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlertKind {
    /// The public encouragement could not be posted in its channel.
    PublicPost,
    /// Scheduled messages keep failing.
    Deliveries,
    /// `/admin reload` refused the content file.
    Content,
}

impl AlertKind {
    pub const ALL: [AlertKind; 3] = [
        AlertKind::PublicPost,
        AlertKind::Deliveries,
        AlertKind::Content,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::PublicPost => "public_post",
            AlertKind::Deliveries => "deliveries",
            AlertKind::Content => "content",
        }
    }

    pub fn parse(name: &str) -> Option<AlertKind> {
        AlertKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
    }
}

/// One alert of a kind per server in this long, at most.
pub const ALERT_EVERY: Duration = Duration::hours(1);

/// Whether an alert of a kind last posted at `last` may be posted at `now`. A `last` in the
/// future means the clock was set back, by seconds (NTP) or by days (a clock that ran ahead,
/// put right): nobody can tell how long ago the last one really was, so it is held back and
/// the hour is counted again from `now` (the store records `now` as the last time). A wrong
/// clock delays an alert by at most an hour; it never posts the same problem twice in a few
/// seconds, and never silences it for longer.
pub fn may_alert(last: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    match last {
        None => true,
        Some(last) => last <= now && now - last >= ALERT_EVERY,
    }
}

/// The latest `last` at which an alert may be posted at `now`: posting claims the hour only
/// where the stored time is this or older (a time in the future is first brought to `now`).
pub fn held_back_since(now: DateTime<Utc>) -> DateTime<Utc> {
    now - ALERT_EVERY
}

/// Failed scheduled messages within [`FAILURE_WINDOW`] at which deliveries count as failing
/// repeatedly: one failure is a bad moment, three in an hour is a problem to look at.
pub const FAILING_AFTER: usize = 3;
/// How far back failures are counted.
pub const FAILURE_WINDOW: Duration = Duration::hours(1);

/// How many of `failures` (instants, any order) fall within the window ending at `now`.
pub fn recent_failures(failures: &[DateTime<Utc>], now: DateTime<Utc>) -> usize {
    failures
        .iter()
        .filter(|at| **at <= now && now - **at < FAILURE_WINDOW)
        .count()
}

/// Whether `failures` amount to deliveries failing repeatedly at `now`.
pub fn deliveries_failing(failures: &[DateTime<Utc>], now: DateTime<Utc>) -> bool {
    recent_failures(failures, now) >= FAILING_AFTER
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, hour, minute, 0)
            .single()
            .expect("a valid instant")
    }

    #[test]
    fn the_first_alert_of_a_kind_is_posted() {
        assert!(may_alert(None, at(10, 0)));
    }

    #[test]
    fn the_same_kind_is_held_back_for_the_rest_of_the_hour() {
        assert!(!may_alert(Some(at(10, 0)), at(10, 0)));
        assert!(!may_alert(Some(at(10, 0)), at(10, 59)));
    }

    #[test]
    fn an_hour_later_the_same_kind_is_posted_again() {
        assert!(may_alert(Some(at(10, 0)), at(11, 0)));
        assert!(may_alert(Some(at(10, 0)), at(15, 30)));
    }

    #[test]
    fn a_clock_set_back_holds_the_alert_and_restarts_the_hour_from_now() {
        assert!(!may_alert(Some(at(10, 0)), at(9, 59)));
        assert!(!may_alert(Some(at(12, 0)), at(10, 0)));
        // The hour restarted from the step back: an hour later at most, it is posted.
        assert!(!may_alert(Some(at(10, 0)), at(10, 59)));
        assert!(
            may_alert(Some(at(10, 0)), at(11, 0)),
            "delayed an hour at most"
        );
    }

    #[test]
    fn the_hold_back_cutoff_agrees_with_the_rule() {
        let now = at(10, 30);
        let cutoff = held_back_since(now);
        assert!(may_alert(Some(cutoff), now));
        assert!(!may_alert(Some(cutoff + Duration::seconds(1)), now));
    }

    #[test]
    fn kinds_keep_their_stored_names() {
        for kind in AlertKind::ALL {
            assert_eq!(AlertKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(AlertKind::parse("public_post"), Some(AlertKind::PublicPost));
        assert_eq!(AlertKind::parse("something else"), None);
    }

    #[test]
    fn two_failures_in_an_hour_are_a_bad_moment_and_three_are_a_problem() {
        let now = at(10, 0);
        let two = [at(9, 10), at(9, 50)];
        assert!(!deliveries_failing(&two, now));
        let three = [at(9, 10), at(9, 50), at(9, 59)];
        assert!(deliveries_failing(&three, now));
    }

    #[test]
    fn failures_older_than_an_hour_or_in_the_future_do_not_count() {
        let now = at(10, 0);
        let old = [at(8, 0), at(8, 59), at(9, 0), at(10, 1)];
        assert_eq!(recent_failures(&old, now), 0);
        assert!(!deliveries_failing(&old, now));
    }
}
