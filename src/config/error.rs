//! Why the settings could not be loaded: every problem, named by file or variable and key.

use std::path::PathBuf;

use thiserror::Error;

use super::discord::TOKEN_HELP;
use super::PLACEHOLDER_TOKEN;

/// Why the settings could not be loaded.
#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("{file}: cannot be read: {reason}. Start Rekindle from the folder that holds config/, or pass --config PATH.")]
    Unreadable { file: PathBuf, reason: String },
    #[error("{file}: {message}")]
    Syntax { file: PathBuf, message: String },
    #[error("{file}: `{key}`: {message}")]
    Invalid {
        file: PathBuf,
        key: String,
        message: String,
    },
    #[error("environment variable {var}: {message}")]
    Environment { var: &'static str, message: String },
    #[error("DISCORD_TOKEN is not set. {TOKEN_HELP}")]
    MissingToken,
    #[error(
        "DISCORD_TOKEN is still the placeholder from .env.example; put your bot's token there \
(https://discord.com/developers/applications → your application → Bot → Reset Token, then \
replace {PLACEHOLDER_TOKEN} after DISCORD_TOKEN= in .env, or in the service's environment file, \
with the token)."
    )]
    PlaceholderToken,
    /// More than one of the above, in the order they were found.
    #[error("{} problems in the settings:{}", .0.len(), .0.iter().map(|p| format!("\n  - {p}")).collect::<String>())]
    Several(Vec<ConfigError>),
}

impl ConfigError {
    /// One error for `problems`: the problem itself when there is one.
    pub(super) fn from_problems(mut problems: Vec<ConfigError>) -> ConfigError {
        if problems.len() == 1 {
            problems.remove(0)
        } else {
            ConfigError::Several(problems)
        }
    }

    /// How many problems this error reports.
    pub fn count(&self) -> usize {
        match self {
            ConfigError::Several(problems) => problems.len(),
            _ => 1,
        }
    }
}
