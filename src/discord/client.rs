//! Building the serenity client with poise, connecting, and stopping cleanly.

use std::future::Future;
use std::time::Instant;

use poise::serenity_prelude as serenity;

use super::gateway::{self, Reach};
use super::{commands, errors, events, member_of, reply, Data, Error};
use crate::config::Token;
use crate::domain::ids::GuildId;
use crate::service::servers;

/// The only gateway intents the bot needs: guild basics for slash commands in servers and
/// direct messages for check-ins. DM content needs no privileged intent.
pub fn intents() -> serenity::GatewayIntents {
    serenity::GatewayIntents::GUILDS | serenity::GatewayIntents::DIRECT_MESSAGES
}

/// The HTTP client. With `DISCORD_API_BASE` set, every REST call goes to that origin.
pub fn http(token: &Token, api_base: Option<&str>) -> serenity::Http {
    let mut builder = serenity::HttpBuilder::new(token.expose());
    if let Some(origin) = api_base {
        // serenity only sends requests through the proxy origin when its own rate limiter is
        // off; with it on, requests silently go to discord.com. The proxy owns rate limits,
        // and our own pacing keeps the bot polite.
        builder = builder.proxy(origin.to_owned()).ratelimiter_disabled(true);
    }
    builder.build()
}

/// Why the Discord connection stopped for good.
#[derive(Debug, thiserror::Error)]
pub enum ConnectionError {
    #[error("Discord refused the bot token. Check DISCORD_TOKEN in .env or the environment: it may have been reset (Bot → Reset Token) or mistyped.")]
    TokenRefused,
    #[error("cannot build the Discord client: {0}")]
    Build(serenity::Error),
    #[error("the Discord connection stopped: {0}")]
    Stopped(serenity::Error),
}

/// Connects to Discord and serves until `shutdown` completes (or the connection fails for
/// good, e.g. a refused token). While Discord cannot be reached it waits, and says so once.
pub async fn run(
    data: Data,
    token: Token,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ConnectionError> {
    let settings = data.services.settings.clone();
    let telemetry = data.services.telemetry.clone();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let stop = std::sync::Arc::new(stop);
    let asked = {
        let stop = stop.clone();
        async move {
            shutdown.await;
            stop.send_replace(true);
        }
    };
    tokio::spawn(asked);
    let until_stopped = move || {
        let mut stopped = stopped.clone();
        async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        }
    };
    let reach = Reach::new(settings.discord.api_base.as_deref(), &token);
    let clock = data.services.clock.clone();
    let now = move || clock.now();
    let Some(discovered) =
        gateway::wait_for_discord(&reach, &telemetry, &now, until_stopped()).await
    else {
        return Ok(());
    };
    let http = http(&token, settings.discord.api_base.as_deref());
    let guild = settings.discord.guild_id;
    let framework = poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands: commands::all(),
            on_error: errors::on_error,
            event_handler: events::handle,
            command_check: Some(before_command),
            // poise's default lets replies ping users; ours ping nobody (see `reply::no_pings`).
            allowed_mentions: Some(reply::no_pings()),
            post_command: after_command,
            ..Default::default()
        })
        // Owners are for owner-only commands, which we do not have: skip the request. (The
        // builder's own setting wins over the options' field.)
        .initialize_owners(false)
        .setup(move |ctx, _ready, framework| {
            Box::pin(async move {
                register(ctx, &framework.options().commands, guild).await;
                Ok(data)
            })
        })
        .build();
    let mut client = serenity::ClientBuilder::new_with_http(http, intents())
        .framework(framework)
        .await
        .map_err(ConnectionError::Build)?;
    // serenity asked for the gateway's address again while building the client, and took
    // Discord's own host if that failed (a 429, say): past DISCORD_API_BASE. Its shards use
    // the address we were given instead.
    if let gateway::Discovered::Gateway(url) = discovered {
        *client.ws_url.lock().await = url;
    }
    let shard_manager = client.shard_manager.clone();
    let closing = until_stopped();
    tokio::spawn(async move {
        closing.await;
        tracing::info!("shutting down: closing the Discord connection");
        shard_manager.shutdown_all().await;
    });
    let monitor = tokio::spawn(gateway::monitor(
        client.shard_manager.clone(),
        telemetry,
        reach,
        now,
        until_stopped(),
    ));
    let result = client.start().await;
    monitor.abort();
    result.map_err(|error| match error {
        serenity::Error::Gateway(serenity::GatewayError::InvalidAuthentication) => {
            ConnectionError::TokenRefused
        }
        serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(ref response))
            if response.status_code.as_u16() == 401 =>
        {
            ConnectionError::TokenRefused
        }
        other => ConnectionError::Stopped(other),
    })
}

/// Registers the slash commands: in one guild (instant, for development) or globally.
///
/// A failure is logged, not fatal: commands registered on an earlier start keep working.
async fn register(
    ctx: &serenity::Context,
    commands: &[poise::Command<Data, Error>],
    guild: Option<u64>,
) {
    let result = match guild {
        Some(guild) => {
            poise::builtins::register_in_guild(ctx, commands, serenity::GuildId::new(guild)).await
        }
        None => poise::builtins::register_globally(ctx, commands).await,
    };
    match result {
        Ok(()) => tracing::info!(count = commands.len(), guild, "slash commands registered"),
        Err(error) => tracing::error!(error = %error, "could not register slash commands"),
    }
}

/// Runs before every command: a crisis reply that could not be sent by DM comes first,
/// privately; then a member whose DMs were found closed hears about it once. Then the
/// command goes on as usual.
fn before_command(ctx: super::Context<'_>) -> poise::BoxFuture<'_, Result<bool, Error>> {
    Box::pin(async move {
        // poise runs this check once for each level of a subcommand (`/admin`, `faq`,
        // `edit`): everything below happens once per interaction, at the first.
        if ctx.invocation_data::<Started>().await.is_some() {
            return Ok(true);
        }
        ctx.set_invocation_data(Started(Instant::now())).await;
        let services = &ctx.data().services;
        let autocomplete = matches!(ctx, poise::Context::Application(app)
            if app.interaction_type == poise::CommandInteractionType::Autocomplete);
        // A server that is not a home server is answered nothing but that (autocomplete
        // cannot carry a message: it gets nothing), and nothing is read or written.
        if let Some(guild) = ctx.guild_id() {
            if !servers::serves(&services.settings, GuildId::new(guild.get())) {
                finished(ctx, "ignored").await;
                if !autocomplete {
                    ctx.send(
                        poise::CreateReply::default()
                            .content(super::render::NOT_A_HOME_SERVER)
                            .ephemeral(true),
                    )
                    .await?;
                }
                return Ok(false);
            }
        }
        // Checks run for autocomplete too, which cannot carry a message: keep the notices for
        // the command itself.
        if autocomplete {
            services
                .telemetry
                .metrics
                .interaction_count("autocomplete", "ok");
            return Ok(true);
        }
        let member = member_of(ctx.author());
        let now = services.clock.now();
        if let Some(reply) = services.safety.take_undelivered(member, now) {
            let content = services.content.get();
            let parts = super::render::crisis_reply(&content, &reply);
            match ctx.send(parts.reply()).await {
                Ok(_) => services.telemetry.metrics.crisis_reply("interaction"),
                Err(error) => {
                    tracing::error!(error = %error, "undelivered crisis reply not given with a command either");
                    services.safety.undelivered(member, reply, now);
                }
            }
        }
        // A notice that cannot be read in time waits for the next command.
        let notice = tokio::time::timeout(
            super::reply::DEFER_AFTER / 2,
            crate::service::dm::take_closed_notice(&services.store, member),
        )
        .await;
        if let Ok(Ok(true)) = notice {
            let text = format!(
                "{} {}",
                super::render::CHECKINS_PAUSED_DMS_CLOSED,
                super::render::dms_closed("run `/checkin` and I'll pick up where we left off.")
            );
            ctx.send(poise::CreateReply::default().content(text).ephemeral(true))
                .await?;
        }
        Ok(true)
    })
}

/// When poise started on an interaction, kept with it for the metrics.
struct Started(Instant);

/// The kind of interaction behind `ctx`, for the metrics.
fn kind_of(ctx: super::Context<'_>) -> &'static str {
    match ctx {
        poise::Context::Application(app)
            if app.interaction_type == poise::CommandInteractionType::Autocomplete =>
        {
            "autocomplete"
        }
        _ => "command",
    }
}

/// Counts the interaction behind `ctx` as `outcome`, with its duration when known.
pub(super) async fn finished(ctx: super::Context<'_>, outcome: &'static str) {
    let started = ctx.invocation_data::<Started>().await.map(|s| s.0);
    let metrics = &ctx.data().services.telemetry.metrics;
    match started {
        Some(started) => metrics.interaction(kind_of(ctx), outcome, started.elapsed()),
        None => metrics.interaction_count(kind_of(ctx), outcome),
    }
}

/// Runs after a command returned `Ok`.
fn after_command(ctx: super::Context<'_>) -> poise::BoxFuture<'_, ()> {
    Box::pin(finished(ctx, "ok"))
}
