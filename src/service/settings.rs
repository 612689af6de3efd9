//! `/settings`: show or change a member's own settings.

use super::{Ctx, ServiceError};
use crate::domain::country::{self, Country};
use crate::domain::days::Days;
use crate::domain::member::{MemberId, MemberSettings, SettingsChange};
use crate::domain::program::Refusal;
use crate::domain::timing::{Frequency, LocalTime, SettingError, Timezone};

/// The options as the member typed them; all parsed before anything is written.
#[derive(Debug, Clone, Default)]
pub struct RawChange<'a> {
    pub timezone: Option<&'a str>,
    pub checkin_time: Option<&'a str>,
    pub frequency: Option<&'a str>,
    /// `every_day`, `weekdays`, `weekends` or a list like `mon,wed,fri`.
    pub days: Option<&'a str>,
    pub encouragement: Option<bool>,
    /// A country name or code, or `none` to forget it.
    pub region: Option<&'a str>,
}

/// What `/settings` shows: the schedule settings and the member's country.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shown {
    pub settings: MemberSettings,
    pub region: Option<Country>,
}

/// A region option: a country, or none.
fn parse_region(raw: &str) -> Result<Option<Country>, SettingError> {
    let trimmed = raw.trim();
    if ["none", "clear", "-"].contains(&trimmed.to_ascii_lowercase().as_str()) {
        return Ok(None);
    }
    country::parse(trimmed)
        .map(Some)
        .ok_or_else(|| SettingError::UnknownRegion(crate::domain::text::quoted(trimmed)))
}

impl RawChange<'_> {
    fn parse(&self) -> Result<SettingsChange, ServiceError> {
        Ok(SettingsChange {
            timezone: self.timezone.map(Timezone::parse).transpose()?,
            checkin_time: self.checkin_time.map(LocalTime::parse).transpose()?,
            frequency: self.frequency.map(Frequency::parse).transpose()?,
            days: self.days.map(Days::parse).transpose()?,
            encouragement: self.encouragement,
        })
    }
}

/// Applies the change (an empty one only reads) and returns the settings now in force. A
/// bad option is refused with nothing changed. A change is made under the member's lock,
/// like a pause: a pause until a date reads the timezone and stores its morning in one
/// turn, so a new timezone set at the same moment cannot leave the end at the old one's
/// morning.
pub async fn update(
    ctx: Ctx<'_>,
    member: MemberId,
    raw: RawChange<'_>,
) -> Result<Shown, ServiceError> {
    let change = raw.parse()?;
    let region = raw.region.map(parse_region).transpose()?;
    let _held = if change.is_empty() {
        None
    } else {
        Some(ctx.guards.lock(member).await)
    };
    let row = ctx
        .store
        .member(member)
        .await?
        .ok_or(Refusal::NotEnrolled)?;
    let mut shown = Shown {
        settings: row.settings,
        region: row.region,
    };
    if let Some(region) = region {
        if !ctx.store.set_region(member, region).await? {
            return Err(Refusal::NotEnrolled.into());
        }
        shown.region = region;
    }
    if change.is_empty() {
        return Ok(shown);
    }
    // Applied to the settings as they are when the write lock is held, not as read above:
    // another change made meanwhile is kept.
    shown.settings = ctx
        .store
        .update_member_settings(member, |current| {
            let updated = change.apply_to(current);
            let plan = crate::domain::schedule::plan(&updated, ctx.now, &ctx.policy());
            (updated, plan)
        })
        .await?
        .ok_or(Refusal::NotEnrolled)?;
    let updated = shown.settings;
    if updated.timezone != row.settings.timezone {
        // A pause with an end ends on the same date, in the member's new calendar.
        if let Some(date) = ctx.store.pause_end(member).await? {
            let tz = updated.timezone.tz();
            let end = crate::domain::pause::PauseEnd {
                date,
                at: crate::domain::pause::resume_at(tz, date, ctx.policy().quiet_end),
            };
            ctx.store.move_pause_end(member, end).await?;
        }
    }
    Ok(shown)
}

/// Countries matching what the member typed, for autocomplete.
pub fn region_suggestions(partial: &str, limit: usize) -> Vec<Country> {
    country::suggestions(partial, limit)
}

/// IANA names matching what the member typed, for autocomplete (at most `limit`).
pub fn timezone_suggestions(partial: &str, limit: usize) -> Vec<&'static str> {
    let needle = partial.trim().to_ascii_lowercase().replace(' ', "_");
    let names = chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name());
    if needle.is_empty() {
        const COMMON: [&str; 10] = [
            "UTC",
            "Europe/London",
            "Europe/Berlin",
            "America/New_York",
            "America/Chicago",
            "America/Los_Angeles",
            "Asia/Kolkata",
            "Asia/Tokyo",
            "Australia/Sydney",
            "America/Sao_Paulo",
        ];
        return COMMON.into_iter().take(limit).collect();
    }
    let mut starts: Vec<&'static str> = Vec::new();
    let mut contains: Vec<&'static str> = Vec::new();
    for name in names {
        let lower = name.to_ascii_lowercase();
        let city = lower.rsplit('/').next().unwrap_or(&lower);
        if lower.starts_with(&needle) || city.starts_with(&needle) {
            starts.push(name);
        } else if lower.contains(&needle) {
            contains.push(name);
        }
    }
    starts.into_iter().chain(contains).take(limit).collect()
}

#[cfg(test)]
mod tests {
    use super::timezone_suggestions;

    #[test]
    fn timezone_suggestions_match_cities_and_regions() {
        assert_eq!(
            timezone_suggestions("berlin", 25).first(),
            Some(&"Europe/Berlin")
        );
        assert!(timezone_suggestions("new york", 25).contains(&"America/New_York"));
        assert!(timezone_suggestions("Europe/", 25).len() == 25);
        assert_eq!(timezone_suggestions("", 25).first(), Some(&"UTC"));
        assert!(timezone_suggestions("Olympus", 25).is_empty());
    }
}
