//! The Discord adapter: the only module where serenity and poise appear.
//!
//! It turns interactions and DMs into calls on [`crate::service`] and renders the outcomes:
//! handlers read their arguments, call one service function, and render. It implements the
//! service's [`crate::service::messages::Messenger`] ([`messenger`]) by rendering and
//! sending over REST ([`transport`]); it decides nothing and reads nothing from the store.
//! State that must survive a restart lives in the database and in component `custom_id`s,
//! never in memory.

pub mod client;
mod commands;
mod components;
pub mod custom_id;
mod errors;
mod events;
pub mod gateway;
mod incoming;
pub mod messenger;
mod render;
mod reply;
pub mod transport;

use poise::serenity_prelude as serenity;

use crate::content::Content;
use crate::domain::ids::{GuildId, MemberId};
use crate::service::{self, ServiceError, Services};

pub use errors::Error;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct Data {
    pub services: Services,
}

impl Data {
    /// What a use case needs, at this instant, with this snapshot of the content.
    pub fn service<'a>(&'a self, content: &'a Content) -> service::Ctx<'a> {
        self.services.ctx(content)
    }
}

pub type Context<'a> = poise::Context<'a, Data, Error>;

/// The member behind an interaction or message.
pub fn member_of(user: &serenity::User) -> MemberId {
    MemberId::new(user.id.get())
}

/// The server an interaction came from, if any.
pub fn guild_of(guild: Option<serenity::GuildId>) -> Option<GuildId> {
    guild.map(|g| GuildId::new(g.get()))
}

impl From<Error> for ServiceError {
    fn from(error: Error) -> ServiceError {
        match error {
            Error::Service(error) => error,
            other => ServiceError::Internal(anyhow::anyhow!("{other}")),
        }
    }
}
