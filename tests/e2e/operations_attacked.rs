//! Attacks on running the bot (issue 12): a server that cannot be left at the first try, a
//! form submitted from a server that is not a home server, a clock set back under the alerts'
//! hour, and the metrics counting what happened once.

use rekindle::domain::ids::GuildId;
use serde_json::json;

use crate::member::{assert_private_reply, command};
use crate::support::{Actor, TestBot, WAIT};

/// A server that is not on the list, with its text channel.
const STRANGE_GUILD: u64 = 900_000_000_000_000_600;
const STRANGE_CHANNEL: u64 = 900_000_000_000_000_601;

async fn home_only() -> TestBot {
    let home = GuildId::new(crate::support::fake::HOME_GUILD);
    TestBot::start_with(|settings| settings.servers.allowed = vec![home]).await
}

#[tokio::test]
async fn a_server_not_on_the_list_is_still_left_when_leaving_fails_with_a_5xx_then_a_429() {
    let mut bot = home_only().await;
    bot.fake.fail_leaving(&[502, 429]);
    bot.fake.add_bot_to_guild(STRANGE_GUILD, STRANGE_CHANNEL).await;
    let path = format!("/users/@me/guilds/{STRANGE_GUILD}");
    bot.fake
        .wait_for_requests("the bot to try leaving three times", 3, WAIT, |r| {
            r.method == "DELETE" && r.path == path
        })
        .await;
    assert_eq!(bot.fake.left_guilds(), vec![STRANGE_GUILD]);
    let statuses: Vec<u16> = bot
        .fake
        .requests()
        .iter()
        .filter(|r| r.method == "DELETE" && r.path == path)
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, vec![502, 429, 204], "no more tries once it left");
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn a_form_submitted_from_a_server_not_on_the_list_gets_one_private_line_and_saves_nothing() {
    let mut bot = home_only().await;
    // The form as the home server's admins get it (so the fake knows its inputs)...
    let opened = command(
        &bot,
        &Actor::admin(12_101),
        "admin",
        json!([{"type": 2, "name": "faq", "options": [{"type": 1, "name": "add", "options": []}]}]),
    )
    .await;
    assert_eq!(opened["type"], 9, "{opened}");
    // ...submitted by an admin of a server that is not a home server.
    let stranger = Actor::admin(12_102).in_server(STRANGE_GUILD, STRANGE_CHANNEL);
    let interaction = bot
        .fake
        .modal_submit(
            &stranger,
            "faq:add",
            &[
                ("question", "Who runs this place?"),
                ("answer", "We do now."),
                ("key", "takeover"),
            ],
        )
        .await;
    let reply = bot.fake.wait_answer(&interaction, WAIT).await;
    assert_private_reply(&reply, "This bot only serves its home server.");
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM faq_layer")
        .fetch_one(bot.running().store.pool())
        .await
        .expect("a count");
    assert_eq!(rows, 0, "nothing saved for any server");
    bot.fake.assert_no_violations();
    bot.stop().await;
}
