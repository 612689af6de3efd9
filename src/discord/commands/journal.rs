//! `/journal list | search | read | write`: the member's own reflections and journal
//! entries, always private (ephemeral, also in DMs).

use std::sync::atomic::Ordering;

use poise::serenity_prelude as serenity;
use poise::CreateReply;

use crate::discord::reply::in_time;
use crate::discord::{member_of, render, Context, Error};
use crate::domain::journal::PageAt;
use crate::service::{self, patiently};

/// Your own reflections and journal entries (only you see them)
#[poise::command(
    slash_command,
    subcommands("list", "search", "read", "write"),
    subcommand_required
)]
pub async fn journal(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// A private reply that can quote the member's words without pinging anyone.
fn private() -> CreateReply {
    CreateReply::default()
        .ephemeral(true)
        .allowed_mentions(render::no_pings())
}

/// Your entries, newest first, five to a page
#[poise::command(slash_command)]
async fn list(
    ctx: Context<'_>,
    #[description = "Page number (1 is the newest)"]
    #[min = 1]
    #[max = 100000]
    page: Option<i64>,
) -> Result<(), Error> {
    let data = ctx.data();
    let content = data.services.content.get();
    let member = member_of(ctx.author());
    let at = page.map_or(PageAt::Newest, PageAt::Number);
    let page = in_time(
        ctx,
        patiently(service::LONG_WAIT, || {
            service::journal::list(data.service(&content), member, at)
        }),
    )
    .await??;
    let (embed, buttons) = render::journal_page(&page);
    ctx.send(private().embed(embed).components(buttons)).await?;
    Ok(())
}

/// Find entries by their words (case and accents don't matter)
#[poise::command(slash_command)]
async fn search(
    ctx: Context<'_>,
    #[description = "A word or two from the entry"] text: String,
    #[description = "Page of the results (1 is the newest)"]
    #[min = 1]
    #[max = 100000]
    page: Option<i64>,
) -> Result<(), Error> {
    let data = ctx.data();
    let content = data.services.content.get();
    let member = member_of(ctx.author());
    let found = in_time(
        ctx,
        patiently(service::LONG_WAIT, || {
            service::journal::search(data.service(&content), member, &text, page)
        }),
    )
    .await??;
    ctx.send(private().embed(render::journal_found(&found)))
        .await?;
    Ok(())
}

/// Read one entry whole (you can delete it from there)
#[poise::command(slash_command)]
async fn read(
    ctx: Context<'_>,
    #[description = "The entry: type a word or a date to find it"]
    #[autocomplete = "autocomplete_entry"]
    entry: String,
) -> Result<(), Error> {
    let data = ctx.data();
    let content = data.services.content.get();
    let member = member_of(ctx.author());
    let full = in_time(
        ctx,
        patiently(service::LONG_WAIT, || {
            service::journal::read(data.service(&content), member, &entry)
        }),
    )
    .await??;
    let (embed, buttons) = render::journal_entry(&full);
    ctx.send(private().embed(embed).components(buttons)).await?;
    Ok(())
}

/// The member's own entries as they type; never anyone else's.
async fn autocomplete_entry(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let data = ctx.data();
    let content = data.services.content.get();
    let member = member_of(ctx.author());
    let choices = service::journal::suggestions(data.service(&content), member, partial)
        .await
        .unwrap_or_else(|error| {
            tracing::warn!(error = %error, "journal suggestions failed");
            Vec::new()
        })
        .into_iter()
        .map(|(label, value)| serenity::AutocompleteChoice::new(label, value))
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// Write a new journal entry
#[poise::command(slash_command)]
async fn write(ctx: Context<'_>) -> Result<(), Error> {
    let data = ctx.data();
    let content = data.services.content.get();
    let member = member_of(ctx.author());
    // Only a member has a journal: say so now rather than after they wrote.
    service::journal::can_write(data.service(&content), member).await?;
    let poise::Context::Application(app) = ctx else {
        return Ok(());
    };
    // A modal must be the interaction's first answer.
    app.interaction
        .create_response(
            ctx.serenity_context(),
            serenity::CreateInteractionResponse::Modal(render::journal_modal()),
        )
        .await?;
    app.has_sent_initial_response.store(true, Ordering::SeqCst);
    Ok(())
}
