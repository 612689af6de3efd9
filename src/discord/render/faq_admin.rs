//! `/admin faq`: the editor's modals, the server's FAQ as its admins see it, its history, and
//! what a save or a refusal says.
//!
//! Everything here may carry text an admin typed. It is shown in embeds (which never ping)
//! and every reply goes out with no mentions allowed (see `discord::reply` and the client's
//! options), so an answer holding `@everyone` or a role mention pings nobody.

use poise::serenity_prelude as serenity;
use serenity::{
    CreateActionRow, CreateEmbed, CreateEmbedFooter, CreateInputText, CreateModal, InputTextStyle,
};

use super::COLOUR;
use crate::content::faq::{Origin, ServerFaq};
use crate::content::limits::{
    CHOICES, CHOICE_NAME, CUSTOM_ID, EMBED_DESCRIPTION, EMBED_FIELD_VALUE, FAQ_CUSTOM_ID_PREFIX,
    MESSAGE_CONTENT, MODAL_INPUT,
};
use crate::content::FaqEntry;
use crate::discord::custom_id::FaqModal;
use crate::discord::reply::Reply;
use crate::domain::faq_layer::{ChangeKind, FaqDraft};
use crate::service::faq_admin::{Edited, Editing, FaqRefusal, HistoryPage, Topic};

/// The modal's text inputs, by `custom_id`.
pub const FAQ_QUESTION: &str = "question";
pub const FAQ_ANSWER: &str = "answer";
pub const FAQ_ALIASES: &str = "aliases";
pub const FAQ_KEY: &str = "key";

/// A modal title holds 45 characters.
const MODAL_TITLE: usize = 45;

fn cut(text: &str, most: usize) -> String {
    if text.chars().count() <= most {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(most.saturating_sub(1)).collect();
    short.push('…');
    short
}

fn inputs(entry: Option<&FaqEntry>, with_key: bool) -> Vec<CreateActionRow> {
    let mut question = CreateInputText::new(
        InputTextStyle::Short,
        "Question (as members see it in lists)",
        FAQ_QUESTION,
    )
    .placeholder("e.g. Can I text them on their birthday?")
    .max_length(CHOICE_NAME as u16)
    .required(true);
    let mut answer = CreateInputText::new(InputTextStyle::Paragraph, "Answer", FAQ_ANSWER)
        .placeholder("Markdown works. Keep it gentle, honest and short.")
        .max_length(MODAL_INPUT as u16)
        .required(true);
    let mut aliases = CreateInputText::new(
        InputTextStyle::Paragraph,
        "Other words that find it (optional)",
        FAQ_ALIASES,
    )
    .placeholder("Separated by commas or new lines, e.g. birthday, anniversary")
    .max_length(MODAL_INPUT as u16)
    .required(false);
    if let Some(entry) = entry {
        question = question.value(&entry.question);
        answer = answer.value(&entry.answer);
        if !entry.aliases.is_empty() {
            aliases = aliases.value(FaqDraft::aliases_text(&entry.aliases));
        }
    }
    let mut rows = vec![
        CreateActionRow::InputText(question),
        CreateActionRow::InputText(answer),
        CreateActionRow::InputText(aliases),
    ];
    if with_key {
        let key = CreateInputText::new(
            InputTextStyle::Short,
            "Key (optional; it never changes)",
            FAQ_KEY,
        )
        .placeholder("Lower-case letters, digits and '-'. Left empty: made from the question.")
        .max_length((CUSTOM_ID - FAQ_CUSTOM_ID_PREFIX) as u16)
        .required(false);
        rows.push(CreateActionRow::InputText(key));
    }
    rows
}

/// `/admin faq add`: an empty form.
pub fn faq_add_modal() -> CreateModal {
    CreateModal::new(FaqModal::Add.to_string(), "Add an FAQ entry").components(inputs(None, true))
}

/// `/admin faq edit`: the entry as it is now, at its revision.
pub fn faq_edit_modal(editing: &Editing) -> CreateModal {
    let id = FaqModal::Edit {
        key: editing.entry.key.clone(),
        revision: editing.revision,
    };
    let title = cut(&format!("Edit “{}”", editing.entry.key), MODAL_TITLE);
    CreateModal::new(id.to_string(), title).components(inputs(Some(&editing.entry), false))
}

/// `lines` joined, within `budget` characters: long lines are shortened first, then the
/// list is cut with how many are left out.
fn fit(lines: &[String], budget: usize) -> String {
    let total: usize = lines.iter().map(|l| l.chars().count() + 1).sum();
    if total <= budget {
        return lines.join("\n");
    }
    let share = (budget / lines.len().max(1)).saturating_sub(1).max(20);
    let mut out = String::new();
    for (index, line) in lines.iter().enumerate() {
        let line = cut(line, share);
        let more = format!("\n…and {} more", lines.len() - index);
        if out.chars().count() + line.chars().count() + 1 + more.chars().count() > budget {
            out.push_str(&more);
            break;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&line);
    }
    out
}

fn origin_note(origin: Origin) -> &'static str {
    match origin {
        Origin::File => "",
        Origin::Edited => " · *edited here*",
        Origin::Added => " · *added here*",
    }
}

/// `/admin faq list`: what members see, in order, with where each entry comes from; the
/// file's entries removed here; the server's entries set aside, with the rule each breaks.
pub fn faq_overview(server: &ServerFaq) -> CreateEmbed {
    let lines: Vec<String> = server
        .faq
        .iter()
        .zip(&server.origins)
        .enumerate()
        .map(|(index, (entry, origin))| {
            format!(
                "{}. {} · `{}`{}",
                index + 1,
                cut(&entry.question, 70),
                entry.key,
                origin_note(*origin)
            )
        })
        .collect();
    let mut embed = CreateEmbed::new()
        .colour(COLOUR)
        .title(format!(
            "This server's FAQ: {} of at most {CHOICES} entries",
            server.faq.len()
        ))
        .description(if lines.is_empty() {
            "No entry is shown here: /faq tells members there are no questions. Add one with /admin faq add.".to_owned()
        } else {
            fit(&lines, EMBED_DESCRIPTION - 900)
        })
        .footer(CreateEmbedFooter::new(
            "/admin faq add · edit · remove · history. The content file stays the default; changes here apply to this server only.",
        ));
    if !server.set_aside.is_empty() {
        let lines: Vec<String> = server
            .set_aside
            .iter()
            .map(|aside| {
                format!(
                    "`{}` {}: {}",
                    aside.entry.key,
                    cut(&aside.entry.question, 50),
                    aside.reasons.join("; ")
                )
            })
            .collect();
        embed = embed.field(
            "Not shown: these break a rule since the content file changed (edit or remove them)",
            fit(&lines, EMBED_FIELD_VALUE - 24),
            false,
        );
    }
    if !server.hidden.is_empty() {
        let lines: Vec<String> = server
            .hidden
            .iter()
            .map(|entry| format!("`{}` {}", entry.key, cut(&entry.question, 60)))
            .collect();
        embed = embed.field(
            "Removed here (add one back with /admin faq add and its key)",
            fit(&lines, EMBED_FIELD_VALUE - 24),
            false,
        );
    }
    embed
}

/// After `/admin reload`: what the server's own FAQ changes became beside the new file.
pub fn faq_layer_after_reload(server: &ServerFaq) -> String {
    if server.set_aside.is_empty() {
        return String::new();
    }
    let keys: Vec<String> = server
        .set_aside
        .iter()
        .take(5)
        .map(|aside| format!("`{}`", aside.entry.key))
        .collect();
    format!(
        "\nIn this server, {} of your own FAQ entries no longer fit beside the reloaded file and are not shown ({}{}): they are kept, and `/admin faq list` says which rule each breaks, so you can edit or remove them.",
        server.set_aside.len(),
        keys.join(", "),
        if server.set_aside.len() > 5 { ", …" } else { "" }
    )
}

/// An entry in the `/admin faq edit` and `remove` autocomplete.
pub fn faq_topic_choice(topic: &Topic) -> serenity::AutocompleteChoice {
    let name = if topic.shown {
        cut(&topic.question, CHOICE_NAME)
    } else {
        cut(&format!("(not shown) {}", topic.question), CHOICE_NAME)
    };
    serenity::AutocompleteChoice::new(name, topic.key.clone())
}

fn who(admin: Option<crate::domain::member::MemberId>) -> String {
    admin.map_or_else(
        || "an admin (who has since erased their data)".to_owned(),
        |id| format!("<@{id}>"),
    )
}

fn did(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Added => "added",
        ChangeKind::Edited => "edited",
        ChangeKind::Removed => "removed",
    }
}

/// `/admin faq history`: who changed what and when, newest first.
pub fn faq_history(page: &HistoryPage) -> CreateEmbed {
    let embed = CreateEmbed::new()
        .colour(COLOUR)
        .title("Changes to this server's FAQ");
    if page.total == 0 {
        return embed.description(
            "No one has changed this server's FAQ from Discord yet: it is the content file's.",
        );
    }
    let lines: Vec<String> = page
        .changes
        .iter()
        .map(|change| {
            format!(
                "<t:{}:f> · {} {} `{}`: {}",
                change.at.timestamp(),
                who(change.admin),
                did(change.kind),
                change.key,
                cut(&change.question, 80)
            )
        })
        .collect();
    let mut footer = format!(
        "Page {} of {} · {} change{} in all",
        page.page,
        page.pages,
        page.total,
        if page.total == 1 { "" } else { "s" }
    );
    if page.page < page.pages {
        footer.push_str(&format!(
            " · older: /admin faq history page:{}",
            page.page + 1
        ));
    }
    embed
        .description(fit(&lines, EMBED_DESCRIPTION - 200))
        .footer(CreateEmbedFooter::new(footer))
}

/// After a save: what changed, and the entry as members now see it.
pub fn faq_added(entry: &FaqEntry) -> Reply {
    Reply::private(format!(
        "Added to this server's FAQ under the key `{}`: /faq shows it here from now on. This is how it looks:",
        entry.key
    ))
    .embed(super::faq_answer(entry))
}

pub fn faq_edited(edited: &Edited) -> Reply {
    let text = if edited.changed {
        format!(
            "Saved this server's version of `{}`: /faq shows it here from now on. This is how it looks:",
            edited.entry.key
        )
    } else {
        format!(
            "Nothing changed: `{}` already read exactly like that.",
            edited.entry.key
        )
    };
    Reply::private(text).embed(super::faq_answer(&edited.entry))
}

pub fn faq_removed(entry: &FaqEntry) -> String {
    format!(
        "Removed `{}` (“{}”) from this server's FAQ: /faq no longer shows it here. To bring it back, use /admin faq add with the key `{}`.",
        entry.key,
        cut(&entry.question, 100),
        entry.key
    )
}

/// A refused save: the rules it breaks, and what the admin wrote so it is not lost (Discord
/// closes the form either way).
pub fn faq_refused(refusal: &FaqRefusal, draft: &FaqDraft) -> Reply {
    let echo = CreateEmbed::new()
        .colour(COLOUR)
        .title("What you wrote (not saved), to copy")
        .description(
            cut(&draft.answer, EMBED_DESCRIPTION - 1200)
                .trim()
                .to_owned()
                + "\u{200b}",
        )
        .field("Question", cut(&draft.question, 300) + "\u{200b}", false)
        .field(
            "Other words",
            cut(&FaqDraft::aliases_text(&draft.aliases), 500) + "\u{200b}",
            false,
        );
    Reply::private(cut(&refusal.to_string(), MESSAGE_CONTENT - 100)).embed(echo)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitted_lines_stay_within_the_budget_and_say_how_many_are_left_out() {
        let lines: Vec<String> = (0..25)
            .map(|n| format!("{n} {}", "x".repeat(300)))
            .collect();
        let text = fit(&lines, 1000);
        assert!(text.chars().count() <= 1000, "{}", text.chars().count());
        assert!(text.contains('…'));
        let short: Vec<String> = vec!["one".into(), "two".into()];
        assert_eq!(fit(&short, 1000), "one\ntwo");
    }

    #[test]
    fn cutting_marks_what_was_left_out() {
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("abc", 4), "abc");
    }
}
