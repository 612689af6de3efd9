//! What server admins configure: the public encouragement post.

use super::messages::{Destination, Outgoing};
use super::{Ctx, ServiceError};
use crate::content::faq::{layered, ServerFaq};
use crate::content::Content;
use crate::delivery::Lane;
use crate::domain::ids::{ChannelId, GuildId};
use crate::domain::schedule::Rhythm;
use crate::domain::timing::{Frequency, LocalTime, Timezone};
use crate::store::{TopicCount, Totals};

/// The public encouragement post as stored; the edge renders it.
pub use crate::store::PublicPost;

/// Why an admin's change was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdminRefusal {
    #[error("Choose a channel for the encouragement post first: `/admin encouragement channel:#your-channel`.")]
    NoChannel,
    #[error("That channel is not one of this server's channels, so nothing changed. Choose one of this server's channels.")]
    ChannelNotHere,
}

/// Whether `channel` is one of `guild`'s channels, asked of Discord: an id from another
/// server (or a DM) is never taken for one of this server's, so no admin can point the bot's
/// posts at a server they do not run.
pub async fn is_here(
    ctx: Ctx<'_>,
    guild: GuildId,
    channel: ChannelId,
) -> Result<bool, ServiceError> {
    match ctx.messenger.channel_guild(channel).await {
        Ok(owner) => Ok(owner == Some(guild)),
        Err(crate::delivery::SendError::Channel(_)) => Ok(false),
        Err(error) => Err(ServiceError::Send(error)),
    }
}

/// The options of `/admin encouragement`, as typed.
#[derive(Debug, Clone, Default)]
pub struct RawPublicPost<'a> {
    pub channel: Option<ChannelId>,
    pub time: Option<&'a str>,
    pub timezone: Option<&'a str>,
    pub enabled: Option<bool>,
}

/// Applies the change (none: only reads) and returns the settings now in force; every
/// option is parsed before anything is written. The next post is planned from now.
pub async fn configure_public_post(
    ctx: Ctx<'_>,
    guild: GuildId,
    raw: RawPublicPost<'_>,
) -> Result<Option<PublicPost>, ServiceError> {
    let time = raw.time.map(LocalTime::parse).transpose()?;
    let timezone = raw.timezone.map(Timezone::parse).transpose()?;
    let current = ctx.store.public_post(guild).await?;
    if let Some(channel) = raw.channel {
        let unchanged = current.as_ref().is_some_and(|p| p.channel == channel);
        if !unchanged && !is_here(ctx, guild, channel).await? {
            return Err(AdminRefusal::ChannelNotHere.into());
        }
    }
    let nothing_asked =
        raw.channel.is_none() && time.is_none() && timezone.is_none() && raw.enabled.is_none();
    if nothing_asked {
        return Ok(current);
    }
    let channel = raw
        .channel
        .or(current.as_ref().map(|p| p.channel))
        .ok_or(AdminRefusal::NoChannel)?;
    let time = time
        .or(current.as_ref().map(|p| p.time))
        .unwrap_or(ctx.settings.defaults.checkin_time);
    let timezone = timezone
        .or(current.as_ref().map(|p| p.timezone))
        .unwrap_or(ctx.settings.defaults.timezone);
    let enabled = raw
        .enabled
        .or(current.as_ref().map(|p| p.enabled))
        .unwrap_or(true);
    let rhythm = Rhythm {
        tz: timezone.tz(),
        time,
        frequency: Frequency::Daily,
        days: crate::domain::days::Days::EVERY_DAY,
    };
    let post = PublicPost {
        guild,
        channel,
        time,
        timezone,
        enabled,
        next: enabled.then(|| rhythm.first_after(ctx.now)),
        // A failure in another channel says nothing about this one.
        last_failure: current
            .as_ref()
            .filter(|p| p.channel == channel)
            .and_then(|p| p.last_failure.clone()),
        next_index: current.map_or(0, |p| p.next_index),
    };
    ctx.store.save_public_post(&post).await?;
    Ok(Some(post))
}

/// What `/admin stats` shows: aggregates only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stats {
    pub totals: Totals,
    /// Most asked FAQ topics, with their questions, most first.
    pub top_faq: Vec<(String, i64)>,
}

impl Stats {
    /// Share of check-ins answered in the last 30 days, in percent (None: none sent).
    pub fn answer_rate(&self) -> Option<u32> {
        let sent = self.totals.checkins_30_days;
        (sent > 0).then(|| u32::try_from(self.totals.answered_30_days * 100 / sent).unwrap_or(0))
    }
}

/// The totals for the members who enrolled in `guild`, and the topics asked there most.
pub async fn stats(ctx: Ctx<'_>, guild: GuildId) -> Result<Stats, ServiceError> {
    let totals = ctx.store.totals(guild, ctx.now).await?;
    let top = ctx.store.top_faq_topics(guild, 5).await?;
    let layer = ctx.store.faq_layer(guild).await?;
    let server = layered(&ctx.content.faq, &layer);
    Ok(Stats {
        totals,
        top_faq: label_topics(ctx.content, &server, top),
    })
}

/// Each topic by its question as this server has it (its own entries and versions too), else
/// as the file has it, else by its key (an entry removed since).
fn label_topics(content: &Content, server: &ServerFaq, top: Vec<TopicCount>) -> Vec<(String, i64)> {
    top.into_iter()
        .map(|t| {
            let label = server
                .entry(&t.topic)
                .map(|(entry, _)| entry)
                .or_else(|| content.faq_by_key(&t.topic))
                .map_or(t.topic.clone(), |e| e.question.clone());
            (label, t.answered)
        })
        .collect()
}

/// What `/admin support-channel` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SupportChannel {
    /// Support requests go to this channel now (a first message there proved the bot can
    /// post in it).
    Set(ChannelId),
    /// The bot cannot post in that channel: nothing changed.
    CannotPost(ChannelId),
    /// The channel is not one of this server's: nothing changed, nothing posted there.
    NotHere(ChannelId),
    /// Support requests are off.
    Off,
}

/// Sets (or, with `None`, turns off) the server's support-team channel. The bot first posts
/// a short note there saying what will arrive; a channel it cannot post in is refused, so a
/// member's request never goes nowhere.
pub async fn set_support_channel(
    ctx: Ctx<'_>,
    guild: GuildId,
    channel: Option<ChannelId>,
) -> Result<SupportChannel, ServiceError> {
    let Some(channel) = channel else {
        ctx.store.set_support_channel(guild, None, ctx.now).await?;
        tracing::info!("support requests turned off");
        return Ok(SupportChannel::Off);
    };
    if !is_here(ctx, guild, channel).await? {
        tracing::warn!(guild = %guild, "support channel refused: not a channel of this server");
        return Ok(SupportChannel::NotHere(channel));
    }
    let note = ctx
        .messenger
        .send(
            Destination::Channel(channel),
            &Outgoing::SupportChannelNote,
            Lane::Interactive,
            None,
        )
        .await;
    if let Err(error) = note {
        tracing::warn!(error = %error, "support channel refused: the bot cannot post there");
        return Ok(SupportChannel::CannotPost(channel));
    }
    ctx.store
        .set_support_channel(guild, Some(channel), ctx.now)
        .await?;
    tracing::info!("support channel set");
    Ok(SupportChannel::Set(channel))
}
