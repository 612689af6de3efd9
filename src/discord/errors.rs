//! The adapter's errors, and the one place an error becomes a reply.
//!
//! A member sees a short, kind, ephemeral message; the cause chain goes to the log (which
//! never holds the token or a member's words: handlers log ids and kinds, not content).

use poise::serenity_prelude as serenity;
use poise::{CreateReply, FrameworkError};

use super::Data;
use crate::service::ServiceError;

/// What can go wrong in a handler.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A use case refused or failed: its own words for the member, or an apology.
    #[error(transparent)]
    Service(#[from] ServiceError),
    /// Discord refused or failed a request.
    #[error("Discord: {0}")]
    Discord(#[from] serenity::Error),
    #[error("{0:#}")]
    Other(#[from] anyhow::Error),
}

impl From<serde_json::Error> for Error {
    fn from(error: serde_json::Error) -> Error {
        Error::Other(error.into())
    }
}

pub const APOLOGY: &str = "Sorry, something went wrong on my side. Nothing you did caused it. Please try again in a moment.";

/// The longest piece of a member's own input echoed back in a message.
pub const ECHO_CHARS: usize = 60;

/// `text` cut to [`ECHO_CHARS`] characters, for quoting a member's input back safely.
pub fn shown(text: &str) -> String {
    let mut cut: String = text.chars().take(ECHO_CHARS).collect();
    if text.chars().count() > ECHO_CHARS {
        cut.push('…');
    }
    cut
}

pub fn on_error(error: FrameworkError<'_, Data, Error>) -> poise::BoxFuture<'_, ()> {
    Box::pin(async move {
        match error {
            FrameworkError::Command { error, ctx, .. } => {
                let refused = matches!(&error, Error::Service(s) if s.member_message().is_some());
                super::client::finished(ctx, if refused { "refused" } else { "error" }).await;
                let text = member_text(&error, "command", &ctx.command().qualified_name);
                reply(ctx, &text).await;
            }
            FrameworkError::CommandCheckFailed { ctx, error, .. } => {
                // A check that says no has answered (a server that is not a home server) and
                // counted it; poise's own handler would log the member's name.
                if let Some(error) = error {
                    super::client::finished(ctx, "error").await;
                    tracing::error!(command = %ctx.command().qualified_name, error = %error, "a command check failed");
                    reply(ctx, APOLOGY).await;
                }
            }
            FrameworkError::ArgumentParse {
                ctx, input, error, ..
            } => {
                super::client::finished(ctx, "refused").await;
                tracing::info!(command = %ctx.command().qualified_name, error = %error, "argument not understood");
                let detail = input
                    .map(|i| format!(" (“{}”)", shown(&i)))
                    .unwrap_or_default();
                reply(ctx, &format!("Sorry, I couldn't understand one of the options{detail}. Please check it and try again.")).await;
            }
            FrameworkError::CommandStructureMismatch {
                ctx, description, ..
            } => {
                // Options Discord should never have let through (out of range, the wrong
                // type): a registration from before an update, still cached by Discord, or a
                // forged interaction. poise's own handler only logs it, and the member would
                // see "the application did not respond".
                let ctx = poise::Context::Application(ctx);
                super::client::finished(ctx, "refused").await;
                tracing::warn!(command = %ctx.command().qualified_name, description, "options not as registered");
                let autocomplete = matches!(ctx, poise::Context::Application(app)
                    if app.interaction_type == poise::CommandInteractionType::Autocomplete);
                if !autocomplete {
                    reply(ctx, "Sorry, I couldn't understand one of the options. If I was updated a moment ago, Discord may show the old command for a while: please try again later.").await;
                }
            }
            FrameworkError::CommandPanic { ctx, .. } => {
                super::client::finished(ctx, "error").await;
                tracing::error!(command = %ctx.command().qualified_name, "command panicked");
                reply(ctx, APOLOGY).await;
            }
            FrameworkError::MissingUserPermissions { ctx, .. } => {
                super::client::finished(ctx, "refused").await;
                reply(ctx, "This command is for the server's admins (it needs the Manage Server permission).").await;
            }
            FrameworkError::Setup { error, .. } => {
                tracing::error!(error = %error, "setup failed");
            }
            FrameworkError::EventHandler { error, event, .. } => {
                tracing::error!(
                    event = event.snake_case_name(),
                    error = %error,
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

/// What the member reads for `error`: a refusal's own words (cut to a message's length), or
/// an apology (and the cause chain goes to the log). `kind` and `name` say where it
/// happened, for the log only.
pub fn member_text(error: &Error, kind: &str, name: &str) -> String {
    if let Error::Service(service) = error {
        if let Some(text) = service.member_message() {
            tracing::debug!(kind, name, "refused");
            return text;
        }
    }
    tracing::error!(kind, name, error = %error, "failed");
    APOLOGY.to_owned()
}
