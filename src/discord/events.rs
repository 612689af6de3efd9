//! Gateway events that are not slash commands: components, modals, direct messages, and the
//! servers the bot is in.

use std::time::{Duration, Instant};

use poise::serenity_prelude as serenity;

use super::{components, guild_of, incoming, render, Data, Error};
use crate::domain::ids::GuildId;
use crate::service::servers;

/// poise's `event_handler`: routes what poise does not handle itself.
pub fn handle<'a>(
    framework: poise::FrameworkContext<'a, Data, Error>,
    event: &'a serenity::FullEvent,
) -> poise::BoxFuture<'a, Result<(), Error>> {
    Box::pin(async move {
        let ctx = framework.serenity_context;
        let data = framework.user_data;
        let telemetry = &data.services.telemetry;
        match event {
            serenity::FullEvent::InteractionCreate {
                interaction: serenity::Interaction::Component(component),
            } => {
                let started = Instant::now();
                if !home(data, component.guild_id) {
                    not_served(ctx, data, Answer::Component(component)).await?;
                    return Ok(());
                }
                let outcome = components::handle_component(ctx, data, component).await;
                let label = if outcome.is_ok() { "ok" } else { "error" };
                telemetry
                    .metrics
                    .interaction("component", label, started.elapsed());
                outcome?;
            }
            serenity::FullEvent::InteractionCreate {
                interaction: serenity::Interaction::Modal(modal),
            } => {
                let started = Instant::now();
                if !home(data, modal.guild_id) {
                    not_served(ctx, data, Answer::Modal(modal)).await?;
                    return Ok(());
                }
                let outcome = components::handle_modal(ctx, data, modal).await;
                let label = if outcome.is_ok() { "ok" } else { "error" };
                telemetry
                    .metrics
                    .interaction("modal", label, started.elapsed());
                outcome?;
            }
            serenity::FullEvent::Message { new_message }
                if new_message.guild_id.is_none() && !new_message.author.bot =>
            {
                incoming::handle(data, new_message).await;
            }
            serenity::FullEvent::GuildCreate { guild, .. } if !home(data, Some(guild.id)) => {
                leave(ctx, data, guild.id).await;
            }
            serenity::FullEvent::GuildDelete { incomplete, .. } if !incomplete.unavailable => {
                // Removed from the server (not an outage): nothing more is posted there.
                let guild = GuildId::new(incomplete.id.get());
                tracing::info!(guild = %guild, "removed from a server");
                forget(data, guild).await;
            }
            serenity::FullEvent::Ready { data_about_bot } => {
                let again = telemetry.status.gateway_session(false);
                if again {
                    telemetry.metrics.gateway_reconnect();
                }
                tracing::info!(user = %data_about_bot.user.name, guilds = data_about_bot.guilds.len(), "connected to Discord");
            }
            serenity::FullEvent::Resume { .. } => {
                telemetry.status.gateway_session(true);
                telemetry.metrics.gateway_reconnect();
                tracing::info!("gateway session resumed");
            }
            _ => {}
        }
        Ok(())
    })
}

/// Whether an interaction or server is one the bot serves (DMs always are).
fn home(data: &Data, guild: Option<serenity::GuildId>) -> bool {
    guild_of(guild).is_none_or(|guild| servers::serves(&data.services.settings, guild))
}

/// A component or modal interaction to answer.
enum Answer<'a> {
    Component(&'a serenity::ComponentInteraction),
    Modal(&'a serenity::ModalInteraction),
}

/// Answers an interaction from a server the bot does not serve with one private line, and
/// does nothing else with it.
async fn not_served(ctx: &serenity::Context, data: &Data, to: Answer<'_>) -> Result<(), Error> {
    let response = serenity::CreateInteractionResponse::Message(
        serenity::CreateInteractionResponseMessage::new()
            .content(render::NOT_A_HOME_SERVER)
            .ephemeral(true),
    );
    let (kind, sent) = match to {
        Answer::Component(i) => ("component", i.create_response(&ctx.http, response).await),
        Answer::Modal(i) => ("modal", i.create_response(&ctx.http, response).await),
    };
    data.services
        .telemetry
        .metrics
        .interaction_count(kind, "ignored");
    sent.map_err(Error::from)
}

/// Tries to leave a server at most this many times: Discord may answer a 5xx, a 429 or
/// nothing at all for a moment, and a server that is not left stays a place the bot is in.
const LEAVE_TRIES: u32 = 6;
/// The wait before the second try; it doubles after each (about 15 s in all).
const LEAVE_FIRST_WAIT: Duration = Duration::from_millis(500);

/// Forgets a server that is not one of the home servers (nothing more is posted there) and
/// leaves it, trying again while Discord's answer is a passing failure.
async fn leave(ctx: &serenity::Context, data: &Data, guild: serenity::GuildId) {
    let id = GuildId::new(guild.get());
    forget(data, id).await;
    let mut wait = LEAVE_FIRST_WAIT;
    for tries in 1..=LEAVE_TRIES {
        let error = match ctx.http.leave_guild(guild).await {
            Ok(()) => {
                tracing::warn!(guild = %id, "left a server that is not in servers.allowed");
                data.services.telemetry.metrics.server_left();
                return;
            }
            Err(error) => error,
        };
        match leave_failure(&error) {
            LeaveFailure::NotThere => {
                tracing::info!(guild = %id, "a server that is not in servers.allowed was already left");
                return;
            }
            LeaveFailure::Passing if tries < LEAVE_TRIES => {
                tracing::debug!(guild = %id, tries, error = %error, "cannot leave a server yet: trying again");
                tokio::time::sleep(wait).await;
                wait *= 2;
            }
            LeaveFailure::Passing | LeaveFailure::Refused => {
                tracing::error!(guild = %id, tries, error = %error, "cannot leave a server that is not in servers.allowed; its interactions are ignored, and leaving is tried again when Discord next lists it");
                return;
            }
        }
    }
}

/// What a failed request to leave a server means.
enum LeaveFailure {
    /// The bot is not in that server (any more).
    NotThere,
    /// A 5xx, a 429 or a network error: worth another try.
    Passing,
    /// Anything else: another try would be refused too.
    Refused,
}

fn leave_failure(error: &serenity::Error) -> LeaveFailure {
    match error {
        serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(response)) => {
            match response.status_code.as_u16() {
                404 => LeaveFailure::NotThere,
                429 | 500..=599 => LeaveFailure::Passing,
                _ => LeaveFailure::Refused,
            }
        }
        serenity::Error::Http(serenity::HttpError::Request(_)) => LeaveFailure::Passing,
        _ => LeaveFailure::Refused,
    }
}

async fn forget(data: &Data, guild: GuildId) {
    let content = data.services.content.get();
    if let Err(error) = servers::forgotten(data.services.ctx(&content), guild).await {
        tracing::warn!(guild = %guild, error = %error, "cannot stop posting in a server the bot left");
    }
}
