//! The Discord adapter: the only module where serenity and poise appear.
//!
//! It turns interactions and DMs into calls on [`crate::service`] and renders the outcomes.
//! Handlers stay short: read arguments, call one service function, render. State that must
//! survive a restart lives in the database and in component `custom_id`s, never in memory.

pub mod client;
mod commands;
mod components;
pub mod custom_id;
mod direct;
mod dm;
mod errors;
mod events;
pub mod outbox;
mod render;
pub mod transport;

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::Settings;
use crate::content::{Content, SharedContent};
use crate::service;
use crate::store::Store;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct Data {
    pub content: SharedContent,
    pub store: Store,
    pub settings: Arc<Settings>,
    pub clock: Arc<dyn Clock>,
    /// Messages out over REST, by lane.
    pub transport: Arc<transport::Transport>,
    /// The crisis replies' memory.
    pub safety: Arc<service::safety::SafetyNet>,
}

impl Data {
    /// What a use case needs, at this instant, with this snapshot of the content.
    pub fn service<'a>(&'a self, content: &'a Content) -> service::Ctx<'a> {
        service::Ctx {
            store: &self.store,
            content,
            now: self.clock.now(),
            settings: &self.settings,
        }
    }
}

/// Handlers return `anyhow` errors; [`errors::on_error`] is the one place that turns them
/// into a reply.
pub type Error = anyhow::Error;
pub type Context<'a> = poise::Context<'a, Data, Error>;
