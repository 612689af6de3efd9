//! Start, registration, /faq, /steps, /help, and surviving a dropped gateway.

use serde_json::json;

use crate::member::flags;
use crate::support::{Actor, TestBot, WAIT};

const EPHEMERAL: u64 = 64;

#[tokio::test]
async fn the_bot_starts_identifies_with_minimal_intents_and_registers_valid_commands() {
    let mut bot = TestBot::start().await;
    let commands = bot.fake.wait_commands_registered(WAIT).await;
    let names: Vec<&str> = commands.iter().filter_map(|c| c["name"].as_str()).collect();
    for expected in ["faq", "steps", "help", "program", "checkin", "settings"] {
        assert!(
            names.contains(&expected),
            "{expected} registered: {names:?}"
        );
    }
    // GUILDS (1 << 0) | DIRECT_MESSAGES (1 << 12), nothing else.
    assert_eq!(bot.fake.identify_intents(), Some(1 | (1 << 12)));
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn faq_autocomplete_ranks_the_right_entry_first() {
    let mut bot = TestBot::start().await;
    let member = Actor::member(5001);
    for (typed, key) in [
        ("jealous", "jealousy"),
        ("no contact", "no-contact"),
        ("astrology", "astrology"),
        ("seeing someone", "seeing-someone-else"),
    ] {
        let interaction = bot
            .fake
            .autocomplete(
                &member,
                "faq",
                json!([{"type": 3, "name": "topic", "value": typed, "focused": true}]),
            )
            .await;
        let callback = bot.fake.wait_answer(&interaction, WAIT).await;
        assert_eq!(callback["type"], 8, "an autocomplete result");
        let first = &callback["data"]["choices"][0];
        assert_eq!(
            first["value"], key,
            "{typed:?} ranks {key} first: {callback}"
        );
    }
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn faq_answers_are_ephemeral_unless_shared() {
    let mut bot = TestBot::start().await;
    let member = Actor::member(5002);
    let private = bot
        .fake
        .slash(
            &member,
            "faq",
            json!([{"type": 3, "name": "topic", "value": "no-contact"}]),
        )
        .await;
    let callback = bot.fake.wait_answer(&private, WAIT).await;
    assert_eq!(flags(&callback) & EPHEMERAL, EPHEMERAL, "{callback}");
    assert_eq!(
        callback["data"]["embeds"][0]["title"],
        "Should I use the no-contact rule to get them back?"
    );

    let shared = bot
        .fake
        .slash(&member, "faq", json!([{"type": 3, "name": "topic", "value": "astrology"}, {"type": 5, "name": "share", "value": true}]))
        .await;
    let callback = bot.fake.wait_answer(&shared, WAIT).await;
    assert_eq!(
        flags(&callback) & EPHEMERAL,
        0,
        "a shared answer is public: {callback}"
    );
    assert!(callback["data"]["embeds"][0]["description"]
        .as_str()
        .unwrap_or("")
        .contains("no scientific evidence"));

    // Usage is counted per topic, never per member (after the reply, off its path).
    crate::support::bot::wait_for_count(
        &bot,
        "SELECT COALESCE(SUM(answered), 0) FROM faq_usage",
        2,
    )
    .await;
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT topic, answered FROM faq_usage ORDER BY topic")
            .fetch_all(bot.running().store.pool())
            .await
            .expect("read usage");
    assert_eq!(
        rows,
        vec![("astrology".to_owned(), 1), ("no-contact".to_owned(), 1)]
    );
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn a_typed_topic_that_matches_nothing_offers_the_list_privately() {
    let mut bot = TestBot::start().await;
    let member = Actor::member(5003);
    let interaction = bot
        .fake
        .slash(
            &member,
            "faq",
            json!([{"type": 3, "name": "topic", "value": "quantum physics"}]),
        )
        .await;
    let callback = bot.fake.wait_answer(&interaction, WAIT).await;
    assert_eq!(flags(&callback) & EPHEMERAL, EPHEMERAL);
    assert!(
        callback["data"]["content"]
            .as_str()
            .unwrap_or("")
            .contains("couldn't find"),
        "{callback}"
    );
    assert_eq!(
        callback["data"]["components"][0]["components"][0]["custom_id"],
        "faq:pick"
    );
    bot.stop().await;
}

#[tokio::test]
async fn faq_without_a_topic_lists_questions_and_the_menu_answers_the_choice() {
    let mut bot = TestBot::start().await;
    let member = Actor::member(5004);
    let interaction = bot.fake.slash(&member, "faq", json!([])).await;
    let callback = bot.fake.wait_answer(&interaction, WAIT).await;
    assert_eq!(flags(&callback) & EPHEMERAL, EPHEMERAL);
    let menu = &callback["data"]["components"][0]["components"][0];
    assert_eq!(menu["custom_id"], "faq:pick");
    assert_eq!(menu["options"].as_array().map(Vec::len), Some(10));

    let pick = bot
        .fake
        .component(&member, "faq:pick", 3, &["jealousy"], None)
        .await;
    let update = bot.fake.wait_answer(&pick, WAIT).await;
    assert_eq!(
        update["type"], 7,
        "the list is replaced by the answer: {update}"
    );
    assert_eq!(
        update["data"]["embeds"][0]["title"],
        "Should I date someone else to make them jealous?"
    );
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn steps_shows_the_overview_and_one_step_in_detail() {
    let mut bot = TestBot::start().await;
    let member = Actor::member(5005);
    let overview = bot.fake.slash(&member, "steps", json!([])).await;
    let callback = bot.fake.wait_answer(&overview, WAIT).await;
    assert_eq!(flags(&callback) & EPHEMERAL, EPHEMERAL);
    assert_eq!(
        callback["data"]["embeds"][0]["fields"]
            .as_array()
            .map(Vec::len),
        Some(7)
    );

    let detail = bot
        .fake
        .slash(
            &member,
            "steps",
            json!([{"type": 4, "name": "number", "value": 6}]),
        )
        .await;
    let callback = bot.fake.wait_answer(&detail, WAIT).await;
    assert_eq!(
        callback["data"]["embeds"][0]["title"],
        "Step 6 · Seek professional help if needed"
    );
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn help_gives_crisis_resources_and_says_it_is_not_therapy() {
    let mut bot = TestBot::start().await;
    let interaction = bot
        .fake
        .slash(&Actor::member(5006).in_dm(), "help", json!([]))
        .await;
    let callback = bot.fake.wait_answer(&interaction, WAIT).await;
    let embed = &callback["data"]["embeds"][0];
    let description = embed["description"].as_str().unwrap_or("");
    assert!(description.contains("988"), "{description}");
    assert!(
        description.contains("local emergency number"),
        "{description}"
    );
    assert_eq!(
        embed["fields"][0]["name"],
        "Not a substitute for professional help"
    );
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn the_bot_keeps_answering_after_the_gateway_drops() {
    let mut bot = TestBot::start().await;
    let member = Actor::member(5007);
    bot.fake.drop_gateway().await;
    let interaction = bot
        .fake
        .slash(
            &member,
            "faq",
            json!([{"type": 3, "name": "topic", "value": "jealousy"}]),
        )
        .await;
    let callback = bot.fake.wait_answer(&interaction, WAIT).await;
    assert_eq!(
        callback["data"]["embeds"][0]["title"],
        "Should I date someone else to make them jealous?"
    );
    assert!(
        bot.fake.sessions_resumed() >= 1,
        "the session was resumed, not re-identified"
    );
    bot.fake.request_reconnect().await;
    let again = bot.fake.slash(&member, "help", json!([])).await;
    bot.fake.wait_answer(&again, WAIT).await;
    bot.fake.assert_no_violations();
    bot.stop().await;
}
