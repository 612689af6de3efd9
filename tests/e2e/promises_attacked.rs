//! The promises attacked again, by a hostile member, a careless admin and a failing network:
//! answers lost on their way back, a database locked in the middle of a send, the same modal
//! or command sent twice at once, an export racing an erasure.

use std::time::Duration;

use serde_json::json;

use crate::member::{command, enrol, words, Member};
use crate::support::{TestBot, WAIT};

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
