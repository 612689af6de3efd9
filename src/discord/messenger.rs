//! The service's [`Messenger`], for Discord: render a typed message with the content in use,
//! and send it over REST by its lane.
//!
//! A member's DM goes through their cached DM channel, or a newly opened one (returned, for
//! the service to cache). Every message carries a nonce with `enforce_nonce`: a scheduled
//! message its deterministic one, so a re-send after a crash is de-duplicated by Discord; any
//! other a fresh one ([`crate::delivery::nonce`]), so a retry after a lost answer is too.

use std::sync::Arc;

use poise::serenity_prelude as serenity;
use serenity::CreateMessage;

use super::render;
use super::transport::Transport;
use crate::content::SharedContent;
use crate::delivery::{Lane, SendError};
use crate::domain::ids::{ChannelId, GuildId};
use crate::service::messages::{BoxFuture, Destination, DmReply, Messenger, Outgoing};
use crate::telemetry::Telemetry;

pub struct DiscordMessenger {
    transport: Arc<Transport>,
    content: SharedContent,
    telemetry: Arc<Telemetry>,
}

impl DiscordMessenger {
    pub fn new(
        transport: Arc<Transport>,
        content: SharedContent,
        telemetry: Arc<Telemetry>,
    ) -> DiscordMessenger {
        DiscordMessenger {
            transport,
            content,
            telemetry,
        }
    }

    /// Counts what became of a message that is not the scheduler's (it counts its own, with
    /// the deferrals only it knows about).
    fn count(&self, message: &Outgoing, lane: Lane, result: &Result<ChannelId, SendError>) {
        if lane == Lane::Scheduled && !matches!(message, Outgoing::Alert(_)) {
            return;
        }
        let outcome = match result {
            Ok(_) => "sent",
            Err(SendError::Shed) => "shed",
            Err(SendError::DmsClosed) => "dms_closed",
            Err(_) => "failed",
        };
        self.telemetry.metrics.message(message.name(), outcome);
        if matches!(message, Outgoing::Crisis(_)) && result.is_ok() {
            self.telemetry.metrics.crisis_reply("dm");
        }
    }

    /// The message, as Discord shows it, rendered from the content in use now.
    fn render(&self, message: &Outgoing) -> Result<CreateMessage, SendError> {
        let content = self.content.get();
        let gone = |what: &str| SendError::Gone(what.to_owned());
        Ok(match message {
            Outgoing::Welcome { step } => {
                let step = content.step(step.get()).ok_or_else(|| gone("step"))?;
                CreateMessage::new().embeds(render::welcome(step))
            }
            Outgoing::StepIntro { step, recap } => {
                let step = content.step(step.get()).ok_or_else(|| gone("step"))?;
                let message = CreateMessage::new().embed(render::step_detail(step));
                match render::step_intro(recap.as_ref()) {
                    Some(text) => message.content(text),
                    None => message,
                }
            }
            Outgoing::Resumed => CreateMessage::new().content(render::RESUMED_BY_ITSELF),
            Outgoing::Checkin(prepared) => {
                let (text, embed, components) = render::checkin(&content, prepared);
                CreateMessage::new()
                    .content(text)
                    .embed(embed)
                    .components(components)
            }
            Outgoing::Reminder { step, prompt_index } => {
                render::reminder(&content, step.get(), *prompt_index)
            }
            Outgoing::Encouragement { step, index } => {
                let text = content
                    .step(step.get())
                    .and_then(|step| step.encouragements.get(*index))
                    .ok_or_else(|| gone("encouragement"))?;
                render::encouragement(text)
            }
            Outgoing::Public { index } => {
                let text = content
                    .public_encouragements
                    .get(*index)
                    .ok_or_else(|| gone("public encouragement"))?;
                render::public_post(text)
            }
            // Sent as a file by `deliver`; this is its text.
            Outgoing::Export { .. } => CreateMessage::new().content(render::EXPORT_MESSAGE),
            Outgoing::Crisis(reply) => render::crisis_reply(&content, reply).message(),
            Outgoing::DmReply(reply) => CreateMessage::new().content(match reply {
                DmReply::Kept(kept) => render::dm_kept(*kept),
                DmReply::NotEnrolled => render::NOT_ENROLLED_DM.to_owned(),
                DmReply::Text(text) => text.clone(),
                DmReply::Sorry => super::errors::APOLOGY.to_owned(),
            }),
            Outgoing::SupportRequest { member } => render::support_request(member.get()),
            Outgoing::SupportChannelNote => {
                CreateMessage::new().content(render::SUPPORT_CHANNEL_NOTE)
            }
            Outgoing::Alert(alert) => render::alert(alert),
            Outgoing::AlertsChannelNote => {
                CreateMessage::new().content(render::ALERTS_CHANNEL_NOTE)
            }
        })
    }

    async fn deliver(
        &self,
        to: Destination,
        message: &Outgoing,
        lane: Lane,
        nonce: Option<&str>,
    ) -> Result<ChannelId, SendError> {
        // Every message carries a nonce, the same on each retry: a retry after an answer
        // that was lost on its way back is then de-duplicated by Discord, not sent twice.
        let nonce = nonce.map_or_else(crate::delivery::nonce::one_off, str::to_owned);
        let rendered = self
            .render(message)?
            .nonce(serenity::Nonce::String(nonce.clone()))
            .enforce_nonce(true);
        let channel = match to {
            Destination::Channel(channel) => channel,
            Destination::Member {
                channel: Some(channel),
                ..
            } => channel,
            Destination::Member {
                member,
                channel: None,
            } => ChannelId::new(self.transport.open_dm(member.get(), lane).await?),
        };
        match message {
            Outgoing::Export { json } => {
                self.transport
                    .post_file(
                        channel.get(),
                        render::EXPORT_MESSAGE,
                        "rekindle-export.json",
                        json,
                        lane,
                        &nonce,
                    )
                    .await?
            }
            _ => self.transport.post(channel.get(), &rendered, lane).await?,
        }
        Ok(channel)
    }
}

impl Messenger for DiscordMessenger {
    fn send<'a>(
        &'a self,
        to: Destination,
        message: &'a Outgoing,
        lane: Lane,
        nonce: Option<&'a str>,
    ) -> BoxFuture<'a, Result<ChannelId, SendError>> {
        Box::pin(async move {
            let result = self.deliver(to, message, lane, nonce).await;
            self.count(message, lane, &result);
            result
        })
    }

    fn channel_guild(
        &self,
        channel: ChannelId,
    ) -> BoxFuture<'_, Result<Option<GuildId>, SendError>> {
        Box::pin(async move {
            let guild = self
                .transport
                .channel_guild(channel.get(), Lane::Interactive)
                .await?;
            Ok(guild.map(GuildId::new))
        })
    }
}
