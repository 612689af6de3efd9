//! The crisis reply: emergency number first, then warm words, then lines to call.
//!
//! It never repeats what the member wrote and never mentions methods. Every text comes from
//! the content file, whose lengths were checked at load, so nothing here truncates.

use poise::serenity_prelude as serenity;
use serenity::{
    ButtonStyle, CreateActionRow, CreateButton, CreateEmbed, CreateEmbedFooter,
    CreateInteractionResponseMessage, CreateMessage,
};

use super::CRISIS_COLOUR;
use crate::content::{Content, Helpline, Region};
use crate::discord::custom_id::CustomId;
use crate::domain::crisis::reply::{CrisisReply, Form};
use crate::domain::crisis::Level;
use crate::domain::ids::GuildId;

const FOOTER: &str = "Rekindle is a bot, not a crisis service · /help any time";

/// A reply's parts, to send as a message or as an interaction response.
#[derive(Debug, Clone, Default)]
pub struct Parts {
    pub text: Option<String>,
    pub embeds: Vec<CreateEmbed>,
    pub rows: Vec<CreateActionRow>,
}

impl Parts {
    pub fn message(self) -> CreateMessage {
        let mut message = CreateMessage::new()
            .embeds(self.embeds)
            .components(self.rows);
        if let Some(text) = self.text {
            message = message.content(text);
        }
        message
    }

    /// An ephemeral reply to a command.
    pub fn reply(self) -> poise::CreateReply {
        let mut reply = poise::CreateReply::default()
            .components(self.rows)
            .ephemeral(true);
        for embed in self.embeds {
            reply = reply.embed(embed);
        }
        if let Some(text) = self.text {
            reply = reply.content(text);
        }
        reply
    }

    pub fn response(self) -> CreateInteractionResponseMessage {
        let mut message = CreateInteractionResponseMessage::new()
            .embeds(self.embeds)
            .components(self.rows);
        if let Some(text) = self.text {
            message = message.content(text);
        }
        message
    }
}

fn line(helpline: &Helpline) -> String {
    match &helpline.url {
        Some(url) => format!("**{}** · {} · <{url}>", helpline.name, helpline.contact),
        None => format!("**{}** · {}", helpline.name, helpline.contact),
    }
}

/// The emergency line and the support lines for `region` (or the international ones).
pub fn lines_text(content: &Content, region: Option<&str>) -> String {
    let crisis = &content.crisis;
    let region: Option<&Region> = region.and_then(|code| crisis.region(code));
    let mut text = crisis.emergency_line(region);
    text.push_str("\n\n");
    text.push_str(&lines_only(content, region));
    text
}

fn lines_only(content: &Content, region: Option<&Region>) -> String {
    let crisis = &content.crisis;
    match region {
        Some(region) => {
            let mut text = format!("**{}**\n", region.name);
            for helpline in &region.lines {
                text.push_str(&format!("{}\n", line(helpline)));
            }
            text.push_str("\n**Anywhere**\n");
            if let Some(first) = crisis.international.first() {
                text.push_str(&line(first));
            }
            text
        }
        None => {
            let mut text: String = crisis
                .international
                .iter()
                .map(|helpline| format!("{}\n", line(helpline)))
                .collect();
            if let Some(common) = &crisis.common_lines {
                text.push_str(common.trim());
                text.push('\n');
            }
            text.push('\n');
            text.push_str(crisis.region_hint.trim());
            text
        }
    }
}

/// The first line to call, for the short reply.
fn first_line(content: &Content, region: Option<&str>) -> String {
    let crisis = &content.crisis;
    let helpline = region
        .and_then(|code| crisis.region(code))
        .and_then(|r| r.lines.first())
        .or_else(|| crisis.international.first());
    match helpline {
        Some(Helpline {
            name,
            contact,
            url: Some(url),
        }) => format!("{name} ({contact}, <{url}>)"),
        Some(Helpline { name, contact, .. }) => format!("{name} ({contact})"),
        None => "a local helpline".to_owned(),
    }
}

fn ask_button(guild: u64) -> CreateButton {
    CreateButton::new(CustomId::AskSupport(GuildId::new(guild)).to_string())
        .label("Ask the server's support team to reach out")
        .style(ButtonStyle::Secondary)
}

/// The reply to a message that may come from someone in crisis.
pub fn crisis_reply(content: &Content, reply: &CrisisReply) -> Parts {
    let crisis = &content.crisis;
    let region = reply.region.as_deref();
    let ask = reply
        .support_guild
        .filter(|_| reply.level == Level::Acute)
        .map(|guild| CreateActionRow::Buttons(vec![ask_button(guild)]));
    match (reply.level, reply.form) {
        (_, Form::Short) => Parts {
            text: Some(
                crisis
                    .repeat_message
                    .trim()
                    .replace("{line}", &first_line(content, region)),
            ),
            embeds: Vec::new(),
            rows: ask.into_iter().collect(),
        },
        (Level::Acute, Form::Full) => {
            let region = region.and_then(|code| crisis.region(code));
            let description = format!(
                "{}\n\n{}\n\n{}",
                crisis.emergency_line(region),
                crisis.acute_message.trim(),
                lines_only(content, region)
            );
            Parts {
                text: None,
                embeds: vec![CreateEmbed::new()
                    .colour(CRISIS_COLOUR)
                    .title("You're not alone")
                    .description(description)
                    .footer(CreateEmbedFooter::new(FOOTER))],
                rows: ask.into_iter().collect(),
            }
        }
        (Level::Concern, Form::Full) => Parts {
            text: None,
            embeds: vec![CreateEmbed::new()
                .colour(CRISIS_COLOUR)
                .title("I'm here")
                .description(crisis.concern_message.trim())
                .footer(CreateEmbedFooter::new(FOOTER))],
            rows: vec![CreateActionRow::Buttons(vec![CreateButton::new(
                CustomId::SupportLines.to_string(),
            )
            .label("Show me support lines")
            .style(ButtonStyle::Primary)])],
        },
    }
}

/// The support lines on their own ("Show me support lines", and `/help`).
pub fn support_lines(content: &Content, region: Option<&str>) -> CreateEmbed {
    CreateEmbed::new()
        .colour(CRISIS_COLOUR)
        .title("People you can talk to now")
        .description(lines_text(content, region))
        .footer(CreateEmbedFooter::new(FOOTER))
}

/// After the member asked the support team to reach out.
pub const SUPPORT_ASKED: &str = "I've let the server's support team know you'd like someone to reach out. I didn't share anything you wrote, only that you asked. If you are in danger right now, please call your local emergency number.";

/// When they already asked a moment ago.
pub const SUPPORT_ALREADY_ASKED: &str = "I've already let the support team know; someone should reach out. If you are in danger right now, please call your local emergency number.";

/// When the server has no support channel (any more).
pub const SUPPORT_UNAVAILABLE: &str = "I couldn't reach the server's support team just now. Please use one of the lines above, or message a moderator you trust. If you are in danger, call your local emergency number.";

/// What the support team sees: who asked, never their words.
pub fn support_request(member: u64) -> CreateMessage {
    CreateMessage::new()
        .content(format!(
            "<@{member}> asked, through Rekindle, for someone from the support team to reach out to them privately. \
             Rekindle shares nothing they wrote. Please reach out gently, and if they may be in danger, follow your server's safety steps."
        ))
        .allowed_mentions(serenity::CreateAllowedMentions::new().users(vec![serenity::UserId::new(member)]))
}

/// Posted once in a new support channel: what will arrive here.
pub const SUPPORT_CHANNEL_NOTE: &str = "Rekindle will post here when a member who may be in crisis asks, by pressing a button, for someone from the support team to reach out. Each request carries only their mention and that they asked, never what they wrote. Please keep this channel private to your support team.";

/// `/admin support-channel`: what happens now.
pub fn support_channel_set(set: crate::service::admin::SupportChannel) -> String {
    use crate::service::admin::SupportChannel;
    match set {
        SupportChannel::Set(channel) => format!(
            "Support requests will go to <#{channel}>. When a member writes something that suggests they may be in danger, \
             I'll offer them a button to ask your team to reach out. Only their press posts there: their mention and that they asked, \
             never their words. Please keep that channel private to your support team."
        ),
        SupportChannel::CannotPost(channel) => format!(
            "I can't post in <#{channel}>, so nothing changed. Give me the View Channel and Send Messages permissions there (and keep it private to your support team), then try again."
        ),
        SupportChannel::NotHere(channel) => format!(
            "<#{channel}> is not a channel of this server, so nothing changed. Choose one of this server's channels."
        ),
        SupportChannel::Off => "Support requests are off: members in crisis get the support lines, without the button to ask your team.".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::domain::crisis::reply::{CrisisReply, Form};

    fn content() -> Content {
        Content::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("config/content.toml"))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn description(embed: &CreateEmbed) -> usize {
        serde_json::to_value(embed).expect("an embed")["description"]
            .as_str()
            .map_or(0, |text| text.chars().count())
    }

    #[test]
    fn every_full_reply_fits_an_embed_and_the_estimate_bounds_it() {
        let content = content();
        let bound = content.crisis.longest_reply();
        let regions = content
            .crisis
            .regions
            .iter()
            .map(|r| Some(r.code.clone()))
            .chain([None]);
        for region in regions {
            let reply = CrisisReply {
                level: Level::Acute,
                form: Form::Full,
                region: region.clone(),
                support_guild: Some(1),
            };
            let parts = crisis_reply(&content, &reply);
            let length = description(&parts.embeds[0]);
            assert!(length <= 4096, "{region:?}: {length}");
            assert!(length <= bound, "{region:?}: {length} > {bound}");
            let lines = description(&support_lines(&content, region.as_deref()));
            assert!(lines <= bound, "{region:?}: {lines} > {bound}");
        }
    }

    #[test]
    fn the_acute_reply_puts_the_emergency_number_first_and_the_short_one_keeps_it() {
        let content = content();
        let reply = |level, form| CrisisReply {
            level,
            form,
            region: Some("DE".to_owned()),
            support_guild: None,
        };
        let full = crisis_reply(&content, &reply(Level::Acute, Form::Full));
        let text = serde_json::to_value(&full.embeds[0]).expect("an embed")["description"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(
            text.starts_with("**If you are in immediate danger, please call your local emergency number now (112)"),
            "{text}"
        );
        let short = crisis_reply(&content, &reply(Level::Acute, Form::Short));
        let said = short.text.unwrap_or_default();
        assert!(
            said.contains("emergency number") && said.contains("TelefonSeelsorge"),
            "{said}"
        );
        let concern = crisis_reply(&content, &reply(Level::Concern, Form::Full));
        assert_eq!(concern.rows.len(), 1, "the support-lines button");
    }
}
