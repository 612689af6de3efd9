//! The servers Rekindle serves: its home servers (`servers.allowed`), or any.
//!
//! The Discord adapter asks [`serves`] for every server it hears of and every interaction it
//! receives; a server the bot leaves, or is removed from, is [`forgotten`]: nothing more is
//! posted there (public encouragement, alerts, support requests). Its members' programs stay:
//! a member's program is theirs, whichever server they started it in.

use super::{Ctx, ServiceError};
use crate::config::Settings;
use crate::domain::ids::GuildId;

/// Whether the bot serves `guild`.
pub fn serves(settings: &Settings, guild: GuildId) -> bool {
    settings.servers.allows(guild)
}

/// The bot left `guild` (or was removed from it): stop everything it would post there.
pub async fn forgotten(ctx: Ctx<'_>, guild: GuildId) -> Result<(), ServiceError> {
    let stopped = ctx.store.stop_public_post(guild).await?;
    ctx.store.set_alerts_channel(guild, None, ctx.now).await?;
    ctx.store.set_support_channel(guild, None, ctx.now).await?;
    tracing::info!(
        guild = %guild,
        public_post_stopped = stopped,
        "nothing more will be posted in a server the bot left"
    );
    Ok(())
}
