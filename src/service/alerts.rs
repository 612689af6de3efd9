//! Operational alerts: telling a server's team, in the channel they chose with
//! `/admin alerts`, when something keeps the bot from doing its job there.
//!
//! Each kind of problem is posted at most once an hour per server (the rule is
//! [`crate::domain::alerts`]; the hour is claimed in the database before posting, so it holds
//! across restarts and concurrent problems). An alert that cannot be posted (the channel was
//! deleted, a permission removed) is recorded for `/admin health` and never alerted about in
//! turn: nothing here can loop. Alerts carry kinds and Discord's errors, never a member.

use super::messages::{Destination, Outgoing};
use super::{Ctx, ServiceError};
use crate::delivery::{ChannelProblem, Lane, SendError};
use crate::domain::alerts::{self, AlertKind};
use crate::domain::ids::{ChannelId, GuildId};
use crate::telemetry::{Problem, ProblemKind, Telemetry};

/// An operational problem, as the team reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Alert {
    /// The public encouragement could not be posted in `channel`.
    PublicPost {
        channel: ChannelId,
        problem: ChannelProblem,
    },
    /// Scheduled messages failed `failed` times within the hour; the last error.
    Deliveries { failed: usize, last_error: String },
    /// `/admin reload` refused the content file: how many problems, and the first.
    Content { problems: usize, first: String },
}

impl Alert {
    pub fn kind(&self) -> AlertKind {
        match self {
            Alert::PublicPost { .. } => AlertKind::PublicPost,
            Alert::Deliveries { .. } => AlertKind::Deliveries,
            Alert::Content { .. } => AlertKind::Content,
        }
    }
}

/// What `/admin alerts` did, or shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlertsChannel {
    /// Alerts go to this channel (set now, or already).
    On(ChannelId),
    /// No alerts channel.
    Off,
    /// The channel is not one of this server's: nothing changed.
    NotHere(ChannelId),
    /// The bot cannot post there (why): nothing changed.
    CannotPost(ChannelId, String),
}

/// Sets, shows or turns off the server's alerts channel. A new channel must belong to this
/// server (an id from elsewhere is refused without posting there) and take a first message
/// saying what will arrive, so alerts never go nowhere.
pub async fn configure(
    ctx: Ctx<'_>,
    guild: GuildId,
    channel: Option<ChannelId>,
    enabled: Option<bool>,
) -> Result<AlertsChannel, ServiceError> {
    if enabled == Some(false) {
        ctx.store.set_alerts_channel(guild, None, ctx.now).await?;
        tracing::info!(guild = %guild, "alerts turned off");
        return Ok(AlertsChannel::Off);
    }
    let Some(channel) = channel else {
        let current = ctx.store.alerts_channel(guild).await?;
        return Ok(current.map_or(AlertsChannel::Off, AlertsChannel::On));
    };
    match super::admin::is_here(ctx, guild, channel).await {
        Ok(true) => {}
        Ok(false) => {
            tracing::warn!(guild = %guild, "alerts channel refused: not a channel of this server");
            return Ok(AlertsChannel::NotHere(channel));
        }
        Err(ServiceError::Send(error)) => {
            return Ok(AlertsChannel::CannotPost(channel, error.to_string()))
        }
        Err(other) => return Err(other),
    }
    let note = ctx
        .messenger
        .send(
            Destination::Channel(channel),
            &Outgoing::AlertsChannelNote,
            Lane::Interactive,
            None,
        )
        .await;
    if let Err(error) = note {
        tracing::warn!(guild = %guild, error = %error, "alerts channel refused: the bot cannot post there");
        return Ok(AlertsChannel::CannotPost(channel, error.to_string()));
    }
    ctx.store
        .set_alerts_channel(guild, Some(channel), ctx.now)
        .await?;
    tracing::info!(guild = %guild, "alerts channel set");
    Ok(AlertsChannel::On(channel))
}

/// Posts `alert` in `guild`'s alerts channel, unless the server has none, is not served, or
/// had an alert of this kind within the hour. Returns whether it was posted. Never fails: an
/// alert is help, not part of anything a member waits for.
pub async fn raise(ctx: Ctx<'_>, telemetry: &Telemetry, guild: GuildId, alert: &Alert) -> bool {
    match try_raise(ctx, telemetry, guild, alert).await {
        Ok(posted) => posted,
        Err(error) => {
            tracing::warn!(guild = %guild, kind = alert.kind().as_str(), error = format!("{error:#}"), "alert not posted");
            false
        }
    }
}

async fn try_raise(
    ctx: Ctx<'_>,
    telemetry: &Telemetry,
    guild: GuildId,
    alert: &Alert,
) -> anyhow::Result<bool> {
    if !ctx.settings.servers.allows(guild) {
        return Ok(false);
    }
    let Some(channel) = ctx.store.alerts_channel(guild).await? else {
        return Ok(false);
    };
    let kind = alert.kind();
    let claimed = ctx
        .store
        .claim_alert(guild, kind, ctx.now, alerts::held_back_since(ctx.now))
        .await?;
    if !claimed {
        tracing::debug!(guild = %guild, kind = kind.as_str(), "alert held back: one was posted within the hour");
        return Ok(false);
    }
    let sent = ctx
        .messenger
        .send(
            Destination::Channel(channel),
            &Outgoing::Alert(alert.clone()),
            Lane::Scheduled,
            None,
        )
        .await;
    match sent {
        Ok(_) => {
            tracing::info!(guild = %guild, kind = kind.as_str(), "alert posted");
            telemetry.metrics.alert(kind.as_str());
            Ok(true)
        }
        Err(error) => {
            // Recorded, never alerted about: the next try is the next problem, an hour on.
            tracing::warn!(guild = %guild, kind = kind.as_str(), error = %error, "cannot post in the alerts channel");
            telemetry.status.problem(Problem {
                at: ctx.now,
                kind: ProblemKind::AlertsChannel,
                guild: Some(guild),
                text: format!("an alert could not be posted in the alerts channel: {error}"),
            });
            Ok(false)
        }
    }
}

/// Posts `alert` in every served server's alerts channel (a problem of the whole bot).
pub async fn raise_everywhere(ctx: Ctx<'_>, telemetry: &Telemetry, alert: &Alert) {
    let channels = match ctx.store.alerts_channels().await {
        Ok(channels) => channels,
        Err(error) => {
            tracing::warn!(
                error = format!("{error:#}"),
                "cannot read the alerts channels"
            );
            return;
        }
    };
    for (guild, _) in channels {
        raise(ctx, telemetry, guild, alert).await;
    }
}

/// A public encouragement post in `channel` was refused with `error`: recorded for
/// `/admin encouragement` and `/admin health`, and alerted when the channel itself is the
/// problem (deleted, not visible, not allowed to post).
pub async fn public_post_failed(
    ctx: Ctx<'_>,
    telemetry: &Telemetry,
    channel: ChannelId,
    error: &SendError,
) {
    let why = error.to_string();
    let guilds = match ctx
        .store
        .record_public_failure(channel, &why, ctx.now)
        .await
    {
        Ok(guilds) => guilds,
        Err(error) => {
            tracing::warn!(
                error = format!("{error:#}"),
                "cannot record a refused public post"
            );
            Vec::new()
        }
    };
    for guild in guilds {
        telemetry.status.problem(Problem {
            at: ctx.now,
            kind: ProblemKind::PublicPost,
            guild: Some(guild),
            text: format!("the public encouragement was not posted: {why}"),
        });
        if let SendError::Channel(problem) = error {
            let alert = Alert::PublicPost {
                channel,
                problem: *problem,
            };
            raise(ctx, telemetry, guild, &alert).await;
        }
    }
}

/// After a scheduler pass with failures: if deliveries have failed repeatedly within the
/// hour, every served server's team is told (each at most once an hour).
pub async fn deliveries_checked(ctx: Ctx<'_>, telemetry: &Telemetry) {
    let Some((failed, last_error)) = telemetry.status.failing_deliveries(ctx.now) else {
        return;
    };
    telemetry.status.problem(Problem {
        at: ctx.now,
        kind: ProblemKind::Deliveries,
        guild: None,
        text: format!(
            "{failed} scheduled messages could not be delivered within the hour; the last: {last_error}"
        ),
    });
    let alert = Alert::Deliveries { failed, last_error };
    raise_everywhere(ctx, telemetry, &alert).await;
}

/// `/admin reload` refused the content file: every served server's team is told.
pub async fn content_refused(ctx: Ctx<'_>, telemetry: &Telemetry, problems: usize, first: &str) {
    telemetry.status.problem(Problem {
        at: ctx.now,
        kind: ProblemKind::Content,
        guild: None,
        text: format!("the content file was refused on reload ({problems} problems): {first}"),
    });
    let alert = Alert::Content {
        problems,
        first: first.to_owned(),
    };
    raise_everywhere(ctx, telemetry, &alert).await;
}
