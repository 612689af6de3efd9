use std::path::{Path, PathBuf};

use super::*;

fn shipped_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("config/content.toml")
}

fn shipped_text() -> String {
    std::fs::read_to_string(shipped_path()).expect("config/content.toml is readable")
}

fn shipped() -> Content {
    Content::load(&shipped_path()).unwrap_or_else(|error| panic!("{error}"))
}

fn parse(text: &str) -> Result<Content, ContentError> {
    Content::parse(text, Path::new("content.toml"))
}

/// The shipped file with one more FAQ entry per key in `keys`.
fn with_extra_faq(keys: impl IntoIterator<Item = String>, answer: &str) -> String {
    let mut text = shipped_text();
    for key in keys {
        text.push_str(&format!(
            "\n[[faq]]\nkey = \"{key}\"\nquestion = \"A question about {key}?\"\nanswer = \"\"\"{answer}\"\"\"\n"
        ));
    }
    text
}

#[test]
fn the_shipped_content_is_valid() {
    let content = shipped();
    assert_eq!(content.steps.len(), 7);
    assert_eq!(content.faq.len(), 10);
    assert!(!content.public_encouragements.is_empty());
}

#[test]
fn every_shipped_step_has_three_prompts_and_three_encouragements() {
    for step in shipped().steps {
        assert!(step.prompts.len() >= 3, "step {} prompts", step.number);
        assert!(
            step.encouragements.len() >= 3,
            "step {} encouragements",
            step.number
        );
        assert!(!step.practices.is_empty(), "step {} practices", step.number);
    }
}

#[test]
fn step_one_asks_for_real_time_apart() {
    assert!(shipped().step(1).map(|step| step.min_days).unwrap_or(0) >= 7);
}

#[test]
fn shipped_crisis_replies_start_with_the_local_emergency_number() {
    let content = shipped();
    let anywhere = content.crisis.emergency_line(None);
    assert!(anywhere.contains("emergency number"), "{anywhere}");
    assert!(
        anywhere.contains("112") && anywhere.contains("911"),
        "{anywhere}"
    );
    let germany = content.crisis.region("DE");
    assert!(content.crisis.emergency_line(germany).contains("(112)"));
}

#[test]
fn shipped_helplines_cover_thirty_countries_each_checked_on_a_date() {
    let content = shipped();
    assert!(content.crisis.regions.len() >= 30);
    for region in &content.crisis.regions {
        assert!(
            chrono::NaiveDate::parse_from_str(&region.verified, "%Y-%m-%d").is_ok(),
            "{}",
            region.code
        );
        assert!(!region.lines.is_empty(), "{}", region.code);
    }
}

#[test]
fn a_broken_crisis_pattern_is_refused_with_its_rule_and_place() {
    let text = shipped_text().replace("patterns = [", "patterns = [\n  \"want to ... ... die\",");
    let error = parse(&text).expect_err("a double gap is refused");
    let issue = error
        .issues
        .iter()
        .find(|issue| issue.rule.contains("want to ... ... die"))
        .unwrap_or_else(|| panic!("{error}"));
    assert!(issue.entry.starts_with("crisis.rules[1]"), "{issue:?}");
    assert!(issue.rule.contains("`...` twice in a row"), "{issue:?}");
}

#[test]
fn a_helpline_without_a_checked_date_is_refused() {
    let text = shipped_text().replacen("verified = \"2026-11-28\"", "verified = \"recently\"", 1);
    let error = parse(&text).expect_err("an undated helpline is refused");
    assert!(
        error.to_string().contains("`verified` is “recently”"),
        "{error}"
    );
}

#[test]
fn shipped_faq_search_ranks_the_expected_entry_first() {
    let content = shipped();
    for (query, key) in [
        ("jealous", "jealousy"),
        ("no contact", "no-contact"),
        ("astrology", "astrology"),
        ("seeing someone", "seeing-someone-else"),
        ("therapy", "counseling"),
        ("sorry", "apologizing"),
        ("jelous", "jealousy"),
    ] {
        let best = content
            .search_faq(query)
            .next()
            .map(|entry| entry.key.as_str());
        assert_eq!(best, Some(key), "query {query:?}");
    }
}

#[test]
fn a_thirtieth_faq_entry_is_refused_naming_the_entry_and_the_limit() {
    let extra = (11..=30).map(|n| format!("extra-{n}"));
    let error = parse(&with_extra_faq(extra, "An answer.")).unwrap_err();
    let text = error.to_string();
    assert!(text.contains("content.toml"), "{text}");
    assert!(text.contains("faq[26] (key \"extra-26\")"), "{text}");
    assert!(text.contains("at most 25 FAQ entries"), "{text}");
    assert!(text.contains("found 30"), "{text}");
}

#[test]
fn an_answer_over_4096_characters_is_refused_naming_the_entry_and_the_limit() {
    let long = "x".repeat(4097);
    let error = parse(&with_extra_faq(["too-long".to_owned()], &long)).unwrap_err();
    assert_eq!(error.issues.len(), 1, "{error}");
    assert_eq!(error.issues[0].entry, "faq[11] (key \"too-long\")");
    assert!(error.issues[0].rule.contains("4097 characters"), "{error}");
    assert!(error.issues[0].rule.contains("at most 4096"), "{error}");
}

#[test]
fn an_answer_of_exactly_4096_characters_is_accepted() {
    let exact = "x".repeat(4096);
    assert!(parse(&with_extra_faq(["just-fits".to_owned()], &exact)).is_ok());
}

#[test]
fn a_duplicate_key_and_a_bad_key_are_both_reported() {
    let text = with_extra_faq(["astrology".to_owned(), "Bad Key".to_owned()], "An answer.");
    let error = parse(&text).unwrap_err();
    let rules: Vec<&str> = error
        .issues
        .iter()
        .map(|issue| issue.rule.as_str())
        .collect();
    assert!(
        rules.iter().any(|r| r.contains("used by an earlier entry")),
        "{error}"
    );
    assert!(rules.iter().any(|r| r.contains("lower-case")), "{error}");
}

#[test]
fn a_missing_step_is_refused() {
    let text = shipped_text();
    let start = text
        .find("[[steps]]\nnumber = 7")
        .expect("step 7 in the file");
    let end = text[start..]
        .find("[[faq]]")
        .map(|offset| start + offset)
        .expect("faq after steps");
    let error = parse(&format!("{}{}", &text[..start], &text[end..])).unwrap_err();
    assert!(
        error.to_string().contains("exactly 7 steps; found 6"),
        "{error}"
    );
}

#[test]
fn steps_out_of_order_are_refused() {
    let text = shipped_text().replacen("number = 2", "number = 5", 1);
    let error = parse(&text).unwrap_err();
    assert!(error.to_string().contains("steps[2]"), "{error}");
    assert!(error.to_string().contains("numbered 1 to 7"), "{error}");
}

#[test]
fn a_step_with_one_prompt_is_refused_because_rotation_would_repeat() {
    let text = shipped_text();
    let start = text.find("prompts = [").expect("a prompts list");
    let end = start + text[start..].find(']').expect("end of the list") + 1;
    let one = format!(
        "{}prompts = [\"Only one?\"]{}",
        &text[..start],
        &text[end..]
    );
    let error = parse(&one).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("steps[1] (Allow time for healing)"),
        "{error}"
    );
    assert!(
        error.to_string().contains("`prompts` needs at least 2"),
        "{error}"
    );
}

#[test]
fn a_syntax_error_names_the_file_and_the_line() {
    let error = parse("[help\nabout = 1").unwrap_err();
    let text = error.to_string();
    assert!(text.starts_with("content.toml has 1 problem"), "{text}");
    assert!(text.contains("syntax"), "{text}");
    assert!(text.contains("line 1"), "{text}");
}

#[test]
fn an_unknown_field_is_refused_so_typos_do_not_pass_silently() {
    let text = shipped_text().replacen("min_days = 14", "min_day = 14", 1);
    let error = parse(&text).unwrap_err();
    assert!(error.to_string().contains("min_day"), "{error}");
}

#[test]
fn a_missing_file_says_it_cannot_be_read() {
    let error = Content::load(Path::new("/nonexistent/content.toml")).unwrap_err();
    assert!(
        error.to_string().contains("/nonexistent/content.toml"),
        "{error}"
    );
    assert!(error.to_string().contains("cannot be read"), "{error}");
}

#[test]
fn resolve_finds_by_key_then_by_search() {
    let content = shipped();
    assert_eq!(
        content.resolve_faq("no-contact").map(|e| e.key.as_str()),
        Some("no-contact")
    );
    assert_eq!(
        content.resolve_faq("love spells").map(|e| e.key.as_str()),
        Some("astrology")
    );
    assert!(content.resolve_faq("quantum chromodynamics").is_none());
}

#[test]
fn the_shipped_crisis_phrases_catch_danger_and_spare_ordinary_words() {
    let content = shipped();
    assert!(content.is_crisis("honestly I want to kill myself"));
    assert!(content.is_crisis("I don’t want to live anymore"));
    assert!(content.is_crisis("thinking about self-harm"));
    assert!(!content.is_crisis("I'm killing it at the gym lately"));
    assert!(!content.is_crisis("I miss them and I feel low"));
}

#[test]
fn a_quiet_idiom_that_would_hide_a_crisis_is_refused() {
    let text = shipped_text().replacen(
        "quiet = [",
        "quiet = [\n  \"kill|killing myself\",\n  \"suicid*\",",
        1,
    );
    let error = parse(&text).expect_err("the idiom hides crises");
    assert!(
        error
            .to_string()
            .contains("no longer catch “i want to kill myself”"),
        "{error}"
    );
}

#[test]
fn a_one_letter_pattern_is_refused() {
    let text = shipped_text().replacen("patterns = [", "patterns = [\n  \"i\",", 1);
    let error = parse(&text).expect_err("a pattern of one short word is refused");
    assert!(
        error.to_string().contains("fewer than three letters"),
        "{error}"
    );
}

#[test]
fn a_crisis_reply_too_long_for_discord_is_refused() {
    // Every field within its own limit, the whole too long for one embed.
    let long = format!("\"{}\"", "x".repeat(890));
    let mut text = shipped_text();
    for key in ["region_hint", "common_lines"] {
        let start = text.find(&format!("\n{key} = ")).expect("the key") + 1;
        let end = start + text[start..].find('\n').expect("the line's end");
        text.replace_range(start..end, &format!("{key} = {long}"));
    }
    let line = "y".repeat(152);
    for n in 0..3 {
        // (with the two shipped lines: five, the most allowed)
        text = text.replacen(
            "[[crisis.international]]",
            &format!("[[crisis.international]]\nname = \"Directory {n}\"\ncontact = \"{line}yyyyyy\"\nurl = \"https://{line}\"\n\n[[crisis.international]]"),
            1,
        );
    }
    let start = text.find("acute_message = \"\"\"").expect("the key");
    let end = start + text[start..].find("\"\"\"\n").expect("its end") + 3;
    let end = end + text[end..].find("\"\"\"").expect("the closing quotes") + 3;
    text.replace_range(start..end, &format!("acute_message = {long}"));
    let error = parse(&text).map(|_| ()).expect_err("too long");
    assert!(
        error
            .to_string()
            .contains("a Discord embed allows at most 4096"),
        "{error}"
    );
}

#[test]
fn a_step_without_a_minimum_stay_is_refused() {
    let text = shipped_text().replacen("min_days = 14", "min_days = 0", 1);
    let error = parse(&text).map(|_| ()).expect_err("min_days 0 is refused");
    assert!(
        error.to_string().contains("`min_days` is 0; at least 1"),
        "{error}"
    );
}

#[test]
fn an_alias_that_is_another_entrys_key_or_alias_is_refused_in_the_file_too() {
    let text = shipped_text().replacen(
        "aliases = [\"astrology\"",
        "aliases = [\"No Contact\", \"astrology\"",
        1,
    );
    let error = parse(&text).unwrap_err();
    assert_eq!(error.issues.len(), 1, "{error}");
    assert!(
        error.issues[0].entry.contains("key \"astrology\""),
        "{error}"
    );
    assert_eq!(
        error.issues[0].rule,
        "`aliases[1]` “No Contact” is already the key or an alias of “no-contact”; a typed topic must find one entry"
    );
}
