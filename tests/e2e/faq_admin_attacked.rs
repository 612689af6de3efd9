//! Attacks on the FAQ editor (issue 12): two admins racing for the last place, a form of one
//! server submitted in another, text that shows nothing, and a reload that leaves a server's
//! FAQ with no entry at all.

use std::path::Path;

use rekindle::domain::faq_layer::FaqDraft;
use rekindle::domain::ids::{GuildId, MemberId};
use rekindle::service::faq_admin;
use serde_json::json;

use crate::faq_admin::{admin_faq, ask, faq_rows, menu_keys, open_form, pick, submit, topic};
use crate::member::{assert_private_reply, command, enrol, words, Member};
use crate::support::bot::test_settings;
use crate::support::{Actor, TestBot, WAIT};

/// A second server the bot is in.
const OTHER_SERVER: u64 = 900_000_000_000_000_877;

/// Entries the test guild shows, as its members see them.
async fn shown(bot: &TestBot) -> usize {
    let services = &bot.running().services;
    let content = services.content.get();
    let guild = GuildId::new(bot.fake.guild_id());
    faq_admin::overview(services.ctx(&content), guild)
        .await
        .expect("the server's FAQ")
        .faq
        .len()
}

#[tokio::test]
async fn two_admins_adding_the_25th_entry_at_once_add_one_and_the_other_is_told_it_is_full() {
    let mut bot = TestBot::start().await;
    let guild = GuildId::new(bot.fake.guild_id());
    let (first, second) = (Actor::admin(13_001), Actor::admin(13_002));
    {
        let services = &bot.running().services;
        let content = services.content.get();
        for n in 1..=14 {
            let draft =
                FaqDraft::from_fields(&format!("Extra question number {n}?"), "An answer.", "");
            faq_admin::add(
                services.ctx(&content),
                guild,
                MemberId::new(13_000),
                Some(&format!("extra-{n}")),
                &draft,
            )
            .await
            .expect("added");
        }
    }
    assert_eq!(shown(&bot).await, 24);
    open_form(&bot, &first, "add", json!([])).await;
    for round in 0..5 {
        let submit_as = |who: &Actor, key: String| {
            let bot = &bot;
            let who = who.clone();
            async move {
                let fields = [
                    ("question", format!("Race {key}?")),
                    ("answer", "Whoever is first.".to_owned()),
                    ("key", key),
                ];
                let fields: Vec<(&str, &str)> =
                    fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let interaction = bot.fake.modal_submit(&who, "faq:add", &fields).await;
                bot.fake.wait_answer(&interaction, WAIT).await
            }
        };
        let (a, b) = tokio::join!(
            submit_as(&first, format!("race-{round}-a")),
            submit_as(&second, format!("race-{round}-b"))
        );
        let added: Vec<&serde_json::Value> = [&a, &b]
            .into_iter()
            .filter(|reply| words(reply).contains("Added to this server's FAQ"))
            .collect();
        assert_eq!(added.len(), 1, "round {round}: one of\n{a}\n{b}");
        let refused = if words(&a).contains("Added") { &b } else { &a };
        assert!(
            words(refused).contains("at most 25 FAQ entries"),
            "round {round}: {refused}"
        );
        assert_eq!(shown(&bot).await, 25, "round {round}");
        let winner = if words(&a).contains("Added") {
            "a"
        } else {
            "b"
        };
        let removed = admin_faq(
            &bot,
            &first,
            "remove",
            topic(&format!("race-{round}-{winner}")),
        )
        .await;
        assert_private_reply(&removed, "Removed");
        assert_eq!(shown(&bot).await, 24);
    }
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn a_form_opened_in_one_server_and_submitted_in_another_cannot_touch_the_first_servers_entry()
{
    let mut bot = TestBot::start().await;
    let ours = Actor::admin(13_101);
    let theirs = Actor::admin(13_102).in_server(OTHER_SERVER, OTHER_SERVER + 1);
    open_form(&bot, &ours, "add", json!([])).await;
    let added = submit(
        &bot,
        &ours,
        "faq:add",
        &[
            ("question", "Can we keep the dog?"),
            ("answer", "Talk it through kindly."),
            ("key", "the-dog"),
        ],
    )
    .await;
    assert_private_reply(&added, "under the key `the-dog`");
    let form = open_form(&bot, &ours, "edit", topic("the-dog")).await;
    let edit_id = form["custom_id"].as_str().expect("an id").to_owned();
    let before = faq_rows(&bot).await;
    // The other server's admin sends the very same form back, from their server.
    let forged = submit(
        &bot,
        &theirs,
        &edit_id,
        &[
            ("question", "Can we keep the dog?"),
            ("answer", "No. Visit https://example.invalid instead."),
            ("aliases", "dog"),
        ],
    )
    .await;
    assert_private_reply(&forged, "There is no entry “the-dog” in this server's FAQ");
    assert_eq!(faq_rows(&bot).await, before, "nothing stored anywhere");
    let answer = ask(&bot, &Actor::member(13_103), "the-dog").await;
    assert!(
        words(&answer).contains("Talk it through kindly."),
        "{answer}"
    );
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn a_question_or_answer_of_only_direction_marks_or_tag_characters_is_refused_as_showing_nothing(
) {
    let mut bot = TestBot::start().await;
    let admin = Actor::admin(13_201);
    open_form(&bot, &admin, "add", json!([])).await;
    let before = faq_rows(&bot).await;
    // A right-to-left override and an isolate; Unicode "tag" letters (invisible ASCII).
    let invisible_question = "\u{202E}\u{2067} \u{E0041}\u{E0042}";
    let invisible_answer = "\u{E0068}\u{E0069}\u{202D}";
    let refused = submit(
        &bot,
        &admin,
        "faq:add",
        &[
            ("question", invisible_question),
            ("answer", invisible_answer),
            ("key", "nothing-to-see"),
        ],
    )
    .await;
    let text = words(&refused);
    assert!(text.contains("Nothing was saved"), "{text}");
    for field in ["`question` shows nothing", "`answer` shows nothing"] {
        assert!(text.contains(field), "{field} in {text}");
    }
    assert_eq!(faq_rows(&bot).await, before);
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn a_reload_that_leaves_a_server_no_entry_still_answers_faq_kindly_in_the_server_and_in_dms()
{
    let mut bot = TestBot::start().await;
    bot.stop().await;
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/content.toml");
    let copy = bot.dir.path().join("content.toml");
    let original = std::fs::read_to_string(&shipped).expect("the shipped content");
    std::fs::write(&copy, &original).expect("a copy");
    let mut settings = test_settings(&bot.fake, &bot.database_url, &[]);
    settings.content_path = copy.clone();
    bot.boot_with(settings).await;
    let admin = Actor::admin(13_301);
    let member = Member::new(13_302);
    enrol(&bot, &member).await;

    // The team keeps one entry of the file's ten (the last one cannot be removed)...
    let keep = "seeing-someone-else";
    for key in menu_keys(&bot, &member.guild).await {
        if key != keep {
            let removed = admin_faq(&bot, &admin, "remove", topic(&key)).await;
            assert_private_reply(&removed, "Removed");
        }
    }
    assert_eq!(menu_keys(&bot, &member.guild).await, vec![keep.to_owned()]);
    // ...and the host's next file no longer has it.
    let start = original
        .find("[[faq]]\nkey = \"seeing-someone-else\"")
        .expect("the entry");
    let end = start
        + original[start..]
            .find("\n# ----")
            .expect("the next section");
    std::fs::write(&copy, format!("{}{}", &original[..start], &original[end..]))
        .expect("the new file");
    let reloaded = command(
        &bot,
        &admin,
        "admin",
        json!([{"type": 1, "name": "reload", "options": []}]),
    )
    .await;
    assert_private_reply(&reloaded, "Reloaded: 7 steps, 9 FAQ entries");

    // Every way to the FAQ answers, in the server and in the member's DMs, without a menu
    // that Discord would refuse (a select needs at least one option).
    for who in [&member.guild, &member.dm] {
        let list = command(&bot, who, "faq", json!([])).await;
        assert_private_reply(&list, "no questions");
        let asked = ask(&bot, who, "astrology").await;
        assert_private_reply(&asked, "no questions");
        let picked = pick(&bot, who, "astrology").await;
        assert!(words(&picked).contains("no questions"), "{picked}");
    }
    let overview = admin_faq(&bot, &admin, "list", json!([])).await;
    assert_private_reply(&overview, "This server's FAQ: 0 of at most 25 entries");
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn a_forged_form_with_more_aliases_than_its_box_holds_is_refused_and_nothing_is_stored() {
    let mut bot = TestBot::start().await;
    let admin = Actor::admin(13_401);
    open_form(&bot, &admin, "add", json!([])).await;
    let before = faq_rows(&bot).await;
    // Each alias within its own limit, all of them together past the form's 4000.
    let aliases: Vec<String> = (0..900).map(|n| format!("w{n}")).collect();
    let aliases = aliases.join(", ");
    assert!(aliases.chars().count() > 4000);
    let interaction = bot
        .fake
        .modal_submit_unchecked(
            &admin,
            "faq:add",
            &[
                ("question", "Is this too much?"),
                ("answer", "Yes."),
                ("aliases", &aliases),
            ],
        )
        .await;
    let refused = bot.fake.wait_answer(&interaction, WAIT).await;
    assert_private_reply(&refused, "Nothing was saved");
    assert!(
        words(&refused).contains("the editing box holds at most 4000"),
        "{refused}"
    );
    assert_eq!(faq_rows(&bot).await, before);
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn aliases_that_fold_to_another_entrys_key_or_alias_are_refused() {
    let mut bot = TestBot::start().await;
    let admin = Actor::admin(13_501);
    open_form(&bot, &admin, "add", json!([])).await;
    let before = faq_rows(&bot).await;
    // Fullwidth letters (NFKC), a zero-width space, upper case, a soft hyphen: all fold to
    // "no contact", the key of the file's "no-contact".
    for alias in [
        "ｎｏ ｃｏｎｔａｃｔ",
        "no\u{200B}contact",
        "NO CONTACT",
        "no\u{00AD}contact",
    ] {
        let refused = submit(
            &bot,
            &admin,
            "faq:add",
            &[
                ("question", "Is silence kind?"),
                ("answer", "Sometimes."),
                ("aliases", alias),
            ],
        )
        .await;
        assert!(
            words(&refused).contains("is already the key or an alias of “no-contact”"),
            "{alias:?}: {refused}"
        );
    }
    assert_eq!(faq_rows(&bot).await, before);
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn history_pages_past_the_end_or_out_of_range_show_the_last_page_or_a_kind_refusal() {
    let mut bot = TestBot::start().await;
    let admin = Actor::admin(13_601);
    for key in ["astrology", "jealousy"] {
        assert_private_reply(
            &admin_faq(&bot, &admin, "remove", topic(key)).await,
            "Removed",
        );
    }
    for page in [json!(3), json!(4_294_967_295u64), json!(0)] {
        let history = admin_faq(
            &bot,
            &admin,
            "history",
            json!([{"type": 4, "name": "page", "value": page}]),
        )
        .await;
        assert_private_reply(&history, "removed `astrology`");
        assert_eq!(
            history["data"]["embeds"][0]["footer"]["text"], "Page 1 of 1 · 2 changes in all",
            "page {page}"
        );
    }
    for page in [json!(-1), json!(99_999_999_999u64)] {
        let history = admin_faq(
            &bot,
            &admin,
            "history",
            json!([{"type": 4, "name": "page", "value": page}]),
        )
        .await;
        assert_private_reply(&history, "couldn't understand one of the options");
    }
    bot.fake.assert_no_violations();
    bot.stop().await;
}

#[tokio::test]
async fn an_admin_who_never_enrolled_gets_their_faq_changes_by_export_and_erases_their_id() {
    let mut bot = TestBot::start().await;
    let admin = Actor::admin(13_701);
    assert_private_reply(
        &admin_faq(&bot, &admin, "remove", topic("astrology")).await,
        "Removed",
    );
    let privacy = |sub: &'static str| {
        let bot = &bot;
        let admin = admin.clone();
        async move {
            let interaction = bot
                .fake
                .slash(
                    &admin,
                    "privacy",
                    json!([{"type": 1, "name": sub, "options": []}]),
                )
                .await;
            let reply = bot.fake.wait_answer(&interaction, WAIT).await;
            (interaction, reply)
        }
    };
    let (_, exported) = privacy("export").await;
    assert_private_reply(&exported, "I've sent you a file");
    let message = bot
        .fake
        .dm_messages_to(13_701)
        .pop()
        .expect("the export DM");
    let export: serde_json::Value =
        serde_json::from_str(message["files"][0]["content"].as_str().expect("text"))
            .expect("valid JSON");
    assert_eq!(export["member_id"], "13701");
    assert_eq!(export["settings"], serde_json::Value::Null);
    assert_eq!(export["faq_changes"][0]["key"], "astrology");
    assert_eq!(export["faq_changes"][0]["action"], "removed");
    assert_eq!(
        export["faq_changes"][0]["server_id"],
        bot.fake.guild_id().to_string()
    );

    let (interaction, _) = privacy("delete").await;
    let shown = bot
        .fake
        .original_response(&interaction)
        .expect("the prompt");
    let done = crate::member::press(&bot, &admin, "pv:delete", &shown).await;
    assert!(words(&done).contains("I keep nothing about you"), "{done}");
    let history = admin_faq(&bot, &Actor::admin(13_702), "history", json!([])).await;
    assert_private_reply(
        &history,
        "an admin (who has since erased their data) removed `astrology`",
    );
    assert!(!words(&history).contains("13701"), "{history}");
    let (_, again) = privacy("export").await;
    assert_private_reply(&again, "I don't keep anything about you");
    bot.fake.assert_no_violations();
    bot.stop().await;
}
