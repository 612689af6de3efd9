//! Building the serenity client with poise, connecting, and stopping cleanly.

use std::future::Future;

use anyhow::Context as _;
use poise::serenity_prelude as serenity;

use super::{commands, errors, events, Data, Error};

/// The only gateway intents the bot needs: guild basics for slash commands in servers and
/// direct messages for check-ins. DM content needs no privileged intent.
pub fn intents() -> serenity::GatewayIntents {
    serenity::GatewayIntents::GUILDS | serenity::GatewayIntents::DIRECT_MESSAGES
}

/// The HTTP client. With `DISCORD_API_BASE` set, every REST call goes to that origin.
pub fn http(settings: &crate::config::Settings) -> anyhow::Result<serenity::Http> {
    let token = settings.token()?;
    let mut builder = serenity::HttpBuilder::new(token.expose());
    if let Some(origin) = &settings.discord.api_base {
        // serenity only sends requests through the proxy origin when its own rate limiter is
        // off; with it on, requests silently go to discord.com. The proxy owns rate limits,
        // and our outbox pacing keeps the bot polite.
        builder = builder.proxy(origin.clone()).ratelimiter_disabled(true);
    }
    Ok(builder.build())
}

/// Connects to Discord and serves until `shutdown` completes (or the connection fails for
/// good, e.g. a rejected token).
pub async fn run(
    data: Data,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let http = http(&data.settings)?;
    let guild = data.settings.discord.guild_id;
    let framework = poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands: commands::all(),
            on_error: errors::on_error,
            event_handler: events::handle,
            // Owners are for owner-only commands, which we do not have: skip the request.
            initialize_owners: false,
            command_check: Some(tell_if_unreachable),
            ..Default::default()
        })
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
        .context("cannot build the Discord client")?;
    let shard_manager = client.shard_manager.clone();
    tokio::spawn(async move {
        shutdown.await;
        tracing::info!("shutting down: closing the Discord connection");
        shard_manager.shutdown_all().await;
    });
    client
        .start()
        .await
        .context("the Discord connection stopped")
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

/// Runs before every command: a member whose DMs were found closed by the scheduler hears
/// about it once, privately, then the command goes on as usual.
fn tell_if_unreachable(ctx: super::Context<'_>) -> poise::BoxFuture<'_, Result<bool, Error>> {
    Box::pin(async move {
        // Checks run for autocomplete too, which cannot carry a message: keep the notice for
        // the command itself.
        if let poise::Context::Application(app) = ctx {
            if app.interaction_type == poise::CommandInteractionType::Autocomplete {
                return Ok(true);
            }
        }
        let member = crate::domain::member::MemberId::new(ctx.author().id.get());
        // A crisis reply that could not be sent by DM comes first, privately.
        if let Some(reply) = ctx.data().safety.take_undelivered(member) {
            let content = ctx.data().content.get();
            let parts = super::render::crisis_reply(&content, &reply);
            let message = parts.reply();
            if let Err(error) = ctx.send(message).await {
                tracing::error!(error = %error, "undelivered crisis reply not given with a command either");
                ctx.data().safety.undelivered(member, reply);
            }
        }
        if ctx.data().store.take_unreachable_notice(member).await? {
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
