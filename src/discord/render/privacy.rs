//! `/privacy` and `/admin stats`: what is kept, the export, deletion, and aggregates.

use poise::serenity_prelude as serenity;
use serenity::{ButtonStyle, CreateActionRow, CreateButton, CreateEmbed, CreateEmbedFooter};

use super::{COLOUR, PRIVACY_SUMMARY};
use crate::discord::custom_id::CustomId;
use crate::service::admin::Stats;
use crate::service::privacy::Deleted;

/// `/privacy info`.
pub fn privacy_info(retention_days: u32) -> CreateEmbed {
    CreateEmbed::new()
        .colour(COLOUR)
        .title("Your privacy")
        .description(format!(
            "{PRIVACY_SUMMARY}\n\n\
             **Why:** to walk with you through the steps: to know which step you're in, when to check in, \
             and to show you your own progress. Nothing is used for anything else, and nothing is shared.\n\
             **How long:** reflections and journal entries are deleted after {retention_days} days; the rest stays \
             until you delete it.\n\
             **If you may be in danger:** an automatic check reads what you write before it is \
             stored (nothing extra is kept), so that I can answer at once with support lines (your country's \
             first if you set `/settings region`). If this server has a support team, I may offer you \
             a button to ask them to reach out; only your press tells them, and only that you asked, \
             never what you wrote.\n\
             **If you edit a server's FAQ as its admin:** each change you make keeps your user id and \
             the time, so the server's admins can see who changed what (`/admin faq history`); \
             `/privacy delete` takes your id off those changes.\n\
             **Export:** `/privacy export` sends you a JSON file with everything, by DM.\n\
             **Delete:** `/privacy delete` erases it all, after you confirm."
        ))
        .footer(CreateEmbedFooter::new("Rekindle never logs what you write"))
}

pub const EXPORT_SENT: &str =
    "I've sent you a file with everything I keep about you, by direct message.";
pub const NOTHING_STORED: &str =
    "I don't keep anything about you: you haven't started the program.";
pub const EXPORT_MESSAGE: &str =
    "Here is everything I keep about you, as a JSON file. Only you have received it.";

/// The confirmation for `/privacy delete`.
pub fn delete_prompt() -> (String, CreateActionRow) {
    let text = "This erases everything I keep about you: your settings, your progress, your check-ins, \
                moods, reflections and journal entries, and any message waiting to be sent. It can't be undone. \
                (`/privacy export` first if you'd like a copy.)"
        .to_owned();
    let buttons = CreateActionRow::Buttons(vec![
        CreateButton::new(CustomId::DeleteConfirm.to_string())
            .label("Delete everything")
            .style(ButtonStyle::Danger),
        CreateButton::new(CustomId::DeleteCancel.to_string())
            .label("Keep my data")
            .style(ButtonStyle::Secondary),
    ]);
    (text, buttons)
}

pub fn deleted(deleted: &Deleted) -> String {
    if !deleted.member {
        return "Done: I keep nothing about you. If you come back, you'll start fresh.".to_owned();
    }
    format!(
        "Done. I deleted your settings and progress, {} check-in{}, {} reflection{} and journal entr{}, \
         {} step-history entr{} and {} scheduled message{}. Nothing about you is left. \
         If you come back, you'll start fresh.",
        deleted.checkins,
        plural(deleted.checkins, "", "s"),
        deleted.reflections,
        plural(deleted.reflections, "", "s"),
        plural(deleted.reflections, "y", "ies"),
        deleted.history,
        plural(deleted.history, "y", "ies"),
        deleted.pending,
        plural(deleted.pending, "", "s"),
    )
}

fn plural(count: i64, one: &'static str, many: &'static str) -> &'static str {
    if count == 1 {
        one
    } else {
        many
    }
}

pub const NOTHING_DELETED: &str = "Nothing was deleted. Your data stays private to you.";

/// `/admin stats`: totals only.
pub fn stats(stats: &Stats) -> CreateEmbed {
    let t = &stats.totals;
    let steps: String = t
        .per_step
        .iter()
        .enumerate()
        .map(|(i, n)| format!("Step {}: {n}\n", i + 1))
        .collect();
    let rate = stats
        .answer_rate()
        .map_or("no check-ins yet".to_owned(), |r| {
            format!("{r}% of {} check-ins", t.checkins_30_days)
        });
    let faq = if stats.top_faq.is_empty() {
        "no questions yet".to_owned()
    } else {
        stats
            .top_faq
            .iter()
            .map(|(question, count)| format!("{count} × {question}\n"))
            .collect()
    };
    CreateEmbed::new()
        .colour(COLOUR)
        .title("Rekindle at a glance")
        .field("Enrolled", t.enrolled.to_string(), true)
        .field("Active in 7 days", t.active_7_days.to_string(), true)
        .field("Finished", t.finished.to_string(), true)
        .field("Paused", t.paused.to_string(), true)
        .field("Members per step", steps, false)
        .field("Check-ins answered (30 days)", rate, false)
        .field("Top FAQ topics", faq, false)
        .footer(CreateEmbedFooter::new(
            "Totals only: no names, ids or words, ever",
        ))
}
