//! The FAQ editor's decisions, on a real SQLite file: what is stored, what is refused (and
//! then that nothing is stored), and what each server shows after.

use std::path::Path;

use chrono::{DateTime, Duration, Utc};

use super::*;
use crate::config::Settings;
use crate::content::Content;
use crate::domain::faq_layer::ChangeKind;
use crate::service::faq::{faq_at, Place};
use crate::store::test_support::temp_store;
use crate::store::Store;

fn content() -> Content {
    Content::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("config/content.toml"))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn settings() -> &'static Settings {
    static SETTINGS: std::sync::OnceLock<Settings> = std::sync::OnceLock::new();
    SETTINGS.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/default.toml");
        Settings::load(&path, |_| None).unwrap_or_else(|e| panic!("{e}"))
    })
}

fn at(minutes: i64) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap_or_default()
        + Duration::minutes(minutes)
}

fn ctx<'a>(store: &'a Store, content: &'a Content, minute: i64) -> Ctx<'a> {
    Ctx {
        store,
        content,
        now: at(minute),
        settings: settings(),
        messenger: crate::service::testing::quiet(),
        guards: crate::service::testing::guards(),
    }
}

const SERVER: GuildId = GuildId::new(100);
const OTHER: GuildId = GuildId::new(200);
const ADMIN: MemberId = MemberId::new(42);
const SECOND_ADMIN: MemberId = MemberId::new(43);

fn draft(question: &str, answer: &str, aliases: &str) -> FaqDraft {
    FaqDraft::from_fields(question, answer, aliases)
}

fn birthday() -> FaqDraft {
    draft(
        "Can I text them on their birthday?",
        "It is kind to wait until you are steady.",
        "birthday, anniversary",
    )
}

fn refusal(error: ServiceError) -> FaqRefusal {
    match error {
        ServiceError::Faq(refusal) => refusal,
        other => panic!("a refusal, not {other:?}"),
    }
}

fn rules(error: ServiceError) -> Vec<String> {
    match refusal(error) {
        FaqRefusal::BreaksRules(rules) => rules,
        other => panic!("rules broken, not {other:?}"),
    }
}

async fn keys(store: &Store, content: &Content, guild: GuildId) -> Vec<String> {
    faq_at(store, content, Place::Server(guild))
        .await
        .expect("reads")
        .iter()
        .map(|e| e.key.clone())
        .collect()
}

async fn nothing_stored(store: &Store) {
    let (rows, total) = store.faq_history(SERVER, 10, 0).await.expect("reads");
    assert_eq!(total, 0, "{rows:?}");
    assert!(store.faq_layer(SERVER).await.expect("reads").is_empty());
}

#[tokio::test]
async fn an_added_entry_gets_a_key_from_its_question_and_shows_in_that_server_only() {
    let (store, _dir) = temp_store().await;
    let content = content();
    let entry = add(ctx(&store, &content, 0), SERVER, ADMIN, None, &birthday())
        .await
        .expect("added");
    assert_eq!(entry.key, "can-i-text-them-on-their-birthday");
    assert_eq!(entry.aliases, ["birthday", "anniversary"]);
    let ours = keys(&store, &content, SERVER).await;
    assert_eq!(ours.len(), 11);
    assert_eq!(ours[10], entry.key);
    assert_eq!(keys(&store, &content, OTHER).await.len(), 10);
    let (history, _) = store.faq_history(SERVER, 10, 0).await.expect("reads");
    assert_eq!(history[0].kind, ChangeKind::Added);
    assert_eq!(history[0].admin, Some(ADMIN));
    assert_eq!(history[0].at, at(0));
    // The same question again gets the next free key.
    let again = add(
        ctx(&store, &content, 1),
        SERVER,
        ADMIN,
        None,
        &draft("Can I text them on their birthday??", "Another answer.", ""),
    )
    .await
    .expect("added");
    assert_eq!(again.key, "can-i-text-them-on-their-birthday-2");
}

#[tokio::test]
async fn an_entry_that_breaks_rules_is_refused_naming_each_field_and_nothing_is_stored() {
    let (store, _dir) = temp_store().await;
    let content = content();
    let bad = draft(&"q".repeat(101), &"a".repeat(4097), "nc, space, ok");
    let broken = rules(
        add(
            ctx(&store, &content, 0),
            SERVER,
            ADMIN,
            Some("Bad Key!"),
            &bad,
        )
        .await
        .expect_err("refused"),
    );
    let expect = [
        "`key` must be lower-case letters, digits and '-' only",
        "`question` is 101 characters; a Discord choice name or select option label allows at most 100",
        "`answer` is 4097 characters; a Discord embed description allows at most 4096",
        "`aliases[1]` “nc” is already the key or an alias of “no-contact”",
        "`aliases[2]` “space” is already the key or an alias of “no-contact”",
    ];
    for rule in expect {
        assert!(
            broken.iter().any(|r| r.starts_with(rule)),
            "{rule}\n{broken:#?}"
        );
    }
    assert_eq!(broken.len(), expect.len(), "{broken:#?}");
    nothing_stored(&store).await;
}

#[tokio::test]
async fn a_key_or_alias_that_another_entry_uses_is_refused() {
    let (store, _dir) = temp_store().await;
    let content = content();
    let used_key = rules(
        add(
            ctx(&store, &content, 0),
            SERVER,
            ADMIN,
            Some("astrology"),
            &birthday(),
        )
        .await
        .expect_err("refused"),
    );
    assert_eq!(
        used_key,
        ["`key` is used by another entry; keys must be unique"]
    );
    let alias_is_a_key = rules(
        add(
            ctx(&store, &content, 0),
            SERVER,
            ADMIN,
            None,
            &draft("Stars?", "No.", "Astrology"),
        )
        .await
        .expect_err("refused"),
    );
    assert!(
        alias_is_a_key[0]
            .starts_with("`aliases[1]` “Astrology” is already the key or an alias of “astrology”"),
        "{alias_is_a_key:?}"
    );
    let long_key = rules(
        add(
            ctx(&store, &content, 0),
            SERVER,
            ADMIN,
            Some(&"k".repeat(69)),
            &birthday(),
        )
        .await
        .expect_err("refused"),
    );
    assert_eq!(
        long_key,
        ["`key` is 69 characters; a custom id with its prefix allows at most 68"]
    );
    nothing_stored(&store).await;
}

#[tokio::test]
async fn a_26th_entry_is_refused_with_the_limit() {
    let (store, _dir) = temp_store().await;
    let content = content();
    for n in 0..15 {
        add(
            ctx(&store, &content, n),
            SERVER,
            ADMIN,
            Some(&format!("extra-{n}")),
            &draft(&format!("Extra question {n}?"), "An answer.", ""),
        )
        .await
        .expect("room for it");
    }
    assert_eq!(keys(&store, &content, SERVER).await.len(), 25);
    let full = rules(
        add(ctx(&store, &content, 20), SERVER, ADMIN, None, &birthday())
            .await
            .expect_err("no room"),
    );
    assert_eq!(full.len(), 1);
    assert!(
        full[0].starts_with("at most 25 FAQ entries fit"),
        "{full:?}"
    );
    assert_eq!(
        store.faq_history(SERVER, 100, 0).await.expect("reads").1,
        15
    );
    // Removing one makes room.
    remove(ctx(&store, &content, 21), SERVER, ADMIN, "astrology")
        .await
        .expect("removed");
    add(ctx(&store, &content, 22), SERVER, ADMIN, None, &birthday())
        .await
        .expect("room again");
}

#[tokio::test]
async fn an_edit_replaces_the_files_entry_in_that_server_and_keeps_its_place() {
    let (store, _dir) = temp_store().await;
    let content = content();
    let opened = open(ctx(&store, &content, 0), SERVER, "jealousy")
        .await
        .expect("opens");
    assert_eq!(opened.revision, Revision::UNCHANGED);
    assert_eq!(
        &opened.entry,
        content.faq_by_key("jealousy").expect("in the file")
    );
    let mine = draft(
        "Should I make them jealous?",
        "Please don't.",
        "jealous, envy",
    );
    let edited = edit(
        ctx(&store, &content, 1),
        SERVER,
        ADMIN,
        "jealousy",
        opened.revision,
        &mine,
    )
    .await
    .expect("saved");
    assert!(edited.changed);
    let faq = faq_at(&store, &content, Place::Server(SERVER))
        .await
        .expect("reads");
    let position = content.faq.iter().position(|e| e.key == "jealousy");
    assert_eq!(faq.iter().position(|e| e.key == "jealousy"), position);
    assert_eq!(
        faq.resolve("envy").map(|e| e.answer.as_str()),
        Some("Please don't.")
    );
    let theirs = faq_at(&store, &content, Place::Server(OTHER))
        .await
        .expect("reads");
    assert_ne!(
        theirs.resolve("jealousy").map(|e| e.answer.as_str()),
        Some("Please don't.")
    );
    // Reopened, the server's version and a new revision.
    let reopened = open(ctx(&store, &content, 2), SERVER, "jealousy")
        .await
        .expect("opens");
    assert_eq!(reopened.entry.answer, "Please don't.");
    assert!(reopened.revision > opened.revision);
    // Saving it unchanged stores nothing.
    let same = edit(
        ctx(&store, &content, 3),
        SERVER,
        ADMIN,
        "jealousy",
        reopened.revision,
        &mine,
    )
    .await
    .expect("nothing to do");
    assert!(!same.changed);
    assert_eq!(store.faq_history(SERVER, 10, 0).await.expect("reads").1, 1);
}

#[tokio::test]
async fn two_admins_editing_one_entry_cannot_overwrite_each_other() {
    let (store, _dir) = temp_store().await;
    let content = content();
    let first = open(ctx(&store, &content, 0), SERVER, "no-contact")
        .await
        .expect("opens");
    let second = open(ctx(&store, &content, 0), SERVER, "no-contact")
        .await
        .expect("opens");
    edit(
        ctx(&store, &content, 1),
        SERVER,
        ADMIN,
        "no-contact",
        first.revision,
        &draft("First admin's question?", "First.", "nc"),
    )
    .await
    .expect("the first save wins");
    let late = refusal(
        edit(
            ctx(&store, &content, 2),
            SERVER,
            SECOND_ADMIN,
            "no-contact",
            second.revision,
            &draft("Second admin's question?", "Second.", "nc"),
        )
        .await
        .expect_err("refused"),
    );
    assert_eq!(late, FaqRefusal::ChangedMeanwhile("no-contact".into()));
    let faq = faq_at(&store, &content, Place::Server(SERVER))
        .await
        .expect("reads");
    assert_eq!(
        faq.by_key("no-contact").map(|e| e.answer.as_str()),
        Some("First.")
    );
}

#[tokio::test]
async fn two_admins_saving_at_the_same_instant_store_one_change() {
    let (store, _dir) = temp_store().await;
    let content = content();
    let revision = open(ctx(&store, &content, 0), SERVER, "apologizing")
        .await
        .expect("opens")
        .revision;
    let save = |admin, answer: &'static str| {
        let (store, content) = (store.clone(), content.clone());
        tokio::spawn(async move {
            edit(
                ctx(&store, &content, 1),
                SERVER,
                admin,
                "apologizing",
                revision,
                &draft("Should I apologise?", answer, ""),
            )
            .await
            .map(|e| e.changed)
        })
    };
    let (a, b) = tokio::join!(save(ADMIN, "A."), save(SECOND_ADMIN, "B."));
    let outcomes = [a.expect("ran"), b.expect("ran")];
    assert_eq!(
        outcomes.iter().filter(|o| matches!(o, Ok(true))).count(),
        1,
        "{outcomes:?}"
    );
    assert!(outcomes
        .iter()
        .any(|o| matches!(o, Err(ServiceError::Faq(FaqRefusal::ChangedMeanwhile(_))))));
    assert_eq!(store.faq_history(SERVER, 10, 0).await.expect("reads").1, 1);
}

#[tokio::test]
async fn removing_hides_a_file_entry_forgets_an_added_one_and_keeps_the_last() {
    let (store, _dir) = temp_store().await;
    let content = content();
    let removed = remove(ctx(&store, &content, 0), SERVER, ADMIN, "astrology")
        .await
        .expect("removed");
    assert_eq!(removed.key, "astrology");
    let faq = faq_at(&store, &content, Place::Server(SERVER))
        .await
        .expect("reads");
    assert!(faq.by_key("astrology").is_none());
    assert!(faq
        .resolve("astrology")
        .is_none_or(|e| e.key != "astrology"));
    // Removed twice (two admins at once): the second finds nothing.
    let again = refusal(
        remove(ctx(&store, &content, 1), SERVER, ADMIN, "astrology")
            .await
            .expect_err("gone"),
    );
    assert_eq!(again, FaqRefusal::NoSuchEntry("astrology".into()));
    // Opening a removed entry by its key finds nothing, not the nearest other entry.
    let closed = refusal(
        open(ctx(&store, &content, 1), SERVER, "astrology")
            .await
            .expect_err("gone"),
    );
    assert_eq!(closed, FaqRefusal::NoSuchEntry("astrology".into()));
    // Editing a removed entry is refused the same way.
    let gone = refusal(
        edit(
            ctx(&store, &content, 1),
            SERVER,
            ADMIN,
            "astrology",
            Revision::UNCHANGED,
            &birthday(),
        )
        .await
        .expect_err("gone"),
    );
    assert_eq!(gone, FaqRefusal::NoSuchEntry("astrology".into()));

    let added = add(ctx(&store, &content, 2), SERVER, ADMIN, None, &birthday())
        .await
        .expect("added");
    remove(ctx(&store, &content, 3), SERVER, ADMIN, &added.key)
        .await
        .expect("removed");
    let layer = store.faq_layer(SERVER).await.expect("reads");
    assert_eq!(layer.len(), 1, "only the hidden file entry: {layer:?}");
    // Re-adding a removed file entry's key brings the topic back, in its place.
    add(
        ctx(&store, &content, 4),
        SERVER,
        ADMIN,
        Some("astrology"),
        &draft("Do horoscopes help?", "They don't.", ""),
    )
    .await
    .expect("added");
    let faq = faq_at(&store, &content, Place::Server(SERVER))
        .await
        .expect("reads");
    assert_eq!(
        faq.by_key("astrology").map(|e| e.answer.as_str()),
        Some("They don't.")
    );

    // Down to one entry: that one stays.
    let keys_now = keys(&store, &content, SERVER).await;
    for key in &keys_now[1..] {
        remove(ctx(&store, &content, 5), SERVER, ADMIN, key)
            .await
            .expect("removed");
    }
    let last = refusal(
        remove(ctx(&store, &content, 6), SERVER, ADMIN, &keys_now[0])
            .await
            .expect_err("the last"),
    );
    assert_eq!(last, FaqRefusal::LastEntry(keys_now[0].clone()));
    assert_eq!(keys(&store, &content, SERVER).await, [keys_now[0].clone()]);
}

#[tokio::test]
async fn history_pages_newest_first_and_a_page_past_the_end_shows_the_last() {
    let (store, _dir) = temp_store().await;
    let content = content();
    for n in 0..12 {
        add(
            ctx(&store, &content, n),
            SERVER,
            ADMIN,
            Some(&format!("extra-{n}")),
            &draft(&format!("Extra {n}?"), "A.", ""),
        )
        .await
        .expect("added");
    }
    let first = history(ctx(&store, &content, 20), SERVER, 1)
        .await
        .expect("reads");
    assert_eq!((first.page, first.pages, first.total), (1, 2, 12));
    assert_eq!(first.changes.len(), 10);
    assert_eq!(first.changes[0].key, "extra-11");
    let past = history(ctx(&store, &content, 20), SERVER, 9)
        .await
        .expect("reads");
    assert_eq!((past.page, past.changes.len()), (2, 2));
    assert_eq!(past.changes[1].key, "extra-0");
    let empty = history(ctx(&store, &content, 20), OTHER, 1)
        .await
        .expect("reads");
    assert_eq!((empty.page, empty.pages, empty.total), (1, 1, 0));
}

#[tokio::test]
async fn an_entry_set_aside_after_a_reload_can_still_be_found_edited_and_removed() {
    let (store, _dir) = temp_store().await;
    let content = content();
    add(
        ctx(&store, &content, 0),
        SERVER,
        ADMIN,
        Some("cooking"),
        &draft("Can we cook together again?", "Go slowly.", ""),
    )
    .await
    .expect("added");
    // The reloaded file gives "astrology" the alias "cooking".
    let reloaded = Content::parse(
        &std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("config/content.toml"))
            .expect("reads")
            .replacen(
                "aliases = [\"astrology\"",
                "aliases = [\"cooking\", \"astrology\"",
                1,
            ),
        Path::new("content.toml"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let server = overview(ctx(&store, &reloaded, 1), SERVER)
        .await
        .expect("reads");
    assert!(server.faq.by_key("cooking").is_none());
    assert_eq!(server.faq.len(), 10);
    assert_eq!(server.set_aside.len(), 1);
    assert!(
        server.set_aside[0].reasons[0]
            .contains("`key` “cooking” is already the key or an alias of “astrology”"),
        "{:?}",
        server.set_aside
    );
    let found = topics(ctx(&store, &reloaded, 1), SERVER, "cook together")
        .await
        .expect("reads");
    assert!(
        found.iter().any(|t| t.key == "cooking" && !t.shown),
        "{found:?}"
    );
    // An edit that still clashes is refused with the rule; the entry stays set aside.
    let opened = open(ctx(&store, &reloaded, 2), SERVER, "cooking")
        .await
        .expect("opens");
    let still = rules(
        edit(
            ctx(&store, &reloaded, 2),
            SERVER,
            ADMIN,
            "cooking",
            opened.revision,
            &draft("Cooking again?", "Slowly.", ""),
        )
        .await
        .expect_err("refused"),
    );
    assert!(
        still[0].contains("already the key or an alias of “astrology”"),
        "{still:?}"
    );
    remove(ctx(&store, &reloaded, 3), SERVER, ADMIN, "cooking")
        .await
        .expect("removed");
    assert!(store.faq_layer(SERVER).await.expect("reads").is_empty());
}

#[tokio::test]
async fn the_editor_opens_the_entry_picked_or_the_best_match_for_what_was_typed() {
    let (store, _dir) = temp_store().await;
    let content = content();
    let picked = open(ctx(&store, &content, 0), SERVER, "jealousy")
        .await
        .expect("opens");
    assert_eq!(picked.entry.key, "jealousy");
    let typed = open(ctx(&store, &content, 0), SERVER, "horoscope")
        .await
        .expect("opens");
    assert_eq!(typed.entry.key, "astrology");
    let nothing = refusal(
        open(ctx(&store, &content, 0), SERVER, "quantum chromodynamics")
            .await
            .expect_err("no match"),
    );
    assert_eq!(
        nothing,
        FaqRefusal::NoSuchEntry("quantum chromodynamics".into())
    );
}

#[tokio::test]
async fn topics_offer_every_entry_for_nothing_typed_and_the_matches_otherwise() {
    let (store, _dir) = temp_store().await;
    let content = content();
    let all = topics(ctx(&store, &content, 0), SERVER, " ")
        .await
        .expect("reads");
    assert_eq!(all.len(), 10);
    let found = topics(ctx(&store, &content, 0), SERVER, "horoscope")
        .await
        .expect("reads");
    assert_eq!(found.first().map(|t| t.key.as_str()), Some("astrology"));
    let by_key = topics(ctx(&store, &content, 0), SERVER, "no-contact")
        .await
        .expect("reads");
    assert_eq!(by_key.first().map(|t| t.key.as_str()), Some("no-contact"));
    assert_eq!(by_key.iter().filter(|t| t.key == "no-contact").count(), 1);
}

#[tokio::test]
async fn a_file_answer_too_long_for_discords_editing_box_is_not_opened() {
    let (store, _dir) = temp_store().await;
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("config/content.toml"))
            .expect("reads")
            + &format!(
                "\n[[faq]]\nkey = \"long\"\nquestion = \"Long?\"\nanswer = \"{}\"\n",
                "a".repeat(4090)
            );
    let content =
        Content::parse(&text, Path::new("content.toml")).unwrap_or_else(|e| panic!("{e}"));
    let refused = refusal(
        open(ctx(&store, &content, 0), SERVER, "long")
            .await
            .expect_err("too long"),
    );
    assert_eq!(
        refused,
        FaqRefusal::TooLongToEdit {
            key: "long".into(),
            field: "answer",
            length: 4090
        }
    );
    assert!(
        refused.to_string().contains("config/content.toml"),
        "{refused}"
    );
}

#[test]
fn a_refusal_lists_every_rule_on_its_own_line() {
    let text = FaqRefusal::BreaksRules(vec!["`a` one".into(), "`b` two".into()]).to_string();
    assert_eq!(
        text,
        "Nothing was saved: the entry breaks 2 of the FAQ's rules (the same as for config/content.toml):\n• `a` one\n• `b` two"
    );
}
