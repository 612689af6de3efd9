//! Wiring: settings and content in, a running bot out. `main` and the end-to-end tests both
//! start the bot through here, so the tests exercise exactly what operators run.

use std::future::Future;
use std::sync::Arc;

use anyhow::Context as _;
use tokio::sync::watch;

use crate::clock::Clock;
use crate::config::Settings;
use crate::content::{Content, SharedContent};
use crate::discord::outbox::DiscordDelivery;
use crate::discord::transport::Transport;
use crate::discord::{self, Data};
use crate::scheduler::{Scheduler, Tuning};
use crate::service::safety::SafetyNet;
use crate::store::Store;

/// How to start.
#[derive(Debug, Clone, Copy)]
pub struct StartOptions {
    /// Run the scheduler loop. Tests turn it off and call `run_due` with the time they want.
    pub background_scheduler: bool,
    pub tuning: Tuning,
}

impl Default for StartOptions {
    fn default() -> Self {
        StartOptions {
            background_scheduler: true,
            tuning: Tuning::default(),
        }
    }
}

/// Runs the bot until `shutdown` completes.
pub async fn run(
    settings: Settings,
    clock: Arc<dyn Clock>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let running = start(settings, clock, StartOptions::default()).await?;
    let stop = running.shutdown.clone();
    tokio::spawn(async move {
        shutdown.await;
        stop.send_replace(true);
    });
    running.wait().await
}

/// A started bot: its handles, and the way to stop it.
pub struct Running {
    pub store: Store,
    pub content: SharedContent,
    pub scheduler: Scheduler,
    shutdown: Arc<watch::Sender<bool>>,
    discord: tokio::task::JoinHandle<anyhow::Result<()>>,
    scheduler_task: Option<tokio::task::JoinHandle<()>>,
}

impl Running {
    /// Asks every task to stop and waits until they have.
    pub async fn stop(self) -> anyhow::Result<()> {
        self.shutdown.send_replace(true);
        self.wait().await
    }

    /// Waits until the bot stops (after `stop`, or by itself on a fatal error), then stops
    /// the scheduler too and closes the database.
    pub async fn wait(self) -> anyhow::Result<()> {
        let result = match self.discord.await {
            Ok(result) => result,
            Err(join) => Err(anyhow::anyhow!("the Discord task ended abnormally: {join}")),
        };
        match &result {
            Ok(()) => tracing::info!("Discord client stopped"),
            Err(error) => tracing::error!(error = format!("{error:#}"), "Discord client stopped"),
        }
        self.shutdown.send_replace(true);
        if let Some(task) = self.scheduler_task {
            if let Err(join) = task.await {
                tracing::error!(error = %join, "the scheduler ended abnormally");
            }
        }
        self.store.close().await;
        result
    }
}

/// Completes when `shutdown` turns true.
async fn stopped(mut shutdown: watch::Receiver<bool>) {
    // An error means the sender is gone: stop as well.
    let _ = shutdown.wait_for(|stop| *stop).await;
}

/// Loads what the bot needs and starts it in the background.
///
/// Order matters for a friendly start: the token and the content are checked before the
/// database is touched, so a setup mistake is reported without side effects.
pub async fn start(
    settings: Settings,
    clock: Arc<dyn Clock>,
    options: StartOptions,
) -> anyhow::Result<Running> {
    settings.token()?;
    let content = Content::load(&settings.content_path)?;
    let store = Store::connect(&settings.database_url).await?;
    tracing::info!(
        steps = content.steps.len(),
        faq = content.faq.len(),
        database = %settings.database_url,
        "starting Rekindle"
    );
    let content = SharedContent::new(content);
    let settings = Arc::new(settings);
    let transport = Arc::new(Transport::new(&settings).context("cannot set up message delivery")?);
    let delivery = DiscordDelivery::new(
        transport.clone(),
        store.clone(),
        content.clone(),
        clock.clone(),
    );
    let scheduler = Scheduler::new(
        store.clone(),
        content.clone(),
        settings.clone(),
        Arc::new(delivery),
        options.tuning,
    );
    let (shutdown, _) = watch::channel(false);
    let shutdown = Arc::new(shutdown);

    let data = Data {
        content: content.clone(),
        store: store.clone(),
        settings,
        clock: clock.clone(),
        transport,
        safety: Arc::new(SafetyNet::new()),
    };
    let discord_stop = stopped(shutdown.subscribe());
    let discord = tokio::spawn(async move {
        discord::client::run(data, discord_stop)
            .await
            .context("Discord client")
    });
    let scheduler_task = options.background_scheduler.then(|| {
        let scheduler = scheduler.clone();
        let stop = stopped(shutdown.subscribe());
        tokio::spawn(async move { scheduler.run(clock, stop).await })
    });
    Ok(Running {
        store,
        content,
        scheduler,
        shutdown,
        discord,
        scheduler_task,
    })
}
