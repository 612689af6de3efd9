//! `/admin ...`: for the server's admins only.
//!
//! Registered with `default_member_permissions = MANAGE_GUILD`, so Discord hides it from
//! others, and checked again here from the interaction's own member permissions, because a
//! server can override who sees a command.

use poise::serenity_prelude as serenity;
use poise::CreateReply;

use crate::discord::reply::in_time;
use crate::discord::{gateway, render, Context, Error};
use crate::domain::ids::{ChannelId, GuildId};
use crate::service::admin::{self, RawPublicPost};
use crate::service::{alerts, health as health_report};

/// Server settings for Rekindle (admins only)
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_GUILD",
    subcommands(
        "stats",
        "encouragement",
        "reload",
        "support_channel",
        "super::admin_faq::faq",
        "health",
        "alerts"
    ),
    subcommand_required
)]
pub async fn admin(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Whether the member who ran the command may manage this server.
pub async fn may_manage(ctx: Context<'_>) -> bool {
    manages(
        ctx.author_member()
            .await
            .and_then(|member| member.permissions),
    )
}

/// Whether an interaction's member `permissions` allow managing the server.
pub fn manages(permissions: Option<serenity::Permissions>) -> bool {
    permissions.is_some_and(|p| p.manage_guild() || p.administrator())
}

/// The server an admin command is for, once the member is checked to manage it; `None`
/// (and a refusal already sent) otherwise.
pub(super) async fn managed_guild(ctx: Context<'_>) -> Result<Option<serenity::GuildId>, Error> {
    if !may_manage(ctx).await {
        ctx.send(CreateReply::default().content(REFUSED).ephemeral(true))
            .await?;
        return Ok(None);
    }
    Ok(ctx.guild_id())
}

pub const REFUSED: &str =
    "This command is for the server's admins (it needs the Manage Server permission).";

/// Totals only: enrolled, active, per step, answer rate, top FAQ topics
#[poise::command(slash_command, guild_only)]
async fn stats(ctx: Context<'_>) -> Result<(), Error> {
    let Some(guild) = managed_guild(ctx).await? else {
        return Ok(());
    };
    let data = ctx.data();
    let content = data.services.content.get();
    let guild = GuildId::new(guild.get());
    let stats = in_time(ctx, admin::stats(data.service(&content), guild)).await??;
    ctx.send(
        CreateReply::default()
            .embed(render::stats(&stats))
            .ephemeral(true),
    )
    .await?;
    Ok(())
}

/// Reload config/content.toml after checking it; a bad file is refused and nothing changes
#[poise::command(slash_command, guild_only)]
async fn reload(ctx: Context<'_>) -> Result<(), Error> {
    if !may_manage(ctx).await {
        ctx.send(CreateReply::default().content(REFUSED).ephemeral(true))
            .await?;
        return Ok(());
    }
    let data = ctx.data();
    let text = match crate::content::Content::load(&data.services.settings.content_path) {
        Ok(content) => {
            let summary = format!(
                "Reloaded: {} steps, {} FAQ entries, {} public encouragements. Every reply uses it from now on.",
                content.steps.len(),
                content.faq.len(),
                content.public_encouragements.len()
            );
            data.services.content.replace(content);
            tracing::info!("content reloaded");
            summary + &layer_note(ctx).await
        }
        Err(error) => {
            tracing::warn!(error = %error, "content reload refused");
            let first = error.issues.first().map_or_else(
                || error.to_string(),
                |issue| format!("{}: {}", issue.entry, issue.rule),
            );
            // The team's alert goes out beside the reply, never before it.
            let services = data.services.clone();
            let problems = error.issues.len().max(1);
            tokio::spawn(async move {
                let content = services.content.get();
                let ctx = services.ctx(&content);
                alerts::content_refused(ctx, &services.telemetry, problems, &first).await;
            });
            let mut text = format!("The content file was not reloaded; the content in use stays as it was.\n```\n{error}");
            // A message holds 2000 characters: keep the start, where the errors are.
            if text.chars().count() > 1990 {
                text = text.chars().take(1970).collect::<String>() + "\n…";
            }
            text + "\n```"
        }
    };
    ctx.send(CreateReply::default().content(text).ephemeral(true))
        .await?;
    Ok(())
}

/// After a reload: whether this server's own FAQ entries still fit beside the file's (a
/// layer entry that now breaks a rule is set aside, not lost; see `content::faq`).
async fn layer_note(ctx: Context<'_>) -> String {
    let Some(guild) = ctx.guild_id() else {
        return String::new();
    };
    let data = ctx.data();
    let content = data.services.content.get();
    let guild = GuildId::new(guild.get());
    match crate::service::faq_admin::overview(data.service(&content), guild).await {
        Ok(server) => render::faq_layer_after_reload(&server),
        Err(error) => {
            tracing::warn!(error = %error, "this server's FAQ could not be read after a reload");
            String::new()
        }
    }
}

/// The daily public encouragement post: channel, local time, timezone, on or off
#[poise::command(slash_command, guild_only)]
async fn encouragement(
    ctx: Context<'_>,
    #[description = "Where to post"]
    #[channel_types("Text")]
    channel: Option<serenity::ChannelId>,
    #[description = "Local time of the post, 24-hour HH:MM"] time: Option<String>,
    #[description = "Timezone for that time, e.g. Europe/Berlin"]
    #[autocomplete = "crate::discord::commands::settings::autocomplete_timezone"]
    timezone: Option<String>,
    #[description = "Post every day (true) or stop (false)"] enabled: Option<bool>,
) -> Result<(), Error> {
    let Some(guild) = managed_guild(ctx).await? else {
        return Ok(());
    };
    let data = ctx.data();
    let content = data.services.content.get();
    let raw = RawPublicPost {
        channel: channel.map(|c| ChannelId::new(c.get())),
        time: time.as_deref(),
        timezone: timezone.as_deref(),
        enabled,
    };
    let post = in_time(
        ctx,
        admin::configure_public_post(data.service(&content), GuildId::new(guild.get()), raw),
    )
    .await??;
    ctx.send(
        CreateReply::default()
            .embed(render::public_post_settings(post.as_ref()))
            .ephemeral(true),
    )
    .await?;
    Ok(())
}

/// Your support team's private channel: members in crisis may ask there for someone to reach out
#[poise::command(slash_command, guild_only, rename = "support-channel")]
async fn support_channel(
    ctx: Context<'_>,
    #[description = "A private channel only your support team can read (leave out to turn this off)"]
    #[channel_types("Text")]
    channel: Option<serenity::ChannelId>,
) -> Result<(), Error> {
    let Some(guild) = managed_guild(ctx).await? else {
        return Ok(());
    };
    let data = ctx.data();
    let content = data.services.content.get();
    let channel = channel.map(|c| ChannelId::new(c.get()));
    let set = in_time(
        ctx,
        admin::set_support_channel(data.service(&content), GuildId::new(guild.get()), channel),
    )
    .await??;
    ctx.send(
        CreateReply::default()
            .content(render::support_channel_set(set))
            .ephemeral(true),
    )
    .await?;
    Ok(())
}

/// How the bot is doing: version, uptime, gateway, scheduler, outbox, problems
#[poise::command(slash_command, guild_only)]
async fn health(ctx: Context<'_>) -> Result<(), Error> {
    let Some(guild) = managed_guild(ctx).await? else {
        return Ok(());
    };
    let data = ctx.data();
    let services = &data.services;
    let content = services.content.get();
    let shards = gateway::shards(&ctx.framework().shard_manager()).await;
    let report = in_time(
        ctx,
        health_report::health(
            data.service(&content),
            &services.telemetry,
            GuildId::new(guild.get()),
        ),
    )
    .await??;
    ctx.send(
        CreateReply::default()
            .embed(render::health(&report, &shards))
            .ephemeral(true),
    )
    .await?;
    Ok(())
}

/// Where the bot posts operational problems for your team (at most one per kind an hour)
#[poise::command(slash_command, guild_only)]
async fn alerts(
    ctx: Context<'_>,
    #[description = "A channel your team reads (leave out to see the current one)"]
    #[channel_types("Text")]
    channel: Option<serenity::ChannelId>,
    #[description = "false: stop posting alerts"] enabled: Option<bool>,
) -> Result<(), Error> {
    let Some(guild) = managed_guild(ctx).await? else {
        return Ok(());
    };
    let data = ctx.data();
    let content = data.services.content.get();
    let channel = channel.map(|c| ChannelId::new(c.get()));
    let result = in_time(
        ctx,
        alerts::configure(
            data.service(&content),
            GuildId::new(guild.get()),
            channel,
            enabled,
        ),
    )
    .await??;
    ctx.send(
        CreateReply::default()
            .content(render::alerts_channel(&result))
            .ephemeral(true),
    )
    .await?;
    Ok(())
}
