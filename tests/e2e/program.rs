//! The program through the real bot: enrolment, the seven steps with their `min_days`, the
//! outcome, status, pause/resume/restart, settings, and closed DMs.

use chrono::Duration;
use serde_json::json;

use crate::member::{
    assert_private_reply, checkin, checkins, command, content, custom_ids, enrol, flags, history,
    new_dms, press, program, program_row, reachable, select, snapshot, words, Member, EPHEMERAL,
};
use crate::support::TestBot;

#[tokio::test]
async fn a_member_walks_all_seven_steps_at_their_own_pace_and_closes_with_an_outcome() {
    let mut bot = TestBot::start().await;
    let content = content();
    let member = Member::new(6001);

    // The privacy notice comes first, privately, and nothing is stored before "Begin".
    let (_, notice) = program(&bot, &member.guild, "start").await;
    assert_eq!(flags(&notice) & EPHEMERAL, EPHEMERAL, "{notice}");
    assert!(words(&notice).contains("What I keep"), "{notice}");
    assert!(
        snapshot(&bot).await.is_empty(),
        "nothing kept before consent"
    );

    let welcome = enrol(&bot, &member).await;
    assert_eq!(welcome["embeds"][0]["title"], "Welcome to Rekindle");
    assert!(
        words(&welcome).contains("What I keep"),
        "privacy: {welcome}"
    );
    assert_eq!(
        welcome["embeds"][1]["title"],
        "Step 1 · Allow time for healing"
    );
    assert_eq!(program_row(&bot, &member).await, Some((1, 0, None)));

    for step in &content.steps {
        let title = format!("Step {} · {}", step.number, step.title);

        // Too early: no "Ready for the next step", and pressing it anyway changes nothing.
        let early = checkin(&bot, &member).await;
        assert_eq!(early.message["embeds"][0]["title"], title.as_str());
        assert!(words(&early.message).contains(&step.prompts[0]), "{title}");
        assert!(early.has(&format!("ci:mood:{}", early.id)));
        assert!(early.has(&format!("ci:reflect:{}", early.id)));
        assert!(!early.has(&format!("ci:next:{}", early.id)), "{title}");
        let before = snapshot(&bot).await;
        let refused = press(
            &bot,
            &member.dm,
            &format!("ci:next:{}", early.id),
            &early.message,
        )
        .await;
        assert_private_reply(
            &refused,
            &format!("Step {} asks for a little more time", step.number),
        );
        assert!(
            words(&refused).contains(&format!("opens in {} days", step.min_days)),
            "{refused}"
        );
        assert_eq!(snapshot(&bot).await, before, "a refusal changes nothing");

        // After min_days the check-in offers the next step (and the next prompt).
        bot.clock.advance(Duration::days(i64::from(step.min_days)));
        let ready = checkin(&bot, &member).await;
        assert!(words(&ready.message).contains(&step.prompts[1]), "{title}");
        let next = format!("ci:next:{}", ready.id);
        assert!(ready.has(&next), "{title}: {}", ready.message);
        let dms_before = bot.fake.dm_messages_to(member.id).len();
        let moved = press(&bot, &member.dm, &next, &ready.message).await;

        match content.step(step.number + 1) {
            Some(following) => {
                assert_private_reply(&moved, &format!("On to step {}", following.number));
                let intro = new_dms(&bot, &member, dms_before, 1).await.remove(0);
                assert_eq!(
                    intro["embeds"][0]["title"],
                    format!("Step {} · {}", following.number, following.title).as_str()
                );
                assert_eq!(
                    program_row(&bot, &member).await,
                    Some((i64::from(following.number), 0, None))
                );
            }
            None => {
                // Step 7: how do things stand? Asked privately, nothing closed yet.
                assert_eq!(flags(&moved) & EPHEMERAL, EPHEMERAL, "{moved}");
                assert!(words(&moved).contains("end of the seven steps"), "{moved}");
                assert_eq!(
                    custom_ids(&moved),
                    [
                        "pg:outcome:reconnecting",
                        "pg:outcome:still_unsure",
                        "pg:outcome:moving_on"
                    ]
                );
                assert_eq!(program_row(&bot, &member).await, Some((7, 0, None)));
            }
        }
    }

    // The outcome closes the program; the question is replaced by the closing words.
    let question = bot
        .fake
        .created_messages(bot.fake.dm_channel_id(member.id))
        .pop()
        .expect("a DM to press on");
    let closing = press(&bot, &member.dm, "pg:outcome:still_unsure", &question).await;
    assert_eq!(closing["type"], 7, "the question is replaced: {closing}");
    assert!(words(&closing).contains("Thank you for walking this path"));
    assert!(words(&closing).contains("/program restart"), "{closing}");
    assert!(custom_ids(&closing).is_empty(), "{closing}");

    let (_, status) = program(&bot, &member.guild, "status").await;
    assert_private_reply(&status, "All seven steps completed");
    assert!(words(&status).contains("I'm still unsure"), "{status}");

    // Later: no more check-ins, said kindly, and nothing recorded.
    bot.clock.advance(Duration::days(1));
    let dms_before = bot.fake.dm_messages_to(member.id).len();
    let refused = command(&bot, &member.guild, "checkin", json!([])).await;
    assert_private_reply(&refused, "You've completed all seven steps");
    assert!(words(&refused).contains("/program restart"), "{refused}");
    assert_eq!(bot.fake.dm_messages_to(member.id).len(), dms_before);

    assert_eq!(
        program_row(&bot, &member).await,
        Some((7, 0, Some("still_unsure".to_owned())))
    );
    let mut expected = vec![("enrolled".to_owned(), 1)];
    expected.extend((2..=7).map(|s| ("advanced".to_owned(), s)));
    expected.push(("finished".to_owned(), 7));
    assert_eq!(history(&bot, &member).await, expected);
    let steps: Vec<i64> = checkins(&bot, &member).await.iter().map(|c| c.1).collect();
    assert_eq!(steps, [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7]);
    let scheduled: Option<i64> =
        sqlx::query_scalar("SELECT next_checkin_at FROM programs WHERE member_id = ?1")
            .bind(member.id as i64)
            .fetch_one(bot.running().store.pool())
            .await
            .expect("read the schedule");
    assert_eq!(scheduled, None, "a finished program schedules nothing");

    // The offered way back: /program restart begins again at step 1.
    let (_, again) = program(&bot, &member.guild, "restart").await;
    assert_private_reply(&again, "You're back at step 1");
    assert_eq!(program_row(&bot, &member).await, Some((1, 0, None)));
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn closed_dms_are_explained_and_opening_them_lets_the_welcome_through() {
    let mut bot = TestBot::start().await;
    let member = Member::new(6002);
    bot.fake.close_dms_for(member.id);

    let (interaction, _) = program(&bot, &member.guild, "start").await;
    let notice = bot.fake.original_response(&interaction).expect("a notice");
    let closed = press(&bot, &member.guild, "pg:begin", &notice).await;
    assert!(
        words(&closed).contains("your DMs seem to be closed"),
        "{closed}"
    );
    assert!(words(&closed).contains("Privacy Settings"), "{closed}");
    assert!(bot.fake.dm_messages_to(member.id).is_empty());
    assert_eq!(reachable(&bot, &member).await, Some(0));
    // Told once, by the command's own reply: no second notice about the same closed DMs.
    let undelivered = command(&bot, &member.guild, "checkin", json!([])).await;
    assert_private_reply(&undelivered, "Then run `/checkin` again.");
    assert!(
        checkins(&bot, &member).await.is_empty(),
        "nothing unsent kept"
    );

    bot.fake.open_dms_for(member.id);
    let (_, reply) = program(&bot, &member.guild, "start").await;
    assert_private_reply(&reply, "I've sent you a direct message");
    let welcome = new_dms(&bot, &member, 0, 1).await.remove(0);
    assert_eq!(welcome["embeds"][0]["title"], "Welcome to Rekindle");
    assert_eq!(reachable(&bot, &member).await, Some(1));

    // DMs closed again while a check-in sits in them: moving on still works, and the reply
    // does not claim an introduction was sent.
    bot.clock.advance(Duration::days(14));
    let ready = checkin(&bot, &member).await;
    bot.fake.close_dms_for(member.id);
    let next = format!("ci:next:{}", ready.id);
    let moved = press(&bot, &member.dm, &next, &ready.message).await;
    assert_private_reply(&moved, "You're now at step 2");
    assert!(words(&moved).contains("DMs seem to be closed"), "{moved}");
    assert!(!words(&moved).contains("I've sent you"), "{moved}");
    assert_eq!(program_row(&bot, &member).await, Some((2, 0, None)));
    assert_eq!(reachable(&bot, &member).await, Some(0));
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn status_shows_step_days_answers_streak_and_mood_trend() {
    let mut bot = TestBot::start().await;
    let member = Member::new(6003);
    enrol(&bot, &member).await;
    for mood in ["2", "3", "5"] {
        let today = checkin(&bot, &member).await;
        let id = format!("ci:mood:{}", today.id);
        select(&bot, &member.dm, &id, mood, &today.message).await;
        bot.clock.advance(Duration::days(1));
    }
    let today = checkin(&bot, &member).await; // open: it does not break the streak
                                              // Snoozing an answered check-in sets nothing aside: it still counts.
    let answered = checkins(&bot, &member).await[2].0;
    let snoozed = press(
        &bot,
        &member.dm,
        &format!("ci:snooze:{answered}"),
        &today.message,
    )
    .await;
    assert_private_reply(&snoozed, "check in again tomorrow");

    // Asked in the DMs with the bot, where /program also works.
    let (_, status) = program(&bot, &member.dm, "status").await;
    assert_private_reply(&status, "Step: 1 of 7 · Allow time for healing");
    let shown = words(&status);
    assert!(shown.contains("Days in this step: 3"), "{shown}");
    assert!(shown.contains("after 14 days"), "{shown}");
    assert!(shown.contains("Answered: 3"), "{shown}");
    assert!(shown.contains("Current streak: 3"), "{shown}");
    assert!(shown.contains("▃▄█"), "sparkline of moods 2, 3, 5: {shown}");
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn pause_resume_and_restart_do_what_they_say_and_keep_the_history() {
    let mut bot = TestBot::start().await;
    let member = Member::new(6004);
    enrol(&bot, &member).await;
    let next_checkin = || async {
        sqlx::query_scalar::<_, Option<i64>>(
            "SELECT next_checkin_at FROM programs WHERE member_id = ?1",
        )
        .bind(member.id as i64)
        .fetch_one(bot.running().store.pool())
        .await
        .expect("read the schedule")
    };
    assert!(next_checkin().await.is_some(), "enrolled: scheduled");

    let (_, paused) = program(&bot, &member.guild, "pause").await;
    assert_private_reply(&paused, "Your check-ins are paused");
    assert_eq!(program_row(&bot, &member).await, Some((1, 1, None)));
    assert_eq!(next_checkin().await, None, "paused: nothing scheduled");
    let (_, again) = program(&bot, &member.guild, "pause").await;
    assert_private_reply(&again, "already paused");

    let (_, resumed) = program(&bot, &member.guild, "resume").await;
    assert_private_reply(&resumed, "Welcome back");
    assert_eq!(program_row(&bot, &member).await, Some((1, 0, None)));
    assert!(next_checkin().await.is_some(), "resumed: scheduled again");

    // Move on to step 2, then restart: back at step 1, step 1 by DM, history kept.
    bot.clock.advance(Duration::days(14));
    let ready = checkin(&bot, &member).await;
    press(
        &bot,
        &member.dm,
        &format!("ci:next:{}", ready.id),
        &ready.message,
    )
    .await;
    assert_eq!(program_row(&bot, &member).await, Some((2, 0, None)));
    let dms_before = bot.fake.dm_messages_to(member.id).len();
    let (_, restarted) = program(&bot, &member.guild, "restart").await;
    assert_private_reply(&restarted, "You're back at step 1");
    let intro = new_dms(&bot, &member, dms_before, 1).await.remove(0);
    assert_eq!(
        intro["embeds"][0]["title"],
        "Step 1 · Allow time for healing"
    );
    assert_eq!(program_row(&bot, &member).await, Some((1, 0, None)));
    let events: Vec<String> = history(&bot, &member)
        .await
        .into_iter()
        .map(|h| h.0)
        .collect();
    assert_eq!(
        events,
        ["enrolled", "paused", "resumed", "advanced", "restarted"]
    );
    assert_eq!(checkins(&bot, &member).await.len(), 1, "check-ins kept");
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn settings_show_the_current_values_and_save_valid_changes() {
    let mut bot = TestBot::start().await;
    let member = Member::new(6005);
    enrol(&bot, &member).await;

    let shown = command(&bot, &member.guild, "settings", json!([])).await;
    assert_private_reply(&shown, "Your settings");
    let text = words(&shown);
    for expected in [
        "Timezone: UTC",
        "Check-in time: 19:00",
        "Frequency: daily",
        "Encouragement: on",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }

    let options = json!([
        {"type": 3, "name": "timezone", "value": "Europe/Berlin"},
        {"type": 3, "name": "checkin_time", "value": "08:30"},
        {"type": 4, "name": "frequency", "value": 2}, // weekly
        {"type": 5, "name": "encouragement", "value": false},
    ]);
    let saved = command(&bot, &member.guild, "settings", options).await;
    assert_private_reply(&saved, "Settings saved");
    assert!(words(&saved).contains("Timezone: Europe/Berlin"), "{saved}");
    let row: (String, String, String, i64) = sqlx::query_as(
        "SELECT timezone, checkin_time, frequency, encouragement FROM members WHERE id = ?1",
    )
    .bind(member.id as i64)
    .fetch_one(bot.running().store.pool())
    .await
    .expect("read settings");
    assert_eq!(
        row,
        (
            "Europe/Berlin".to_owned(),
            "08:30".to_owned(),
            "weekly".to_owned(),
            0
        )
    );
    bot.fake.assert_no_violations();
    bot.stop().await;
}
