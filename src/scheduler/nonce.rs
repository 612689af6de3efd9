//! Deterministic nonces: the same scheduled message always carries the same nonce.
//!
//! Sent with `enforce_nonce: true`, a nonce makes Discord return the message it already
//! created instead of creating a second one. So a crash after the send and before the row is
//! marked sent costs nothing: the re-send is de-duplicated. At most 25 characters.

use chrono::NaiveDate;

pub use crate::domain::outbox::Kind;

/// Each kind's one-letter nonce prefix.
fn prefix(kind: Kind) -> char {
    match kind {
        Kind::Checkin => 'c',
        Kind::Reminder => 'r',
        Kind::Encouragement => 'e',
        Kind::Public => 'p',
        Kind::Resumed => 'u',
    }
}

/// A nonce for `kind`, about `subject` (a member or guild id), in `slot` (a local date for
/// dated messages, a check-in id for reminders).
pub fn nonce(kind: Kind, subject: u64, slot: u64) -> String {
    format!("{}{}.{}", prefix(kind), base36(subject), base36(slot))
}

/// A local date as a slot number: days since 1970-01-01.
pub fn day_number(date: NaiveDate) -> u64 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    u64::try_from((date - epoch).num_days()).unwrap_or_default()
}

/// The local date a dated nonce (check-in, encouragement, public post, resumed) was made
/// for: what [`nonce`] put in with [`day_number`]. `None` for anything else.
pub fn slot_date(nonce: &str) -> Option<NaiveDate> {
    let (_, slot) = nonce.get(1..)?.split_once('.')?;
    let days = u64::from_str_radix(slot, 36).ok()?;
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1)?;
    epoch.checked_add_days(chrono::Days::new(days))
}

fn base36(mut value: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::with_capacity(13);
    loop {
        out.push(DIGITS[(value % 36) as usize]);
        value /= 36;
        if value == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_nonce_fits_discords_25_characters() {
        // Snowflakes stay below 2^63 (13 base-36 digits); slots (days, check-in ids) below
        // 36^10, which leaves room for ids far beyond any real database.
        let bound = nonce(Kind::Reminder, i64::MAX as u64, 36u64.pow(10) - 1);
        assert_eq!(bound.len(), 25, "{bound}");
        let date = nonce(Kind::Checkin, i64::MAX as u64, day_number(NaiveDate::MAX));
        assert!(date.len() <= 25, "{date}");
    }

    #[test]
    fn a_dated_nonce_gives_its_date_back() {
        for date in [
            NaiveDate::from_ymd_opt(2026, 3, 29).expect("valid"),
            NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid"),
            NaiveDate::from_ymd_opt(9999, 12, 31).expect("valid"),
        ] {
            let made = nonce(Kind::Checkin, i64::MAX as u64, day_number(date));
            assert_eq!(slot_date(&made), Some(date), "{made}");
        }
        for bad in ["", "c", "c12", "c12.", "c12.!", "c.zzzzzzzzzzzzzzzzz"] {
            assert_eq!(slot_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn nonces_are_deterministic_and_distinct_per_kind_subject_and_slot() {
        let date = NaiveDate::from_ymd_opt(2026, 3, 29).expect("valid");
        assert_eq!(
            nonce(Kind::Checkin, 42, day_number(date)),
            nonce(Kind::Checkin, 42, day_number(date))
        );
        assert_ne!(
            nonce(Kind::Checkin, 42, 1),
            nonce(Kind::Encouragement, 42, 1)
        );
        assert_ne!(nonce(Kind::Checkin, 42, 1), nonce(Kind::Checkin, 43, 1));
        // The separator keeps (1a, bc) and (1ab, c) apart.
        assert_ne!(
            nonce(Kind::Checkin, 36 + 10, 11 * 36 + 12),
            nonce(Kind::Checkin, (36 + 10) * 36 + 11, 12)
        );
    }

    #[test]
    fn base36_counts_like_a_number() {
        assert_eq!(base36(0), "0");
        assert_eq!(base36(35), "z");
        assert_eq!(base36(36), "10");
    }

    #[test]
    fn kinds_round_trip() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
        }
    }
}
