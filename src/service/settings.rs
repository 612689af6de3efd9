//! `/settings`: show or change a member's own settings.

use super::{Ctx, ServiceError};
use crate::domain::member::{MemberId, MemberSettings, SettingsChange};
use crate::domain::program::Refusal;
use crate::domain::settings::{Frequency, LocalTime, Timezone};

/// The options as the member typed them; all parsed before anything is written.
#[derive(Debug, Clone, Default)]
pub struct RawChange<'a> {
    pub timezone: Option<&'a str>,
    pub checkin_time: Option<&'a str>,
    pub frequency: Option<&'a str>,
    pub encouragement: Option<bool>,
}

impl RawChange<'_> {
    fn parse(&self) -> Result<SettingsChange, ServiceError> {
        Ok(SettingsChange {
            timezone: self.timezone.map(Timezone::parse).transpose()?,
            checkin_time: self.checkin_time.map(LocalTime::parse).transpose()?,
            frequency: self.frequency.map(Frequency::parse).transpose()?,
            encouragement: self.encouragement,
        })
    }
}

/// Applies the change (an empty one only reads) and returns the settings now in force. A
/// bad option is refused with nothing changed.
pub async fn update(
    ctx: Ctx<'_>,
    member: MemberId,
    raw: RawChange<'_>,
) -> Result<MemberSettings, ServiceError> {
    let change = raw.parse()?;
    let current = ctx
        .store
        .member(member)
        .await?
        .ok_or(Refusal::NotEnrolled)?
        .settings;
    if change.is_empty() {
        return Ok(current);
    }
    let updated = change.apply_to(current);
    let plan = crate::domain::schedule::plan(&updated, ctx.now, &ctx.policy());
    ctx.store
        .update_member_settings(member, updated, plan)
        .await?;
    Ok(updated)
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
