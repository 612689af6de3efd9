//! `/admin ...`: for the server's admins only.
//!
//! Registered with `default_member_permissions = MANAGE_GUILD`, so Discord hides it from
//! others, and checked again here from the interaction's own member permissions, because a
//! server can override who sees a command.

use poise::serenity_prelude as serenity;
use poise::CreateReply;

use crate::discord::{render, Context, Error};
use crate::service::admin::{self, RawPublicPost};

/// Server settings for Rekindle (admins only)
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_GUILD",
    subcommands("encouragement"),
    subcommand_required
)]
pub async fn admin(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Whether the member who ran the command may manage this server.
pub async fn may_manage(ctx: Context<'_>) -> bool {
    let permissions = ctx
        .author_member()
        .await
        .and_then(|member| member.permissions);
    permissions.is_some_and(|p| p.manage_guild() || p.administrator())
}

const REFUSED: &str =
    "This command is for the server's admins (it needs the Manage Server permission).";

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
    if !may_manage(ctx).await {
        ctx.send(CreateReply::default().content(REFUSED).ephemeral(true))
            .await?;
        return Ok(());
    }
    let Some(guild) = ctx.guild_id() else {
        return Ok(());
    };
    let data = ctx.data();
    let content = data.content.get();
    let raw = RawPublicPost {
        channel: channel.map(|c| c.get()),
        time: time.as_deref(),
        timezone: timezone.as_deref(),
        enabled,
    };
    let post = admin::configure_public_post(data.service(&content), guild.get(), raw).await?;
    ctx.send(
        CreateReply::default()
            .embed(render::public_post_settings(post.as_ref()))
            .ephemeral(true),
    )
    .await?;
    Ok(())
}
