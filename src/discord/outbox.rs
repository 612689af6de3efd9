//! The outbox's sender: renders a row and posts it to Discord with its nonce.
//!
//! It sends through [`Transport`] on the scheduled lane (paced by the scheduler itself); DM
//! channels are opened there too and cached in the database.

use std::sync::Arc;

use poise::serenity_prelude as serenity;
use serenity::CreateMessage;

use super::render;
use super::transport::Transport;
use crate::clock::Clock;
use crate::content::SharedContent;
use crate::delivery::Lane;
use crate::domain::program::{may_move_on, StepNumber};
use crate::scheduler::nonce::Kind;
use crate::scheduler::{BoxFuture, Deliver, SendError};
use crate::service;
use crate::store::{OutboxRow, Store};

pub struct DiscordDelivery {
    transport: Arc<Transport>,
    store: Store,
    content: SharedContent,
    clock: Arc<dyn Clock>,
}

impl DiscordDelivery {
    pub fn new(
        transport: Arc<Transport>,
        store: Store,
        content: SharedContent,
        clock: Arc<dyn Clock>,
    ) -> DiscordDelivery {
        DiscordDelivery {
            transport,
            store,
            content,
            clock,
        }
    }

    /// The message a row stands for, rendered from the content in use now. Everything it
    /// needs came with the row: no database read per message.
    fn render(&self, row: &OutboxRow) -> Result<CreateMessage, SendError> {
        let content = self.content.get();
        let gone = |what: &str| SendError::Gone(what.to_owned());
        let kind = Kind::parse(&row.kind).ok_or_else(|| gone("unknown kind"))?;
        let message = match kind {
            Kind::Checkin => {
                let (step, prompt_index) = row.checkin_prompt.ok_or_else(|| gone("check-in"))?;
                let (current, since, finished) = row.program.ok_or_else(|| gone("program"))?;
                let min_days = content.step(current).map_or(0, |s| s.min_days);
                let prepared = service::checkin::Prepared {
                    id: row.checkin.ok_or_else(|| gone("check-in"))?,
                    step: StepNumber::new(step).ok_or_else(|| gone("step"))?,
                    prompt_index,
                    offer_next: !finished
                        && current == step
                        && may_move_on(since, self.clock.now(), min_days),
                };
                let (text, embed, components) = render::checkin(&content, &prepared);
                CreateMessage::new()
                    .content(text)
                    .embed(embed)
                    .components(components)
            }
            Kind::Reminder => {
                let (step, prompt_index) = row.checkin_prompt.ok_or_else(|| gone("check-in"))?;
                render::reminder(&content, step, prompt_index)
            }
            Kind::Encouragement => {
                let text = row
                    .step
                    .and_then(|step| content.step(step))
                    .and_then(|step| row.message_index.and_then(|i| step.encouragements.get(i)))
                    .ok_or_else(|| gone("encouragement"))?;
                render::encouragement(text)
            }
            Kind::Public => {
                let text = row
                    .message_index
                    .and_then(|i| content.public_encouragements.get(i))
                    .ok_or_else(|| gone("public encouragement"))?;
                render::public_post(text)
            }
        };
        Ok(message
            .nonce(serenity::Nonce::String(row.nonce.clone()))
            .enforce_nonce(true))
    }

    /// The channel to post in: the public channel, or the member's (cached) DM channel.
    async fn channel(&self, row: &OutboxRow) -> Result<u64, SendError> {
        if let Some(channel) = row.channel.or(row.dm_channel) {
            return Ok(channel);
        }
        let member = row
            .member
            .ok_or_else(|| SendError::Gone("no member or channel".into()))?;
        let channel = self
            .transport
            .open_dm(member.get(), Lane::Scheduled)
            .await?;
        self.store
            .cache_dm_channel(member, Some(channel))
            .await
            .map_err(internal)?;
        Ok(channel)
    }

    async fn send(&self, row: &OutboxRow) -> Result<(), SendError> {
        let message = self.render(row)?;
        let channel = self.channel(row).await?;
        match self
            .transport
            .post(channel, &message, Lane::Scheduled)
            .await
        {
            Err(SendError::Gone(reason)) if row.member.is_some() => {
                // A cached DM channel that no longer exists: forget it; the retry reopens one.
                if let Some(member) = row.member {
                    self.store
                        .cache_dm_channel(member, None)
                        .await
                        .map_err(internal)?;
                }
                Err(SendError::Transient(reason))
            }
            other => other,
        }
    }
}

impl Deliver for DiscordDelivery {
    fn deliver<'a>(&'a self, row: &'a OutboxRow) -> BoxFuture<'a, Result<(), SendError>> {
        Box::pin(self.send(row))
    }
}

fn internal(error: anyhow::Error) -> SendError {
    SendError::Transient(format!("database: {error:#}"))
}
