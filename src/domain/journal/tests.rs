use super::*;

#[test]
fn pages_count_five_entries_each_and_an_empty_journal_is_one_page() {
    assert_eq!(pages(0), 1);
    assert_eq!(pages(5), 1);
    assert_eq!(pages(6), 2);
    assert_eq!(pages(23), 5);
}

#[test]
fn a_page_number_maps_to_its_first_entry_and_one_past_the_end_is_refused() {
    assert_eq!(page_offset(1, 23), Ok(0));
    assert_eq!(page_offset(2, 23), Ok(5));
    assert_eq!(page_offset(5, 23), Ok(20));
    for bad in [0, -1, 6, i64::MAX] {
        assert_eq!(
            page_offset(bad, 23),
            Err(JournalError::NoSuchPage {
                asked: bad,
                pages: 5
            }),
            "{bad}"
        );
    }
    assert!(page_offset(2, 3)
        .unwrap_err()
        .to_string()
        .contains("has 1 page right now"));
}

#[test]
fn a_placement_says_where_it_is_and_which_way_there_is_more() {
    let first = Placement {
        first: 0,
        shown: 5,
        total: 23,
    };
    assert!(!first.has_newer() && first.has_older());
    assert_eq!(first.label(), "Entries 1–5 of 23");
    let middle = Placement {
        first: 5,
        shown: 5,
        total: 23,
    };
    assert!(middle.has_newer() && middle.has_older());
    assert_eq!(middle.label(), "Entries 6–10 of 23");
    let last = Placement {
        first: 20,
        shown: 3,
        total: 23,
    };
    assert!(last.has_newer() && !last.has_older());
    assert_eq!(last.label(), "Entries 21–23 of 23");
    let only = Placement {
        first: 0,
        shown: 1,
        total: 1,
    };
    assert!(!only.has_newer() && !only.has_older());
    assert_eq!(only.label(), "Entry 1 of 1");
    let none = Placement {
        first: 0,
        shown: 0,
        total: 0,
    };
    assert!(!none.has_newer() && !none.has_older());
    assert_eq!(none.label(), "No entries yet");
}

#[test]
fn folding_drops_case_and_accents() {
    assert_eq!(fold("Café  CRÈME brûlée"), "cafe creme brulee");
    assert_eq!(fold("Straße Œuvre Søren Łódź"), "strasse oeuvre soren lodz");
    assert_eq!(fold("ＦＵＬＬ width"), "full width");
    assert_eq!(fold("  a\n\tb  "), "a b");
}

#[test]
fn a_search_finds_every_word_whatever_the_case_and_accents() {
    let query = SearchQuery::parse("cafe ÉTÉ").expect("valid");
    assert!(query.matches("L'été dernier, au Café de Flore"));
    assert!(query.matches("ete... cafe"));
    assert!(!query.matches("Le café, en hiver"));
    let accented = SearchQuery::parse("Café").expect("valid");
    assert!(accented.matches("we met at a cafe"));
    assert!(accented.matches("CAFÉ"));
}

#[test]
fn empty_and_overlong_searches_are_refused_kindly() {
    assert_eq!(SearchQuery::parse("  "), Err(JournalError::EmptySearch));
    assert_eq!(
        SearchQuery::parse("\u{200B}\u{200B}"),
        Err(JournalError::EmptySearch)
    );
    assert_eq!(
        SearchQuery::parse(&"a".repeat(101)),
        Err(JournalError::SearchTooLong { length: 101 })
    );
    assert_eq!(
        format!("{:?}", SearchQuery::parse("private words").expect("valid")),
        "SearchQuery(2 words)"
    );
}

#[test]
fn a_preview_is_at_most_300_characters_and_never_pings() {
    let long = "é".repeat(400);
    let shown = preview(&long);
    assert_eq!(shown.chars().count(), 300);
    assert!(shown.ends_with('…'));
    assert_eq!(preview("short"), "short");
    let quoted = preview("hey @everyone and @here, <@123> <@&9> <#5>");
    assert!(
        !quoted.contains("@everyone") && !quoted.contains("@here"),
        "{quoted}"
    );
    assert!(!quoted.contains("<@") && !quoted.contains("<#"), "{quoted}");
    assert_eq!(
        quoted.replace('\u{200B}', ""),
        "hey @everyone and @here, <@123> <@&9> <#5>"
    );
    assert_eq!(inert("mail me at a@b"), "mail me at a@\u{200B}b");
}

#[test]
fn entry_ids_come_back_only_as_positive_digits() {
    assert_eq!(EntryId::parse("42").map(EntryId::get), Some(42));
    for bad in ["", "0", "-4", "4.0", "x", "99999999999999999999", " 1 2"] {
        assert_eq!(EntryId::parse(bad), None, "{bad}");
    }
}

#[test]
fn a_search_is_case_insensitive_in_greek_turkish_and_with_ligatures() {
    // Greek capitals lower to σ; a word written in lower case ends in ς.
    for (query, entry) in [
        ("οδός", "ΣΤΟΝ ΙΔΙΟ ΔΡΟΜΟ, ΣΤΗΝ ΙΔΙΑ ΟΔΟΣ"),
        ("ΟΔΟΣ", "περπάτησα στην ίδια οδός"),
        ("KIRMIZI", "kırmızı bir gün"),
        ("İstanbul", "istanbul'da bir akşam"),
        ("office", "the oﬃce was quiet"),
        ("ﬁne", "I am FINE"),
    ] {
        let search = SearchQuery::parse(query).expect("valid");
        assert!(search.matches(entry), "{query:?} finds {entry:?}");
    }
}

#[test]
fn punctuation_typed_around_a_word_does_not_hide_the_entry() {
    let search = SearchQuery::parse("sea, calm. \"walk\" (home)? ¿qué?").expect("valid");
    assert!(search.matches("A calm walk home by the sea. ¿Qué más?"));
    // Inside a word it stays, and a search of punctuation alone looks for it.
    assert!(!SearchQuery::parse("l'été")
        .expect("valid")
        .matches("le tété"));
    assert!(SearchQuery::parse("l’été")
        .expect("valid")
        .matches("Nous, l'été"));
    assert!(SearchQuery::parse("don't")
        .expect("valid")
        .matches("I DON’T know"));
    assert!(SearchQuery::parse("100%")
        .expect("valid")
        .matches("100% sure"));
    assert!(SearchQuery::parse("?!").expect("valid").matches("what?!"));
    assert!(!SearchQuery::parse("?!").expect("valid").matches("what"));
    assert!(SearchQuery::parse("%_\\")
        .expect("valid")
        .matches("odd %_\\ text"));
    assert!(!SearchQuery::parse("%")
        .expect("valid")
        .matches("no wildcard here"));
}

#[test]
fn a_preview_never_cuts_a_flag_an_emoji_or_an_accent_in_half() {
    let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}";
    for (unit, text) in [
        ("\u{1F1EB}\u{1F1F7}", "\u{1F1EB}\u{1F1F7}".repeat(200)),
        (family, family.repeat(80)),
        ("e\u{301}", "e\u{301}".repeat(200)),
        ("\u{1F44D}\u{1F3FD}", "\u{1F44D}\u{1F3FD}".repeat(200)),
        ("\u{2764}\u{FE0F}", "\u{2764}\u{FE0F}".repeat(200)),
    ] {
        let shown = preview(&text);
        assert!(shown.chars().count() <= PREVIEW_CHARS, "{shown}");
        let kept = shown.strip_suffix('…').expect("cut");
        assert!(!kept.is_empty());
        assert_eq!(kept.replace(unit, ""), "", "whole {unit:?} only: {kept:?}");
    }
    // One endless cluster (a thousand accents on one letter) is still cut to size.
    let zalgo = format!("a{}", "\u{301}".repeat(1000));
    assert_eq!(preview(&zalgo).chars().count(), PREVIEW_CHARS);
}
