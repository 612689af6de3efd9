//! The program's messages: consent, welcome, step introductions, check-ins, status, settings.

use poise::serenity_prelude as serenity;
use serenity::{
    ButtonStyle, CreateActionRow, CreateButton, CreateEmbed, CreateEmbedFooter, CreateInputText,
    CreateModal, CreateSelectMenu, CreateSelectMenuKind, CreateSelectMenuOption, InputTextStyle,
};

use super::{step_detail, COLOUR};
use crate::content::{Content, Step};
use crate::discord::custom_id::CustomId;
use crate::domain::checkin::{Mood, MAX_REFLECTION_CHARS};
use crate::domain::ids::CheckinId;
use crate::domain::program::{Outcome, Program};
use crate::service::checkin::{Kept, Prepared};
use crate::service::program::Status;
use crate::service::settings::Shown;

/// What we store and why, in plain words: shown before anyone enrols, and again on welcome.
pub const PRIVACY_SUMMARY: &str = "\
**What I keep:** your Discord user id, your settings (timezone, check-in time, how often), \
which step you're in and when you moved, your check-in answers (mood 1-5) and the reflections \
or journal entries you write to me. Nothing else, and nothing from the server.\n\
**Who can see it:** only you. Admins see totals only, never names or words.\n\
**Your control:** `/privacy export` sends you everything; `/privacy delete` erases it all. \
Reflections are deleted automatically after a while.";

const NOT_A_THERAPIST: &str = "I'm a bot, not a therapist, and I can't promise any outcome. \
If things get heavy, please talk to someone you trust or a professional; `/help` lists crisis lines.";

/// The privacy notice with "Begin" and "Not now": nothing is stored until "Begin".
pub fn consent() -> (CreateEmbed, CreateActionRow) {
    let embed = CreateEmbed::new()
        .colour(COLOUR)
        .title("Before we begin")
        .description(format!(
            "The program walks you through seven steps at your own pace, with short private \
             check-ins by direct message.\n\n{PRIVACY_SUMMARY}\n\n{NOT_A_THERAPIST}"
        ));
    let buttons = CreateActionRow::Buttons(vec![
        CreateButton::new(CustomId::Begin.to_string())
            .label("Begin")
            .style(ButtonStyle::Primary),
        CreateButton::new(CustomId::NotNow.to_string())
            .label("Not now")
            .style(ButtonStyle::Secondary),
    ]);
    (embed, buttons)
}

pub const NOT_NOW: &str =
    "That's completely fine. Nothing was saved. `/program start` is here whenever you're ready.";

pub const DM_SENT: &str = "I've sent you a direct message. Take your time; there's no rush.";

/// Enrolled, but Discord did not take the welcome (not closed DMs: a failure).
pub const WELCOME_NOT_SENT: &str = "You're in: step 1 starts now. I couldn't send your welcome by direct message just now. `/steps number:1` shows step 1 any time, and your check-ins come at your check-in time.";

pub const CHECKIN_SENT: &str = "Your check-in is in your DMs. 💛";

/// A member-only action for someone who is not (or no longer) a member.
pub const NOT_ENROLLED: &str =
    "You haven't started the program yet. Use /program start whenever you feel ready.";

/// When a DM could not be delivered: how to open DMs, and what to do then.
pub fn dms_closed(then: &str) -> String {
    format!(
        "I couldn't send you a direct message: your DMs seem to be closed.\n\
         To allow them, open this server's menu (click its name), choose **Privacy Settings** \
         and turn on **Direct Messages**. Or, for all servers: **User Settings → Privacy & Safety → \
         Allow DMs from other members in this server**.\nThen {then}"
    )
}

/// The first DM: welcome, privacy, and step 1.
pub fn welcome(step: &Step) -> Vec<CreateEmbed> {
    let welcome = CreateEmbed::new().colour(COLOUR).title("Welcome to Rekindle").description(format!(
        "I'm glad you're here. I'll check in with you privately, right here, at the time you choose \
         (`/settings`). Answer with the buttons, or simply write to me: I keep what you write as your \
         reflection.\n\n{PRIVACY_SUMMARY}\n\n{NOT_A_THERAPIST}"
    ));
    vec![welcome, step_detail(step)]
}

/// A check-in DM: the step, today's prompt, and the ways to answer.
pub fn checkin(
    content: &Content,
    prepared: &Prepared,
) -> (String, CreateEmbed, Vec<CreateActionRow>) {
    let step = content.step(prepared.step.get());
    let title = step.map(|s| s.title.as_str()).unwrap_or_default();
    let prompt = step
        .and_then(|s| s.prompts.get(prepared.prompt_index))
        .map(String::as_str)
        .unwrap_or_default();
    let embed = CreateEmbed::new()
        .colour(COLOUR)
        .title(format!("Step {} · {title}", prepared.step))
        .description(format!(
            "**{prompt}**\n\nAnswer with the menu and buttons below, or just write to me here."
        ))
        .footer(CreateEmbedFooter::new(
            "Only you can see your answers · /privacy",
        ));
    let moods = Mood::ALL
        .iter()
        .map(|mood| CreateSelectMenuOption::new(mood.label(), mood.get().to_string()))
        .collect();
    let mood_menu = CreateActionRow::SelectMenu(
        CreateSelectMenu::new(
            CustomId::Mood(prepared.id).to_string(),
            CreateSelectMenuKind::String { options: moods },
        )
        .placeholder("How are you feeling today?"),
    );
    let mut buttons = vec![
        CreateButton::new(CustomId::Reflect(prepared.id).to_string())
            .label("Write a reflection")
            .style(ButtonStyle::Primary),
    ];
    if prepared.offer_next {
        buttons.push(
            CreateButton::new(CustomId::Next(prepared.id).to_string())
                .label("Ready for the next step")
                .style(ButtonStyle::Success),
        );
    }
    buttons.push(
        CreateButton::new(CustomId::Snooze(prepared.id).to_string())
            .label("Snooze a day")
            .style(ButtonStyle::Secondary),
    );
    buttons.push(
        CreateButton::new(CustomId::Pause(prepared.id).to_string())
            .label("Pause")
            .style(ButtonStyle::Secondary),
    );
    let greeting = "Hi, it's check-in time. 💛".to_owned();
    (
        greeting,
        embed,
        vec![mood_menu, CreateActionRow::Buttons(buttons)],
    )
}

/// The reflection modal for a check-in.
pub fn reflection_modal(checkin: CheckinId) -> CreateModal {
    let input = CreateInputText::new(
        InputTextStyle::Paragraph,
        "What's on your mind?",
        "reflection",
    )
    .placeholder("Write as much or as little as you like. Only you can see it.")
    .max_length(MAX_REFLECTION_CHARS as u16)
    .required(true);
    CreateModal::new(
        CustomId::ReflectionModal(checkin).to_string(),
        "Your reflection",
    )
    .components(vec![CreateActionRow::InputText(input)])
}

pub fn mood_noted(mood: Mood) -> String {
    format!("Thank you. I've noted your mood: {}.", mood.label())
}

/// With a crisis reply, before the words are stored.
pub const REFLECTION_KEEPING: &str =
    "I'm keeping what you wrote with your check-in; only you can see it.";

/// The words could not be stored after a crisis reply.
pub const REFLECTION_NOT_KEPT: &str = "I couldn't keep your reflection this time.";

pub const REFLECTION_KEPT: &str =
    "Thank you for writing that down. I've kept it with today's check-in; only you can see it.";

pub fn dm_kept(kept: Kept) -> String {
    match kept {
        Kept::Reflection { step } => format!(
            "Thank you for sharing. I've kept this as your reflection for today's step {step} check-in. Only you can see it."
        ),
        Kept::Journal => "Thank you. I've kept this in your private journal. Only you can see it.".to_owned(),
    }
}

pub const NOT_ENROLLED_DM: &str = "Hi, I'm Rekindle. I only keep words from members who have started the \
program, so I haven't saved this. Use `/program start` whenever you feel ready, or `/faq` and `/help` any time.";

pub const SNOOZED: &str =
    "Okay, I'll set this one aside and check in again tomorrow. Take care of yourself.";

pub const PAUSED: &str = "Your check-ins are paused; I won't send you anything until you say so. `/program resume` whenever you like.";

pub const RESUMED: &str = "Welcome back. Your check-ins will start again at your usual time.";

/// The DM when a pause with an end is over.
pub const RESUMED_BY_ITSELF: &str = "Hi, welcome back. 💛 Your pause is over, so your check-ins start again at your usual time. Go gently; `/program pause` is there whenever you need a break.";

/// `/program pause until:` accepted.
pub fn paused_until(date: chrono::NaiveDate) -> String {
    format!(
        "Your check-ins are paused until {}. That morning they start again by themselves, with a short hello from me. `/program resume` any time before, if you like.",
        super::long_day(date)
    )
}

/// The file name of the mood chart attachment (the embed shows it by this name).
pub const CHART_FILE: &str = "mood-chart.png";

/// A step introduction, opened by the look back at the step just finished.
pub fn step_intro(recap: Option<&crate::domain::recap::Recap>) -> Option<String> {
    recap.map(|recap| format!("{} 🌱", recap.words()))
}

/// Restarted, but Discord did not take step 1 (not closed DMs: a failure).
pub const RESTARTED_NOT_SENT: &str = "You're back at step 1. Everything you wrote before is still yours. I couldn't send step 1 by direct message just now; `/steps number:1` shows it any time.";

pub fn restarted() -> String {
    "You're back at step 1. Everything you wrote before is still yours. I've sent step 1 to your DMs.".to_owned()
}

pub fn moved_on(step: &Step) -> String {
    format!(
        "Well done for getting here. On to step {}: {}. I've sent you its introduction.",
        step.number, step.title
    )
}

/// Moved on to a step the content no longer has (it changed meanwhile).
pub fn moved_on_plain(step: u8) -> String {
    format!("Well done for getting here. You're now at step {step}.")
}

/// Moved on, but Discord did not take the introduction (not closed DMs: a failure).
pub fn moved_on_not_sent(step: &Step) -> String {
    format!(
        "Well done for getting here. You're now at step {}: {}. I couldn't send its introduction by direct message just now; `/steps number:{}` shows it any time.",
        step.number, step.title, step.number
    )
}

/// Moved on, but the introduction could not be sent because the member's DMs are closed.
pub fn moved_on_unsent(step: &Step) -> String {
    format!(
        "Well done for getting here. You're now at step {}: {}.\n{}",
        step.number,
        step.title,
        dms_closed(&format!(
            "use `/checkin` for your next check-in; `/steps number:{}` shows this step any time.",
            step.number
        ))
    )
}

/// Step 7 is done: how do things stand? Every answer is respected.
pub fn outcome_question() -> (CreateEmbed, CreateActionRow) {
    let embed = CreateEmbed::new().colour(COLOUR).title("You've reached the end of the seven steps").description(
        "However things stand, you've done real work on yourself. Where are you now? There's no right answer.",
    );
    let buttons = Outcome::ALL
        .iter()
        .map(|outcome| {
            CreateButton::new(CustomId::Outcome(*outcome).to_string())
                .label(outcome.label())
                .style(ButtonStyle::Secondary)
        })
        .collect();
    (embed, CreateActionRow::Buttons(buttons))
}

/// The closing words, one for each outcome.
pub fn finished(outcome: Outcome) -> CreateEmbed {
    let words = match outcome {
        Outcome::Reconnecting => "I'm really glad. Go gently: keep talking openly, keep rebuilding trust in small ways, and keep looking after yourself too.",
        Outcome::StillUnsure => "That's an honest place to be. You don't have to decide now; clarity often comes with time. Keep being kind to yourself.",
        Outcome::MovingOn => "That takes courage. Your growth through this is yours to keep, and your worth never depended on how this ended.",
    };
    CreateEmbed::new().colour(COLOUR).title("Thank you for walking this path").description(format!(
        "{words}\n\nI won't send more check-ins. If you'd ever like to go through the steps again, `/program restart` is here. \
         `/privacy export` gives you everything you wrote."
    ))
}

/// `/program status`.
pub fn status(status: &Status) -> CreateEmbed {
    let mut embed = CreateEmbed::new().colour(COLOUR).title("Your progress");
    embed = match status.program {
        Program::InStep { step, paused, .. } => {
            let gate = if i64::from(status.min_days) > status.days_in_step {
                format!(" (the next step opens after {} days)", status.min_days)
            } else {
                " (you can move on whenever you're ready)".to_owned()
            };
            embed
                .field(
                    "Step",
                    format!("{step} of 7 · {}", status.step_title),
                    false,
                )
                .field(
                    "Days in this step",
                    format!("{}{gate}", status.days_in_step),
                    false,
                )
                .field(
                    "Check-ins",
                    match (paused, status.paused_until) {
                        (true, Some(date)) => format!(
                            "paused until {}; they start again by themselves that morning (`/program resume` to restart them sooner)",
                            super::long_day(date)
                        ),
                        (true, None) => {
                            "paused (`/program resume` to restart them)".to_owned()
                        }
                        (false, _) => "active".to_owned(),
                    },
                    true,
                )
        }
        Program::Finished { outcome, .. } => embed
            .field("Step", "All seven steps completed", false)
            .field("Where you are", outcome.label(), false),
    };
    let moods = if status.sparkline.is_empty() {
        "no moods yet".to_owned()
    } else {
        format!("{}  {}", status.sparkline, status.trend)
    };
    embed = embed
        .field("Answered", status.answered.to_string(), true)
        .field("Current streak", status.streak.to_string(), true)
        .field("Mood, oldest to newest", moods, false);
    // The chart is its own attachment, not an embed image: an attachment keeps its
    // description (alt text) for screen readers. Its words are in the embed too.
    embed = match &status.chart {
        Some(chart) => embed.field("Mood chart", chart.alt_text.clone(), false),
        None => embed.field(
            "Mood chart",
            "Your mood chart appears once you've shared your mood in three check-ins. There's no hurry; every answer counts.",
            false,
        ),
    };
    if !status.reachable {
        embed = embed.field(
            "Direct messages",
            "I can't reach your DMs right now; `/program start` tells you how to open them.",
            false,
        );
    }
    embed.footer(CreateEmbedFooter::new("Only you can see this"))
}

/// `/settings`.
pub fn settings(shown: &Shown, changed: bool) -> CreateEmbed {
    let settings = &shown.settings;
    let region = shown.region.map_or_else(
        || "not set: support lines for anywhere".to_owned(),
        |country| format!("{} ({})", country.name, country.code),
    );
    CreateEmbed::new()
        .colour(COLOUR)
        .title(if changed {
            "Settings saved"
        } else {
            "Your settings"
        })
        .field("Timezone", settings.timezone.name(), true)
        .field("Check-in time", settings.checkin_time.to_string(), true)
        .field("Frequency", settings.frequency.as_str(), true)
        .field("Days", settings.days.as_string(), true)
        .field(
            "Encouragement",
            if settings.encouragement { "on" } else { "off" },
            true,
        )
        .field("Region (for support lines)", region, true)
        .footer(CreateEmbedFooter::new(
            "Change any of these with /settings and its options",
        ))
}
