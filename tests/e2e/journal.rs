//! `/journal` through the real bot: pages forward and back, someone else's buttons refused,
//! search with accents folded, a new entry by modal (crisis words included), one entry read
//! whole and deleted after a confirm, and the attacks a member could try.

use chrono::Duration;
use serde_json::{json, Value};

use crate::member::{
    assert_private_reply, command, custom_ids, enrol, flags, reflections, snapshot, words, Member,
    EPHEMERAL,
};
use crate::support::bot::wait_for_count;
use crate::support::{Actor, Interaction, TestBot, WAIT};

/// `/journal {sub}` with `options`: the interaction and the bot's answer.
pub async fn journal(
    bot: &TestBot,
    who: &Actor,
    sub: &str,
    options: Value,
) -> (Interaction, Value) {
    let interaction = bot
        .fake
        .slash(
            who,
            "journal",
            json!([{"type": 1, "name": sub, "options": options}]),
        )
        .await;
    let answer = bot.fake.wait_answer(&interaction, WAIT).await;
    (interaction, answer)
}

/// Presses `custom_id` on `message`: the interaction (whose response message is the updated
/// one) and the callback.
pub async fn press_on(
    bot: &TestBot,
    who: &Actor,
    custom_id: &str,
    message: &Value,
) -> (Interaction, Value) {
    let interaction = bot
        .fake
        .component(who, custom_id, 2, &[], Some(message.clone()))
        .await;
    let answer = bot.fake.wait_answer(&interaction, WAIT).await;
    (interaction, answer)
}

/// The message a press updated (or a command answered), as it now stands.
pub fn shown(bot: &TestBot, interaction: &Interaction) -> Value {
    bot.fake
        .original_response(interaction)
        .expect("the interaction has a response message")
}

/// The entries a page shows: each field's name and value.
pub fn fields(answer: &Value) -> Vec<(String, String)> {
    answer["data"]["embeds"][0]["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["name"].as_str().unwrap_or("").to_owned(),
                f["value"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

pub fn footer(answer: &Value) -> String {
    answer["data"]["embeds"][0]["footer"]["text"]
        .as_str()
        .unwrap_or("")
        .to_owned()
}

/// The button whose `custom_id` starts with `prefix`: its id and whether it is disabled.
pub fn button(answer: &Value, prefix: &str) -> (String, bool) {
    answer["data"]["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .find(|b| {
            b["custom_id"]
                .as_str()
                .is_some_and(|c| c.starts_with(prefix))
        })
        .map(|b| {
            (
                b["custom_id"].as_str().unwrap_or("").to_owned(),
                b["disabled"] == true,
            )
        })
        .unwrap_or_else(|| panic!("no button {prefix}…: {answer}"))
}

/// The member writes each of `texts` to the bot by DM, an hour apart; kept as journal
/// entries (no check-in is open).
pub async fn write_by_dm(bot: &TestBot, member: &Member, texts: &[String]) {
    let count = format!(
        "SELECT COUNT(*) FROM reflections WHERE member_id = {}",
        member.id
    );
    let before: i64 = sqlx::query_scalar(&count)
        .fetch_one(bot.running().store.pool())
        .await
        .expect("a count");
    for (n, text) in texts.iter().enumerate() {
        bot.clock.advance(Duration::hours(1));
        bot.fake.dm_message(&member.dm, text).await;
        wait_for_count(bot, &count, before + n as i64 + 1).await;
    }
}

#[tokio::test]
async fn the_journal_pages_forward_and_back_and_refuses_someone_elses_buttons() {
    let mut bot = TestBot::start().await;
    let member = Member::new(9301);
    enrol(&bot, &member).await;
    let reply = command(
        &bot,
        &member.guild,
        "settings",
        json!([{"type": 3, "name": "timezone", "value": "Asia/Kolkata"}]),
    )
    .await;
    assert!(words(&reply).contains("Settings saved"), "{reply}");
    let texts: Vec<String> = (1..=12)
        .map(|n| format!("Entry number {n}: a quiet evening walk"))
        .collect();
    write_by_dm(&bot, &member, &texts).await;

    let (first, page1) = journal(&bot, &member.guild, "list", json!([])).await;
    assert_private_reply(&page1, "Your journal");
    let entries = fields(&page1);
    assert_eq!(entries.len(), 5, "{page1}");
    assert_eq!(entries[0].1, texts[11]);
    assert_eq!(entries[4].1, texts[7]);
    // Written 2026-03-02 22:00 UTC: 03:30 on 3 March in Kolkata, in step 1.
    assert_eq!(entries[0].0, "Tue 3 Mar 2026, 03:30 · step 1 · journal");
    assert_eq!(footer(&page1), "Entries 1–5 of 12 · only you can see this");
    let (_, newer_disabled) = button(&page1, "jn:new:9301:");
    assert!(newer_disabled, "nothing newer than the first page");
    let (older, older_disabled) = button(&page1, "jn:old:9301:");
    assert!(!older_disabled);

    // Someone else presses the page's buttons: refused, privately, and the page stays.
    let stranger = Member::new(9302);
    enrol(&bot, &stranger).await;
    write_by_dm(&bot, &stranger, &["The stranger's own entry".to_owned()]).await;
    let message = shown(&bot, &first);
    let (_, refused) = press_on(&bot, &stranger.guild, &older, &message).await;
    assert_private_reply(&refused, "belong to someone else's journal");
    assert!(!words(&refused).contains("Entry number"), "{refused}");
    // A forged button naming the stranger as owner shows only the stranger's own entries.
    let forged = older.replace("9301", "9302");
    let (_, theirs) = press_on(&bot, &stranger.guild, &forged, &message).await;
    assert!(!words(&theirs).contains("Entry number"), "{theirs}");

    let (second, page2) = press_on(&bot, &member.guild, &older, &message).await;
    assert_eq!(page2["type"], 7, "the page is updated in place: {page2}");
    assert_eq!(footer(&page2), "Entries 6–10 of 12 · only you can see this");
    assert_eq!(fields(&page2)[0].1, texts[6]);
    let (older, _) = button(&page2, "jn:old:9301:");
    let (third, page3) = press_on(&bot, &member.guild, &older, &shown(&bot, &second)).await;
    assert_eq!(
        footer(&page3),
        "Entries 11–12 of 12 · only you can see this"
    );
    assert_eq!(
        fields(&page3)
            .iter()
            .map(|f| f.1.clone())
            .collect::<Vec<_>>(),
        [texts[1].clone(), texts[0].clone()]
    );
    assert!(
        button(&page3, "jn:old:").1,
        "nothing older than the last page"
    );
    let (newer, _) = button(&page3, "jn:new:9301:");
    let (_, back) = press_on(&bot, &member.guild, &newer, &shown(&bot, &third)).await;
    assert_eq!(footer(&back), "Entries 6–10 of 12 · only you can see this");

    // A page by number, and one past the end, said kindly.
    let (_, numbered) = journal(
        &bot,
        &member.guild,
        "list",
        json!([{"type": 4, "name": "page", "value": 3}]),
    )
    .await;
    assert_eq!(
        footer(&numbered),
        "Entries 11–12 of 12 · only you can see this"
    );
    let before = snapshot(&bot).await;
    let (_, none) = journal(
        &bot,
        &member.guild,
        "list",
        json!([{"type": 4, "name": "page", "value": 9}]),
    )
    .await;
    assert_private_reply(
        &none,
        "Your journal has 3 pages right now, so there's no page 9.",
    );
    assert_eq!(snapshot(&bot).await, before, "reading changes nothing");
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn search_finds_an_entry_whatever_its_accents_and_case() {
    let mut bot = TestBot::start().await;
    let member = Member::new(9303);
    enrol(&bot, &member).await;
    write_by_dm(
        &bot,
        &member,
        &[
            "Nous étions au Café de Flore, l'été dernier".to_owned(),
            "A plain day at work".to_owned(),
            "Straße und Crème brûlée".to_owned(),
        ],
    )
    .await;
    let (_, found) = journal(
        &bot,
        &member.guild,
        "search",
        json!([{"type": 3, "name": "text", "value": "cafe ETE"}]),
    )
    .await;
    assert_private_reply(&found, "1 entry matches");
    let shown = fields(&found);
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].1, "Nous étions au Café de Flore, l'été dernier");
    let (_, folded) = journal(
        &bot,
        &member.guild,
        "search",
        json!([{"type": 3, "name": "text", "value": "STRASSE creme"}]),
    )
    .await;
    assert_eq!(fields(&folded)[0].1, "Straße und Crème brûlée");
    let (_, nothing) = journal(
        &bot,
        &member.guild,
        "search",
        json!([{"type": 3, "name": "text", "value": "ocean"}]),
    )
    .await;
    assert_private_reply(&nothing, "Nothing in your journal matches");
    let (_, empty) = journal(
        &bot,
        &member.guild,
        "search",
        json!([{"type": 3, "name": "text", "value": "  \u{200B} "}]),
    )
    .await;
    assert_private_reply(&empty, "What would you like to look for?");
    // Another member finds nothing of it.
    let other = Member::new(9304);
    enrol(&bot, &other).await;
    let (_, theirs) = journal(
        &bot,
        &other.guild,
        "search",
        json!([{"type": 3, "name": "text", "value": "cafe"}]),
    )
    .await;
    assert_private_reply(&theirs, "Nothing in your journal matches");
    bot.fake.assert_no_violations();
    bot.stop().await;
}

/// Autocomplete for `/journal read` as `who` types `partial`: the choices offered.
pub async fn suggestions(bot: &TestBot, who: &Actor, partial: &str) -> Vec<Value> {
    let interaction = bot
        .fake
        .autocomplete(
            who,
            "journal",
            json!([{"type": 1, "name": "read", "options": [
                {"type": 3, "name": "entry", "value": partial, "focused": true}
            ]}]),
        )
        .await;
    let answer = bot.fake.wait_callback(&interaction, WAIT).await;
    assert_eq!(answer["type"], 8, "{answer}");
    answer["data"]["choices"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test]
async fn a_member_writes_an_entry_reads_it_whole_and_deletes_it_after_a_confirm() {
    let mut bot = TestBot::start().await;
    let member = Member::new(9305);
    enrol(&bot, &member).await;

    // Write: a modal, then thanks; the entry is kept as a journal entry.
    let (_, modal) = journal(&bot, &member.guild, "write", json!([])).await;
    assert_eq!(modal["type"], 9, "a modal: {modal}");
    assert_eq!(modal["data"]["custom_id"], "jn:write");
    let text = "Today I walked by the sea. @everyone should see how calm it was.";
    let submitted = bot
        .fake
        .modal_submit(&member.guild, "jn:write", &[("entry", text)])
        .await;
    let thanks = bot.fake.wait_answer(&submitted, WAIT).await;
    assert_private_reply(&thanks, "It's in your journal");
    assert_eq!(reflections(&bot, &member).await, [(None, text.to_owned())]);

    // Autocomplete offers the member's own entries, never anyone else's.
    let choices = suggestions(&bot, &member.guild, "SEA").await;
    assert_eq!(choices.len(), 1, "{choices:?}");
    let label = choices[0]["name"].as_str().expect("a label");
    assert!(
        label.starts_with("2026-03-02 · step 1 · Today I walked"),
        "{label}"
    );
    assert!(!label.contains("@everyone"), "inert: {label}");
    let id = choices[0]["value"].as_str().expect("a value").to_owned();
    let stranger = Member::new(9306);
    enrol(&bot, &stranger).await;
    assert!(suggestions(&bot, &stranger.guild, "sea").await.is_empty());
    assert!(suggestions(&bot, &stranger.guild, "").await.is_empty());

    // Guessing ids: another member's entry reads like one that does not exist.
    for guess in [id.as_str(), "999999", "0", "-1", "1 OR 1=1", "abc"] {
        let (_, refused) = journal(
            &bot,
            &stranger.guild,
            "read",
            json!([{"type": 3, "name": "entry", "value": guess}]),
        )
        .await;
        assert_private_reply(&refused, "I couldn't find that entry in your journal");
        assert!(!words(&refused).contains("sea"), "{refused}");
    }

    // Read whole: the words in an embed, no mention can ping.
    let (read, whole) = journal(
        &bot,
        &member.guild,
        "read",
        json!([{"type": 3, "name": "entry", "value": id}]),
    )
    .await;
    assert_eq!(flags(&whole) & EPHEMERAL, EPHEMERAL);
    assert_eq!(whole["data"]["embeds"][0]["description"], text);
    assert_eq!(
        whole["data"]["allowed_mentions"]["parse"],
        json!([]),
        "{whole}"
    );
    assert!(whole["data"]["content"].as_str().unwrap_or("").is_empty());
    let (delete, _) = button(&whole, "jn:del:9305:");

    // Someone else's press on the delete button is refused and deletes nothing.
    let message = shown(&bot, &read);
    let (_, refused) = press_on(&bot, &stranger.guild, &delete, &message).await;
    assert_private_reply(&refused, "belong to someone else's journal");

    // Delete asks first; "Keep it" keeps it.
    let (asked, prompt) = press_on(&bot, &member.guild, &delete, &message).await;
    assert_eq!(prompt["type"], 7, "{prompt}");
    assert!(
        words(&prompt).contains("Delete your entry from Mon 2 Mar 2026"),
        "{prompt}"
    );
    let (confirm, _) = button(&prompt, "jn:delok:9305:");
    let (keep, _) = button(&prompt, "jn:keep:9305:");
    let confirm_on = shown(&bot, &asked);
    let (_, kept) = press_on(&bot, &member.guild, &keep, &confirm_on).await;
    assert!(words(&kept).contains("Nothing was deleted"), "{kept}");
    assert_eq!(reflections(&bot, &member).await.len(), 1);

    // A stranger cannot confirm it either, not even with a button forged in their own name:
    // the entry is not theirs, so for them it is not there.
    let (_, refused) = press_on(&bot, &stranger.guild, &confirm, &confirm_on).await;
    assert_private_reply(&refused, "belong to someone else's journal");
    for forged in [
        confirm.replace(":9305:", ":9306:"),
        delete.replace(":9305:", ":9306:"),
    ] {
        let (_, nothing) = press_on(&bot, &stranger.guild, &forged, &confirm_on).await;
        assert!(words(&nothing).contains("already gone"), "{nothing}");
        assert!(!words(&nothing).contains("Mon 2 Mar"), "{nothing}");
    }
    assert_eq!(reflections(&bot, &member).await.len(), 1);

    // Confirmed twice at once: deleted once, both presses answered.
    let one = bot
        .fake
        .component(&member.guild, &confirm, 2, &[], Some(confirm_on.clone()))
        .await;
    let two = bot
        .fake
        .component(&member.guild, &confirm, 2, &[], Some(confirm_on.clone()))
        .await;
    let answers = [
        words(&bot.fake.wait_answer(&one, WAIT).await),
        words(&bot.fake.wait_answer(&two, WAIT).await),
    ];
    assert!(
        answers.iter().any(|a| a.contains("Deleted.")),
        "{answers:?}"
    );
    assert!(
        answers
            .iter()
            .all(|a| a.contains("Deleted.") || a.contains("already gone")),
        "{answers:?}"
    );
    assert!(reflections(&bot, &member).await.is_empty());
    let (_, gone) = journal(
        &bot,
        &member.guild,
        "read",
        json!([{"type": 3, "name": "entry", "value": id}]),
    )
    .await;
    assert_private_reply(&gone, "I couldn't find that entry");
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn crisis_words_in_a_journal_entry_get_the_crisis_reply_first_and_are_kept() {
    let mut bot = TestBot::start().await;
    let member = Member::new(9307);
    enrol(&bot, &member).await;
    journal(&bot, &member.dm, "write", json!([])).await;
    let submitted = bot
        .fake
        .modal_submit(
            &member.dm,
            "jn:write",
            &[("entry", "i dont want to be alive anymore")],
        )
        .await;
    let callback = bot.fake.wait_answer(&submitted, WAIT).await;
    assert!(words(&callback).contains("emergency number"), "{callback}");
    assert!(
        words(&callback).contains("I'm keeping what you wrote in your journal"),
        "{callback}"
    );
    assert_eq!(flags(&callback) & EPHEMERAL, EPHEMERAL);
    wait_for_count(
        &bot,
        "SELECT COUNT(*) FROM reflections WHERE member_id = 9307 AND checkin_id IS NULL",
        1,
    )
    .await;
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn someone_not_in_the_program_has_no_journal_and_an_empty_one_is_said_kindly() {
    let mut bot = TestBot::start().await;
    let stranger = Actor::member(9308);
    let (_, list) = journal(&bot, &stranger, "list", json!([])).await;
    assert_private_reply(&list, "You haven't started the program yet");
    let (_, write) = journal(&bot, &stranger, "write", json!([])).await;
    assert_private_reply(&write, "You haven't started the program yet");
    assert!(snapshot(&bot).await.is_empty(), "nothing stored");
    let member = Member::new(9309);
    enrol(&bot, &member).await;
    let (_, empty) = journal(&bot, &member.dm, "list", json!([])).await;
    assert_private_reply(&empty, "Your journal is empty for now");
    assert!(custom_ids(&empty).is_empty(), "no buttons: {empty}");
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn an_erasure_racing_a_journal_write_leaves_nothing_behind() {
    let mut bot = TestBot::start().await;
    for round in 0..3u64 {
        let member = Member::new(9310 + round);
        enrol(&bot, &member).await;
        journal(&bot, &member.guild, "write", json!([])).await;
        let interaction = bot
            .fake
            .slash(
                &member.guild,
                "privacy",
                json!([{"type": 1, "name": "delete", "options": []}]),
            )
            .await;
        bot.fake.wait_answer(&interaction, WAIT).await;
        let prompt = shown(&bot, &interaction);
        // Both at once: the entry and the erasure.
        let written = bot
            .fake
            .modal_submit(
                &member.guild,
                "jn:write",
                &[("entry", "words racing the erasure")],
            )
            .await;
        let erased = bot
            .fake
            .component(&member.guild, "pv:delete", 2, &[], Some(prompt))
            .await;
        bot.fake.wait_answer(&written, WAIT).await;
        bot.fake.wait_answer(&erased, WAIT).await;
        let left: Vec<String> = snapshot(&bot)
            .await
            .into_iter()
            .filter(|row| row.contains(&member.id.to_string()) || row.contains("racing"))
            .collect();
        assert!(left.is_empty(), "round {round}: {left:?}");
    }
    bot.fake.assert_no_violations();
    bot.stop().await;
}
