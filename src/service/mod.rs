//! Use cases: what commands, components and the scheduler call.
//!
//! Each function takes a [`Ctx`] (store, content, the current instant, the settings) and its
//! input, decides with `domain`, writes what has to be written, and returns an outcome for the
//! Discord adapter to render. Nothing here knows about serenity, so the same calls serve the
//! tests and the benchmarks.

pub mod admin;
pub mod alerts;
pub mod checkin;
pub mod dm;
mod error;
pub mod faq;
pub mod faq_admin;
pub mod guards;
pub mod health;
pub mod intake;
pub mod journal;
pub mod messages;
pub mod privacy;
pub mod program;
pub mod safety;
pub mod servers;
pub mod settings;
#[cfg(test)]
pub mod testing;

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};

pub use error::ServiceError;

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::Settings;
use crate::content::{Content, SharedContent};
use crate::domain::schedule::Policy;
use crate::store::Store;
use crate::telemetry::Telemetry;
use guards::Guards;
use messages::Messenger;

/// What a use case may reach.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    pub store: &'a Store,
    pub content: &'a Content,
    pub now: DateTime<Utc>,
    pub settings: &'a Settings,
    /// Where messages leave (the Discord adapter, or a test's recorder).
    pub messenger: &'a dyn Messenger,
    /// The members' locks that keep an erasure and a send apart.
    pub guards: &'a Guards,
}

impl std::fmt::Debug for Ctx<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx")
            .field("now", &self.now)
            .finish_non_exhaustive()
    }
}

/// Everything the services need, owned: what the Discord adapter and the scheduler hold.
#[derive(Clone)]
pub struct Services {
    pub store: Store,
    pub content: SharedContent,
    pub settings: Arc<Settings>,
    pub clock: Arc<dyn Clock>,
    pub messenger: Arc<dyn Messenger>,
    pub guards: Arc<Guards>,
    pub safety: Arc<safety::SafetyNet>,
    /// Metrics and health facts, written by every layer.
    pub telemetry: Arc<Telemetry>,
}

impl std::fmt::Debug for Services {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Services").finish_non_exhaustive()
    }
}

impl Services {
    /// A use case's view, at this instant, with `content` (a snapshot of the content in use).
    pub fn ctx<'a>(&'a self, content: &'a Content) -> Ctx<'a> {
        Ctx {
            store: &self.store,
            content,
            now: self.clock.now(),
            settings: &self.settings,
            messenger: self.messenger.as_ref(),
            guards: &self.guards,
        }
    }
}

impl Ctx<'_> {
    /// The rules that shape every member's schedule.
    pub fn policy(&self) -> Policy {
        self.settings.policy()
    }
}

/// How long a member's command may wait for a busy database (its interaction is deferred
/// by then).
pub const LONG_WAIT: Duration = Duration::from_secs(12);

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
