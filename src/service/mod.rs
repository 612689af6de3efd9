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
pub mod safety;
pub mod settings;

use std::future::Future;
use std::time::Duration;

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

/// Runs `attempt` again while the database is busy (another connection holds the write
/// lock), until `within` has passed; any other outcome is returned as it is. Each attempt is
/// a whole transaction, rolled back when busy, so trying again is safe.
pub async fn patiently<T, F, Fut>(within: Duration, mut attempt: F) -> Result<T, ServiceError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ServiceError>>,
{
    let started = tokio::time::Instant::now();
    let mut pause = Duration::from_millis(20);
    loop {
        match attempt().await {
            Err(ServiceError::Internal(error))
                if crate::store::is_busy(&error) && started.elapsed() + pause < within =>
            {
                tracing::debug!("database busy, trying again");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_millis(500));
            }
            other => return other,
        }
    }
}
