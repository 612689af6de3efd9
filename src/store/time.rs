//! Instants are stored as Unix seconds: compact, indexable, and free of format questions.

use chrono::{DateTime, Utc};

pub fn to_db(at: DateTime<Utc>) -> i64 {
    at.timestamp()
}

pub fn from_db(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).unwrap_or_default()
}
