//! Attacks on issue 13's features through the real bot: journal entries at Discord's limits
//! and full of markup, page buttons pressed after their entries went, crisis words while the
//! database is locked, a status deferred with its chart, pauses with an end pressed twice,
//! raced by a resume and by an erasure.
//!
//! Every wait has a deadline; nothing sleeps for a fixed time.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sqlx::Executor;

use crate::journal::{button, fields, footer, journal, press_on, shown, suggestions};
use crate::look_back::{answer_with_mood, hex_bytes, pause_until, run_due, utc};
use crate::member::{
    assert_private_reply, command, enrol, flags, new_dms, program, program_row, reflections, words,
    Member, EPHEMERAL,
};
use crate::support::bot::wait_for_count;
use crate::support::{TestBot, WAIT};

/// `/journal write`, then the modal submitted with `text`; the bot's answer.
async fn write(bot: &TestBot, member: &Member, text: &str) -> Value {
    let (_, modal) = journal(bot, &member.guild, "write", json!([])).await;
    assert_eq!(modal["type"], 9, "{modal}");
    let submitted = bot
        .fake
        .modal_submit(&member.guild, "jn:write", &[("entry", text)])
        .await;
    bot.fake.wait_answer(&submitted, WAIT).await
}

/// `text` repeated until it is exactly `chars` characters long.
fn filled(text: &str, chars: usize) -> String {
    text.chars().cycle().take(chars).collect()
}

#[tokio::test]
async fn entries_at_the_limit_full_of_markup_mentions_and_bidi_come_back_whole_and_valid() {
    let mut bot = TestBot::start().await;
    let member = Member::new(9501);
    enrol(&bot, &member).await;
    let texts = [
        // Astral emoji: 4000 characters, 16000 bytes.
        filled("😀", 4000),
        // Markdown left open at every cut.
        filled(
            "```rust\n**bold ||spoiler __under ~~strike `code [link](https://x.y) ",
            4000,
        ),
        // Every kind of mention.
        filled(
            "@everyone @here <@123> <@!123> <@&456> <#789> </cmd:1> <t:1:R> ",
            4000,
        ),
        // Right-to-left override, zero-width joiners, combining accents, flags.
        filled(
            "\u{202E}مرحبا\u{202C} e\u{301}\u{200D}🇫🇷👨\u{200D}👩\u{200D}👧 שלום ",
            4000,
        ),
        // A word at the very end.
        format!("{} final", "x".repeat(3994)),
    ];
    for text in &texts {
        let thanks = write(&bot, &member, text).await;
        assert_private_reply(&thanks, "It's in your journal");
    }
    let kept: Vec<String> = reflections(&bot, &member)
        .await
        .into_iter()
        .map(|(_, body)| body)
        .collect();
    assert_eq!(kept.len(), texts.len());

    // The page: five previews, each within Discord's field limits, nothing pinging.
    let (_, page) = journal(&bot, &member.guild, "list", json!([])).await;
    assert_private_reply(&page, "Your journal");
    let shown_fields = fields(&page);
    assert_eq!(shown_fields.len(), 5, "{page}");
    for (_, value) in &shown_fields {
        assert!(value.chars().count() <= 300, "{value}");
        assert!(
            !value.contains("@everyone") && !value.contains("<@"),
            "{value}"
        );
    }

    // Each entry read whole, exactly as kept, with no mention allowed.
    let choices = suggestions(&bot, &member.guild, "").await;
    assert_eq!(choices.len(), texts.len(), "{choices:?}");
    for choice in &choices {
        let name = choice["name"].as_str().expect("a label");
        assert!(name.chars().count() <= 100, "{name}");
        let (_, whole) = journal(
            &bot,
            &member.guild,
            "read",
            json!([{"type": 3, "name": "entry", "value": choice["value"]}]),
        )
        .await;
        assert_eq!(flags(&whole) & EPHEMERAL, EPHEMERAL);
        let description = whole["data"]["embeds"][0]["description"]
            .as_str()
            .expect("the entry");
        assert!(
            kept.iter().any(|k| k == description),
            "read back as written"
        );
        assert_eq!(whole["data"]["allowed_mentions"]["parse"], json!([]));
    }

    // Searching for markup and mentions finds them as text.
    for (search, expected) in [("@everyone", 1), ("<@&456>", 1), ("```rust", 1), ("😀", 1)] {
        let (_, found) = journal(
            &bot,
            &member.guild,
            "search",
            json!([{"type": 3, "name": "text", "value": search}]),
        )
        .await;
        assert_eq!(fields(&found).len(), expected, "{search}: {found}");
    }
    // A 10,000-character search is refused in a few words.
    let (_, long) = journal(
        &bot,
        &member.guild,
        "search",
        json!([{"type": 3, "name": "text", "value": "a".repeat(6000)}]),
    )
    .await;
    assert_private_reply(&long, "up to 100 characters");
    assert!(words(&long).chars().count() < 300, "{long}");
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn page_buttons_pressed_after_their_entries_were_deleted_show_what_is_left() {
    let mut bot = TestBot::start().await;
    let member = Member::new(9502);
    enrol(&bot, &member).await;
    let texts: Vec<String> = (0..12).map(|n| format!("Evening number {n}")).collect();
    crate::journal::write_by_dm(&bot, &member, &texts).await;
    let (first, page1) = journal(&bot, &member.guild, "list", json!([])).await;
    let (older, _) = button(&page1, "jn:old:9502:");
    let (second, page2) = press_on(&bot, &member.guild, &older, &shown(&bot, &first)).await;
    assert_eq!(footer(&page2), "Entries 6–10 of 12 · only you can see this");
    let stale = shown(&bot, &second);
    let (stale_older, _) = button(&page2, "jn:old:9502:");
    let (stale_newer, _) = button(&page2, "jn:new:9502:");

    // Everything but the two newest is deleted meanwhile (another window, an export and a
    // clean-up): the buttons of the old page still answer, with what is left.
    sqlx::query("DELETE FROM reflections WHERE member_id = 9502 AND body NOT IN (?1, ?2)")
        .bind(&texts[11])
        .bind(&texts[10])
        .execute(bot.running().store.pool())
        .await
        .expect("deleted");
    for pressed in [&stale_older, &stale_newer] {
        let (_, page) = press_on(&bot, &member.guild, pressed, &stale).await;
        assert_eq!(page["type"], 7, "{page}");
        assert_eq!(footer(&page), "Entries 1–2 of 2 · only you can see this");
        let values: Vec<String> = fields(&page).into_iter().map(|f| f.1).collect();
        assert_eq!(values, [texts[11].clone(), texts[10].clone()]);
    }
    // All of them gone: an empty journal, said kindly, no buttons.
    sqlx::query("DELETE FROM reflections WHERE member_id = 9502")
        .execute(bot.running().store.pool())
        .await
        .expect("deleted");
    let (_, empty) = press_on(&bot, &member.guild, &stale_older, &stale).await;
    assert!(words(&empty).contains("Your journal is empty"), "{empty}");
    assert!(crate::member::custom_ids(&empty).is_empty(), "{empty}");
    // Forged ids: negative, zero, huge, SQL-ish: not ours, nothing read.
    for forged in [
        "jn:old:9502:-1",
        "jn:old:9502:0",
        "jn:new:9502:99999999999999999999",
        "jn:del:9502:1 OR 1=1",
        "jn:delok:9502:1;DROP TABLE reflections",
        "jn:old:-9502:1",
    ] {
        let (_, refused) = press_on(&bot, &member.guild, forged, &stale).await;
        assert!(
            words(&refused).contains("no longer in use"),
            "{forged}: {refused}"
        );
    }
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn crisis_words_in_a_journal_entry_while_the_database_is_locked_get_the_reply_first() {
    let mut bot = TestBot::start().await;
    let member = Member::new(9503);
    enrol(&bot, &member).await;
    let (_, modal) = journal(&bot, &member.guild, "write", json!([])).await;
    assert_eq!(modal["type"], 9);
    let mut lock = bot.lock_database().await;
    let locked_at = Instant::now();
    let submitted = bot
        .fake
        .modal_submit(
            &member.guild,
            "jn:write",
            &[("entry", "i dont want to be alive anymore")],
        )
        .await;
    let callback = bot.fake.wait_callback(&submitted, WAIT).await;
    let answered = locked_at.elapsed();
    assert!(answered < Duration::from_millis(2500), "{answered:?}");
    assert_eq!(callback["type"], 4, "the reply itself, not a deferral");
    assert!(words(&callback).contains("emergency number"), "{callback}");
    assert_eq!(flags(&callback) & EPHEMERAL, EPHEMERAL);
    // Nothing could be kept while locked; once the lock goes, the words are.
    lock.execute("ROLLBACK").await.expect("released");
    drop(lock);
    wait_for_count(
        &bot,
        "SELECT COUNT(*) FROM reflections WHERE member_id = 9503 AND checkin_id IS NULL",
        1,
    )
    .await;
    bot.fake.assert_no_violations();
    bot.stop().await;
}

/// Three moods over three days, so `/program status` draws a chart.
async fn three_moods(bot: &TestBot, member: &Member) {
    for mood in ["2", "4", "3"] {
        answer_with_mood(bot, member, mood).await;
        bot.clock.advance(chrono::Duration::days(1));
    }
}

/// The PNG and the description of the chart attached to `payload` / `files`.
fn chart_of(payload: &Value, files: &Value) -> ((u32, u32), String) {
    let file = files
        .as_array()
        .and_then(|f| f.first())
        .unwrap_or_else(|| panic!("a file: {payload}"));
    assert_eq!(file["filename"], "mood-chart.png");
    let bytes = hex_bytes(file["bytes_hex"].as_str().expect("bytes"));
    let reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .expect("a valid PNG");
    let size = (reader.info().width, reader.info().height);
    let description = payload["attachments"][0]["description"]
        .as_str()
        .unwrap_or_else(|| panic!("alt text: {payload}"))
        .to_owned();
    (size, description)
}

#[tokio::test]
async fn a_status_while_the_database_is_locked_comes_in_time_with_its_chart() {
    let mut bot = TestBot::start().await;
    let member = Member::new(9504);
    enrol(&bot, &member).await;
    three_moods(&bot, &member).await;
    let mut lock = bot.lock_database().await;
    let asked = Instant::now();
    let (interaction, status) = program(&bot, &member.guild, "status").await;
    let callback_at = bot
        .fake
        .requests()
        .iter()
        .find(|r| r.path.contains(&interaction.token) && r.path.ends_with("/callback"))
        .map(|r| r.at)
        .expect("the callback");
    assert!(callback_at - asked < Duration::from_millis(2500));
    assert_private_reply(&status, "Your progress");
    let ((width, height), alt) = chart_of(&status["data"], &status["files"]);
    assert_eq!((width, height), (800, 400));
    assert!(
        alt.starts_with("Mood over the last 90 days: 3 check-ins"),
        "{alt}"
    );
    lock.execute("ROLLBACK").await.expect("released");
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn a_status_that_follows_the_closed_dms_notice_carries_its_chart_as_a_follow_up() {
    // The notice is the interaction's first answer, so the status (and its chart) goes as a
    // follow-up: the file and its alt text must ride along.
    let mut bot = TestBot::start().await;
    let member = Member::new(9505);
    enrol(&bot, &member).await;
    three_moods(&bot, &member).await;
    bot.fake.close_dms_for(member.id);
    // Three days of moods from Monday 2 March; Thursday's 19:00 check-in finds DMs closed.
    run_due(&bot, utc(2026, 3, 5, 19, 0)).await;
    assert_eq!(crate::member::reachable(&bot, &member).await, Some(0));
    let interaction = bot
        .fake
        .slash(
            &member.guild,
            "program",
            json!([{"type": 1, "name": "status", "options": []}]),
        )
        .await;
    let notice = bot.fake.wait_callback(&interaction, WAIT).await;
    assert_private_reply(&notice, "your DMs seem to be closed");
    let followup = bot.fake.wait_followup_or_edit(&interaction, WAIT).await;
    let payload = followup.payload().clone();
    assert!(words(&payload).contains("Your progress"), "{payload}");
    assert_eq!(
        payload["flags"].as_u64().unwrap_or(0) & EPHEMERAL,
        EPHEMERAL
    );
    let ((width, height), alt) = chart_of(&payload, &followup.body["files"]);
    assert_eq!((width, height), (800, 400));
    assert!(alt.contains("3 check-ins"), "{alt}");
    bot.fake.assert_no_violations();
    bot.stop().await;
}

/// `(paused_until, resume_at)` of the member's program.
async fn pause_row(bot: &TestBot, member: &Member) -> (Option<String>, Option<i64>) {
    sqlx::query_as("SELECT paused_until, resume_at FROM programs WHERE member_id = ?1")
        .bind(member.id as i64)
        .fetch_one(bot.running().store.pool())
        .await
        .expect("a program")
}

/// The "your pause is over" DMs the member received.
fn welcomes_back(bot: &TestBot, member: &Member) -> usize {
    bot.fake
        .dm_messages_to(member.id)
        .iter()
        .filter(|m| words(m).contains("Your pause is over"))
        .count()
}

/// `(event, step)` lines of the member's history with `event`.
async fn history_count(bot: &TestBot, member: &Member, event: &str) -> usize {
    crate::member::history(bot, member)
        .await
        .iter()
        .filter(|(e, _)| e == event)
        .count()
}

#[tokio::test]
async fn pause_until_pressed_twice_at_once_with_different_dates_ends_on_one_of_them_consistently() {
    let mut bot = TestBot::start().await;
    for round in 0..4u64 {
        let member = Member::new(9510 + round);
        enrol(&bot, &member).await;
        let ask = |until: &'static str| {
            bot.fake.slash(
                &member.guild,
                "program",
                json!([{"type": 1, "name": "pause", "options": [
                    {"type": 3, "name": "until", "value": until}
                ]}]),
            )
        };
        let (one, two) = tokio::join!(ask("2026-03-06"), ask("2026-03-20"));
        let answers = [
            bot.fake.wait_answer(&one, WAIT).await,
            bot.fake.wait_answer(&two, WAIT).await,
        ];
        assert!(
            words(&answers[0]).contains("paused until Friday 6 March"),
            "{answers:?}"
        );
        assert!(
            words(&answers[1]).contains("paused until Friday 20 March"),
            "{answers:?}"
        );
        let (date, at) = pause_row(&bot, &member).await;
        let expected_at = match date.as_deref() {
            Some("2026-03-06") => utc(2026, 3, 6, 8, 0).timestamp(),
            Some("2026-03-20") => utc(2026, 3, 20, 8, 0).timestamp(),
            other => panic!("round {round}: the end is {other:?}"),
        };
        assert_eq!(
            at,
            Some(expected_at),
            "round {round}: date and instant agree"
        );
        assert_eq!(history_count(&bot, &member, "paused").await, 1);
        let (_, status) = program(&bot, &member.guild, "status").await;
        let shown = if date.as_deref() == Some("2026-03-06") {
            "paused until Friday 6 March"
        } else {
            "paused until Friday 20 March"
        };
        assert!(words(&status).contains(shown), "{status}");
    }
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn a_resume_by_hand_racing_the_pause_ending_by_itself_resumes_once_with_one_hello_at_most() {
    let mut bot = TestBot::start().await;
    for round in 0..5u32 {
        // Each round its own end, so the scheduler's run races this member's resume only.
        let member = Member::new(9520 + u64::from(round));
        enrol(&bot, &member).await;
        let day = 4 + round;
        let paused = pause_until(&bot, &member, &format!("2026-03-{day:02}")).await;
        assert_private_reply(&paused, "paused until");
        let end = utc(2026, 3, day, 8, 0);
        bot.clock.set(end);
        let resume = bot.fake.slash(
            &member.guild,
            "program",
            json!([{"type": 1, "name": "resume", "options": []}]),
        );
        let run = bot.running().scheduler.run_due(end);
        let (resume, run) = tokio::join!(resume, run);
        run.expect("a scheduler run");
        let answer = bot.fake.wait_answer(&resume, WAIT).await;
        let said = words(&answer);
        assert!(
            said.contains("Welcome back") || said.contains("aren't paused"),
            "{said}"
        );
        // Sends anything still queued, then nothing more.
        run_due(&bot, end + chrono::Duration::minutes(1)).await;
        assert!(welcomes_back(&bot, &member) <= 1);
        assert_eq!(history_count(&bot, &member, "resumed").await, 1);
        assert_eq!(program_row(&bot, &member).await, Some((1, 0, None)));
        assert_eq!(pause_row(&bot, &member).await, (None, None));
    }
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn an_erasure_racing_the_pause_ending_leaves_nothing_and_sends_nothing_after_it() {
    let mut bot = TestBot::start().await;
    for round in 0..5u32 {
        let member = Member::new(9530 + u64::from(round));
        enrol(&bot, &member).await;
        let day = 4 + round;
        pause_until(&bot, &member, &format!("2026-03-{day:02}")).await;
        let end = utc(2026, 3, day, 8, 0);
        bot.clock.set(end);
        let erase = bot.fake.component(&member.guild, "pv:delete", 2, &[], None);
        let run = bot.running().scheduler.run_due(end);
        let (erase, run) = tokio::join!(erase, run);
        run.expect("a scheduler run");
        let answer = bot.fake.wait_answer(&erase, WAIT).await;
        assert!(words(&answer).contains("deleted"), "{answer}");
        let after_erasure = bot.fake.dm_messages_to(member.id).len();
        run_due(&bot, end + chrono::Duration::minutes(1)).await;
        assert_eq!(bot.fake.dm_messages_to(member.id).len(), after_erasure);
        assert_eq!(program_row(&bot, &member).await, None);
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE member_id = ?1")
            .bind(member.id as i64)
            .fetch_one(bot.running().store.pool())
            .await
            .expect("a count");
        assert_eq!(left, 0);
    }
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn a_pause_that_ended_while_the_bot_was_down_resumes_once_without_a_burst() {
    let mut bot = TestBot::start().await;
    let member = Member::new(9540);
    enrol(&bot, &member).await;
    pause_until(&bot, &member, "2026-03-04").await;
    bot.stop().await;
    // Down from Monday until Saturday noon: the end (Wednesday 08:00) passed meanwhile.
    let back = utc(2026, 3, 7, 12, 0);
    bot.clock.set(back);
    bot.boot().await;
    let before = bot.fake.dm_messages_to(member.id).len();
    let report = run_due(&bot, back).await;
    assert_eq!(report.sent, 1, "the hello only: {report:?}");
    let hello = new_dms(&bot, &member, before, 1).await.remove(0);
    assert!(words(&hello).contains("Your pause is over"), "{hello}");
    assert_eq!(
        run_due(&bot, back + chrono::Duration::minutes(5))
            .await
            .sent,
        0
    );
    // The next check-in is tonight's, once.
    assert_eq!(run_due(&bot, utc(2026, 3, 7, 19, 0)).await.sent, 1);
    assert_eq!(history_count(&bot, &member, "resumed").await, 1);
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn a_timezone_change_during_a_pause_keeps_the_date_in_utc_plus_14_and_utc_minus_12() {
    let mut bot = TestBot::start().await;
    let member = Member::new(9541);
    enrol(&bot, &member).await;
    pause_until(&bot, &member, "2026-03-06").await;
    for (zone, at) in [
        // 08:00 on the 6th at UTC+14 is 18:00 on the 5th in UTC.
        ("Pacific/Kiritimati", utc(2026, 3, 5, 18, 0)),
        // 08:00 on the 6th at UTC-12 is 20:00 on the 6th in UTC.
        ("Etc/GMT+12", utc(2026, 3, 6, 20, 0)),
    ] {
        let saved = command(
            &bot,
            &member.guild,
            "settings",
            json!([{"type": 3, "name": "timezone", "value": zone}]),
        )
        .await;
        assert!(words(&saved).contains("Settings saved"), "{saved}");
        assert_eq!(
            pause_row(&bot, &member).await,
            (Some("2026-03-06".to_owned()), Some(at.timestamp())),
            "{zone}"
        );
        let (_, status) = program(&bot, &member.guild, "status").await;
        assert!(
            words(&status).contains("paused until Friday 6 March"),
            "{status}"
        );
    }
    // Not a minute before that morning at UTC-12.
    assert_eq!(run_due(&bot, utc(2026, 3, 6, 19, 59)).await.sent, 0);
    assert_eq!(run_due(&bot, utc(2026, 3, 6, 20, 0)).await.sent, 1);
    assert_eq!(welcomes_back(&bot, &member), 1);
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn pausing_without_an_end_during_a_pause_with_one_keeps_its_word_until_resume() {
    // "Without it the pause lasts until /program resume": the member paused until Thursday,
    // then asks for a pause with no end (the command, or a check-in's Pause button, which
    // says "I won't send you anything until you say so"). Thursday must bring nothing.
    let mut bot = TestBot::start().await;
    let by_command = Member::new(9550);
    let by_button = Member::new(9551);
    enrol(&bot, &by_command).await;
    enrol(&bot, &by_button).await;
    let old_checkin = crate::member::checkin(&bot, &by_button).await;
    for member in [&by_command, &by_button] {
        let paused = pause_until(&bot, member, "2026-03-05").await;
        assert_private_reply(&paused, "paused until Thursday 5 March");
    }
    let (_, open_ended) = program(&bot, &by_command.guild, "pause").await;
    assert_private_reply(&open_ended, "until you say so");
    let pressed = crate::member::press(
        &bot,
        &by_button.dm,
        &format!("ci:pause:{}", old_checkin.id),
        &old_checkin.message,
    )
    .await;
    assert!(words(&pressed).contains("until you say so"), "{pressed}");
    for member in [&by_command, &by_button] {
        assert_eq!(pause_row(&bot, member).await, (None, None));
        let (_, status) = program(&bot, &member.guild, "status").await;
        assert!(
            words(&status).contains("paused (`/program resume`"),
            "{status}"
        );
    }
    let dms = |m: &Member| bot.fake.dm_messages_to(m.id).len();
    let before = (dms(&by_command), dms(&by_button));
    for at in [
        utc(2026, 3, 5, 8, 0),
        utc(2026, 3, 5, 19, 0),
        utc(2026, 3, 9, 19, 0),
    ] {
        assert_eq!(run_due(&bot, at).await.sent, 0, "{at}");
    }
    assert_eq!((dms(&by_command), dms(&by_button)), before);
    assert_eq!(program_row(&bot, &by_command).await, Some((1, 1, None)));
    // A second open-ended pause is the refusal it always was.
    let (_, again) = program(&bot, &by_command.guild, "pause").await;
    assert_private_reply(&again, "already paused");
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn deleting_an_entry_racing_an_erasure_answers_both_kindly_and_leaves_nothing() {
    let mut bot = TestBot::start().await;
    for round in 0..4u64 {
        let member = Member::new(9560 + round);
        enrol(&bot, &member).await;
        write(&bot, &member, "words to be deleted twice over").await;
        let choices = suggestions(&bot, &member.guild, "").await;
        let id = choices[0]["value"].as_str().expect("an id").to_owned();
        let confirm = format!("jn:delok:{}:{id}", member.id);
        let (delete, erase) = tokio::join!(
            bot.fake.component(&member.guild, &confirm, 2, &[], None),
            bot.fake.component(&member.guild, "pv:delete", 2, &[], None),
        );
        let deleted = words(&bot.fake.wait_answer(&delete, WAIT).await);
        let erased = words(&bot.fake.wait_answer(&erase, WAIT).await);
        assert!(
            deleted.contains("Deleted.")
                || deleted.contains("already gone")
                || deleted.contains("haven't started"),
            "round {round}: {deleted}"
        );
        assert!(erased.contains("deleted"), "round {round}: {erased}");
        assert!(!deleted.contains("went wrong") && !erased.contains("went wrong"));
        assert!(reflections(&bot, &member).await.is_empty());
        assert_eq!(program_row(&bot, &member).await, None);
    }
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn the_chart_counts_every_mood_of_the_window_in_utc_plus_14_and_utc_minus_12() {
    let mut bot = TestBot::start().await;
    for (n, zone) in [(0u64, "Pacific/Kiritimati"), (1, "Etc/GMT+12")] {
        let member = Member::new(9570 + n);
        enrol(&bot, &member).await;
        let saved = command(
            &bot,
            &member.guild,
            "settings",
            json!([{"type": 3, "name": "timezone", "value": zone}]),
        )
        .await;
        assert!(words(&saved).contains("Settings saved"), "{saved}");
        // Late evening UTC: already tomorrow at UTC+14, still today at UTC-12.
        bot.clock.set(utc(2026, 3, 2, 23, 30));
        three_moods(&bot, &member).await;
        let (_, status) = program(&bot, &member.guild, "status").await;
        let ((width, height), alt) = chart_of(&status["data"], &status["files"]);
        assert_eq!((width, height), (800, 400));
        assert!(
            alt.starts_with(
                "Mood over the last 90 days: 3 check-ins, between 2 (low) and 4 (good)"
            ),
            "{zone}: {alt}"
        );
        assert!(alt.contains("the latest is 3 (okay)"), "{zone}: {alt}");
        assert!(alt.chars().count() <= 1024);
    }
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn ready_pressed_twice_at_once_after_a_quiet_step_sends_one_recap_without_reproach() {
    let mut bot = TestBot::start().await;
    let member = Member::new(9580);
    enrol(&bot, &member).await;
    bot.clock.advance(chrono::Duration::days(14));
    let ready = crate::member::checkin(&bot, &member).await;
    let before = bot.fake.dm_messages_to(member.id).len();
    let next = format!("ci:next:{}", ready.id);
    let (one, two) = tokio::join!(
        bot.fake
            .component(&member.dm, &next, 2, &[], Some(ready.message.clone())),
        bot.fake
            .component(&member.dm, &next, 2, &[], Some(ready.message.clone())),
    );
    for pressed in [&one, &two] {
        let answer = bot.fake.wait_answer(pressed, WAIT).await;
        assert!(words(&answer).contains("step 2"), "{answer}");
    }
    let intro = new_dms(&bot, &member, before, 1).await.remove(0);
    assert_eq!(
        intro["content"],
        "Looking back on step 1: 14 days, no check-ins answered, and that's okay. 🌱"
    );
    // Only one introduction, whatever comes after.
    run_due(&bot, utc(2026, 3, 16, 19, 0)).await;
    let intros = bot
        .fake
        .dm_messages_to(member.id)
        .iter()
        .filter(|m| words(m).contains("Looking back on step 1"))
        .count();
    assert_eq!(intros, 1);
    assert_eq!(history_count(&bot, &member, "advanced").await, 1);
    bot.fake.assert_no_violations();
    bot.stop().await;
}
