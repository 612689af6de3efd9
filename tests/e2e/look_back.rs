//! Looking back and choosing a rhythm, through the real bot: the mood chart on `/program
//! status`, check-ins only on the member's days, a pause that ends by itself (across a
//! restart), the recap of a finished step, and what the export says of all of them.

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::{json, Value};

use crate::member::{
    assert_private_reply, checkin, command, enrol, new_dms, press, program, program_row, select,
    snapshot, words, Member,
};
use crate::support::TestBot;

pub fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
        .single()
        .expect("a valid instant")
}

pub async fn run_due(bot: &TestBot, at: DateTime<Utc>) -> rekindle::scheduler::RunReport {
    bot.clock.set(at);
    bot.running()
        .scheduler
        .run_due(at)
        .await
        .expect("a scheduler run")
}

/// The scheduled check-in DMs the member received.
pub fn checkin_dms(bot: &TestBot, member: &Member) -> usize {
    bot.fake
        .dm_messages_to(member.id)
        .iter()
        .filter(|m| {
            m["content"]
                .as_str()
                .is_some_and(|c| c.contains("check-in time"))
        })
        .count()
}

/// `/checkin`, then the mood `mood` on it.
pub async fn answer_with_mood(bot: &TestBot, member: &Member, mood: &str) {
    let dm = checkin(bot, member).await;
    let noted = select(
        bot,
        &member.dm,
        &format!("ci:mood:{}", dm.id),
        mood,
        &dm.message,
    )
    .await;
    assert!(words(&noted).contains("I've noted your mood"), "{noted}");
}

/// `/program pause until:{until}` and the bot's answer.
pub async fn pause_until(bot: &TestBot, member: &Member, until: &str) -> Value {
    command(
        bot,
        &member.guild,
        "program",
        json!([{"type": 1, "name": "pause", "options": [
            {"type": 3, "name": "until", "value": until}
        ]}]),
    )
    .await
}

/// `/settings days:{days}` and the bot's answer.
pub async fn set_days(bot: &TestBot, member: &Member, days: &str) -> Value {
    command(
        bot,
        &member.guild,
        "settings",
        json!([{"type": 3, "name": "days", "value": days}]),
    )
    .await
}

/// `/privacy export`, and the JSON file it sent by DM.
pub async fn export(bot: &TestBot, member: &Member) -> Value {
    let before = bot.fake.dm_messages_to(member.id).len();
    let reply = command(
        bot,
        &member.guild,
        "privacy",
        json!([{"type": 1, "name": "export", "options": []}]),
    )
    .await;
    assert_private_reply(&reply, "I've sent you a file");
    let message = new_dms(bot, member, before, 1).await.remove(0);
    serde_json::from_str(message["files"][0]["content"].as_str().expect("text"))
        .expect("valid JSON")
}

pub fn hex_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect()
}

#[tokio::test]
async fn program_status_attaches_the_mood_chart_as_a_png_with_alt_text_once_there_are_three_moods()
{
    let mut bot = TestBot::start().await;
    let member = Member::new(9401);
    enrol(&bot, &member).await;
    answer_with_mood(&bot, &member, "2").await;
    bot.clock.advance(Duration::days(1));
    answer_with_mood(&bot, &member, "3").await;

    // Two moods: no chart yet, a kind word instead; the sparkline stays.
    let (_, early) = program(&bot, &member.guild, "status").await;
    assert_private_reply(&early, "Your mood chart appears once");
    assert!(early["files"].is_null(), "no file yet: {early}");
    assert!(words(&early).contains("▃▄"), "{early}");

    bot.clock.advance(Duration::days(1));
    answer_with_mood(&bot, &member, "4").await;
    let (_, status) = program(&bot, &member.guild, "status").await;
    assert_private_reply(&status, "Your progress");
    assert!(
        words(&status).contains("▃▄▆"),
        "the sparkline stays: {status}"
    );
    let files = status["files"].as_array().expect("a file");
    assert_eq!(files.len(), 1, "{status}");
    assert_eq!(files[0]["filename"], "mood-chart.png");
    let attachment = &status["data"]["attachments"][0];
    assert_eq!(attachment["filename"], "mood-chart.png");
    let alt = attachment["description"].as_str().expect("alt text");
    assert!(
        alt.starts_with("Mood over the last 90 days: 3 check-ins, between 2 (low) and 4 (good)"),
        "{alt}"
    );
    assert!(alt.contains("Now in step 1."), "{alt}");
    assert!(
        words(&status).contains(alt),
        "the words are in the embed too"
    );
    let bytes = hex_bytes(files[0]["bytes_hex"].as_str().expect("bytes"));
    let reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .expect("a valid PNG");
    let info = reader.info();
    assert_eq!((info.width, info.height), (800, 400));
    // The message Discord would show carries the attachment with its description.
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn weekday_check_ins_send_nothing_on_saturday_and_sunday() {
    let mut bot = TestBot::start().await;
    let member = Member::new(9402);
    enrol(&bot, &member).await;
    let saved = set_days(&bot, &member, "weekdays").await;
    assert_private_reply(&saved, "Settings saved");
    assert!(words(&saved).contains("Days: weekdays"), "{saved}");
    // Monday 2 March 2026 to Monday 9 March, 19:00 UTC each day (the default time).
    let mut sent = Vec::new();
    for day in 2..=9 {
        run_due(&bot, utc(2026, 3, day, 19, 0)).await;
        sent.push(checkin_dms(&bot, &member));
    }
    // Mon..Fri one each, nothing Saturday (7) or Sunday (8), Monday again.
    assert_eq!(sent, [1, 2, 3, 4, 5, 5, 5, 6]);
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn bad_days_and_pause_ends_are_refused_clearly_and_change_nothing() {
    let mut bot = TestBot::start().await;
    let member = Member::new(9403);
    enrol(&bot, &member).await;
    let before = snapshot(&bot).await;
    let funday = set_days(&bot, &member, "mon,mon,funday").await;
    assert_private_reply(&funday, "I don't know the day “funday”");
    for empty in ["", " , "] {
        let refused = set_days(&bot, &member, empty).await;
        assert_private_reply(&refused, "Please name at least one day");
    }
    for (until, expected) in [
        ("2026-02-30", "2026-02-30 isn't a date on the calendar"),
        ("9999-12-31", "can last up to 365 days"),
        ("2026-03-01", "2026-03-01 has already passed"),
        ("2026-03-02", "That's today"),
        ("0", "That's today"),
        ("400", "can last up to 365 days"),
        ("next friday", "isn't a date I can read"),
    ] {
        let refused = pause_until(&bot, &member, until).await;
        assert_private_reply(&refused, expected);
    }
    assert_eq!(snapshot(&bot).await, before, "nothing changed");
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn a_pause_until_a_date_resumes_that_morning_and_not_before_even_across_a_restart() {
    let mut bot = TestBot::start().await;
    let member = Member::new(9404);
    enrol(&bot, &member).await;
    let paused = pause_until(&bot, &member, "2026-03-05").await;
    assert_private_reply(&paused, "paused until Thursday 5 March");
    let (_, status) = program(&bot, &member.guild, "status").await;
    assert!(
        words(&status).contains("paused until Thursday 5 March"),
        "{status}"
    );
    let exported = export(&bot, &member).await;
    assert_eq!(exported["program"]["paused_until"], "2026-03-05");
    assert_eq!(
        exported["pending_messages"],
        json!([{"kind": "resumed", "due_at": "2026-03-05T08:00:00Z", "queued": false}])
    );

    // The bot restarts while the member is paused: the end is in the database.
    bot.stop().await;
    bot.boot().await;
    let dms = bot.fake.dm_messages_to(member.id).len();
    for at in [
        utc(2026, 3, 2, 19, 0),
        utc(2026, 3, 3, 19, 0),
        utc(2026, 3, 4, 19, 0),
        utc(2026, 3, 5, 7, 59),
    ] {
        let report = run_due(&bot, at).await;
        assert_eq!(report.sent, 0, "nothing while paused ({at})");
    }
    assert_eq!(bot.fake.dm_messages_to(member.id).len(), dms);
    assert_eq!(program_row(&bot, &member).await, Some((1, 1, None)));

    // 08:00 on the 5th (the end of quiet hours): resumed, with a short warm DM, once.
    assert_eq!(run_due(&bot, utc(2026, 3, 5, 8, 0)).await.sent, 1);
    let hello = new_dms(&bot, &member, dms, 1).await.remove(0);
    assert!(words(&hello).contains("Your pause is over"), "{hello}");
    assert_eq!(program_row(&bot, &member).await, Some((1, 0, None)));
    assert_eq!(run_due(&bot, utc(2026, 3, 5, 8, 1)).await.sent, 0);
    // And the check-ins are back at the usual time.
    assert_eq!(run_due(&bot, utc(2026, 3, 5, 19, 0)).await.sent, 1);
    assert_eq!(checkin_dms(&bot, &member), 1);
    let exported = export(&bot, &member).await;
    assert_eq!(exported["program"]["paused_until"], Value::Null);
    assert_eq!(exported["step_history"][2]["event"], "resumed");
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn moving_on_opens_the_next_step_with_a_recap_of_the_last() {
    let mut bot = TestBot::start().await;
    let member = Member::new(9405);
    enrol(&bot, &member).await;
    for (mood, days_after) in [("2", 5), ("3", 5), ("4", 4)] {
        answer_with_mood(&bot, &member, mood).await;
        bot.clock.advance(Duration::days(days_after));
    }
    let ready = checkin(&bot, &member).await;
    let before = bot.fake.dm_messages_to(member.id).len();
    let moved = press(
        &bot,
        &member.dm,
        &format!("ci:next:{}", ready.id),
        &ready.message,
    )
    .await;
    assert_private_reply(&moved, "On to step 2");
    let intro = new_dms(&bot, &member, before, 1).await.remove(0);
    assert_eq!(
        intro["content"],
        "Looking back on step 1: 14 days, 3 check-ins answered. Your mood averaged 3.0 (okay) and lifted as the step went on. 🌱"
    );
    assert!(
        intro["embeds"][0]["title"]
            .as_str()
            .is_some_and(|t| t.starts_with("Step 2")),
        "{intro}"
    );
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn the_export_names_the_days_the_pause_end_and_the_next_scheduled_messages() {
    let mut bot = TestBot::start().await;
    let member = Member::new(9406);
    enrol(&bot, &member).await;
    let exported = export(&bot, &member).await;
    assert_eq!(exported["settings"]["days"], "every_day");
    assert_eq!(exported["program"]["paused_until"], Value::Null);
    // Nothing is queued yet, and still the export says what comes next.
    assert_eq!(
        exported["pending_messages"],
        json!([
            {"kind": "checkin", "due_at": "2026-03-02T19:00:00Z", "queued": false},
            {"kind": "encouragement", "due_at": "2026-03-05T12:00:00Z", "queued": false}
        ])
    );
    let saved = set_days(&bot, &member, "Saturday, sun").await;
    assert!(words(&saved).contains("Days: weekends"), "{saved}");
    let exported = export(&bot, &member).await;
    assert_eq!(exported["settings"]["days"], "weekends");
    assert_eq!(
        exported["pending_messages"],
        json!([
            {"kind": "encouragement", "due_at": "2026-03-05T12:00:00Z", "queued": false},
            {"kind": "checkin", "due_at": "2026-03-07T19:00:00Z", "queued": false}
        ])
    );
    // Once Saturday's check-in has gone, the next is Sunday's.
    assert_eq!(run_due(&bot, utc(2026, 3, 7, 19, 0)).await.sent, 1);
    let exported = export(&bot, &member).await;
    let next = exported["pending_messages"]
        .as_array()
        .expect("a list")
        .iter()
        .find(|p| p["kind"] == "checkin")
        .expect("the next check-in");
    assert_eq!(next["due_at"], "2026-03-08T19:00:00Z");
    bot.fake.assert_no_violations();
    bot.stop().await;
}
