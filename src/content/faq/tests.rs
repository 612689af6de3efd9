use super::*;

fn entry(key: &str, aliases: &[&str]) -> FaqEntry {
    FaqEntry {
        key: key.to_owned(),
        question: format!("A question about {key}?"),
        aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
        answer: format!("The answer about {key}."),
    }
}

fn file(entries: Vec<FaqEntry>) -> Faq {
    Faq::new(entries)
}

fn three() -> Faq {
    file(vec![
        entry("no-contact", &["nc", "space"]),
        entry("jealousy", &["jealous"]),
        entry("astrology", &["horoscope"]),
    ])
}

fn put(key: &str, question: &str, aliases: &[&str]) -> LayerEntry {
    LayerEntry {
        key: key.to_owned(),
        change: Layered::Put(FaqDraft {
            question: question.to_owned(),
            answer: format!("This server's answer about {key}."),
            aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
        }),
    }
}

fn hide(key: &str) -> LayerEntry {
    LayerEntry {
        key: key.to_owned(),
        change: Layered::Hidden,
    }
}

fn keys(server: &ServerFaq) -> Vec<&str> {
    server.faq.iter().map(|e| e.key.as_str()).collect()
}

#[test]
fn a_server_without_a_layer_shows_the_file_as_it_is() {
    let server = layered(&three(), &[]);
    assert_eq!(keys(&server), ["no-contact", "jealousy", "astrology"]);
    assert_eq!(server.origins, vec![Origin::File; 3]);
    assert!(server.set_aside.is_empty() && server.hidden.is_empty());
}

#[test]
fn a_servers_version_replaces_the_files_entry_in_its_place() {
    let server = layered(
        &three(),
        &[put("jealousy", "Should I make them jealous?", &["envy"])],
    );
    assert_eq!(keys(&server), ["no-contact", "jealousy", "astrology"]);
    assert_eq!(server.origins, [Origin::File, Origin::Edited, Origin::File]);
    let edited = server.faq.by_key("jealousy").expect("shown");
    assert_eq!(edited.question, "Should I make them jealous?");
    // Found by its new alias, no longer by the file's.
    assert_eq!(
        server.faq.resolve("envy").map(|e| e.key.as_str()),
        Some("jealousy")
    );
    assert!(server.faq.search("jealous").all(|e| e.key != "no-contact"));
}

#[test]
fn a_hidden_entry_is_neither_listed_nor_found() {
    let server = layered(&three(), &[hide("astrology")]);
    assert_eq!(keys(&server), ["no-contact", "jealousy"]);
    assert_eq!(server.hidden.len(), 1);
    assert_eq!(server.hidden[0].key, "astrology");
    assert!(server.faq.resolve("astrology").is_none());
    assert!(server.faq.resolve("horoscope").is_none());
}

#[test]
fn added_entries_follow_the_files_in_the_order_they_were_added() {
    let server = layered(
        &three(),
        &[
            put(
                "birthday",
                "Can I text them on their birthday?",
                &["birthday"],
            ),
            hide("no-contact"),
            put("friends", "What do I tell our friends?", &[]),
        ],
    );
    assert_eq!(
        keys(&server),
        ["jealousy", "astrology", "birthday", "friends"]
    );
    assert_eq!(
        server.origins,
        [Origin::File, Origin::File, Origin::Added, Origin::Added]
    );
}

#[test]
fn an_entry_beyond_the_25th_is_set_aside_with_the_limit() {
    let many: Vec<FaqEntry> = (1..=24).map(|n| entry(&format!("file-{n}"), &[])).collect();
    let server = layered(
        &file(many),
        &[
            put("first-added", "First?", &[]),
            put("second-added", "Second?", &[]),
        ],
    );
    assert_eq!(server.faq.len(), 25);
    assert_eq!(server.faq.entries()[24].key, "first-added");
    assert_eq!(server.set_aside.len(), 1);
    let aside = &server.set_aside[0];
    assert_eq!(aside.entry.key, "second-added");
    assert_eq!(aside.origin, Origin::Added);
    assert!(
        aside.reasons[0].contains("at most 25"),
        "{:?}",
        aside.reasons
    );
    // Hiding one file entry makes room for it again.
    let many: Vec<FaqEntry> = (1..=24).map(|n| entry(&format!("file-{n}"), &[])).collect();
    let server = layered(
        &file(many),
        &[
            put("first-added", "First?", &[]),
            put("second-added", "Second?", &[]),
            hide("file-3"),
        ],
    );
    assert_eq!(server.faq.len(), 25);
    assert!(server.set_aside.is_empty());
}

#[test]
fn a_file_that_grows_under_a_layer_keeps_every_file_entry_and_sets_aside_the_servers() {
    // The file went from 24 to 25 entries after a reload: the server's own entry no longer fits.
    let many: Vec<FaqEntry> = (1..=25).map(|n| entry(&format!("file-{n}"), &[])).collect();
    let server = layered(&file(many), &[put("ours", "Ours?", &[])]);
    assert_eq!(server.faq.len(), 25);
    assert!(server.faq.by_key("ours").is_none());
    assert_eq!(server.set_aside[0].entry.key, "ours");
    let (entry, origin) = server.entry("ours").expect("still the server's");
    assert_eq!((entry.question.as_str(), origin), ("Ours?", Origin::Added));
}

#[test]
fn a_servers_version_that_clashes_with_a_new_file_entry_gives_way_to_the_files_version() {
    // The server's version of "jealousy" took the alias "rebound"; the reloaded file has an
    // entry of that name.
    let reloaded = file(vec![
        entry("no-contact", &["nc"]),
        entry("jealousy", &["jealous"]),
        entry("rebound", &[]),
    ]);
    let server = layered(
        &reloaded,
        &[put("jealousy", "Make them jealous?", &["rebound"])],
    );
    assert_eq!(keys(&server), ["no-contact", "jealousy", "rebound"]);
    let shown = server.faq.by_key("jealousy").expect("the file's version");
    assert_eq!(shown.question, "A question about jealousy?");
    assert_eq!(server.origins[1], Origin::File);
    assert_eq!(server.set_aside.len(), 1);
    assert!(
        server.set_aside[0].reasons[0].contains("`aliases[1]` “rebound” is already the key"),
        "{:?}",
        server.set_aside[0].reasons
    );
}

#[test]
fn an_added_entry_whose_key_the_file_gains_becomes_the_servers_version_of_it() {
    let server = layered(&three(), &[put("astrology", "Do horoscopes help?", &[])]);
    assert_eq!(keys(&server), ["no-contact", "jealousy", "astrology"]);
    assert_eq!(server.origins[2], Origin::Edited);
}

#[test]
fn an_added_entry_that_breaks_a_rule_is_set_aside_naming_the_field() {
    let long = "q".repeat(101);
    let server = layered(&three(), &[put("too-long", &long, &["nc"])]);
    assert_eq!(server.faq.len(), 3);
    let reasons = &server.set_aside[0].reasons;
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("`question` is 101 characters")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r
                .starts_with("`aliases[1]` “nc” is already the key or an alias of “no-contact”")),
        "{reasons:?}"
    );
}

#[test]
fn an_alias_may_repeat_its_own_key_but_not_another_entrys() {
    let own = entry("jealousy", &["jealousy", "Jealousy!"]);
    // Beside another "jealousy", only the key is reported, once: its aliases are its own.
    assert_eq!(
        rules_broken(&own, three().entries()),
        vec!["`key` is used by another entry; keys must be unique".to_owned()]
    );
    let others = [entry("no-contact", &["space"])];
    assert!(rules_broken(&own, &others).is_empty());
    let clash = entry("silence", &["No Contact"]);
    assert_eq!(
        rules_broken(&clash, &others),
        vec!["`aliases[1]` “No Contact” is already the key or an alias of “no-contact”; a typed topic must find one entry".to_owned()]
    );
    let key_clash = entry("space", &[]);
    assert_eq!(
        rules_broken(&key_clash, &others),
        vec!["`key` “space” is already the key or an alias of “no-contact”; a typed topic must find one entry".to_owned()]
    );
}

#[test]
fn invisible_text_is_refused_like_empty_text() {
    let mut ghost = entry("ghost", &["\u{200b}"]);
    ghost.question = "\u{200b}\u{200d}".to_owned();
    let rules = rules_broken(&ghost, &[]);
    assert!(
        rules
            .iter()
            .any(|r| r.starts_with("`question` shows nothing")),
        "{rules:?}"
    );
    assert!(
        rules
            .iter()
            .any(|r| r.starts_with("`aliases[1]` shows nothing")),
        "{rules:?}"
    );
}

#[test]
fn the_limit_message_says_how_many_are_shown() {
    assert_eq!(full(24), None);
    assert!(full(25).is_some_and(|rule| rule.contains("at most 25") && rule.contains("shows 25")));
}

#[test]
fn a_question_on_two_lines_is_refused() {
    let mut two_lines = entry("two-lines", &[]);
    two_lines.question = "First line?\nSecond line?".to_owned();
    assert_eq!(
        rules_broken(&two_lines, &[]),
        vec!["`question` must be one line: it is a choice in a Discord list".to_owned()]
    );
}
