//! `/admin faq ...`: the server's FAQ, edited from Discord (see `service::faq_admin`).
//!
//! Each subcommand checks the member's permissions at run time (like every `/admin`
//! command), answers privately, and renders what the service decided. `add` and `edit`
//! answer with a modal, which must be the interaction's first response: they are never
//! deferred. Its submission is handled in `components::faq_admin`, which checks the
//! submitter's permissions again.

use std::sync::atomic::Ordering;

use poise::serenity_prelude as serenity;
use poise::CreateReply;

use super::admin::{managed_guild, may_manage};
use crate::discord::reply::in_time;
use crate::discord::{render, Context, Error};
use crate::domain::ids::GuildId;
use crate::service::faq_admin;

/// Your server's FAQ: list, add, edit and remove entries, and see who changed what
#[poise::command(
    slash_command,
    guild_only,
    subcommands("list", "add", "edit", "remove", "history"),
    subcommand_required
)]
pub async fn faq(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// The admin's server, checked; `None` once a refusal was sent.
async fn server(ctx: Context<'_>) -> Result<Option<GuildId>, Error> {
    Ok(managed_guild(ctx)
        .await?
        .map(|guild| GuildId::new(guild.get())))
}

/// Every entry this server shows, where it comes from, and what is removed or set aside
#[poise::command(slash_command, guild_only)]
async fn list(ctx: Context<'_>) -> Result<(), Error> {
    let Some(guild) = server(ctx).await? else {
        return Ok(());
    };
    let data = ctx.data();
    let content = data.services.content.get();
    let overview = in_time(ctx, faq_admin::overview(data.service(&content), guild)).await??;
    ctx.send(
        CreateReply::default()
            .embed(render::faq_overview(&overview))
            .ephemeral(true),
    )
    .await?;
    Ok(())
}

/// Add an entry to this server's FAQ (a form opens)
#[poise::command(slash_command, guild_only)]
async fn add(ctx: Context<'_>) -> Result<(), Error> {
    if server(ctx).await?.is_none() {
        return Ok(());
    }
    show_modal(ctx, render::faq_add_modal()).await
}

/// Change an entry of this server's FAQ (a form opens with it filled in)
#[poise::command(slash_command, guild_only)]
async fn edit(
    ctx: Context<'_>,
    #[description = "The entry to change"]
    #[autocomplete = "autocomplete_entry"]
    topic: String,
) -> Result<(), Error> {
    let Some(guild) = server(ctx).await? else {
        return Ok(());
    };
    let data = ctx.data();
    let content = data.services.content.get();
    // Not `in_time`: a modal cannot follow a deferral. Opening reads a few rows.
    let editing = faq_admin::open(data.service(&content), guild, &topic).await?;
    show_modal(ctx, render::faq_edit_modal(&editing)).await
}

/// Take an entry out of this server's FAQ (the content file keeps it for other servers)
#[poise::command(slash_command, guild_only)]
async fn remove(
    ctx: Context<'_>,
    #[description = "The entry to remove (pick it from the list)"]
    #[autocomplete = "autocomplete_entry"]
    topic: String,
) -> Result<(), Error> {
    let Some(guild) = server(ctx).await? else {
        return Ok(());
    };
    let data = ctx.data();
    let content = data.services.content.get();
    let admin = crate::discord::member_of(ctx.author());
    let removed = in_time(
        ctx,
        faq_admin::remove(data.service(&content), guild, admin, topic.trim()),
    )
    .await??;
    ctx.send(
        CreateReply::default()
            .content(render::faq_removed(&removed))
            .ephemeral(true),
    )
    .await?;
    Ok(())
}

/// Who changed this server's FAQ, what and when (newest first)
#[poise::command(slash_command, guild_only)]
async fn history(
    ctx: Context<'_>,
    #[description = "Page 1 is the newest changes"]
    #[min = 1]
    page: Option<u32>,
) -> Result<(), Error> {
    let Some(guild) = server(ctx).await? else {
        return Ok(());
    };
    let data = ctx.data();
    let content = data.services.content.get();
    let page = in_time(
        ctx,
        faq_admin::history(data.service(&content), guild, page.unwrap_or(1)),
    )
    .await??;
    ctx.send(
        CreateReply::default()
            .embed(render::faq_history(&page))
            .ephemeral(true),
    )
    .await?;
    Ok(())
}

/// Answers the slash command with `modal` (its first and only response).
async fn show_modal(ctx: Context<'_>, modal: serenity::CreateModal) -> Result<(), Error> {
    let poise::Context::Application(app) = ctx else {
        return Ok(());
    };
    app.interaction
        .create_response(
            ctx.serenity_context(),
            serenity::CreateInteractionResponse::Modal(modal),
        )
        .await?;
    app.has_sent_initial_response.store(true, Ordering::SeqCst);
    Ok(())
}

/// The server's entries (set-aside ones too) matching what the admin typed. Nothing for a
/// member who may not manage the server.
async fn autocomplete_entry(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let empty = serenity::CreateAutocompleteResponse::new();
    let Some(guild) = ctx.guild_id() else {
        return empty;
    };
    if !may_manage(ctx).await {
        return empty;
    }
    let data = ctx.data();
    let content = data.services.content.get();
    let guild = GuildId::new(guild.get());
    match faq_admin::topics(data.service(&content), guild, partial).await {
        Ok(topics) => empty.set_choices(topics.iter().map(render::faq_topic_choice).collect()),
        Err(error) => {
            tracing::warn!(error = %error, "FAQ editor autocomplete failed");
            empty
        }
    }
}
