//! The promises attacked again, by a hostile member, a careless admin and a failing network:
//! answers lost on their way back, a database locked in the middle of a send, the same modal
//! or command sent twice at once, an export racing an erasure.

use std::str::FromStr;
use std::time::Duration;

use rekindle::clock::Clock;
use serde_json::{json, Value};
use sqlx::{Connection, Executor};

use crate::member::{checkin, command, enrol, words, Member};
use crate::promises::confirm_delete;
use crate::support::{file_holds, TestBot, WAIT};

const ACUTE: &str = "honestly i just want to die tonight";

/// Successful message creations in the member's DMs whose words contain `needle`.
fn dms_saying(bot: &TestBot, member: &Member, needle: &str) -> usize {
    bot.fake
        .dm_messages_to(member.id)
        .iter()
        .filter(|m| words(m).contains(needle))
        .count()
}

/// Export files the member received.
fn export_files(bot: &TestBot, member: &Member) -> usize {
    bot.fake
        .dm_messages_to(member.id)
        .iter()
        .filter(|m| m["files"].as_array().is_some_and(|f| !f.is_empty()))
        .count()
}

/// A message POST to the member's DM channel that succeeded and says `needle`.
async fn wait_for_dm_saying(bot: &TestBot, member: &Member, needle: &str) {
    let path = format!("/channels/{}/messages", bot.fake.dm_channel_id(member.id));
    let needle = needle.to_owned();
    bot.fake
        .wait_for_request("a DM", WAIT, move |r| {
            r.method == "POST"
                && r.path == path
                && r.status == 200
                && words(r.payload()).contains(&needle)
        })
        .await;
}

#[tokio::test]
async fn a_dm_whose_answer_is_lost_on_the_way_back_arrives_once() {
    // Discord created the message, but its answer came too late: the bot's request timed out
    // and it tried again. Without a nonce, every retry is one more message.
    let mut bot = TestBot::start().await;
    let crisis = Member::new(9501);
    let asking = Member::new(9502);
    let exporting = Member::new(9503);
    for member in [&crisis, &asking, &exporting] {
        enrol(&bot, member).await;
        let channel = format!("/channels/{}/messages", bot.fake.dm_channel_id(member.id));
        bot.fake
            .answer_late("POST", &channel, 1, Duration::from_secs(6));
    }
    let crisis_dm = async {
        bot.fake.dm_message(&crisis.dm, ACUTE).await;
        // The ordinary answer follows the crisis reply, never precedes it.
        wait_for_dm_saying(&bot, &crisis, "private journal").await;
    };
    let asked = command(&bot, &asking.guild, "checkin", json!([]));
    let exported = command(
        &bot,
        &exporting.guild,
        "privacy",
        json!([{"type": 1, "name": "export", "options": []}]),
    );
    let ((), asked, exported) = tokio::join!(crisis_dm, asked, exported);
    assert!(words(&asked).contains("check-in"), "{asked}");
    assert!(words(&exported).contains("sent you a file"), "{exported}");
    let arrived = (
        dms_saying(&bot, &crisis, "emergency number"),
        dms_saying(&bot, &asking, "Hi, it's check-in time"),
        export_files(&bot, &exporting),
    );
    assert_eq!(
        arrived,
        (1, 1, 1),
        "one crisis reply, one check-in, one export file"
    );
    bot.fake.assert_no_violations();
    bot.stop().await;
}

/// Waits until `sql` (one integer) is at least `at_least`.
async fn wait_until_count(bot: &TestBot, sql: &str, at_least: i64) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let value: i64 = sqlx::query_scalar(sql)
            .fetch_one(bot.running().store.pool())
            .await
            .expect("a count");
        if value >= at_least {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{sql} stayed at {value}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn a_database_locked_while_a_checkin_is_on_its_way_sends_it_once_and_keeps_it() {
    // A member whose DMs were closed when they began opens them and asks for a check-in. The
    // check-in is stored, the DM leaves, and then another connection holds the database for
    // longer than a statement waits: remembering the DM channel and that DMs work again must
    // not turn a delivered check-in into an error that is tried again from the start.
    let mut bot = TestBot::start().await;
    let member = Member::new(9504);
    bot.fake.close_dms_for(member.id);
    let (interaction, _) = crate::member::program(&bot, &member.guild, "start").await;
    let notice = bot
        .fake
        .original_response(&interaction)
        .expect("the privacy notice");
    let closed = crate::member::press(&bot, &member.guild, "pg:begin", &notice).await;
    assert!(words(&closed).contains("DMs seem to be closed"), "{closed}");
    bot.fake.open_dms_for(member.id);

    // The DM takes a moment to open: time enough to take the database's write lock after
    // the check-in was stored and before its DM was answered.
    bot.fake
        .set_route_delay("POST", "/users/@me/channels", Some(Duration::from_secs(1)));
    let asked = bot.fake.slash(&member.guild, "checkin", json!([])).await;
    let stored = format!(
        "SELECT COUNT(*) FROM checkins WHERE member_id = {}",
        member.id
    );
    wait_until_count(&bot, &stored, 1).await;
    let mut lock = bot.lock_database().await;
    wait_for_dm_saying(&bot, &member, "Hi, it's check-in time").await;
    // Held past the store's wait for a busy database (1.5 s), then released.
    tokio::time::sleep(rekindle::store::BUSY_WAIT + Duration::from_millis(700)).await;
    lock.execute("ROLLBACK").await.expect("release");
    drop(lock);
    bot.fake
        .set_route_delay("POST", "/users/@me/channels", None);

    let answer = bot.fake.wait_answer(&asked, WAIT).await;
    assert!(
        words(&answer).contains("Your check-in is in your DMs"),
        "{answer}"
    );
    assert_eq!(
        dms_saying(&bot, &member, "Hi, it's check-in time"),
        1,
        "one check-in DM"
    );
    // Its buttons work: the check-in it shows is the one stored.
    let today = bot
        .fake
        .created_messages(bot.fake.dm_channel_id(member.id))
        .pop()
        .expect("the check-in");
    let id = crate::member::custom_ids(&today)
        .iter()
        .find_map(|c| c.strip_prefix("ci:mood:").map(str::to_owned))
        .expect("a mood select");
    let mood = crate::member::select(&bot, &member.dm, &format!("ci:mood:{id}"), "4", &today).await;
    assert!(words(&mood).contains("noted your mood"), "{mood}");
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn a_reflection_submitted_twice_at_once_is_kept_once() {
    // A double click on "Submit", or a client that resends the modal: the same words for
    // the same check-in, twice at once.
    let mut bot = TestBot::start().await;
    let member = Member::new(9505);
    enrol(&bot, &member).await;
    let today = checkin(&bot, &member).await;
    let modal = crate::member::press(
        &bot,
        &member.dm,
        &format!("ci:reflect:{}", today.id),
        &today.message,
    )
    .await;
    let modal_id = modal["data"]["custom_id"]
        .as_str()
        .expect("a modal")
        .to_owned();
    let text = "Today I noticed I reach for my phone less.";
    let fields = [("reflection", text)];
    let (a, b) = tokio::join!(
        bot.fake.modal_submit(&member.dm, &modal_id, &fields),
        bot.fake.modal_submit(&member.dm, &modal_id, &fields),
    );
    for submitted in [a, b] {
        let answer = bot.fake.wait_answer(&submitted, WAIT).await;
        assert!(!words(&answer).contains("went wrong"), "{answer}");
    }
    let kept = crate::member::reflections(&bot, &member).await;
    assert_eq!(kept, vec![(Some(today.id), text.to_owned())], "kept once");
    bot.fake.assert_no_violations();
    bot.stop().await;
}

/// `/settings` with one option.
async fn setting(bot: &TestBot, member: &Member, name: &str, value: &str) -> Value {
    command(
        bot,
        &member.guild,
        "settings",
        json!([{"type": 3, "name": name, "value": value}]),
    )
    .await
}

#[tokio::test]
async fn two_settings_changed_at_once_are_both_kept() {
    // A member sets their timezone and, a moment later, their check-in time; both answers
    // say "saved". Neither change may be lost to the other.
    let mut bot = TestBot::start().await;
    for round in 0..20u64 {
        let member = Member::new(9600 + round);
        enrol(&bot, &member).await;
        let (zone, time) = tokio::join!(
            setting(&bot, &member, "timezone", "Europe/Berlin"),
            setting(&bot, &member, "checkin_time", "07:15"),
        );
        for answer in [&zone, &time] {
            assert!(!words(answer).contains("went wrong"), "{answer}");
        }
        let stored: (String, String) =
            sqlx::query_as("SELECT timezone, checkin_time FROM members WHERE id = ?1")
                .bind(member.id as i64)
                .fetch_one(bot.running().store.pool())
                .await
                .expect("the member");
        assert_eq!(
            stored,
            ("Europe/Berlin".to_owned(), "07:15".to_owned()),
            "round {round}: both changes kept"
        );
    }
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn words_erased_while_their_answer_waits_are_not_answered_as_kept() {
    // A member writes something that calls for the crisis reply, which is slow to go out;
    // their words are kept meanwhile, and they erase everything. The answer to their DM
    // follows the crisis reply: it must not tell them their words are kept, after "Done".
    let mut bot = TestBot::start().await;
    let member = Member::new(9506);
    enrol(&bot, &member).await;
    let channel = format!("/channels/{}/messages", bot.fake.dm_channel_id(member.id));
    bot.fake
        .set_route_delay("POST", &channel, Some(Duration::from_secs(1)));
    bot.fake.dm_message(&member.dm, ACUTE).await;
    let kept = format!(
        "SELECT COUNT(*) FROM reflections WHERE member_id = {}",
        member.id
    );
    wait_until_count(&bot, &kept, 1).await;
    let pressed = confirm_delete(&bot, &member).await;
    let erased = bot.fake.wait_answer(&pressed, WAIT).await;
    assert!(words(&erased).contains("Done"), "{erased}");
    let erased_at = bot
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.path.contains(&pressed.token))
        .map(|r| r.at)
        .min()
        .expect("the erasure's answer");
    let answer = bot
        .fake
        .wait_for_request("the DM's answer", WAIT, |r| {
            r.path == channel
                && r.status == 200
                && !words(r.payload()).contains("emergency")
                && !words(r.payload()).contains("Welcome to Rekindle")
        })
        .await;
    bot.fake.set_route_delay("POST", &channel, None);
    assert!(answer.at > erased_at, "the answer came after the erasure");
    assert!(
        !words(answer.payload()).contains("kept this"),
        "nothing is kept: {}",
        answer.payload()
    );
    assert_eq!(
        dms_saying(&bot, &member, "emergency number"),
        1,
        "the crisis reply went out"
    );
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn an_erasure_during_a_backup_is_answered_in_seconds_and_its_words_leave_the_files_after() {
    // `rekindle backup` (or any long read) holds an old snapshot of the database while a
    // member erases everything. The words cannot leave the write-ahead log while that reader
    // may still need them; the member must not wait for it, and the words must go once it
    // is done.
    let mut bot = TestBot::start().await;
    let member = Member::new(9507);
    enrol(&bot, &member).await;
    bot.fake
        .dm_message(&member.dm, "quokka-lighthouse-5521 what I never said")
        .await;
    let kept = format!(
        "SELECT COUNT(*) FROM reflections WHERE member_id = {}",
        member.id
    );
    wait_until_count(&bot, &kept, 1).await;
    let options =
        sqlx::sqlite::SqliteConnectOptions::from_str(&bot.database_url).expect("a SQLite URL");
    let mut backup = sqlx::SqliteConnection::connect_with(&options)
        .await
        .expect("a second connection");
    backup.execute("BEGIN").await.expect("a read transaction");
    let _: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reflections")
        .fetch_one(&mut backup)
        .await
        .expect("a snapshot");

    let pressed = confirm_delete(&bot, &member).await;
    let erased = bot.fake.wait_answer(&pressed, Duration::from_secs(5)).await;
    assert!(words(&erased).contains("Done"), "{erased}");

    backup.execute("ROLLBACK").await.expect("the backup ends");
    drop(backup);
    let at = bot.clock.now();
    bot.running().scheduler.run_due(at).await.expect("a run");
    let db = bot.db_path();
    let wal = db.with_extension("db-wal");
    assert!(
        !file_holds(&db, "quokka-lighthouse-5521"),
        "not in rekindle.db"
    );
    assert!(
        !file_holds(&wal, "quokka-lighthouse-5521"),
        "not in rekindle.db-wal"
    );
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn begin_pressed_twice_at_once_with_closed_dms_answers_both_the_same() {
    // Two presses of "Begin" act once and must say the same thing: with the member's DMs
    // closed, neither may claim a DM was sent.
    let mut bot = TestBot::start().await;
    let member = Member::new(9509);
    bot.fake.close_dms_for(member.id);
    let (interaction, _) = crate::member::program(&bot, &member.guild, "start").await;
    let notice = bot
        .fake
        .original_response(&interaction)
        .expect("the privacy notice");
    let (a, b) = tokio::join!(
        bot.fake
            .component(&member.guild, "pg:begin", 2, &[], Some(notice.clone())),
        bot.fake
            .component(&member.guild, "pg:begin", 2, &[], Some(notice.clone())),
    );
    for pressed in [a, b] {
        let answer = bot.fake.wait_answer(&pressed, WAIT).await;
        assert!(words(&answer).contains("DMs seem to be closed"), "{answer}");
    }
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn ready_for_the_next_step_pressed_twice_at_once_with_closed_dms_answers_both_the_same() {
    // The check-in sits in the member's DMs; they have closed their DMs since. Two presses
    // move them on once, and neither may claim the step's introduction was sent.
    let mut bot = TestBot::start().await;
    let member = Member::new(9510);
    enrol(&bot, &member).await;
    bot.clock.advance(chrono::Duration::days(30));
    let today = checkin(&bot, &member).await;
    bot.fake.close_dms_for(member.id);
    let next = format!("ci:next:{}", today.id);
    let (a, b) = tokio::join!(
        bot.fake
            .component(&member.dm, &next, 2, &[], Some(today.message.clone())),
        bot.fake
            .component(&member.dm, &next, 2, &[], Some(today.message.clone())),
    );
    for pressed in [a, b] {
        let answer = bot.fake.wait_answer(&pressed, WAIT).await;
        assert!(words(&answer).contains("step 2"), "{answer}");
        assert!(words(&answer).contains("DMs seem to be closed"), "{answer}");
    }
    bot.fake.assert_no_violations();
    bot.stop().await;
}
