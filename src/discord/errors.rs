//! The one place an error becomes a reply.
//!
//! A member sees a short, kind, ephemeral message; the cause chain goes to the log (which
//! never holds the token or a member's words: handlers log ids and kinds, not content).

use poise::{CreateReply, FrameworkError};

use super::{Data, Error};
use crate::service::ServiceError;

const APOLOGY: &str = "Sorry, something went wrong on my side. Nothing you did caused it. Please try again in a moment.";

pub fn on_error(error: FrameworkError<'_, Data, Error>) -> poise::BoxFuture<'_, ()> {
    Box::pin(async move {
        match error {
            FrameworkError::Command { error, ctx, .. } => {
                let text = member_text(&error, "command", &ctx.command().qualified_name);
                reply(ctx, &text).await;
            }
            FrameworkError::ArgumentParse {
                ctx, input, error, ..
            } => {
                tracing::info!(command = %ctx.command().qualified_name, error = %error, "argument not understood");
                let detail = input
                    .map(|i| format!(" (“{}”)", i.chars().take(60).collect::<String>()))
                    .unwrap_or_default();
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
                tracing::error!(
                    event = event.snake_case_name(),
                    error = format!("{error:#}"),
                    "event handler failed"
                );
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
    if let Err(error) = ctx
        .send(CreateReply::default().content(text).ephemeral(true))
        .await
    {
        tracing::warn!(error = %error, "could not send an error reply");
    }
}

/// What the member reads for `error`: a refusal's own words, or an apology (and the cause
/// chain goes to the log). `kind` and `name` say where it happened, for the log only.
pub fn member_text(error: &Error, kind: &str, name: &str) -> String {
    if let Some(text) = error
        .downcast_ref::<ServiceError>()
        .and_then(ServiceError::member_message)
    {
        tracing::debug!(kind, name, "refused: {text}");
        return text;
    }
    tracing::error!(kind, name, error = format!("{error:#}"), "failed");
    APOLOGY.to_owned()
}
