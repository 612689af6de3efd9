//! The bot's words: the seven steps, the FAQ, encouragements and the crisis resources.
//!
//! Content lives in `config/content.toml` so a server admin can edit it without a rebuild.
//! It is parsed into typed structs, then checked against Discord's limits and our own rules
//! (see [`validate`]); a file that breaks any of them is refused as a whole with errors that
//! name the file, the entry and the rule, and the content in use stays as it was.

pub mod crisis;
pub mod faq;
mod validate;

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::domain::crisis::{CrisisDetector, Detection};

pub use crisis::{Crisis, Helpline, Region};
pub use faq::{Faq, ServerFaq};
pub use validate::limits;

/// One problem with a content file: where it is and which rule it breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentIssue {
    /// "steps[3] (Communicate openly)", "faq[26] (key \"x\")", "crisis", ...
    pub entry: String,
    pub rule: String,
}

/// Why a content file was refused: every issue found, with the file it came from.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", render_issues(.file, .issues))]
pub struct ContentError {
    pub file: PathBuf,
    pub issues: Vec<ContentIssue>,
}

fn render_issues(file: &Path, issues: &[ContentIssue]) -> String {
    let count = issues.len();
    let mut text = format!(
        "{} has {count} problem{}:",
        file.display(),
        if count == 1 { "" } else { "s" }
    );
    for issue in issues {
        text.push_str(&format!("\n  - {}: {}", issue.entry, issue.rule));
    }
    text
}

/// One of the seven steps.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub number: u8,
    pub title: String,
    pub summary: String,
    /// The least number of days to spend in this step before the bot offers the next one.
    pub min_days: u32,
    pub practices: Vec<String>,
    /// Check-in prompts, used in rotation.
    pub prompts: Vec<String>,
    /// Private encouragements for members in this step.
    pub encouragements: Vec<String>,
}

/// One frequently asked question.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaqEntry {
    /// Stable identifier: used in autocomplete values, custom ids and usage statistics.
    pub key: String,
    pub question: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub answer: String,
}

/// The texts of `/help`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Help {
    pub about: String,
    pub not_therapy: String,
}

/// The whole content file, validated.
#[derive(Debug, Clone)]
pub struct Content {
    pub steps: Vec<Step>,
    /// The file's FAQ: every server's default (see [`faq::layered`]).
    pub faq: Faq,
    /// Messages for the public encouragement channel.
    pub public_encouragements: Vec<String>,
    pub crisis: Crisis,
    pub help: Help,
    crisis_detector: CrisisDetector,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContentFile {
    help: Help,
    crisis: Crisis,
    #[serde(default)]
    public_encouragements: Vec<String>,
    steps: Vec<Step>,
    faq: Vec<FaqEntry>,
}

impl Content {
    /// Reads and validates the content file at `path`.
    pub fn load(path: &Path) -> Result<Content, ContentError> {
        let text = std::fs::read_to_string(path).map_err(|error| ContentError {
            file: path.to_owned(),
            issues: vec![ContentIssue {
                entry: "file".into(),
                rule: format!("cannot be read: {error}"),
            }],
        })?;
        Content::parse(&text, path)
    }

    /// Parses and validates content text; `path` only names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Content, ContentError> {
        let file: ContentFile = toml::from_str(text).map_err(|error| ContentError {
            file: path.to_owned(),
            issues: vec![ContentIssue {
                entry: "syntax".into(),
                rule: error.to_string().trim_end().replace('\n', "\n    "),
            }],
        })?;
        let mut issues = validate::check(&file);
        let crisis_detector = file.crisis.detector().map_err(|bad| {
            issues.extend(bad);
        });
        if !issues.is_empty() {
            return Err(ContentError {
                file: path.to_owned(),
                issues,
            });
        }
        let crisis_detector = crisis_detector.unwrap_or_default();
        let misses = file.crisis.check_catches(&crisis_detector);
        if !misses.is_empty() {
            return Err(ContentError {
                file: path.to_owned(),
                issues: misses,
            });
        }
        Ok(Content {
            crisis_detector,
            steps: file.steps,
            faq: Faq::new(file.faq),
            public_encouragements: file.public_encouragements,
            crisis: file.crisis,
            help: file.help,
        })
    }

    /// The step with this number (1 to 7), if it exists.
    pub fn step(&self, number: u8) -> Option<&Step> {
        self.steps.iter().find(|step| step.number == number)
    }

    pub fn faq_by_key(&self, key: &str) -> Option<&FaqEntry> {
        self.faq.by_key(key)
    }

    /// The file's FAQ entries matching `query`, best first.
    pub fn search_faq(&self, query: &str) -> impl Iterator<Item = &FaqEntry> {
        self.faq.search(query)
    }

    /// Whether, and how urgently, a member's text calls for the crisis reply.
    pub fn detect_crisis(&self, text: &str) -> Option<Detection> {
        self.crisis_detector.detect(text)
    }

    /// Whether a member's text calls for any crisis reply.
    pub fn is_crisis(&self, text: &str) -> bool {
        self.detect_crisis(text).is_some()
    }

    /// How many crisis patterns are in use.
    pub fn crisis_patterns(&self) -> usize {
        self.crisis_detector.pattern_count()
    }

    /// Finds the file's entry a member means by `topic`: its key, or else the best search
    /// match.
    pub fn resolve_faq(&self, topic: &str) -> Option<&FaqEntry> {
        self.faq.resolve(topic)
    }
}

#[cfg(test)]
mod tests;

/// The content in use, shared by every task; replaced whole by `/admin reload`.
///
/// Readers take a cheap `Arc` snapshot, so a reload never changes the content under a reply
/// that is being rendered.
#[derive(Debug, Clone)]
pub struct SharedContent {
    current: std::sync::Arc<std::sync::RwLock<std::sync::Arc<Content>>>,
}

impl SharedContent {
    pub fn new(content: Content) -> Self {
        SharedContent {
            current: std::sync::Arc::new(std::sync::RwLock::new(std::sync::Arc::new(content))),
        }
    }

    /// The content in use now.
    pub fn get(&self) -> std::sync::Arc<Content> {
        self.current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Puts `content` in use for every reply from now on.
    pub fn replace(&self, content: Content) {
        *self
            .current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = std::sync::Arc::new(content);
    }
}
