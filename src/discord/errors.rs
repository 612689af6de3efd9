//! The one place an error becomes a reply.
//!
//! A member sees a short, kind, ephemeral message; the cause chain goes to the log (which
//! never holds the token or a member's words: handlers log ids and kinds, not content).

use poise::serenity_prelude as serenity;
use poise::{CreateReply, FrameworkError};

use super::{Data, Error};

const APOLOGY: &str = "Sorry, something went wrong on my side. Nothing you did caused it. Please try again in a moment.";

pub fn on_error(error: FrameworkError<'_, Data, Error>) -> poise::BoxFuture<'_, ()> {
    Box::pin(async move {
        match error {
            FrameworkError::Command { error, ctx, .. } => {
                tracing::error!(command = %ctx.command().qualified_name, error = format!("{error:#}"), "command failed");
                reply(ctx, APOLOGY).await;
            }
            FrameworkError::ArgumentParse { ctx, input, error, .. } => {
                tracing::info!(command = %ctx.command().qualified_name, error = %error, "argument not understood");
                let detail = input.map(|i| format!(" (“{}”)", i.chars().take(60).collect::<String>())).unwrap_or_default();
                reply(ctx, &format!("Sorry, I couldn't understand one of the options{detail}. Please check it and try again.")).await;
            }
            FrameworkError::CommandPanic { ctx, .. } => {
                tracing::error!(command = %ctx.command().qualified_name, "command panicked");
                reply(ctx, APOLOGY).await;
            }
            FrameworkError::MissingUserPermissions { ctx, .. } => {
                reply(ctx, "This command is for the server's admins (it needs the Manage Server permission).").await;
            }
            FrameworkError::Setup { error, .. } => {
                tracing::error!(error = format!("{error:#}"), "setup failed");
            }
            FrameworkError::EventHandler { error, event, .. } => {
                tracing::error!(event = event.snake_case_name(), error = format!("{error:#}"), "event handler failed");
            }
            other => {
                if let Err(error) = poise::builtins::on_error(other).await {
                    tracing::error!(error = %error, "could not report an error");
                }
            }
        }
    })
}

async fn reply(ctx: poise::Context<'_, Data, Error>, text: &str) {
    if let Err(error) = ctx.send(CreateReply::default().content(text).ephemeral(true)).await {
        tracing::warn!(error = %error, "could not send an error reply");
    }
}

/// Best effort: tell the member a component failed, if the interaction is still open.
pub async fn apologise_component(ctx: &serenity::Context, interaction: &serenity::ComponentInteraction) {
    let message = serenity::CreateInteractionResponseMessage::new().content(APOLOGY).ephemeral(true);
    if let Err(error) = interaction.create_response(&ctx.http, serenity::CreateInteractionResponse::Message(message)).await {
        tracing::warn!(error = %error, "could not apologise for a failed component");
    }
}
