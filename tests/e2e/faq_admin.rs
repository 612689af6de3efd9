//! The FAQ edited from Discord (`/admin faq ...`), end to end: what each server's members
//! see after an admin adds, edits or removes an entry, what is refused (and that nothing is
//! stored then), who may do it, and what happens when two admins or a reload get in the way.

use std::path::Path;

use serde_json::{json, Value};

use crate::member::{assert_private_reply, command, enrol, flags, words, Member, EPHEMERAL};
use crate::support::bot::test_settings;
use crate::support::{Actor, TestBot, WAIT};

/// A second server the bot is in, beside the fake's test guild.
const OTHER_SERVER: u64 = 900_000_000_000_000_777;

const BIRTHDAY_QUESTION: &str = "Can I text them on their birthday?";
const BIRTHDAY_KEY: &str = "can-i-text-them-on-their-birthday";

/// `/admin faq {sub}` with `options`.
pub(crate) fn faq_options(sub: &str, options: Value) -> Value {
    json!([{"type": 2, "name": "faq", "options": [{"type": 1, "name": sub, "options": options}]}])
}

pub(crate) async fn admin_faq(bot: &TestBot, who: &Actor, sub: &str, options: Value) -> Value {
    command(bot, who, "admin", faq_options(sub, options)).await
}

pub(crate) fn topic(value: &str) -> Value {
    json!([{"type": 3, "name": "topic", "value": value}])
}

/// `/admin faq add` or `edit`, expecting the form: returns the modal's data.
pub(crate) async fn open_form(bot: &TestBot, who: &Actor, sub: &str, options: Value) -> Value {
    let callback = admin_faq(bot, who, sub, options).await;
    assert_eq!(callback["type"], 9, "a modal opens: {callback}");
    callback["data"].clone()
}

/// The modal's pre-filled value of the input `id`.
fn prefilled(modal: &Value, id: &str) -> Option<String> {
    modal["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .find(|input| input["custom_id"] == id)
        .and_then(|input| input["value"].as_str().map(str::to_owned))
}

pub(crate) async fn submit(
    bot: &TestBot,
    who: &Actor,
    custom_id: &str,
    fields: &[(&str, &str)],
) -> Value {
    let interaction = bot.fake.modal_submit(who, custom_id, fields).await;
    bot.fake.wait_answer(&interaction, WAIT).await
}

async fn submit_unchecked(
    bot: &TestBot,
    who: &Actor,
    custom_id: &str,
    fields: &[(&str, &str)],
) -> Value {
    let interaction = bot
        .fake
        .modal_submit_unchecked(who, custom_id, fields)
        .await;
    bot.fake.wait_answer(&interaction, WAIT).await
}

/// Adds the birthday entry through the form, as `who`.
async fn add_birthday(bot: &TestBot, who: &Actor) -> Value {
    open_form(bot, who, "add", json!([])).await;
    submit(
        bot,
        who,
        "faq:add",
        &[
            ("question", BIRTHDAY_QUESTION),
            (
                "answer",
                "It is kind to wait until you feel steady. A short, warm message is enough.",
            ),
            ("aliases", "birthday, anniversary"),
        ],
    )
    .await
}

/// `(guild, key, action, admin, at)` of every FAQ change, oldest first.
async fn changes(bot: &TestBot) -> Vec<(i64, String, String, Option<i64>, i64)> {
    sqlx::query_as("SELECT guild_id, key, action, admin_id, at FROM faq_changes ORDER BY id")
        .fetch_all(bot.running().store.pool())
        .await
        .expect("read faq_changes")
}

/// Every row of the FAQ layer and its history, as text: equal snapshots mean nothing changed.
pub(crate) async fn faq_rows(bot: &TestBot) -> Vec<String> {
    let pool = bot.running().store.pool();
    let mut rows: Vec<String> = sqlx::query_scalar(
        "SELECT json_array(id, guild_id, key, kind, question, answer, aliases) FROM faq_layer ORDER BY id",
    )
    .fetch_all(pool)
    .await
    .expect("read faq_layer");
    let history: Vec<String> = sqlx::query_scalar(
        "SELECT json_array(id, guild_id, key, action, question, admin_id, at) FROM faq_changes ORDER BY id",
    )
    .fetch_all(pool)
    .await
    .expect("read faq_changes");
    rows.extend(history);
    rows
}

/// The `/faq` select menu's option values for `who` (no topic).
pub(crate) async fn menu_keys(bot: &TestBot, who: &Actor) -> Vec<String> {
    let callback = command(bot, who, "faq", json!([])).await;
    assert_eq!(flags(&callback) & EPHEMERAL, EPHEMERAL, "{callback}");
    callback["data"]["components"][0]["components"][0]["options"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|o| o["value"].as_str().map(str::to_owned))
        .collect()
}

/// Picks `key` in the `/faq` select menu (on a menu the fake makes up).
pub(crate) async fn pick(bot: &TestBot, who: &Actor, key: &str) -> Value {
    let interaction = bot.fake.component(who, "faq:pick", 3, &[key], None).await;
    bot.fake.wait_answer(&interaction, WAIT).await
}

pub(crate) async fn ask(bot: &TestBot, who: &Actor, typed: &str) -> Value {
    command(bot, who, "faq", topic(typed)).await
}

#[tokio::test]
async fn an_admin_adds_edits_and_removes_entries_and_the_history_says_who_and_when() {
    let mut bot = TestBot::start().await;
    let admin = Actor::admin(11_001);
    let member = Actor::member(11_002);

    // Add: an empty form, then the entry under a key made from its question.
    let form = open_form(&bot, &admin, "add", json!([])).await;
    assert_eq!(form["custom_id"], "faq:add");
    assert_eq!(prefilled(&form, "question"), None);
    let added = submit(
        &bot,
        &admin,
        "faq:add",
        &[
            ("question", BIRTHDAY_QUESTION),
            ("answer", "It is kind to wait until you feel steady."),
            ("aliases", "birthday, anniversary"),
        ],
    )
    .await;
    assert_private_reply(&added, &format!("under the key `{BIRTHDAY_KEY}`"));
    assert_eq!(added["data"]["embeds"][0]["title"], BIRTHDAY_QUESTION);
    let answer = ask(&bot, &member, "anniversary").await;
    assert_eq!(answer["data"]["embeds"][0]["title"], BIRTHDAY_QUESTION);

    // Edit: the form holds the entry as it is, and the revision it was opened at.
    let form = open_form(&bot, &admin, "edit", topic(BIRTHDAY_KEY)).await;
    let edit_id = form["custom_id"].as_str().expect("a custom id").to_owned();
    assert!(
        edit_id.starts_with("faq:edit:") && edit_id.ends_with(BIRTHDAY_KEY),
        "{edit_id}"
    );
    assert_eq!(
        prefilled(&form, "question").as_deref(),
        Some(BIRTHDAY_QUESTION)
    );
    assert_eq!(
        prefilled(&form, "aliases").as_deref(),
        Some("birthday, anniversary")
    );
    assert_eq!(prefilled(&form, "key"), None, "a key never changes");
    bot.clock.advance(chrono::Duration::minutes(5));
    let saved = submit(
        &bot,
        &admin,
        &edit_id,
        &[
            ("question", BIRTHDAY_QUESTION),
            ("answer", "Only if you'd be at peace with no reply."),
            ("aliases", "birthday"),
        ],
    )
    .await;
    assert_private_reply(&saved, "Saved this server's version");
    assert!(words(&ask(&bot, &member, "birthday").await).contains("at peace with no reply"));

    // A file entry opens as the file has it, at revision 0.
    let form = open_form(&bot, &admin, "edit", topic("no-contact")).await;
    assert_eq!(form["custom_id"], "faq:edit:0:no-contact");
    assert_eq!(
        prefilled(&form, "question").as_deref(),
        Some("Should I use the no-contact rule to get them back?")
    );

    // Remove: gone from this server's /faq, its old topic included.
    bot.clock.advance(chrono::Duration::minutes(5));
    let removed = admin_faq(&bot, &admin, "remove", topic("astrology")).await;
    assert_private_reply(&removed, "Removed `astrology`");
    let old_topic = ask(&bot, &member, "astrology").await;
    assert!(words(&old_topic).contains("couldn't find"), "{old_topic}");
    let keys = menu_keys(&bot, &member).await;
    assert_eq!(keys.len(), 10);
    assert!(!keys.contains(&"astrology".to_owned()));
    assert_eq!(keys.last().map(String::as_str), Some(BIRTHDAY_KEY));
    // A menu picked before the removal answers that it is gone.
    let stale = pick(&bot, &member, "astrology").await;
    assert!(words(&stale).contains("no longer in the list"), "{stale}");

    // History: who and when, newest first.
    let history = admin_faq(&bot, &admin, "history", json!([])).await;
    assert_private_reply(&history, "<@11001> removed `astrology`");
    let text = words(&history);
    let (removed_at, edited_at, added_at) = (
        text.find("removed `astrology`").expect("removal"),
        text.find(&format!("edited `{BIRTHDAY_KEY}`"))
            .expect("edit"),
        text.find(&format!("added `{BIRTHDAY_KEY}`"))
            .expect("addition"),
    );
    assert!(removed_at < edited_at && edited_at < added_at, "{text}");
    let start = rekindle::clock::Clock::now(&bot.clock).timestamp() - 600;
    assert!(text.contains(&format!("<t:{start}:f>")), "{text}");
    let guild = bot.fake.guild_id() as i64;
    assert_eq!(
        changes(&bot).await,
        vec![
            (
                guild,
                BIRTHDAY_KEY.into(),
                "added".into(),
                Some(11_001),
                start
            ),
            (
                guild,
                BIRTHDAY_KEY.into(),
                "edited".into(),
                Some(11_001),
                start + 300
            ),
            (
                guild,
                "astrology".into(),
                "removed".into(),
                Some(11_001),
                start + 600
            ),
        ]
    );

    // The list: what members see and where each entry comes from, and what is removed.
    let list = admin_faq(&bot, &admin, "list", json!([])).await;
    assert_private_reply(&list, "This server's FAQ: 10 of at most 25 entries");
    let text = words(&list);
    assert!(
        text.contains(&format!("`{BIRTHDAY_KEY}` · *added here*")),
        "{text}"
    );
    assert!(text.contains("Removed here"), "{text}");
    assert!(text.contains("`astrology`"), "{text}");
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn each_bad_field_is_refused_with_its_rule_and_nothing_is_stored() {
    let mut bot = TestBot::start().await;
    let admin = Actor::admin(11_101);
    open_form(&bot, &admin, "add", json!([])).await;
    let long_question = "q".repeat(101);
    let long_answer = "a".repeat(4097);
    let long_alias = "z".repeat(101);
    let long_key = "k".repeat(69);
    let good_answer = "A kind answer.";
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![("question", &long_question), ("answer", good_answer)],
            "`question` is 101 characters; a Discord choice name or select option label allows at most 100",
        ),
        (
            vec![("question", "\u{200b}\u{200d}"), ("answer", good_answer)],
            "`question` shows nothing: it holds only invisible characters",
        ),
        (
            vec![("question", "Line one?\nLine two?"), ("answer", good_answer)],
            "`question` must be one line: it is a choice in a Discord list",
        ),
        (
            vec![("question", "Why?"), ("answer", &long_answer)],
            "`answer` is 4097 characters; a Discord embed description allows at most 4096",
        ),
        (
            vec![("question", "Why?"), ("answer", "\u{2060}")],
            "`answer` shows nothing",
        ),
        (
            vec![("question", "Why?"), ("answer", good_answer), ("key", "Bad Key")],
            "`key` must be lower-case letters, digits and '-' only",
        ),
        (
            vec![("question", "Why?"), ("answer", good_answer), ("key", &long_key)],
            "`key` is 69 characters; a custom id with its prefix allows at most 68",
        ),
        (
            vec![("question", "Why?"), ("answer", good_answer), ("key", "astrology")],
            "`key` is used by another entry; keys must be unique",
        ),
        (
            vec![("question", "Why?"), ("answer", good_answer), ("aliases", "space, no contact")],
            "`aliases[1]` “space” is already the key or an alias of “no-contact”",
        ),
        (
            vec![("question", "Why?"), ("answer", good_answer), ("aliases", "fine, No-Contact")],
            "`aliases[2]` “No-Contact” is already the key or an alias of “no-contact”",
        ),
        (
            vec![("question", "Why?"), ("answer", good_answer), ("aliases", &long_alias)],
            "`aliases[1]` is 101 characters; a search phrase allows at most 100",
        ),
    ];
    for (fields, rule) in cases {
        let refused = submit_unchecked(&bot, &admin, "faq:add", &fields).await;
        assert_private_reply(&refused, "Nothing was saved");
        assert!(words(&refused).contains(rule), "{rule}\n{refused}");
        // What they wrote comes back, to copy.
        assert_eq!(
            refused["data"]["embeds"][0]["title"],
            "What you wrote (not saved), to copy"
        );
        assert!(faq_rows(&bot).await.is_empty(), "nothing stored for {rule}");
    }

    // An edit is held to the same rules.
    let form = open_form(&bot, &admin, "edit", topic("no-contact")).await;
    let id = form["custom_id"].as_str().expect("an id").to_owned();
    let refused = submit_unchecked(
        &bot,
        &admin,
        &id,
        &[
            ("question", &long_question),
            ("answer", good_answer),
            ("aliases", "jealous"),
        ],
    )
    .await;
    assert_private_reply(&refused, "breaks 2 of the FAQ's rules");
    assert!(
        words(&refused).contains("`question` is 101 characters"),
        "{refused}"
    );
    assert!(
        words(&refused)
            .contains("`aliases[1]` “jealous” is already the key or an alias of “jealousy”"),
        "{refused}"
    );
    assert!(faq_rows(&bot).await.is_empty());

    // The 26th entry: fifteen fit beside the file's ten, the sixteenth does not. The first
    // has the longest key and question there can be, and its form still fits Discord.
    let longest_key = "k".repeat(68);
    let longest_question = format!("{}?", "q".repeat(99));
    for n in 0..15 {
        let question = format!("Extra question number {n}?");
        let fields: Vec<(&str, &str)> = if n == 0 {
            vec![
                ("question", &longest_question),
                ("answer", good_answer),
                ("key", &longest_key),
            ]
        } else {
            vec![("question", &question), ("answer", good_answer)]
        };
        let added = submit(&bot, &admin, "faq:add", &fields).await;
        assert_private_reply(&added, "Added to this server's FAQ");
    }
    let form = open_form(&bot, &admin, "edit", topic(&longest_key)).await;
    assert!(form["custom_id"]
        .as_str()
        .is_some_and(|id| id.ends_with(&longest_key)));
    let before = faq_rows(&bot).await;
    let full = add_birthday(&bot, &admin).await;
    assert_private_reply(&full, "at most 25 FAQ entries fit in a Discord autocomplete list or select menu; this server shows 25 already");
    assert_eq!(faq_rows(&bot).await, before);
    // The list of 25, at the longest, still fits Discord's limits.
    let list = admin_faq(&bot, &admin, "list", json!([])).await;
    assert_private_reply(&list, "25 of at most 25");
    assert_eq!(menu_keys(&bot, &Actor::member(11_102)).await.len(), 25);
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn faq_in_each_server_shows_its_own_and_in_dms_the_home_servers() {
    let mut bot = TestBot::start().await;
    let home = bot.fake.guild_id();
    let admin_here = Actor::admin(11_201);
    let admin_there = Actor::admin(11_202).in_server(OTHER_SERVER, OTHER_SERVER + 10);
    add_birthday(&bot, &admin_here).await;
    let removed = admin_faq(&bot, &admin_there, "remove", topic("astrology")).await;
    assert_private_reply(&removed, "Removed `astrology`");

    let member_here = Member::new(11_203);
    let member_there = Member {
        id: 11_204,
        guild: Actor::member(11_204).in_server(OTHER_SERVER, OTHER_SERVER + 10),
        dm: Actor::member(11_204).in_dm(),
    };
    let here = menu_keys(&bot, &member_here.guild).await;
    let there = menu_keys(&bot, &member_there.guild).await;
    assert_eq!(here.len(), 11);
    assert!(here.contains(&BIRTHDAY_KEY.to_owned()) && here.contains(&"astrology".to_owned()));
    assert_eq!(there.len(), 9);
    assert!(!there.contains(&BIRTHDAY_KEY.to_owned()) && !there.contains(&"astrology".to_owned()));

    // Autocomplete, an answer by topic and the menu follow the server too.
    for (who, expected) in [
        (&member_here.guild, Some(BIRTHDAY_KEY)),
        (&member_there.guild, None),
    ] {
        let interaction = bot
            .fake
            .autocomplete(
                who,
                "faq",
                json!([{"type": 3, "name": "topic", "value": "birthday", "focused": true}]),
            )
            .await;
        let choices = bot.fake.wait_answer(&interaction, WAIT).await;
        assert_eq!(
            choices["data"]["choices"][0]["value"].as_str(),
            expected,
            "{choices}"
        );
    }
    assert!(words(&ask(&bot, &member_there.guild, "horoscope").await).contains("couldn't find"));
    let picked = pick(&bot, &member_here.guild, BIRTHDAY_KEY).await;
    assert_eq!(picked["data"]["embeds"][0]["title"], BIRTHDAY_QUESTION);

    // In DMs: the server the member enrolled in; the file's FAQ for someone with none.
    enrol(&bot, &member_here).await;
    enrol(&bot, &member_there).await;
    let homes: Vec<(i64, Option<i64>)> =
        sqlx::query_as("SELECT member_id, guild_id FROM programs ORDER BY member_id")
            .fetch_all(bot.running().store.pool())
            .await
            .expect("read programs");
    assert_eq!(
        homes,
        vec![
            (11_203, Some(home as i64)),
            (11_204, Some(OTHER_SERVER as i64))
        ]
    );
    assert_eq!(menu_keys(&bot, &member_here.dm).await, here);
    assert_eq!(menu_keys(&bot, &member_there.dm).await, there);
    let stranger = Actor::member(11_205).in_dm();
    assert_eq!(menu_keys(&bot, &stranger).await.len(), 10);
    let dm_pick = pick(&bot, &member_there.dm, "astrology").await;
    assert!(
        words(&dm_pick).contains("no longer in the list"),
        "{dm_pick}"
    );
    let dm_answer = ask(&bot, &member_here.dm, "anniversary").await;
    assert_eq!(dm_answer["data"]["embeds"][0]["title"], BIRTHDAY_QUESTION);
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn a_member_who_is_not_an_admin_is_refused_every_faq_command_and_form() {
    let mut bot = TestBot::start().await;
    let member = Actor::member(11_301);
    let admin = Actor::admin(11_302);
    add_birthday(&bot, &admin).await;
    let before = faq_rows(&bot).await;
    for (sub, options) in [
        ("list", json!([])),
        ("add", json!([])),
        ("edit", topic(BIRTHDAY_KEY)),
        ("remove", topic(BIRTHDAY_KEY)),
        ("history", json!([])),
    ] {
        let refused = admin_faq(&bot, &member, sub, options).await;
        assert_private_reply(&refused, "Manage Server");
        assert!(
            refused["data"]["embeds"]
                .as_array()
                .is_none_or(Vec::is_empty),
            "{sub} shows nothing: {refused}"
        );
    }
    let interaction = bot
        .fake
        .autocomplete(
            &member,
            "admin",
            faq_options(
                "remove",
                json!([{"type": 3, "name": "topic", "value": "", "focused": true}]),
            ),
        )
        .await;
    let choices = bot.fake.wait_answer(&interaction, WAIT).await;
    assert_eq!(choices["data"]["choices"], json!([]), "{choices}");

    // A form submitted by someone who may not manage the server (a modified client can send
    // any custom id), in the server or from DMs: refused, nothing stored.
    let form = open_form(&bot, &admin, "edit", topic(BIRTHDAY_KEY)).await;
    let edit_id = form["custom_id"].as_str().expect("an id").to_owned();
    for who in [
        member.clone(),
        member.clone().in_dm(),
        admin.clone().in_dm(),
    ] {
        for id in ["faq:add", edit_id.as_str()] {
            let refused = submit(
                &bot,
                &who,
                id,
                &[
                    ("question", "Hijacked?"),
                    ("answer", "Nope."),
                    ("aliases", ""),
                ],
            )
            .await;
            assert_private_reply(&refused, "Manage Server");
        }
    }
    assert_eq!(faq_rows(&bot).await, before);
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn two_admins_editing_one_entry_never_overwrite_each_other() {
    let mut bot = TestBot::start().await;
    let first = Actor::admin(11_401);
    let second = Actor::admin(11_402);
    let form_one = open_form(&bot, &first, "edit", topic("no-contact")).await;
    let form_two = open_form(&bot, &second, "edit", topic("no-contact")).await;
    assert_eq!(form_one["custom_id"], form_two["custom_id"]);
    let id = form_one["custom_id"].as_str().expect("an id").to_owned();
    let saved = submit(
        &bot,
        &first,
        &id,
        &[
            ("question", "Is no contact right for me?"),
            ("answer", "The first admin's answer."),
            ("aliases", "nc"),
        ],
    )
    .await;
    assert_private_reply(&saved, "Saved");
    let late = submit(
        &bot,
        &second,
        &id,
        &[
            ("question", "Is no contact right for me?"),
            ("answer", "The second admin's answer."),
            ("aliases", "nc"),
        ],
    )
    .await;
    assert_private_reply(
        &late,
        "Someone else changed “no-contact” while you were editing it",
    );
    assert!(
        words(&late).contains("The second admin's answer."),
        "given back: {late}"
    );
    let shown = ask(&bot, &Actor::member(11_403), "no-contact").await;
    assert!(
        words(&shown).contains("The first admin's answer."),
        "{shown}"
    );
    assert_eq!(changes(&bot).await.len(), 1);

    // Reopened, the second admin starts from the first one's version.
    let again = open_form(&bot, &second, "edit", topic("no-contact")).await;
    assert_ne!(again["custom_id"], form_two["custom_id"]);
    assert_eq!(
        prefilled(&again, "answer").as_deref(),
        Some("The first admin's answer.")
    );
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn an_entry_removed_while_its_form_was_open_is_not_brought_back() {
    let mut bot = TestBot::start().await;
    let editor = Actor::admin(11_501);
    let remover = Actor::admin(11_502);
    let form = open_form(&bot, &editor, "edit", topic("astrology")).await;
    let id = form["custom_id"].as_str().expect("an id").to_owned();
    assert_private_reply(
        &admin_faq(&bot, &remover, "remove", topic("astrology")).await,
        "Removed",
    );
    let before = faq_rows(&bot).await;
    let refused = submit(
        &bot,
        &editor,
        &id,
        &[
            ("question", "Do horoscopes help?"),
            ("answer", "They don't."),
            ("aliases", ""),
        ],
    )
    .await;
    assert_private_reply(
        &refused,
        "There is no entry “astrology” in this server's FAQ",
    );
    assert_eq!(faq_rows(&bot).await, before);
    assert!(words(&ask(&bot, &Actor::member(11_503), "astrology").await).contains("couldn't find"));
    // Removing it again, or editing it, says the same.
    let again = admin_faq(&bot, &remover, "remove", topic("astrology")).await;
    assert_private_reply(&again, "There is no entry “astrology”");
    let edit = admin_faq(&bot, &editor, "edit", topic("astrology")).await;
    assert_eq!(edit["type"], 4, "no form for a removed entry: {edit}");
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn mentions_in_an_answer_ping_nobody_even_when_shared() {
    let mut bot = TestBot::start().await;
    let admin = Actor::admin(11_601);
    open_form(&bot, &admin, "add", json!([])).await;
    let saved = submit(
        &bot,
        &admin,
        "faq:add",
        &[
            ("question", "@everyone should I read this?"),
            (
                "answer",
                "@everyone @here <@&123456789012345678> <@11602> please read.",
            ),
            ("key", "pings"),
        ],
    )
    .await;
    assert_private_reply(&saved, "under the key `pings`");
    assert_eq!(
        saved["data"]["allowed_mentions"]["parse"],
        json!([]),
        "{saved}"
    );

    let shared = command(
        &bot,
        &Actor::member(11_603),
        "faq",
        json!([{"type": 3, "name": "topic", "value": "pings"}, {"type": 5, "name": "share", "value": true}]),
    )
    .await;
    assert_eq!(flags(&shared) & EPHEMERAL, 0, "shared publicly: {shared}");
    assert!(words(&shared).contains("@everyone @here"), "{shared}");
    let data = &shared["data"];
    assert_eq!(data["allowed_mentions"]["parse"], json!([]), "{shared}");
    assert!(data["allowed_mentions"]["users"]
        .as_array()
        .is_none_or(Vec::is_empty));
    assert!(data["allowed_mentions"]["roles"]
        .as_array()
        .is_none_or(Vec::is_empty));
    assert!(
        data["content"].as_str().unwrap_or("").is_empty(),
        "the answer is in the embed"
    );
    let list = admin_faq(&bot, &admin, "list", json!([])).await;
    assert_eq!(
        list["data"]["allowed_mentions"]["parse"],
        json!([]),
        "{list}"
    );
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn after_a_reload_the_layer_still_applies_and_an_entry_that_no_longer_fits_is_set_aside() {
    let mut bot = TestBot::start().await;
    bot.stop().await;
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/content.toml");
    let copy = bot.dir.path().join("content.toml");
    let original = std::fs::read_to_string(&shipped).expect("the shipped content");
    std::fs::write(&copy, &original).expect("a copy");
    let mut settings = test_settings(&bot.fake, &bot.database_url, &[]);
    settings.content_path = copy.clone();
    bot.boot_with(settings).await;
    let admin = Actor::admin(11_701);
    let member = Actor::member(11_702);

    open_form(&bot, &admin, "add", json!([])).await;
    let added = submit(
        &bot,
        &admin,
        "faq:add",
        &[
            ("question", "Can we cook together again?"),
            ("answer", "Go slowly."),
            ("key", "cooking"),
        ],
    )
    .await;
    assert_private_reply(&added, "under the key `cooking`");
    assert_private_reply(
        &admin_faq(&bot, &admin, "remove", topic("jealousy")).await,
        "Removed",
    );

    // The file now gives "astrology" the alias "cooking": the server's entry no longer fits.
    let edited = original.replacen(
        "aliases = [\"astrology\"",
        "aliases = [\"cooking\", \"astrology\"",
        1,
    );
    assert_ne!(edited, original);
    std::fs::write(&copy, &edited).expect("edited");
    let reloaded = command(
        &bot,
        &admin,
        "admin",
        json!([{"type": 1, "name": "reload", "options": []}]),
    )
    .await;
    assert_private_reply(&reloaded, "Reloaded: 7 steps, 10 FAQ entries");
    assert!(
        words(&reloaded).contains("1 of your own FAQ entries no longer fit"),
        "{reloaded}"
    );
    assert!(words(&reloaded).contains("`cooking`"), "{reloaded}");

    // The layer still applies (jealousy stays hidden); the set-aside entry is not shown.
    let keys = menu_keys(&bot, &member).await;
    assert_eq!(keys.len(), 9);
    assert!(!keys.contains(&"jealousy".to_owned()) && !keys.contains(&"cooking".to_owned()));
    let cooking = ask(&bot, &member, "cooking").await;
    assert_eq!(
        cooking["data"]["embeds"][0]["title"],
        "Can astrology or love spells help me get them back?"
    );
    let list = admin_faq(&bot, &admin, "list", json!([])).await;
    assert!(words(&list).contains("`cooking` Can we cook together again?: `key` “cooking” is already the key or an alias of “astrology”"), "{list}");
    // It can still be found and removed.
    let interaction = bot
        .fake
        .autocomplete(
            &admin,
            "admin",
            faq_options(
                "remove",
                json!([{"type": 3, "name": "topic", "value": "cook", "focused": true}]),
            ),
        )
        .await;
    let choices = bot.fake.wait_answer(&interaction, WAIT).await;
    assert!(
        choices["data"]["choices"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| c["value"] == "cooking"
                && c["name"].as_str().unwrap_or("").starts_with("(not shown)")),
        "{choices}"
    );
    assert_private_reply(
        &admin_faq(&bot, &admin, "remove", topic("cooking")).await,
        "Removed `cooking`",
    );
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn with_every_database_connection_busy_a_shared_answer_is_deferred_in_time_and_given_after() {
    let mut bot = TestBot::start().await;
    let pool = bot.running().store.pool().clone();
    // The bot's pool holds 4 connections: take them all, so the server's FAQ cannot be read.
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(pool.acquire().await.expect("a connection"));
    }
    let interaction = bot
        .fake
        .slash(
            &Actor::member(11_801),
            "faq",
            json!([{"type": 3, "name": "topic", "value": "jealousy"}, {"type": 5, "name": "share", "value": true}]),
        )
        .await;
    let deferral = bot.fake.wait_callback(&interaction, WAIT).await;
    assert_eq!(deferral["type"], 5, "deferred in time: {deferral}");
    assert_eq!(
        flags(&deferral) & EPHEMERAL,
        0,
        "a shared answer stays public: {deferral}"
    );
    drop(held);
    let answer = bot.fake.wait_answer(&interaction, WAIT).await;
    assert_eq!(
        answer["data"]["embeds"][0]["title"],
        "Should I date someone else to make them jealous?"
    );
    bot.fake.assert_no_violations();
    bot.stop().await;
}
