//! Rekindle's promises attacked: the same button pressed twice at once acts once; an erasure
//! racing any write or delivery leaves nothing behind and nothing arrives after it; erased
//! words leave the files; a refused token stops sending without losing anything; a busy
//! database or a slow DM still gets every interaction answered in time.

use std::time::{Duration, Instant};

use chrono::Duration as Days;
use rekindle::clock::Clock;
use serde_json::{json, Value};
use sqlx::Executor;

use crate::member::{
    assert_private_reply, checkin, command, enrol, history, new_dms, program_row, words, Member,
};
use crate::support::{file_holds, Interaction, TestBot, WAIT};

/// Presses `custom_id` on `message` twice, at the same moment; returns both answers.
async fn press_twice(
    bot: &TestBot,
    member: &Member,
    custom_id: &str,
    message: &Value,
) -> [Value; 2] {
    let (a, b) = tokio::join!(
        bot.fake
            .component(&member.dm, custom_id, 2, &[], Some(message.clone())),
        bot.fake
            .component(&member.dm, custom_id, 2, &[], Some(message.clone())),
    );
    [
        bot.fake.wait_answer(&a, WAIT).await,
        bot.fake.wait_answer(&b, WAIT).await,
    ]
}

fn events(history: &[(String, i64)], event: &str) -> usize {
    history.iter().filter(|(e, _)| e == event).count()
}

#[tokio::test]
async fn begin_pressed_twice_at_once_enrols_once_and_answers_both_the_same() {
    let mut bot = TestBot::start().await;
    let member = Member::new(9201);
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
        assert!(
            words(&answer).contains("I've sent you a direct message"),
            "{answer}"
        );
    }
    assert_eq!(events(&history(&bot, &member).await, "enrolled"), 1);
    let welcomes = bot
        .fake
        .dm_messages_to(member.id)
        .iter()
        .filter(|m| words(m).contains("Welcome to Rekindle"))
        .count();
    assert_eq!(welcomes, 1, "one welcome DM");
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn ready_for_the_next_step_pressed_twice_at_once_moves_one_step() {
    let mut bot = TestBot::start().await;
    let member = Member::new(9202);
    enrol(&bot, &member).await;
    bot.clock.advance(Days::days(30));
    let today = checkin(&bot, &member).await;
    let before = bot.fake.dm_messages_to(member.id).len();
    let answers = press_twice(
        &bot,
        &member,
        &format!("ci:next:{}", today.id),
        &today.message,
    )
    .await;
    for answer in &answers {
        assert_private_reply(answer, "On to step 2");
    }
    assert_eq!(events(&history(&bot, &member).await, "advanced"), 1);
    assert_eq!(program_row(&bot, &member).await.map(|p| p.0), Some(2));
    let intros = bot.fake.dm_messages_to(member.id)[before..].len();
    assert_eq!(intros, 1, "one introduction of step 2");
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn snooze_mood_and_pause_pressed_twice_at_once_answer_both_and_act_once() {
    let mut bot = TestBot::start().await;
    let member = Member::new(9203);
    enrol(&bot, &member).await;
    let today = checkin(&bot, &member).await;
    for answer in press_twice(
        &bot,
        &member,
        &format!("ci:snooze:{}", today.id),
        &today.message,
    )
    .await
    {
        assert_private_reply(&answer, "check in again tomorrow");
    }
    let mood = format!("ci:mood:{}", today.id);
    let (a, b) = tokio::join!(
        bot.fake
            .component(&member.dm, &mood, 3, &["4"], Some(today.message.clone())),
        bot.fake
            .component(&member.dm, &mood, 3, &["4"], Some(today.message.clone())),
    );
    for pressed in [a, b] {
        assert_private_reply(
            &bot.fake.wait_answer(&pressed, WAIT).await,
            "noted your mood",
        );
    }
    for answer in press_twice(
        &bot,
        &member,
        &format!("ci:pause:{}", today.id),
        &today.message,
    )
    .await
    {
        assert_private_reply(&answer, "paused");
    }
    assert_eq!(events(&history(&bot, &member).await, "paused"), 1);
    bot.fake.assert_no_violations();
    bot.stop().await;
}

/// `/privacy delete` and its confirm button; returns the confirm interaction.
pub async fn confirm_delete(bot: &TestBot, member: &Member) -> Interaction {
    let prompt = command(
        bot,
        &member.guild,
        "privacy",
        json!([{"type": 1, "name": "delete", "options": []}]),
    )
    .await;
    assert!(words(&prompt).contains("erases everything"), "{prompt}");
    bot.fake
        .component(&member.guild, "pv:delete", 2, &[], None)
        .await
}

/// Rows left about `member` in every table.
async fn rows_left(bot: &TestBot, member: &Member) -> i64 {
    let mut left = 0;
    for (table, column) in [
        ("members", "id"),
        ("programs", "member_id"),
        ("step_history", "member_id"),
        ("checkins", "member_id"),
        ("reflections", "member_id"),
        ("outbox", "member_id"),
    ] {
        let count: i64 =
            sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table} WHERE {column} = ?1"))
                .bind(member.id as i64)
                .fetch_one(bot.running().store.pool())
                .await
                .expect("a count");
        left += count;
    }
    left
}

#[tokio::test]
async fn delete_confirmed_twice_at_once_answers_both_and_leaves_nothing() {
    let mut bot = TestBot::start().await;
    let member = Member::new(9204);
    enrol(&bot, &member).await;
    let (a, b) = tokio::join!(confirm_delete(&bot, &member), confirm_delete(&bot, &member));
    for pressed in [a, b] {
        let answer = bot.fake.wait_answer(&pressed, WAIT).await;
        assert!(words(&answer).contains("Done"), "{answer}");
    }
    assert_eq!(rows_left(&bot, &member).await, 0);
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn a_delete_racing_every_write_and_a_delivery_leaves_nothing_and_nothing_arrives_after_it() {
    let mut bot = TestBot::start().await;
    let writes = [
        "pause", "mood", "dm", "settings", "checkin", "restart", "delivery",
    ];
    // Loop it: a race shows itself only sometimes.
    for round in 0..3u64 {
        for (n, write) in writes.iter().enumerate() {
            let member = Member::new(9300 + round * 100 + n as u64);
            enrol(&bot, &member).await;
            let today = checkin(&bot, &member).await;
            bot.clock.advance(Days::hours(1));
            let racer = async {
                match *write {
                    "pause" => {
                        let pressed = bot
                            .fake
                            .component(
                                &member.dm,
                                &format!("ci:pause:{}", today.id),
                                2,
                                &[],
                                Some(today.message.clone()),
                            )
                            .await;
                        Some(bot.fake.wait_answer(&pressed, WAIT).await)
                    }
                    "mood" => {
                        let pressed = bot
                            .fake
                            .component(
                                &member.dm,
                                &format!("ci:mood:{}", today.id),
                                3,
                                &["2"],
                                Some(today.message.clone()),
                            )
                            .await;
                        Some(bot.fake.wait_answer(&pressed, WAIT).await)
                    }
                    "dm" => {
                        bot.fake
                            .dm_message(&member.dm, "a private thought about today")
                            .await;
                        None
                    }
                    "settings" => Some(
                        command(
                            &bot,
                            &member.guild,
                            "settings",
                            json!([{"type": 3, "name": "checkin_time", "value": "07:15"}]),
                        )
                        .await,
                    ),
                    "checkin" => Some(command(&bot, &member.guild, "checkin", json!([])).await),
                    "restart" => Some(
                        command(
                            &bot,
                            &member.guild,
                            "program",
                            json!([{"type": 1, "name": "restart", "options": []}]),
                        )
                        .await,
                    ),
                    _ => {
                        let at = bot.clock.now();
                        bot.running()
                            .scheduler
                            .run_due(at + Days::days(1))
                            .await
                            .expect("a run");
                        None
                    }
                }
            };
            let eraser = async {
                let pressed = confirm_delete(&bot, &member).await;
                let answer = bot.fake.wait_answer(&pressed, WAIT).await;
                (pressed, answer)
            };
            let (racer, (pressed, erased)) = tokio::join!(racer, eraser);
            assert!(words(&erased).contains("Done"), "{write}: {erased}");
            if let Some(racer) = racer {
                assert!(
                    !words(&racer).contains("something went wrong"),
                    "{write}: no database error: {racer}"
                );
            }
            // Let any straggler finish, then look: nothing recreated, nothing sent after.
            bot.fake
                .wait_for_request("the delete's answer", WAIT, |r| {
                    r.path.contains(&pressed.token)
                })
                .await;
            assert_eq!(
                rows_left(&bot, &member).await,
                0,
                "{write}: nothing recreated"
            );
            let answered_at = bot
                .fake
                .requests()
                .into_iter()
                .filter(|r| r.path.contains(&pressed.token))
                .map(|r| r.at)
                .min()
                .expect("the delete's answer");
            let dm_path = format!("/channels/{}/messages", bot.fake.dm_channel_id(member.id));
            let late: Vec<_> = bot
                .fake
                .requests()
                .into_iter()
                .filter(|r| r.path == dm_path && r.status == 200 && r.at > answered_at)
                .filter(|r| !words(r.payload()).contains("haven't saved this"))
                .collect();
            assert!(
                late.is_empty(),
                "{write}: {} DMs after the erasure",
                late.len()
            );
        }
    }
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn erased_words_are_in_neither_database_file_and_neither_are_purged_ones() {
    let mut bot = TestBot::start().await;
    let member = Member::new(9205);
    enrol(&bot, &member).await;
    let secret = "zebra-umbrella-4417 is what I never told anyone";
    bot.fake.dm_message(&member.dm, secret).await;
    new_dms(&bot, &member, 1, 1).await;
    let db = bot.db_path();
    let wal = db.with_extension("db-wal");
    assert!(
        file_holds(&db, "zebra-umbrella-4417") || file_holds(&wal, "zebra-umbrella-4417"),
        "the words were stored"
    );
    let pressed = confirm_delete(&bot, &member).await;
    bot.fake.wait_answer(&pressed, WAIT).await;
    assert!(
        !file_holds(&db, "zebra-umbrella-4417"),
        "not in rekindle.db"
    );
    assert!(
        !file_holds(&wal, "zebra-umbrella-4417"),
        "not in rekindle.db-wal"
    );

    // Retention: a journal entry older than the retention period is purged the same way.
    let other = Member::new(9206);
    enrol(&bot, &other).await;
    bot.fake
        .dm_message(&other.dm, "walrus-lantern-8812 an old journal entry")
        .await;
    new_dms(&bot, &other, 1, 1).await;
    let later = bot.clock.now() + Days::days(200);
    bot.running().scheduler.run_due(later).await.expect("a run");
    assert!(!file_holds(&db, "walrus-lantern-8812"));
    assert!(!file_holds(&wal, "walrus-lantern-8812"));
    bot.stop().await;
}

#[tokio::test]
async fn a_refused_token_stops_sending_keeps_every_message_and_a_good_one_sends_each_once() {
    let mut bot = TestBot::start().await;
    let members: Vec<Member> = (0..3).map(|n| Member::new(9210 + n)).collect();
    for member in &members {
        enrol(&bot, member).await;
    }
    let due = bot.clock.now() + Days::hours(10);
    bot.fake.revoke_token(true);
    let refused = bot.running().scheduler.run_due(due).await;
    assert!(
        matches!(refused, Err(rekindle::scheduler::Stopped::TokenRefused)),
        "{refused:?}"
    );
    let pending: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE status = 'pending'")
        .fetch_one(bot.running().store.pool())
        .await
        .expect("a count");
    assert_eq!(pending, 3, "nothing marked failed");
    let tried = bot
        .fake
        .requests()
        .iter()
        .filter(|r| r.status == 401)
        .count();
    assert!(
        tried <= 2,
        "it stopped at once, not after every row: {tried}"
    );

    // The token is fixed and the bot restarted: each message goes out once.
    bot.fake.revoke_token(false);
    bot.stop().await;
    bot.boot().await;
    let report = bot.running().scheduler.run_due(due).await.expect("a run");
    assert_eq!(report.sent, 3);
    for member in &members {
        let checkins = bot
            .fake
            .dm_messages_to(member.id)
            .iter()
            .filter(|m| {
                m["content"]
                    .as_str()
                    .is_some_and(|c| c.contains("check-in time"))
            })
            .count();
        assert_eq!(checkins, 1);
    }
    bot.stop().await;
}

#[tokio::test]
async fn with_the_database_locked_for_8_s_every_press_is_answered_in_time() {
    let mut bot = TestBot::start().await;
    let member = Member::new(9207);
    enrol(&bot, &member).await;
    let today = checkin(&bot, &member).await;
    let mut lock = bot.lock_database().await;
    let locked_at = Instant::now();
    let pressed = bot
        .fake
        .component(
            &member.dm,
            &format!("ci:mood:{}", today.id),
            3,
            &["3"],
            Some(today.message.clone()),
        )
        .await;
    let first = bot.fake.wait_callback(&pressed, WAIT).await;
    let callback_at = bot
        .fake
        .requests()
        .iter()
        .find(|r| r.path.contains(&pressed.token) && r.path.ends_with("/callback"))
        .map(|r| r.at)
        .expect("the callback");
    let in_time = callback_at - locked_at;
    println!("locked database: the press was answered (deferred) after {in_time:?}");
    assert!(in_time < Duration::from_millis(2500), "{in_time:?}");
    assert_eq!(
        first["type"], 5,
        "deferred while the database is busy: {first}"
    );
    // The lock holds 8 s in all (the fault), then the answer follows.
    tokio::time::sleep_until((locked_at + Duration::from_secs(8)).into()).await;
    lock.execute("ROLLBACK").await.expect("release");
    drop(lock);
    let answer = bot.fake.wait_answer(&pressed, WAIT).await;
    assert!(words(&answer).contains("noted your mood"), "{answer}");
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn a_slow_dm_does_not_make_a_command_fail() {
    let mut bot = TestBot::start().await;
    let member = Member::new(9208);
    enrol(&bot, &member).await;
    bot.fake
        .set_route_delay("POST", "/channels/", Some(Duration::from_secs(4)));
    let asked = Instant::now();
    let interaction = bot.fake.slash(&member.guild, "checkin", json!([])).await;
    let first = bot.fake.wait_callback(&interaction, WAIT).await;
    assert_eq!(first["type"], 5, "answered first: {first}");
    assert!(asked.elapsed() < Duration::from_secs(3));
    let answer = bot.fake.wait_answer(&interaction, WAIT).await;
    assert!(
        words(&answer).contains("Your check-in is in your DMs"),
        "{answer}"
    );
    bot.fake.set_route_delay("POST", "/channels/", None);
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn a_huge_option_is_refused_with_a_short_quote_and_an_invisible_dm_is_not_kept() {
    let mut bot = TestBot::start().await;
    let member = Member::new(9209);
    enrol(&bot, &member).await;
    let huge = "Z".repeat(6000);
    let refused = command(
        &bot,
        &member.guild,
        "settings",
        json!([{"type": 3, "name": "timezone", "value": huge}]),
    )
    .await;
    assert_private_reply(&refused, "I don't know the timezone");
    assert!(words(&refused).chars().count() < 500, "{refused}");
    bot.fake
        .dm_message(&member.dm, "\u{200B}\u{200D}\u{FEFF}")
        .await;
    let reply = new_dms(&bot, &member, 1, 1).await.remove(0);
    assert!(words(&reply).contains("looks empty"), "{reply}");
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reflections WHERE member_id = ?1")
        .bind(member.id as i64)
        .fetch_one(bot.running().store.pool())
        .await
        .expect("a count");
    assert_eq!(kept, 0);
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn a_token_refused_while_running_stops_the_bot_naming_discord_token() {
    let mut bot = TestBot::start().await;
    let member = Member::new(9220);
    enrol(&bot, &member).await;
    bot.stop().await;
    // Its check-in is due; the token has been reset meanwhile.
    bot.clock.set(bot.clock.now() + Days::hours(10));
    bot.fake.revoke_token(true);
    let settings = crate::support::bot::test_settings(&bot.fake, &bot.database_url, &[]);
    let options = rekindle::app::StartOptions {
        background_scheduler: true,
        tuning: rekindle::scheduler::Tuning {
            max_sleep: Duration::from_millis(100),
            ..crate::support::bot::test_tuning()
        },
    };
    let running = rekindle::app::start(settings, std::sync::Arc::new(bot.clock.clone()), options)
        .await
        .expect("it starts");
    let stopped = tokio::time::timeout(WAIT, running.wait())
        .await
        .expect("it stops by itself");
    let error = stopped.expect_err("a refused token is an error");
    assert!(format!("{error:#}").contains("DISCORD_TOKEN"), "{error:#}");
    let pending: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE status = 'pending'")
        .fetch_one(
            &sqlx::SqlitePool::connect(&bot.database_url)
                .await
                .expect("the database"),
        )
        .await
        .expect("a count");
    assert_eq!(pending, 1, "the check-in waits for a good token");
}
