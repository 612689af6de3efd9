//! Check-in answers through the real bot: mood, the reflection modal, plain DM text and
//! journal entries, crisis replies, buttons that outlive a restart, and bad input.

use serde_json::json;

use crate::member::{
    assert_private_reply, checkin, checkins, command, enrol, new_dms, press, reflections, select,
    snapshot, words, Member,
};
use crate::support::{TestBot, WAIT};

#[tokio::test]
async fn moods_modal_reflections_dm_text_and_journal_entries_are_kept() {
    let mut bot = TestBot::start().await;
    let member = Member::new(7001);
    enrol(&bot, &member).await;

    let first = checkin(&bot, &member).await;
    let mood = select(
        &bot,
        &member.dm,
        &format!("ci:mood:{}", first.id),
        "2",
        &first.message,
    )
    .await;
    assert_private_reply(&mood, "I've noted your mood: 2 · Low");

    let modal = press(
        &bot,
        &member.dm,
        &format!("ci:reflect:{}", first.id),
        &first.message,
    )
    .await;
    assert_eq!(modal["type"], 9, "the reflection modal opens: {modal}");
    let modal_id = modal["data"]["custom_id"].as_str().expect("a modal id");
    let input = &modal["data"]["components"][0]["components"][0];
    assert_eq!(input["custom_id"], "reflection");
    assert_eq!(input["max_length"], 4000);
    let submitted = bot
        .fake
        .modal_submit(
            &member.dm,
            modal_id,
            &[("reflection", "I wrote a letter I won't send.")],
        )
        .await;
    let kept = bot.fake.wait_answer(&submitted, WAIT).await;
    assert_private_reply(&kept, "I've kept it with today's check-in");

    // A plain DM answers the open check-in; the next one goes to the journal.
    let second = checkin(&bot, &member).await;
    let before = bot.fake.dm_messages_to(member.id).len();
    bot.fake
        .dm_message(&member.dm, "Walked by the river and felt lighter.")
        .await;
    let ack = new_dms(&bot, &member, before, 1).await.remove(0);
    assert!(
        words(&ack).contains("your reflection for today's step 1 check-in"),
        "{ack}"
    );
    bot.fake.dm_message(&member.dm, "Also: I slept well.").await;
    let ack = new_dms(&bot, &member, before + 1, 1).await.remove(0);
    assert!(words(&ack).contains("in your private journal"), "{ack}");

    assert_eq!(
        reflections(&bot, &member).await,
        [
            (Some(first.id), "I wrote a letter I won't send.".to_owned()),
            (
                Some(second.id),
                "Walked by the river and felt lighter.".to_owned()
            ),
            (None, "Also: I slept well.".to_owned()),
        ]
    );
    assert_eq!(
        checkins(&bot, &member).await,
        [
            (first.id, 1, Some(2), "answered".to_owned()),
            (second.id, 1, None, "answered".to_owned()),
        ]
    );

    // Someone who never enrolled is answered, and nothing of theirs is kept.
    let stranger = Member::new(7002);
    let everything = snapshot(&bot).await;
    bot.fake
        .dm_message(&stranger.dm, "hello? is anyone there")
        .await;
    let reply = new_dms(&bot, &stranger, 0, 1).await.remove(0);
    assert!(words(&reply).contains("I haven't saved this"), "{reply}");
    assert!(words(&reply).contains("/program start"), "{reply}");
    // A message without text (an image, a sticker) gets the same answer.
    bot.fake.dm_message(&stranger.dm, "").await;
    let reply = new_dms(&bot, &stranger, 1, 1).await.remove(0);
    assert!(words(&reply).contains("I haven't saved this"), "{reply}");
    assert_eq!(snapshot(&bot).await, everything, "nothing stored");
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn a_check_in_sent_before_a_restart_still_answers_after_it() {
    let mut bot = TestBot::start().await;
    let member = Member::new(7003);
    enrol(&bot, &member).await;
    let sent = checkin(&bot, &member).await;

    bot.stop().await;
    bot.boot().await;

    let mood = select(
        &bot,
        &member.dm,
        &format!("ci:mood:{}", sent.id),
        "4",
        &sent.message,
    )
    .await;
    assert_private_reply(&mood, "I've noted your mood: 4 · Good");
    assert_eq!(
        checkins(&bot, &member).await,
        [(sent.id, 1, Some(4), "answered".to_owned())]
    );
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn crisis_words_get_the_resources_first_and_everyday_words_do_not() {
    let mut bot = TestBot::start().await;
    let member = Member::new(7004);
    enrol(&bot, &member).await;
    checkin(&bot, &member).await;

    let before = bot.fake.dm_messages_to(member.id).len();
    bot.fake
        .dm_message(&member.dm, "Some nights I just want to die.")
        .await;
    let replies = new_dms(&bot, &member, before, 2).await;
    assert_eq!(
        replies[0]["embeds"][0]["title"], "You're not alone",
        "the resources come first: {replies:?}"
    );
    assert!(words(&replies[0]).contains("988"), "{}", replies[0]);
    assert!(
        words(&replies[1]).contains("Thank you for sharing"),
        "then the acknowledgement: {}",
        replies[1]
    );

    let before = before + 2;
    bot.fake
        .dm_message(&member.dm, "Honestly I'm killing it at the gym lately")
        .await;
    // The acknowledgement is the last thing the handler sends; nothing came before it.
    let replies = new_dms(&bot, &member, before, 1).await;
    assert!(words(&replies[0]).contains("Thank you"), "{}", replies[0]);
    assert!(replies[0]["embeds"].as_array().is_none_or(Vec::is_empty));
    assert_eq!(bot.fake.dm_messages_to(member.id).len(), before + 1);

    // Someone not enrolled gets the resources too, before being told nothing is kept.
    let stranger = Member::new(7009);
    bot.fake
        .dm_message(&stranger.dm, "I want to END MY LIFE")
        .await;
    let replies = new_dms(&bot, &stranger, 0, 2).await;
    assert_eq!(replies[0]["embeds"][0]["title"], "You're not alone");
    assert!(
        words(&replies[1]).contains("I haven't saved this"),
        "{}",
        replies[1]
    );

    // The same care applies to a reflection written in the modal.
    let today = checkin(&bot, &member).await;
    let modal = press(
        &bot,
        &member.dm,
        &format!("ci:reflect:{}", today.id),
        &today.message,
    )
    .await;
    let modal_id = modal["data"]["custom_id"].as_str().expect("a modal id");
    let submitted = bot
        .fake
        .modal_submit(
            &member.dm,
            modal_id,
            &[("reflection", "I keep thinking about suicide")],
        )
        .await;
    let kept = bot.fake.wait_answer(&submitted, WAIT).await;
    assert_private_reply(&kept, "You're not alone");
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn bad_settings_are_refused_clearly_and_change_nothing() {
    let mut bot = TestBot::start().await;
    let member = Member::new(7005);
    enrol(&bot, &member).await;
    let before = snapshot(&bot).await;

    let timezone = json!([{"type": 3, "name": "timezone", "value": "Mars/Olympus"}]);
    let refused = command(&bot, &member.guild, "settings", timezone).await;
    assert_private_reply(&refused, "I don't know the timezone “Mars/Olympus”");

    let time = json!([{"type": 3, "name": "checkin_time", "value": "25:99"}]);
    let refused = command(&bot, &member.guild, "settings", time).await;
    assert_private_reply(&refused, "“25:99” isn't a time I can use");

    // One bad option spoils the whole change: the good one is not saved either.
    let mixed = json!([
        {"type": 3, "name": "timezone", "value": "Europe/Berlin"},
        {"type": 3, "name": "checkin_time", "value": "7pm"},
    ]);
    let refused = command(&bot, &member.guild, "settings", mixed).await;
    assert_private_reply(&refused, "HH:MM");
    assert_eq!(snapshot(&bot).await, before);
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn bad_check_in_input_is_refused_clearly_and_changes_nothing() {
    let mut bot = TestBot::start().await;
    let member = Member::new(7006);
    enrol(&bot, &member).await;
    let today = checkin(&bot, &member).await;
    let before = snapshot(&bot).await;

    // A reflection over 4000 characters (a real client stops at 4000; the bot checks too).
    let modal = press(
        &bot,
        &member.dm,
        &format!("ci:reflect:{}", today.id),
        &today.message,
    )
    .await;
    let modal_id = modal["data"]["custom_id"].as_str().expect("a modal id");
    let long = "a".repeat(4001);
    let submitted = bot
        .fake
        .modal_submit_unchecked(&member.dm, modal_id, &[("reflection", &long)])
        .await;
    let refused = bot.fake.wait_answer(&submitted, WAIT).await;
    assert_private_reply(&refused, "Your reflection is 4001 characters");
    assert!(words(&refused).contains("Nothing was saved"), "{refused}");

    let unknown = press(&bot, &member.dm, "ci:dance:3", &today.message).await;
    assert_private_reply(&unknown, "no longer in use");
    let missing = select(&bot, &member.dm, "ci:mood:999999", "3", &today.message).await;
    assert_private_reply(&missing, "I couldn't find that check-in");
    assert_eq!(snapshot(&bot).await, before);
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn another_member_cannot_use_or_see_someone_elses_check_in() {
    let mut bot = TestBot::start().await;
    let member = Member::new(7007);
    let intruder = Member::new(7008);
    enrol(&bot, &member).await;
    enrol(&bot, &intruder).await;
    let today = checkin(&bot, &member).await;
    let before = snapshot(&bot).await;
    let dms_before = bot.fake.dm_messages_to(member.id).len();

    let id = today.id;
    let mood = select(
        &bot,
        &intruder.dm,
        &format!("ci:mood:{id}"),
        "1",
        &today.message,
    )
    .await;
    assert_private_reply(&mood, "I couldn't find that check-in");
    let not_theirs = words(&mood);
    for action in ["reflect", "next", "snooze", "pause"] {
        let pressed = press(
            &bot,
            &intruder.dm,
            &format!("ci:{action}:{id}"),
            &today.message,
        )
        .await;
        // The same words as for a check-in that does not exist: nothing is revealed.
        assert_private_reply(&pressed, "I couldn't find that check-in");
        assert_eq!(words(&pressed), not_theirs, "{action}");
    }
    // The owner's check-in, program and DMs are untouched; the intruder's too.
    assert_eq!(snapshot(&bot).await, before);
    assert_eq!(bot.fake.dm_messages_to(member.id).len(), dms_before);
    let own = select(
        &bot,
        &member.dm,
        &format!("ci:mood:{id}"),
        "3",
        &today.message,
    )
    .await;
    assert_private_reply(&own, "I've noted your mood: 3 · Okay");
    bot.fake.assert_no_violations();
    bot.stop().await;
}
