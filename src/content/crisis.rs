//! The crisis part of the content file: the detector's rules, the replies' words, and the
//! support lines by country.
//!
//! Helplines are facts that change, so each country's entry carries the date it was last
//! checked and where. A member who told us their country (`/settings region`) sees its lines
//! first; everyone else sees the international directories. The emergency-number line always
//! comes first.

use serde::Deserialize;

use super::ContentIssue;
use crate::domain::crisis::{CrisisDetector, Level, RuleSource, CATEGORIES};

/// A phone, text or web line people can reach now.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Helpline {
    pub name: String,
    /// How to reach it: numbers, text lines, hours.
    pub contact: String,
    #[serde(default)]
    pub url: Option<String>,
}

/// One country's emergency number and support lines.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// ISO 3166-1 alpha-2, upper case.
    pub code: String,
    pub name: String,
    pub emergency: String,
    /// When the lines were last checked against `source` (YYYY-MM-DD).
    pub verified: String,
    pub source: String,
    pub lines: Vec<Helpline>,
}

/// One detection rule as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrisisRule {
    /// `acute` or `concern`.
    pub level: String,
    /// What the rule looks for (`ideation`, `self-harm`, `danger`, ...): for logs and the
    /// evaluation, never shown to members.
    pub category: String,
    /// The language of its patterns (`en`, `es`, ..., or `any`).
    pub language: String,
    pub patterns: Vec<String>,
}

/// What the bot says, and looks for, when someone may be in danger.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Crisis {
    /// The first line of every crisis reply: call the local emergency number. `{number}` is
    /// replaced by the member's country's number, or by `emergency_numbers`.
    pub emergency: String,
    /// Common emergency numbers, for members whose country we do not know.
    pub emergency_numbers: String,
    /// The acute reply's words, after the emergency line and before the lines.
    pub acute_message: String,
    /// The gentle check-in for hopelessness; support lines come by a button.
    pub concern_message: String,
    /// The short reply to a further crisis message within a few minutes.
    pub repeat_message: String,
    /// Shown under the international lines: how to get one's own country's lines first.
    pub region_hint: String,
    /// Lines for anywhere (directories of helplines by country).
    pub international: Vec<Helpline>,
    /// A few widely used numbers, shown with the international lines (optional).
    #[serde(default)]
    pub common_lines: Option<String>,
    /// Idioms and turns of phrase taken out of a text before the rules look at it.
    #[serde(default)]
    pub quiet: Vec<String>,
    pub rules: Vec<CrisisRule>,
    #[serde(default)]
    pub regions: Vec<Region>,
}

impl Crisis {
    /// The lines of `code`'s country, if we have them.
    pub fn region(&self, code: &str) -> Option<&Region> {
        self.regions
            .iter()
            .find(|region| region.code.eq_ignore_ascii_case(code))
    }

    /// The emergency line for a member in `region` (or anywhere).
    pub fn emergency_line(&self, region: Option<&Region>) -> String {
        let number = region.map_or(self.emergency_numbers.as_str(), |r| r.emergency.as_str());
        self.emergency.trim().replace("{number}", number)
    }

    /// Builds the detector from the rules, or the problems with them.
    pub(super) fn detector(&self) -> Result<CrisisDetector, Vec<ContentIssue>> {
        let levels: Vec<Level> = self
            .rules
            .iter()
            .map(|rule| Level::parse(&rule.level).unwrap_or(Level::Acute))
            .collect();
        let sources = self
            .rules
            .iter()
            .zip(&levels)
            .map(|(rule, level)| RuleSource {
                level: *level,
                category: &rule.category,
                patterns: &rule.patterns,
            });
        CrisisDetector::new(&self.quiet, sources).map_err(|bad| {
            bad.into_iter()
                .map(|bad| {
                    let (entry, list) = match bad.rule {
                        Some(rule) => (self.rule_entry(rule), "patterns"),
                        None => ("crisis".to_owned(), "quiet"),
                    };
                    let text = match bad.rule {
                        Some(rule) => self.rules[rule].patterns.get(bad.index),
                        None => self.quiet.get(bad.index),
                    };
                    ContentIssue {
                        entry,
                        rule: format!(
                            "`{list}[{}]` “{}” {}",
                            bad.index + 1,
                            text.map_or("", String::as_str),
                            bad.error
                        ),
                    }
                })
                .collect()
        })
    }

    fn rule_entry(&self, index: usize) -> String {
        let rule = &self.rules[index];
        format!(
            "crisis.rules[{}] ({} {} {})",
            index + 1,
            rule.level,
            rule.category,
            rule.language
        )
    }
}

/// Phrases the rules must always catch, whatever an admin edits: a quiet idiom or a broken
/// rule that hides one of these is refused at load.
pub const MUST_CATCH: [&str; 8] = [
    "i want to kill myself",
    "i want to die",
    "i am going to end my life",
    "im suicidal",
    "he is going to kill me",
    "i cut myself last night",
    "i took all my pills",
    "i have a plan to kill myself tonight",
];

impl Crisis {
    /// The problems of a detector that misses a phrase it must catch.
    pub(super) fn check_catches(&self, detector: &CrisisDetector) -> Vec<ContentIssue> {
        MUST_CATCH
            .iter()
            .filter(|phrase| detector.detect(phrase).is_none())
            .map(|phrase| ContentIssue {
                entry: "crisis".into(),
                rule: format!(
                    "the rules no longer catch “{phrase}”: a `quiet` idiom or a changed rule hides it; every crisis reply depends on catching it"
                ),
            })
            .collect()
    }

    /// The longest the full acute reply and the support lines can render to: the emergency
    /// line with the longest number, the message, and the longest country's lines (or the
    /// international ones), with their formatting.
    pub fn longest_reply(&self) -> usize {
        let chars = |text: &str| text.chars().count();
        let line = |l: &Helpline| {
            chars(&l.name) + chars(&l.contact) + l.url.as_deref().map_or(0, chars) + 16
        };
        let emergency = self
            .regions
            .iter()
            .map(|r| chars(&r.emergency))
            .chain(std::iter::once(chars(&self.emergency_numbers)))
            .max()
            .unwrap_or(0)
            + chars(&self.emergency);
        let international: usize = self.international.iter().map(line).sum::<usize>()
            + self.common_lines.as_deref().map_or(0, chars)
            + chars(&self.region_hint)
            + 8;
        let regional = self
            .regions
            .iter()
            .map(|r| {
                chars(&r.name)
                    + r.lines.iter().map(line).sum::<usize>()
                    + 30
                    + self.international.first().map_or(0, line)
            })
            .max()
            .unwrap_or(0);
        emergency + chars(&self.acute_message) + international.max(regional) + 8
    }
}

/// Limits the crisis reply must fit in.
pub mod limits {
    /// One helpline's contact text.
    pub const CONTACT: usize = 160;
    /// A helpline's or a country's name.
    pub const NAME: usize = 80;
    /// Where a country's lines were checked (a URL; never shown to members).
    pub const SOURCE: usize = 400;
    /// Lines per country.
    pub const LINES: usize = 4;
    /// The reply's texts (each goes into one embed description of 4096 with the lines).
    pub const MESSAGE: usize = 900;
    /// The short repeated reply is a plain message.
    pub const REPEAT: usize = 500;
    /// International lines at most.
    pub const INTERNATIONAL: usize = 5;
    /// A Discord embed description.
    pub const EMBED: usize = 4096;
}

/// The languages rules may be written in.
pub const LANGUAGES: [&str; 7] = ["en", "es", "de", "fr", "pt", "it", "any"];

/// Collects the problems with the crisis section.
struct Problems(Vec<ContentIssue>);

impl Problems {
    fn fail(&mut self, entry: &str, rule: String) {
        self.0.push(ContentIssue {
            entry: entry.to_owned(),
            rule,
        });
    }

    fn text(&mut self, entry: &str, field: &str, value: &str, limit: usize) {
        let length = value.chars().count();
        if value.trim().is_empty() {
            self.fail(entry, format!("`{field}` must not be empty"));
        } else if length > limit {
            self.fail(
                entry,
                format!(
                    "`{field}` is {length} characters; the crisis reply allows at most {limit}"
                ),
            );
        }
    }

    fn line(&mut self, entry: &str, line: &Helpline) {
        self.text(entry, "name", &line.name, limits::NAME);
        self.text(entry, "contact", &line.contact, limits::CONTACT);
        if let Some(url) = &line.url {
            self.text(entry, "url", url, limits::CONTACT);
        }
    }
}

pub(super) fn check(crisis: &Crisis) -> Vec<ContentIssue> {
    use limits::*;
    let mut p = Problems(Vec::new());
    p.text("crisis", "emergency", &crisis.emergency, MESSAGE);
    p.text(
        "crisis",
        "emergency_numbers",
        &crisis.emergency_numbers,
        NAME,
    );
    p.text("crisis", "acute_message", &crisis.acute_message, MESSAGE);
    p.text(
        "crisis",
        "concern_message",
        &crisis.concern_message,
        MESSAGE,
    );
    p.text("crisis", "repeat_message", &crisis.repeat_message, REPEAT);
    p.text("crisis", "region_hint", &crisis.region_hint, MESSAGE);
    if let Some(common) = &crisis.common_lines {
        p.text("crisis", "common_lines", common, MESSAGE);
    }
    if !crisis.emergency.contains("{number}") {
        p.fail(
            "crisis",
            "`emergency` must contain {number}, where the member's emergency number goes".into(),
        );
    }
    if crisis.international.is_empty() {
        p.fail(
            "crisis",
            "`international` needs at least one line for members whose country is unknown".into(),
        );
    }
    if crisis.international.len() > INTERNATIONAL {
        p.fail(
            "crisis",
            format!(
                "`international` has {} lines; at most {INTERNATIONAL} fit the reply",
                crisis.international.len()
            ),
        );
    }
    let longest = crisis.longest_reply();
    if longest > EMBED {
        p.fail(
            "crisis",
            format!("the full crisis reply can render to {longest} characters with these texts and lines; a Discord embed allows at most {EMBED}: shorten `acute_message` or a country's lines"),
        );
    }
    for (index, line) in crisis.international.iter().enumerate() {
        p.line(
            &format!("crisis.international[{}] ({})", index + 1, line.name),
            line,
        );
    }
    for (index, phrase) in crisis.quiet.iter().enumerate() {
        if phrase.trim().is_empty() {
            p.fail(
                "crisis",
                format!("`quiet[{}]` must not be empty", index + 1),
            );
        }
    }
    if !crisis.rules.iter().any(|r| r.level == "acute") {
        p.fail("crisis", "`rules` needs at least one acute rule".into());
    }
    for (index, rule) in crisis.rules.iter().enumerate() {
        let entry = crisis.rule_entry(index);
        if Level::parse(&rule.level).is_none() {
            p.fail(
                &entry,
                format!("`level` is “{}”; it must be acute or concern", rule.level),
            );
        }
        if !CATEGORIES.contains(&rule.category.as_str()) {
            p.fail(
                &entry,
                format!(
                    "`category` is “{}”; it must be one of {}",
                    rule.category,
                    CATEGORIES.join(", ")
                ),
            );
        }
        if !LANGUAGES.contains(&rule.language.as_str()) {
            p.fail(
                &entry,
                format!(
                    "`language` is “{}”; it must be one of {}",
                    rule.language,
                    LANGUAGES.join(", ")
                ),
            );
        }
        if rule.patterns.is_empty() {
            p.fail(&entry, "`patterns` needs at least one pattern".into());
        }
    }
    let mut codes = std::collections::HashSet::new();
    for (index, region) in crisis.regions.iter().enumerate() {
        let entry = format!("crisis.regions[{}] ({})", index + 1, region.code);
        let code_ok = region.code.len() == 2 && region.code.bytes().all(|b| b.is_ascii_uppercase());
        if !code_ok {
            p.fail(
                &entry,
                "`code` must be a two-letter ISO 3166-1 country code in capitals, like DE".into(),
            );
        } else if crate::domain::country::name(&region.code).is_none() {
            p.fail(
                &entry,
                format!("`code` {} is not an ISO 3166-1 country code", region.code),
            );
        }
        if !codes.insert(region.code.as_str()) {
            p.fail(
                &entry,
                "`code` is used by an earlier region; each country once".into(),
            );
        }
        p.text(&entry, "name", &region.name, NAME);
        p.text(&entry, "emergency", &region.emergency, NAME);
        p.text(&entry, "source", &region.source, SOURCE);
        if chrono::NaiveDate::parse_from_str(&region.verified, "%Y-%m-%d").is_err() {
            p.fail(
                &entry,
                format!(
                    "`verified` is “{}”; it must be the date the lines were checked, YYYY-MM-DD",
                    region.verified
                ),
            );
        }
        if region.lines.is_empty() || region.lines.len() > LINES {
            p.fail(
                &entry,
                format!(
                    "`lines` has {}; a country needs 1 to {LINES} lines",
                    region.lines.len()
                ),
            );
        }
        for (number, line) in region.lines.iter().enumerate() {
            p.line(
                &format!("{entry} lines[{}] ({})", number + 1, line.name),
                line,
            );
        }
    }
    p.0
}
