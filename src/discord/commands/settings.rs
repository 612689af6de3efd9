//! `/settings`: show or change your timezone, check-in time, frequency, days and
//! encouragement.

use poise::serenity_prelude as serenity;
use poise::CreateReply;

use crate::discord::reply::in_time;
use crate::discord::{member_of, render, Context, Error};
use crate::service::settings::{self, RawChange};
use crate::service::{self, patiently};

/// How often you'd like a check-in.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum FrequencyChoice {
    #[name = "daily"]
    Daily,
    #[name = "every_2_days"]
    EveryTwoDays,
    #[name = "weekly"]
    Weekly,
}

impl FrequencyChoice {
    fn as_str(self) -> &'static str {
        match self {
            FrequencyChoice::Daily => "daily",
            FrequencyChoice::EveryTwoDays => "every_2_days",
            FrequencyChoice::Weekly => "weekly",
        }
    }
}

/// Your check-in settings; with no options, shows them
#[poise::command(slash_command)]
pub async fn settings(
    ctx: Context<'_>,
    #[description = "Your timezone, e.g. Europe/Berlin or America/New_York"]
    #[autocomplete = "autocomplete_timezone"]
    timezone: Option<String>,
    #[description = "Check-in time, 24-hour HH:MM, e.g. 19:30"] checkin_time: Option<String>,
    #[description = "How often you'd like a check-in"] frequency: Option<FrequencyChoice>,
    #[description = "Which days: every_day, weekdays, weekends, or a list like mon,wed,fri"]
    #[autocomplete = "autocomplete_days"]
    days: Option<String>,
    #[description = "Encouraging messages between check-ins"] encouragement: Option<bool>,
    #[description = "Your country, so its support lines come first (none to forget it)"]
    #[autocomplete = "autocomplete_region"]
    region: Option<String>,
) -> Result<(), Error> {
    let data = ctx.data();
    let content = data.services.content.get();
    let raw = RawChange {
        timezone: timezone.as_deref(),
        checkin_time: checkin_time.as_deref(),
        frequency: frequency.map(FrequencyChoice::as_str),
        days: days.as_deref(),
        encouragement,
        region: region.as_deref(),
    };
    let changed = raw.timezone.is_some()
        || raw.checkin_time.is_some()
        || raw.frequency.is_some()
        || raw.days.is_some()
        || raw.encouragement.is_some()
        || raw.region.is_some();
    let member = member_of(ctx.author());
    let shown = in_time(
        ctx,
        patiently(service::LONG_WAIT, || {
            settings::update(data.service(&content), member, raw.clone())
        }),
    )
    .await??;
    ctx.send(
        CreateReply::default()
            .embed(render::settings(&shown, changed))
            .ephemeral(true),
    )
    .await?;
    Ok(())
}

pub(crate) async fn autocomplete_timezone(
    _ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let choices = settings::timezone_suggestions(partial, 25)
        .into_iter()
        .map(serenity::AutocompleteChoice::from)
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// The named day sets, and what the member is typing (it may be a list of their own).
pub(crate) async fn autocomplete_days(
    _ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let typed = partial.trim().to_ascii_lowercase();
    let mut choices: Vec<serenity::AutocompleteChoice> =
        ["every_day", "weekdays", "weekends", "mon,wed,fri"]
            .into_iter()
            .filter(|name| name.starts_with(&typed))
            .map(serenity::AutocompleteChoice::from)
            .collect();
    if !typed.is_empty() && typed.chars().count() <= 100 && choices.is_empty() {
        choices.push(serenity::AutocompleteChoice::from(typed));
    }
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// Countries as the member types; the value is the country's code.
pub(crate) async fn autocomplete_region(
    _ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let choices = settings::region_suggestions(partial, 25)
        .into_iter()
        .map(|country| serenity::AutocompleteChoice::new(country.name, country.code))
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}
