//! A member's stored row corrupted behind the bot's back (a hand edit, a restore gone
//! wrong): they hear a kind apology, never a made-up value, and can still erase everything.

use serde_json::json;

use crate::member::{assert_private_reply, command, enrol, press, words, Member};
use crate::support::{TestBot, WAIT};

#[tokio::test]
async fn a_member_whose_row_does_not_fit_hears_an_apology_and_can_still_erase_it() {
    let mut bot = TestBot::start().await;
    let member = Member::new(9101);
    enrol(&bot, &member).await;
    // A timezone no build knows, and a region that passes the column's shape check but is
    // no country.
    sqlx::query("UPDATE members SET timezone = 'Mars/Olympus_Mons', region = 'ZZ' WHERE id = ?1")
        .bind(member.id as i64)
        .execute(bot.running().store.pool())
        .await
        .expect("corrupted");

    for sub in ["status", "pause"] {
        let reply = command(
            &bot,
            &member.guild,
            "program",
            json!([{"type": 1, "name": sub, "options": []}]),
        )
        .await;
        assert_private_reply(&reply, "something went wrong on my side");
        assert!(!words(&reply).contains("Mars"), "{reply}");
    }
    let settings = command(&bot, &member.guild, "settings", json!([])).await;
    assert_private_reply(&settings, "something went wrong on my side");

    // The safety net does not depend on the row: a crisis DM is answered at once, with the
    // lines for everyone.
    let before = bot.fake.dm_messages_to(member.id).len();
    bot.fake
        .dm_message(&member.dm, "honestly i just want to die tonight")
        .await;
    bot.fake.wait_dm_messages(member.id, before + 1, WAIT).await;
    let reply = &bot.fake.dm_messages_to(member.id)[before];
    assert!(words(reply).contains("emergency number"), "{reply}");

    let interaction = bot
        .fake
        .slash(
            &member.guild,
            "privacy",
            json!([{"type": 1, "name": "delete", "options": []}]),
        )
        .await;
    bot.fake.wait_answer(&interaction, WAIT).await;
    let shown = bot
        .fake
        .original_response(&interaction)
        .expect("the prompt");
    let done = press(&bot, &member.guild, "pv:delete", &shown).await;
    assert!(words(&done).contains("Nothing about you is left"), "{done}");
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM members WHERE id = ?1")
        .bind(member.id as i64)
        .fetch_one(bot.running().store.pool())
        .await
        .expect("count");
    assert_eq!(left, 0);
    bot.fake.assert_no_violations();
    bot.stop().await;
}
