//! Scheduled messages: the reminder, private encouragement and the public post.

use poise::serenity_prelude as serenity;
use serenity::{CreateEmbed, CreateEmbedFooter, CreateMessage};

use super::COLOUR;
use crate::content::Content;

/// The one gentle reminder for an unanswered check-in.
pub fn reminder(content: &Content, step: u8, prompt_index: usize) -> CreateMessage {
    let prompt = content
        .step(step)
        .and_then(|s| s.prompts.get(prompt_index))
        .map(String::as_str)
        .unwrap_or("How are you doing today?");
    CreateMessage::new().content(format!(
        "A gentle nudge, only if you feel like it: yesterday's check-in is still open.\n> {prompt}\n\
         Reply here, or use the menu on the check-in. No pressure, and I won't remind you again."
    ))
}

/// A private encouragement from the member's current step.
pub fn encouragement(text: &str) -> CreateMessage {
    CreateMessage::new().embed(CreateEmbed::new().colour(COLOUR).description(text).footer(
        CreateEmbedFooter::new(
            "Encouragement from Rekindle · turn off with /settings encouragement:false",
        ),
    ))
}

/// The public post in the server's encouragement channel.
pub fn public_post(text: &str) -> CreateMessage {
    CreateMessage::new().content(text)
}

/// Told once, on the next command, after the scheduler found the member's DMs closed.
pub const CHECKINS_PAUSED_DMS_CLOSED: &str =
    "I couldn't reach you by direct message, so I've paused your check-ins.";

/// `/admin encouragement`: the settings in force.
pub fn public_post_settings(post: Option<&crate::service::admin::PublicPost>) -> CreateEmbed {
    let embed = CreateEmbed::new()
        .colour(COLOUR)
        .title("Public encouragement");
    let Some(post) = post else {
        return embed.description("Not set up yet. Choose a channel: `/admin encouragement channel:#your-channel time:09:00`.");
    };
    let next = match post.next {
        Some(slot) if post.enabled => format!("<t:{}:F>", slot.at.timestamp()),
        _ => "paused".to_owned(),
    };
    embed
        .field("Channel", format!("<#{}>", post.channel), true)
        .field(
            "Time",
            format!("{} ({})", post.time, post.timezone.name()),
            true,
        )
        .field("Enabled", if post.enabled { "yes" } else { "no" }, true)
        .field("Next post", next, false)
        .field(
            "Last post",
            match &post.last_failure {
                None => "no problem recorded".to_owned(),
                Some((at, why)) => format!(
                    "⚠ not posted (<t:{}:f>): {why}. Give Rekindle *View Channel*, *Send Messages* and *Embed Links* in that channel, or choose another.",
                    at.timestamp()
                ),
            },
            false,
        )
}
