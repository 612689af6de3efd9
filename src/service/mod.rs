//! Use cases: what commands, components and the scheduler call.
//!
//! Each function takes a [`Ctx`] (store, content, the current instant, the settings) and its
//! input, decides with `domain`, writes what has to be written, and returns an outcome for the
//! Discord adapter to render. Nothing here knows about serenity, so the same calls serve the
//! tests and the benchmarks.

pub mod admin;
pub mod checkin;
mod error;
pub mod faq;
pub mod privacy;
pub mod program;
pub mod settings;

use chrono::{DateTime, Utc};

pub use error::ServiceError;

use crate::config::Settings;
use crate::content::Content;
use crate::domain::schedule::Policy;
use crate::store::Store;

/// What a use case may reach.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    pub store: &'a Store,
    pub content: &'a Content,
    pub now: DateTime<Utc>,
    pub settings: &'a Settings,
}

impl Ctx<'_> {
    /// The rules that shape every member's schedule.
    pub fn policy(&self) -> Policy {
        self.settings.policy()
    }
}
