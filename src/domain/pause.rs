//! A pause with an end: `/program pause until:` a date (`YYYY-MM-DD`, the member's own
//! calendar) or a number of days, and the instant the program resumes by itself.
//!
//! Pure: today's local date is an argument. The program resumes on the end date when the
//! member's quiet hours end (08:00 by default): a warm message, never one at midnight.

use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use thiserror::Error;

/// When a pause ends: the member's local date, and the instant the program resumes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PauseEnd {
    pub date: NaiveDate,
    pub at: DateTime<Utc>,
}

/// The longest pause with an end, in days. Longer than that, an open-ended pause says it
/// better (`/program pause` without `until`).
pub const MAX_PAUSE_DAYS: u64 = 365;

/// Why an end date was refused; shown to the member.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PauseError {
    #[error("“{0}” isn't a date I can read. Please write it as YYYY-MM-DD (for example 2026-04-01), or give a number of days like 7.")]
    Unreadable(String),
    #[error("{0} isn't a date on the calendar. Could you check the day and month?")]
    NoSuchDate(String),
    #[error("{0} has already passed. Please choose a date after today, or a number of days.")]
    Past(String),
    #[error("That's today. Pick a later date, or use /program resume if you're ready now.")]
    Today,
    #[error("A pause with an end can last up to {MAX_PAUSE_DAYS} days. For longer, use /program pause without `until`: it lasts until you resume.")]
    TooLong,
}

/// The local date the pause ends on, from what the member typed: a date after `today`, or
/// a number of days from `today` (1 to [`MAX_PAUSE_DAYS`]).
pub fn end_date(text: &str, today: NaiveDate) -> Result<NaiveDate, PauseError> {
    let trimmed = text.trim();
    let quoted = || super::text::quoted(trimmed);
    let date = if !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit()) {
        let days: u64 = trimmed.parse().map_err(|_| PauseError::TooLong)?;
        if days == 0 {
            return Err(PauseError::Today);
        }
        if days > MAX_PAUSE_DAYS {
            return Err(PauseError::TooLong);
        }
        today
            .checked_add_days(Days::new(days))
            .ok_or(PauseError::TooLong)?
    } else {
        parse_date(trimmed).ok_or_else(|| classify(trimmed, quoted()))?
    };
    if date < today {
        return Err(PauseError::Past(date.to_string()));
    }
    if date == today {
        return Err(PauseError::Today);
    }
    if (date - today).num_days() > MAX_PAUSE_DAYS as i64 {
        return Err(PauseError::TooLong);
    }
    Ok(date)
}

/// `YYYY-MM-DD` with four, two and two digits.
fn parse_date(text: &str) -> Option<NaiveDate> {
    let parts = split_date(text)?;
    NaiveDate::from_ymd_opt(parts.0, parts.1, parts.2)
}

fn split_date(text: &str) -> Option<(i32, u32, u32)> {
    let mut parts = text.split('-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if parts.next().is_some() || !digits(year, 4) || !digits(month, 2) || !digits(day, 2) {
        return None;
    }
    Some((year.parse().ok()?, month.parse().ok()?, day.parse().ok()?))
}

/// A date-shaped text that is no date (2026-02-30) says so; anything else is unreadable.
fn classify(text: &str, quoted: String) -> PauseError {
    match split_date(text) {
        Some(_) => PauseError::NoSuchDate(quoted),
        None => PauseError::Unreadable(quoted),
    }
}

/// When the program resumes: on `date`, in `tz`, as quiet hours end (`quiet_end`).
pub fn resume_at(tz: Tz, date: NaiveDate, quiet_end: NaiveTime) -> DateTime<Utc> {
    super::schedule::local_instant(tz, date, quiet_end)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
    }

    fn eight() -> NaiveTime {
        NaiveTime::from_hms_opt(8, 0, 0).expect("valid")
    }

    #[test]
    fn a_date_after_today_or_a_number_of_days_sets_the_end() {
        let today = date(2026, 3, 2);
        assert_eq!(end_date("2026-03-09", today), Ok(date(2026, 3, 9)));
        assert_eq!(end_date(" 7 ", today), Ok(date(2026, 3, 9)));
        assert_eq!(end_date("1", today), Ok(date(2026, 3, 3)));
        assert_eq!(end_date("365", today), Ok(date(2027, 3, 2)));
        assert_eq!(end_date("2027-03-02", today), Ok(date(2027, 3, 2)));
    }

    #[test]
    fn past_dates_today_and_absurd_ranges_are_refused_kindly() {
        let today = date(2026, 3, 2);
        assert_eq!(
            end_date("2026-03-01", today),
            Err(PauseError::Past("2026-03-01".into()))
        );
        assert_eq!(end_date("2026-03-02", today), Err(PauseError::Today));
        assert_eq!(end_date("0", today), Err(PauseError::Today));
        for too_far in ["366", "2027-03-03", "9999-12-31", "99999999999999999999999"] {
            assert_eq!(
                end_date(too_far, today),
                Err(PauseError::TooLong),
                "{too_far}"
            );
        }
        assert!(PauseError::TooLong.to_string().contains("without `until`"));
    }

    #[test]
    fn dates_that_are_not_on_the_calendar_or_unreadable_say_which() {
        let today = date(2026, 1, 2);
        assert_eq!(
            end_date("2026-02-30", today),
            Err(PauseError::NoSuchDate("2026-02-30".into()))
        );
        assert_eq!(
            end_date("2026-13-01", today),
            Err(PauseError::NoSuchDate("2026-13-01".into()))
        );
        for bad in [
            "",
            "next week",
            "2026/03/09",
            "-3",
            "2026-3-9",
            "1.5",
            "2026-03-09T10:00",
        ] {
            assert!(
                matches!(end_date(bad, today), Err(PauseError::Unreadable(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_end_is_the_members_own_morning_in_several_timezones() {
        let end = date(2026, 3, 9);
        let cases = [
            ("Europe/Berlin", (3, 9, 7, 0)),     // 08:00 CET
            ("America/New_York", (3, 9, 12, 0)), // 08:00 EDT, the day after spring forward
            ("Asia/Kolkata", (3, 9, 2, 30)),     // 08:00 IST
            ("Pacific/Auckland", (3, 8, 19, 0)), // 08:00 NZDT, still the 8th in UTC
        ];
        for (zone, (m, d, h, mi)) in cases {
            let tz: Tz = zone.parse().expect("known");
            assert_eq!(
                resume_at(tz, end, eight()),
                Utc.with_ymd_and_hms(2026, m, d, h, mi, 0)
                    .single()
                    .expect("valid"),
                "{zone}"
            );
        }
        // A quiet-hours end inside a DST gap moves to the next valid instant.
        let gap = resume_at(
            "America/New_York".parse().expect("known"),
            date(2026, 3, 8),
            NaiveTime::from_hms_opt(2, 30, 0).expect("valid"),
        );
        assert_eq!(
            gap,
            Utc.with_ymd_and_hms(2026, 3, 8, 7, 0, 0)
                .single()
                .expect("valid")
        );
    }
}
