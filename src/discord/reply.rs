//! Answering interactions in time: Discord shows "This interaction failed" if nothing comes
//! within 3 seconds. Work that may take longer (a busy database, a slow DM) is raced against
//! [`DEFER_AFTER`]; if it is not done by then, the interaction is deferred and the answer
//! edited in when it is ready.

use std::future::Future;
use std::time::Duration;

use poise::serenity_prelude as serenity;
use serenity::{
    ComponentInteraction, CreateActionRow, CreateEmbed, CreateInteractionResponse,
    CreateInteractionResponseMessage, EditInteractionResponse, ModalInteraction,
};

use super::{Context, Error};

/// How long an interaction's work may run before the interaction is deferred: well under
/// Discord's 3 seconds, with room for the response to travel.
pub const DEFER_AFTER: Duration = Duration::from_millis(1500);

/// Said instead of nothing, should a reply ever come out empty.
const EMPTY_REPLY: &str = "Done.";

/// What a reply may ping: nobody. Replies can carry text that someone else wrote (an FAQ
/// answer an admin typed, a member's input quoted back): an `@everyone` or a role mention in
/// it must stay text.
pub fn no_pings() -> serenity::CreateAllowedMentions {
    serenity::CreateAllowedMentions::new()
}

/// A component's answer: a new private message, or the message it is on, updated.
#[derive(Debug, Clone, Default)]
pub struct Reply {
    pub text: Option<String>,
    pub embeds: Vec<CreateEmbed>,
    pub rows: Option<Vec<CreateActionRow>>,
    /// Replace the message the component is on (a notice, a menu) instead of answering
    /// with a new private one.
    pub update: bool,
}

impl Reply {
    /// A private text.
    pub fn private(text: impl Into<String>) -> Reply {
        Reply {
            text: Some(text.into()),
            ..Reply::default()
        }
    }

    /// The message the component is on, replaced by `text` (embeds and buttons removed).
    pub fn replace(text: impl Into<String>) -> Reply {
        Reply {
            text: Some(text.into()),
            embeds: Vec::new(),
            rows: Some(Vec::new()),
            update: true,
        }
    }

    pub fn embed(mut self, embed: CreateEmbed) -> Reply {
        self.embeds.push(embed);
        self
    }

    pub fn rows(mut self, rows: Vec<CreateActionRow>) -> Reply {
        self.rows = Some(rows);
        self
    }

    /// The text to send: Discord refuses a new message with neither text nor an embed, so
    /// a blank one (a bug upstream) becomes a short acknowledgement instead of a failure.
    fn text(&self) -> Option<String> {
        match self.text.as_deref().map(str::trim) {
            Some(text) if !text.is_empty() => self.text.clone(),
            _ if self.embeds.is_empty() && !self.update => {
                tracing::warn!("a reply had nothing to say; answered with a plain acknowledgement");
                Some(EMPTY_REPLY.to_owned())
            }
            _ => None,
        }
    }

    fn message(self) -> CreateInteractionResponseMessage {
        let text = self.text();
        let mut message = CreateInteractionResponseMessage::new()
            .embeds(self.embeds)
            .allowed_mentions(no_pings());
        if let Some(text) = text {
            message = message.content(text);
        } else if self.update {
            message = message.content("");
        }
        if let Some(rows) = self.rows {
            message = message.components(rows);
        }
        if !self.update {
            message = message.ephemeral(true);
        }
        message
    }

    pub fn response(self) -> CreateInteractionResponse {
        if self.update {
            CreateInteractionResponse::UpdateMessage(self.message())
        } else {
            CreateInteractionResponse::Message(self.message())
        }
    }

    fn edit(self) -> EditInteractionResponse {
        let text = self.text();
        let mut edit = EditInteractionResponse::new()
            .embeds(self.embeds)
            .allowed_mentions(no_pings());
        edit = edit.content(text.unwrap_or_default());
        if let Some(rows) = self.rows {
            edit = edit.components(rows);
        }
        edit
    }
}

/// An interaction a [`Reply`] can answer: a component or a modal submission.
#[derive(Clone, Copy)]
pub enum Answerable<'a> {
    Component(&'a ComponentInteraction),
    Modal(&'a ModalInteraction),
}

impl Answerable<'_> {
    async fn respond(
        self,
        ctx: &serenity::Context,
        response: CreateInteractionResponse,
    ) -> Result<(), serenity::Error> {
        match self {
            Answerable::Component(i) => i.create_response(&ctx.http, response).await,
            Answerable::Modal(i) => i.create_response(&ctx.http, response).await,
        }
    }

    async fn edit(
        self,
        ctx: &serenity::Context,
        edit: EditInteractionResponse,
    ) -> Result<(), serenity::Error> {
        match self {
            Answerable::Component(i) => i.edit_response(&ctx.http, edit).await.map(|_| ()),
            Answerable::Modal(i) => i.edit_response(&ctx.http, edit).await.map(|_| ()),
        }
    }
}

/// Answers an interaction with what `work` produces, deferring first if it takes longer
/// than [`DEFER_AFTER`]. `updates` says whether the answer replaces the component's message
/// (so a deferral must be an "update" one) or is a new private message.
pub async fn answer_in_time(
    ctx: &serenity::Context,
    interaction: Answerable<'_>,
    updates: bool,
    work: impl Future<Output = Reply>,
) -> Result<(), Error> {
    tokio::pin!(work);
    tokio::select! {
        reply = &mut work => {
            interaction.respond(ctx, reply.response()).await?;
            return Ok(());
        }
        () = tokio::time::sleep(DEFER_AFTER) => {}
    }
    let deferral = if updates {
        CreateInteractionResponse::Acknowledge
    } else {
        CreateInteractionResponse::Defer(CreateInteractionResponseMessage::new().ephemeral(true))
    };
    interaction.respond(ctx, deferral).await?;
    tracing::debug!("interaction deferred: the answer is taking longer");
    let reply = work.await;
    interaction.edit(ctx, reply.edit()).await?;
    Ok(())
}

/// Runs a command's `work`, deferring the (private) reply first if it takes longer than
/// [`DEFER_AFTER`]; the command then sends its reply as usual.
pub async fn in_time<T>(ctx: Context<'_>, work: impl Future<Output = T>) -> Result<T, Error> {
    in_time_as(ctx, true, work).await
}

/// [`in_time`] for a command whose reply may be public (`ephemeral` false): a deferral
/// must already say which, since the reply that follows keeps it.
pub async fn in_time_as<T>(
    ctx: Context<'_>,
    ephemeral: bool,
    work: impl Future<Output = T>,
) -> Result<T, Error> {
    tokio::pin!(work);
    tokio::select! {
        done = &mut work => return Ok(done),
        () = tokio::time::sleep(DEFER_AFTER) => {}
    }
    if ephemeral {
        ctx.defer_ephemeral().await?;
    } else {
        ctx.defer().await?;
    }
    Ok(work.await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blank_private_reply_still_says_something() {
        for blank in ["", "   ", "\n"] {
            assert_eq!(Reply::private(blank).text().as_deref(), Some(EMPTY_REPLY));
        }
        assert_eq!(Reply::private("Saved.").text().as_deref(), Some("Saved."));
    }

    #[test]
    fn an_embed_or_an_update_may_come_without_text() {
        let embed = Reply::default().embed(CreateEmbed::new().title("Step 1"));
        assert_eq!(embed.text(), None);
        assert_eq!(Reply::replace("").text(), None);
    }
}
