//! The days of the week a member wants check-ins on: every day, weekdays, weekends, or a
//! list such as `mon,wed,fri`.
//!
//! A set of weekdays with a private field and a `parse` that reports every problem at once,
//! in words a member can act on. The schedule arithmetic asks it one question: may a
//! check-in fall on this local date?

use std::fmt;

use chrono::{Datelike, NaiveDate, Weekday};

use super::timing::SettingError;

/// The days of the week check-ins may come on; never empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Days(u8);

/// Monday first, as members read a week.
const ORDER: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

fn bit(day: Weekday) -> u8 {
    1 << day.num_days_from_monday()
}

fn short_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    }
}

/// A day as a member may type it: `mon`, `Monday`, `MON.`.
fn day_named(word: &str) -> Option<Weekday> {
    let word = word.trim().trim_end_matches('.').to_ascii_lowercase();
    ORDER.into_iter().find(|day| {
        let short = short_name(*day);
        let full = match day {
            Weekday::Mon => "monday",
            Weekday::Tue => "tuesday",
            Weekday::Wed => "wednesday",
            Weekday::Thu => "thursday",
            Weekday::Fri => "friday",
            Weekday::Sat => "saturday",
            Weekday::Sun => "sunday",
        };
        word == short || word == full
    })
}

impl Days {
    pub const EVERY_DAY: Days = Days(0b111_1111);
    pub const WEEKDAYS: Days = Days(0b001_1111);
    pub const WEEKENDS: Days = Days(0b110_0000);

    /// Parses `every_day`, `weekdays`, `weekends`, or a comma- or space-separated list of
    /// days. A day listed twice counts once; every unknown word is named in the error.
    pub fn parse(text: &str) -> Result<Days, SettingError> {
        let trimmed = text.trim();
        match trimmed
            .to_ascii_lowercase()
            .replace([' ', '-'], "_")
            .as_str()
        {
            "every_day" | "everyday" | "daily" | "all" => return Ok(Days::EVERY_DAY),
            "weekdays" => return Ok(Days::WEEKDAYS),
            "weekends" => return Ok(Days::WEEKENDS),
            _ => {}
        }
        let words: Vec<&str> = trimmed
            .split([',', ' ', ';', '/'])
            .filter(|w| !w.trim().is_empty())
            .collect();
        if words.is_empty() {
            return Err(SettingError::NoDays);
        }
        let mut mask = 0u8;
        let mut unknown = Vec::new();
        for word in words {
            match day_named(word) {
                Some(day) => mask |= bit(day),
                None => unknown.push(super::text::quoted(word)),
            }
        }
        if !unknown.is_empty() {
            // At most a few, quoted short: a list of a thousand made-up days stays readable.
            let shown: Vec<String> = unknown.iter().take(3).map(|w| format!("“{w}”")).collect();
            return Err(SettingError::UnknownDays(shown.join(", ")));
        }
        Ok(Days(mask))
    }

    /// Whether a check-in may fall on `date`.
    pub fn allows(self, date: NaiveDate) -> bool {
        self.0 & bit(date.weekday()) != 0
    }

    /// The first date on or after `date` that is one of these days (within a week, as the
    /// set is never empty).
    pub fn first_on_or_after(self, date: NaiveDate) -> NaiveDate {
        (0..7)
            .filter_map(|offset| date.checked_add_days(chrono::Days::new(offset)))
            .find(|candidate| self.allows(*candidate))
            .unwrap_or(date)
    }

    /// The canonical name: what the database, the export and `/settings` show.
    pub fn as_string(self) -> String {
        match self {
            Days::EVERY_DAY => "every_day".to_owned(),
            Days::WEEKDAYS => "weekdays".to_owned(),
            Days::WEEKENDS => "weekends".to_owned(),
            Days(mask) => ORDER
                .into_iter()
                .filter(|day| mask & bit(*day) != 0)
                .map(short_name)
                .collect::<Vec<_>>()
                .join(","),
        }
    }
}

impl Default for Days {
    fn default() -> Days {
        Days::EVERY_DAY
    }
}

impl fmt::Display for Days {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
    }

    #[test]
    fn the_named_sets_and_lists_parse_and_round_trip() {
        assert_eq!(Days::parse("every_day"), Ok(Days::EVERY_DAY));
        assert_eq!(Days::parse(" Weekdays "), Ok(Days::WEEKDAYS));
        assert_eq!(Days::parse("weekends"), Ok(Days::WEEKENDS));
        let list = Days::parse("mon,wed,fri").expect("valid");
        assert_eq!(list.to_string(), "mon,wed,fri");
        assert_eq!(Days::parse(&list.to_string()), Ok(list));
        assert_eq!(
            Days::parse("Friday, monday wed.").map(|d| d.to_string()),
            Ok("mon,wed,fri".into())
        );
        // A list that names every weekday is the named set.
        assert_eq!(
            Days::parse("fri,thu,wed,tue,mon").map(|d| d.to_string()),
            Ok("weekdays".into())
        );
        assert_eq!(
            Days::parse("sat,sun,mon,tue,wed,thu,fri").map(|d| d.to_string()),
            Ok("every_day".into())
        );
    }

    #[test]
    fn a_day_listed_twice_counts_once() {
        assert_eq!(
            Days::parse("mon,mon").map(|d| d.to_string()),
            Ok("mon".into())
        );
    }

    #[test]
    fn empty_and_unknown_days_are_refused_by_name() {
        for empty in ["", "  ", ",,", " , ;"] {
            assert_eq!(Days::parse(empty), Err(SettingError::NoDays), "{empty:?}");
        }
        let error = Days::parse("mon,mon,funday").unwrap_err();
        assert_eq!(error, SettingError::UnknownDays("“funday”".into()));
        let text = error.to_string();
        assert!(
            text.contains("funday") && text.contains("mon,wed,fri"),
            "{text}"
        );
        let many = Days::parse(&"x,".repeat(1000)).unwrap_err().to_string();
        assert!(many.len() < 400, "{many}");
    }

    #[test]
    fn a_date_is_allowed_by_its_weekday() {
        // 2026-03-07 is a Saturday.
        assert!(!Days::WEEKDAYS.allows(date(2026, 3, 7)));
        assert!(Days::WEEKENDS.allows(date(2026, 3, 7)));
        assert_eq!(
            Days::WEEKDAYS.first_on_or_after(date(2026, 3, 7)),
            date(2026, 3, 9)
        );
        assert_eq!(
            Days::WEEKDAYS.first_on_or_after(date(2026, 3, 9)),
            date(2026, 3, 9)
        );
    }
}
