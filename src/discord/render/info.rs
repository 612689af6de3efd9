//! The FAQ, the steps, `/help` and the crisis reply.

use poise::serenity_prelude as serenity;
use serenity::{
    CreateActionRow, CreateEmbed, CreateEmbedFooter, CreateSelectMenu, CreateSelectMenuKind,
    CreateSelectMenuOption,
};

use super::COLOUR;
use crate::content::{Content, Faq, FaqEntry, Step};
use crate::discord::custom_id::CustomId;

const FAQ_FOOTER: &str = "Rekindle · general guidance, not professional advice · /help";

pub fn faq_answer(entry: &FaqEntry) -> CreateEmbed {
    CreateEmbed::new()
        .colour(COLOUR)
        .title(&entry.question)
        .description(&entry.answer)
        .footer(CreateEmbedFooter::new(FAQ_FOOTER))
}

/// What `/faq` says when the FAQ of the place it is used in has no entry: every one was
/// removed in that server, and the content file that kept the last one no longer has it.
pub const FAQ_EMPTY: &str = "There are no questions in this FAQ right now: this server's team has taken them out. `/help` says what I can do and where to find support.";

/// The list of every question, for `/faq` without a topic.
pub fn faq_list(faq: &Faq) -> CreateEmbed {
    let embed = CreateEmbed::new()
        .colour(COLOUR)
        .title("Frequently asked questions");
    if faq.is_empty() {
        return embed.description(FAQ_EMPTY);
    }
    let list: String = faq
        .iter()
        .enumerate()
        .map(|(index, entry)| format!("{}. {}\n", index + 1, entry.question))
        .collect();
    embed.description(format!(
        "{list}\nPick one below to read the answer. Only you can see this."
    ))
}

/// A select menu over every question; its choice arrives with [`CustomId::FaqPick`]. No row
/// for an FAQ with no entry: Discord refuses a select menu without options.
pub fn faq_menu(faq: &Faq, selected: Option<&str>) -> Vec<CreateActionRow> {
    if faq.is_empty() {
        return Vec::new();
    }
    let options = faq
        .iter()
        .map(|entry| {
            CreateSelectMenuOption::new(&entry.question, &entry.key)
                .default_selection(selected == Some(entry.key.as_str()))
        })
        .collect();
    vec![CreateActionRow::SelectMenu(
        CreateSelectMenu::new(
            CustomId::FaqPick.to_string(),
            CreateSelectMenuKind::String { options },
        )
        .placeholder("Choose a question"),
    )]
}

/// When a typed topic matches nothing.
pub fn faq_not_found(topic: &str) -> String {
    let shown: String = topic.chars().take(80).collect();
    format!("I couldn't find a question about “{shown}”. Here is everything I can answer; pick one below.")
}

/// The overview of all seven steps.
pub fn steps_overview(content: &Content) -> CreateEmbed {
    let mut embed = CreateEmbed::new()
        .colour(COLOUR)
        .title("The seven steps")
        .description(
            "A gentle path, at your own pace. There are no guarantees, and your own well-being \
             comes first whatever happens. Use `/steps number:N` for one step in detail, or \
             `/program start` to walk through them privately.",
        )
        .footer(CreateEmbedFooter::new(
            "Rekindle · not a substitute for professional help",
        ));
    for step in &content.steps {
        embed = embed.field(
            format!("{}. {}", step.number, step.title),
            crate::domain::text::first_sentence(&step.summary),
            false,
        );
    }
    embed
}

/// One step in detail.
pub fn step_detail(step: &Step) -> CreateEmbed {
    let practices: String = step.practices.iter().map(|p| format!("• {p}\n")).collect();
    let time = match step.min_days {
        0 => "Move on whenever you feel ready.".to_owned(),
        1 => "Give this step at least a day before moving on.".to_owned(),
        days => format!("Give this step at least {days} days before moving on. There's no rush."),
    };
    CreateEmbed::new()
        .colour(COLOUR)
        .title(format!("Step {} · {}", step.number, step.title))
        .description(step.summary.trim())
        .field("Things that help", practices, false)
        .field("Take your time", time, false)
        .footer(CreateEmbedFooter::new(
            "Rekindle · /program start to go through the steps privately",
        ))
}

/// `/help`: what the bot does, the crisis resources, and that it is not therapy.
pub fn help(content: &Content, region: Option<&str>) -> CreateEmbed {
    CreateEmbed::new()
        .colour(COLOUR)
        .title("About Rekindle")
        .description(format!(
            "{}\n\n**If you are struggling right now**\n{}",
            content.help.about.trim(),
            super::crisis::lines_text(content, region)
        ))
        .field(
            "Not a substitute for professional help",
            content.help.not_therapy.trim(),
            false,
        )
        .footer(CreateEmbedFooter::new("Your privacy: /privacy info"))
}
