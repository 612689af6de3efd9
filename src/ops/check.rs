//! `rekindle check`: validates the settings file and the content file it names, and reports
//! every problem in both at once, so an operator fixes them in one round.

use std::path::Path;

use crate::config::Settings;
use crate::content::Content;

/// What `rekindle check` found.
#[derive(Debug, Clone)]
pub struct Report {
    /// The text to print: a line (or a list) per file.
    pub text: String,
    /// Problems in both files together; 0 means valid.
    pub problems: usize,
}

/// Checks the settings at `settings_path` (with the environment, through `env`) and the
/// content file. When the settings are refused, the content is still checked: at the path
/// the settings file names if it can be read that far, else at the default path.
pub fn check(settings_path: &Path, env: impl Fn(&str) -> Option<String>) -> Report {
    let mut text = String::new();
    let mut problems = 0;
    let mut files_with_problems = 0;
    let content_path = match Settings::load(settings_path, env) {
        Ok(settings) => {
            let servers = match settings.servers.allowed.len() {
                0 => "any server (servers.allowed is empty)".to_owned(),
                1 => "1 home server".to_owned(),
                n => format!("{n} home servers"),
            };
            let listener = settings
                .ops
                .listen
                .map_or("off".to_owned(), |address| address.to_string());
            text.push_str(&format!(
                "✓ {}: settings are valid; serves {servers}; /healthz and /metrics listener: {listener}\n",
                settings_path.display()
            ));
            settings.content_path
        }
        Err(error) => {
            text.push_str(&format!("✗ {error}\n"));
            problems += error.count();
            files_with_problems += 1;
            Settings::content_path_in(settings_path)
        }
    };
    match Content::load(&content_path) {
        Ok(content) => text.push_str(&format!(
            "✓ {}: {} steps, {} FAQ entries, {} public encouragements, {} crisis patterns, support lines for {} countries\n",
            content_path.display(),
            content.steps.len(),
            content.faq.len(),
            content.public_encouragements.len(),
            content.crisis_patterns(),
            content.crisis.regions.len()
        )),
        Err(error) => {
            text.push_str(&format!("✗ {error}\n"));
            problems += error.issues.len();
            files_with_problems += 1;
        }
    }
    if files_with_problems > 1 {
        text.push_str(&format!("{problems} problems in all\n"));
    }
    Report {
        text: text.trim_end().to_owned(),
        problems,
    }
}
