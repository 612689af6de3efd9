//! What the server's team reads about the bot itself: `/admin health`, `/admin alerts` and
//! the alerts posted in their channel. Kinds, counts, times and Discord's errors only.

use std::fmt::Write as _;

use poise::serenity_prelude as serenity;
use serenity::{CreateEmbed, CreateEmbedFooter, CreateMessage};

use crate::delivery::ChannelProblem;
use crate::service::alerts::{Alert, AlertsChannel};
use crate::service::health::Health;

/// Amber: needs attention, not an emergency.
const ALERT_COLOUR: u32 = 0xE6_7E_22;
/// Calm green for a healthy report.
const HEALTH_COLOUR: u32 = 0x5B_A8_7C;

/// Answered to any interaction from a server that is not one of the bot's home servers.
pub const NOT_A_HOME_SERVER: &str = "This bot only serves its home server.";

/// The first message in a new alerts channel.
pub const ALERTS_CHANNEL_NOTE: &str = "Rekindle will post operational problems here for the server's team: a public encouragement it cannot post, scheduled messages that keep failing, a content file refused on reload. At most one message per kind of problem an hour, never anything a member wrote. `/admin health` shows the details; `/admin alerts enabled:false` turns this off.";

/// One shard as the gateway connection reports it, read live by the command.
#[derive(Debug, Clone)]
pub struct ShardView {
    pub id: u32,
    /// serenity's connection stage, e.g. "connected", "resuming".
    pub stage: String,
    pub latency: Option<std::time::Duration>,
}

/// A duration as a person says it: "45 s", "3 min", "2 h 14 min", "3 d 4 h".
pub fn span(duration: chrono::Duration) -> String {
    let seconds = duration.num_seconds().max(0);
    let (days, hours, minutes) = (seconds / 86_400, seconds / 3_600 % 24, seconds / 60 % 60);
    match seconds {
        0..=59 => format!("{seconds} s"),
        60..=3_599 => format!("{minutes} min"),
        3_600..=86_399 => format!("{} h {minutes} min", seconds / 3_600),
        _ => format!("{days} d {hours} h"),
    }
}

/// `/admin health`.
pub fn health(report: &Health, shards: &[ShardView]) -> CreateEmbed {
    let gateway = if shards.is_empty() {
        "not started: the bot is still trying to reach Discord".to_owned()
    } else {
        let mut text = String::new();
        for shard in shards {
            let latency = shard.latency.map_or("no heartbeat yet".to_owned(), |l| {
                format!("latency {} ms", l.as_millis())
            });
            let _ = writeln!(text, "shard {}: {}, {latency}", shard.id, shard.stage);
        }
        let _ = write!(
            text,
            "reconnects since start: {}",
            report.gateway.reconnects
        );
        text
    };
    let scheduler = match report.last_pass {
        Some(at) => format!(
            "last pass {} ago (<t:{}:T>)",
            span(report.now - at),
            at.timestamp()
        ),
        None => "no pass yet since the start".to_owned(),
    };
    let outbox = format!(
        "{} pending · {} failed (last 7 days) · {} sent today (UTC)",
        report.outbox.pending, report.outbox.failed, report.outbox.sent_since
    );
    let problems = if report.problems.is_empty() {
        "none".to_owned()
    } else {
        report
            .problems
            .iter()
            .map(|p| {
                format!(
                    "<t:{}:f> **{}**: {}",
                    p.at.timestamp(),
                    p.kind.label(),
                    p.text
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    CreateEmbed::new()
        .colour(HEALTH_COLOUR)
        .title("Rekindle health")
        .field("Version", report.version, true)
        .field("Up for", span(report.uptime()), true)
        .field("Gateway", gateway, false)
        .field("Scheduler", scheduler, false)
        .field("Outbox (this server's members and posts)", outbox, false)
        .field(
            "Members unreachable by DM",
            format!("{} (of this server's members)", report.unreachable),
            false,
        )
        .field("Last problems", problems, false)
}

/// What the team can do about a channel problem.
fn remedy(problem: ChannelProblem) -> &'static str {
    match problem {
        ChannelProblem::UnknownChannel => "Choose another channel with `/admin encouragement channel:`.",
        ChannelProblem::MissingAccess | ChannelProblem::MissingPermissions => "Give Rekindle *View Channel*, *Send Messages* and *Embed Links* there (channel settings → Permissions), or choose another channel with `/admin encouragement channel:`.",
    }
}

/// An operational alert, as posted in the alerts channel.
pub fn alert(alert: &Alert) -> CreateMessage {
    let (title, text) = match alert {
        Alert::PublicPost { channel, problem } => (
            "The public encouragement was not posted",
            format!("Today's post in <#{channel}> was refused: {problem}. {}", remedy(*problem)),
        ),
        Alert::Deliveries { failed, last_error } => (
            "Scheduled messages keep failing",
            format!("{failed} check-ins, reminders or encouragements could not be delivered in the last hour. The last error: {last_error}. They are not retried; the schedule goes on. `/admin health` shows more; the host's logs have the rest."),
        ),
        Alert::Content { problems, first } => (
            "The content file was refused on reload",
            format!("`/admin reload` found {problems} problem{} in config/content.toml, so the content in use stays as it was. The first:\n```\n{first}\n```", if *problems == 1 { "" } else { "s" }),
        ),
    };
    let mut text = text;
    if text.chars().count() > 3_900 {
        text = text.chars().take(3_900).collect::<String>() + "…";
    }
    CreateMessage::new().embed(
        CreateEmbed::new()
            .colour(ALERT_COLOUR)
            .title(title)
            .description(text)
            .footer(CreateEmbedFooter::new(
                "At most one alert of this kind an hour · /admin alerts to change where they go",
            )),
    )
}

/// `/admin alerts`.
pub fn alerts_channel(result: &AlertsChannel) -> String {
    match result {
        AlertsChannel::On(channel) => format!("Operational alerts go to <#{channel}>: at most one per kind of problem an hour, never anything a member wrote. `/admin alerts enabled:false` turns them off."),
        AlertsChannel::Off => "No alerts channel: problems show only in `/admin health`. Choose one with `/admin alerts channel:#your-channel`.".to_owned(),
        AlertsChannel::NotHere(channel) => format!("<#{channel}> is not a channel of this server, so nothing changed. Choose one of this server's channels."),
        AlertsChannel::CannotPost(channel, why) => format!("I can't post in <#{channel}> ({why}), so nothing changed. Give me *View Channel*, *Send Messages* and *Embed Links* there, then try again."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_as_a_person_says_them() {
        let s = chrono::Duration::seconds;
        assert_eq!(span(s(45)), "45 s");
        assert_eq!(span(s(180)), "3 min");
        assert_eq!(span(s(2 * 3_600 + 14 * 60)), "2 h 14 min");
        assert_eq!(span(s(3 * 86_400 + 4 * 3_600)), "3 d 4 h");
        assert_eq!(span(s(-5)), "0 s");
    }
}
