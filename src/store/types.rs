//! How domain values meet SQLite columns: ids as integers, enums as their names, a step as
//! 1 to 7. Each conversion happens here once; a stored value that does not fit its type is
//! a decoding error that names the value, never a silent default.

use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::sqlite::{Sqlite, SqliteArgumentValue, SqliteTypeInfo, SqliteValueRef};
use sqlx::{Decode, Encode, Type};

use chrono::{DateTime, Utc};

use crate::domain::checkin::{CheckinStatus, Mood};
use crate::domain::country::{self, Country};
use crate::domain::days::Days;
use crate::domain::faq_layer::ChangeKind;
use crate::domain::ids::{ChannelId, CheckinId, GuildId, MemberId};
use crate::domain::outbox::{Kind, Status};
use crate::domain::program::{EventKind, Outcome, StepNumber};
use crate::domain::timing::{Frequency, LocalTime, Timezone};

/// An integer column holding `$ty`, converted by `to` and `from`.
macro_rules! integer_column {
    ($ty:ty, |$v:ident| $to:expr, |$raw:ident| $from:expr) => {
        impl Type<Sqlite> for $ty {
            fn type_info() -> SqliteTypeInfo {
                <i64 as Type<Sqlite>>::type_info()
            }
            fn compatible(ty: &SqliteTypeInfo) -> bool {
                <i64 as Type<Sqlite>>::compatible(ty)
            }
        }

        impl<'q> Encode<'q, Sqlite> for $ty {
            fn encode_by_ref(
                &self,
                buf: &mut Vec<SqliteArgumentValue<'q>>,
            ) -> Result<IsNull, BoxDynError> {
                let $v = *self;
                let value: i64 = $to;
                <i64 as Encode<'q, Sqlite>>::encode(value, buf)
            }
        }

        impl<'r> Decode<'r, Sqlite> for $ty {
            fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
                let $raw = <i64 as Decode<'r, Sqlite>>::decode(value)?;
                $from
            }
        }
    };
}

/// A text column holding an enum by name (`as_str` / `parse`).
macro_rules! text_column {
    ($ty:ty, $what:literal) => {
        impl Type<Sqlite> for $ty {
            fn type_info() -> SqliteTypeInfo {
                <&str as Type<Sqlite>>::type_info()
            }
            fn compatible(ty: &SqliteTypeInfo) -> bool {
                <&str as Type<Sqlite>>::compatible(ty)
            }
        }

        impl<'q> Encode<'q, Sqlite> for $ty {
            fn encode_by_ref(
                &self,
                buf: &mut Vec<SqliteArgumentValue<'q>>,
            ) -> Result<IsNull, BoxDynError> {
                <&str as Encode<'q, Sqlite>>::encode(self.as_str(), buf)
            }
        }

        impl<'r> Decode<'r, Sqlite> for $ty {
            fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
                let text = <&str as Decode<'r, Sqlite>>::decode(value)?;
                <$ty>::parse(text).ok_or_else(|| format!("a stored {} is “{text}”", $what).into())
            }
        }
    };
}

fn discord_to_db(id: u64, what: &str) -> Result<i64, BoxDynError> {
    i64::try_from(id).map_err(|_| format!("the {what} {id} does not fit in SQLite").into())
}

fn discord_from_db(raw: i64, what: &str) -> Result<u64, BoxDynError> {
    u64::try_from(raw).map_err(|_| format!("a stored {what} is negative: {raw}").into())
}

integer_column!(MemberId, |v| discord_to_db(v.get(), "member id")?, |raw| {
    discord_from_db(raw, "member id").map(MemberId::new)
});
integer_column!(GuildId, |v| discord_to_db(v.get(), "server id")?, |raw| {
    discord_from_db(raw, "server id").map(GuildId::new)
});
integer_column!(
    ChannelId,
    |v| discord_to_db(v.get(), "channel id")?,
    |raw| {
        let id = discord_from_db(raw, "channel id")?;
        Ok(ChannelId::new(id))
    }
);
integer_column!(CheckinId, |v| v.get(), |raw| {
    CheckinId::new(raw).ok_or_else(|| format!("a stored check-in id is {raw}").into())
});
integer_column!(StepNumber, |v| i64::from(v.get()), |raw| {
    u8::try_from(raw)
        .ok()
        .and_then(StepNumber::new)
        .ok_or_else(|| format!("a stored step is {raw}").into())
});
integer_column!(Mood, |v| i64::from(v.get()), |raw| {
    u8::try_from(raw)
        .ok()
        .and_then(Mood::new)
        .ok_or_else(|| format!("a stored mood is {raw}").into())
});

text_column!(CheckinStatus, "check-in status");
text_column!(Kind, "outbox kind");
text_column!(Status, "outbox status");
text_column!(EventKind, "history event");
text_column!(Outcome, "outcome");
text_column!(ChangeKind, "FAQ change");

/// A text column holding a value parsed by a `parse` that returns a `Result`, written with
/// `$show`.
macro_rules! parsed_text_column {
    ($ty:ty, |$v:ident| $show:expr) => {
        impl Type<Sqlite> for $ty {
            fn type_info() -> SqliteTypeInfo {
                <&str as Type<Sqlite>>::type_info()
            }
            fn compatible(ty: &SqliteTypeInfo) -> bool {
                <&str as Type<Sqlite>>::compatible(ty)
            }
        }

        impl<'q> Encode<'q, Sqlite> for $ty {
            fn encode_by_ref(
                &self,
                buf: &mut Vec<SqliteArgumentValue<'q>>,
            ) -> Result<IsNull, BoxDynError> {
                let $v = self;
                let text: String = $show;
                <String as Encode<'q, Sqlite>>::encode(text, buf)
            }
        }

        impl<'r> Decode<'r, Sqlite> for $ty {
            fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
                let text = <&str as Decode<'r, Sqlite>>::decode(value)?;
                <$ty>::parse(text).map_err(|error| format!("a stored value: {error}").into())
            }
        }
    };
}

parsed_text_column!(Timezone, |v| v.name().to_owned());
parsed_text_column!(LocalTime, |v| v.to_string());
parsed_text_column!(Frequency, |v| v.as_str().to_owned());
parsed_text_column!(Days, |v| v.as_string());

/// A country, stored as its ISO code.
impl Type<Sqlite> for Country {
    fn type_info() -> SqliteTypeInfo {
        <&str as Type<Sqlite>>::type_info()
    }
    fn compatible(ty: &SqliteTypeInfo) -> bool {
        <&str as Type<Sqlite>>::compatible(ty)
    }
}

impl<'q> Encode<'q, Sqlite> for Country {
    fn encode_by_ref(&self, buf: &mut Vec<SqliteArgumentValue<'q>>) -> Result<IsNull, BoxDynError> {
        <&str as Encode<'q, Sqlite>>::encode(self.code, buf)
    }
}

impl<'r> Decode<'r, Sqlite> for Country {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <&str as Decode<'r, Sqlite>>::decode(value)?;
        country::by_code(text).ok_or_else(|| format!("a stored region is “{text}”").into())
    }
}

/// An instant stored as Unix seconds (compact, indexable, free of format questions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct UnixTime(pub DateTime<Utc>);

integer_column!(UnixTime, |v| v.0.timestamp(), |raw| {
    DateTime::from_timestamp(raw, 0)
        .map(UnixTime)
        .ok_or_else(|| format!("a stored instant is out of range: {raw}").into())
});

impl From<UnixTime> for DateTime<Utc> {
    fn from(time: UnixTime) -> DateTime<Utc> {
        time.0
    }
}

/// A count or index column: never negative.
pub(crate) fn index(raw: i64, what: &str) -> anyhow::Result<usize> {
    usize::try_from(raw).map_err(|_| anyhow::anyhow!("a stored {what} is negative: {raw}"))
}

/// A count or index, for binding.
pub(crate) fn index_to_db(value: usize) -> anyhow::Result<i64> {
    i64::try_from(value).map_err(|_| anyhow::anyhow!("{value} does not fit in SQLite"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::temp_store;

    #[tokio::test]
    async fn ids_and_names_round_trip_and_bad_values_are_errors() {
        let (store, _dir) = temp_store().await;
        let pool = store.pool();
        let member: MemberId = sqlx::query_scalar("SELECT ?1")
            .bind(MemberId::new(1_234_567_890_123_456_789))
            .fetch_one(pool)
            .await
            .expect("round trip");
        assert_eq!(member, MemberId::new(1_234_567_890_123_456_789));
        let status: CheckinStatus = sqlx::query_scalar("SELECT 'snoozed'")
            .fetch_one(pool)
            .await
            .expect("a known name");
        assert_eq!(status, CheckinStatus::Snoozed);

        let negative = sqlx::query_scalar::<_, MemberId>("SELECT -5")
            .fetch_one(pool)
            .await
            .expect_err("a negative id is refused");
        assert!(negative.to_string().contains("negative"), "{negative}");
        let step = sqlx::query_scalar::<_, StepNumber>("SELECT 9")
            .fetch_one(pool)
            .await
            .expect_err("step 9 is refused");
        assert!(step.to_string().contains("step is 9"), "{step}");
        let unknown = sqlx::query_scalar::<_, Status>("SELECT 'teleported'")
            .fetch_one(pool)
            .await
            .expect_err("an unknown status is refused");
        assert!(unknown.to_string().contains("teleported"), "{unknown}");
        let too_big = sqlx::query("SELECT ?1")
            .bind(MemberId::new(u64::MAX))
            .execute(pool)
            .await
            .expect_err("an id beyond SQLite's integers is refused");
        assert!(too_big.to_string().contains("does not fit"), "{too_big}");
    }
}
