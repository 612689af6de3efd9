//! Wiring: settings and content in, a running bot out. `main` and the end-to-end tests both
//! start the bot through here, so the tests exercise exactly what operators run.
//!
//! Two long-running tasks, the Discord connection and the scheduler, are supervised: when
//! either stops (or a shutdown is asked for), the other is told to stop, each gets a bounded
//! grace period, and the database is closed. Which task stopped first, and why, is the
//! result, so `main` can say it and exit non-zero. The operator's HTTP listener
//! (`ops.listen`), when configured, is bound at start (a port in use stops the start) and
//! stopped with the others; it never stops the bot by itself.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::clock::Clock;
use crate::config::Settings;
use crate::content::{Content, SharedContent};
use crate::discord::client::ConnectionError;
use crate::discord::messenger::DiscordMessenger;
use crate::discord::transport::Transport;
use crate::discord::{self, Data};
use crate::scheduler::{Scheduler, Stopped, Tuning};
use crate::service::guards::Guards;
use crate::service::safety::SafetyNet;
use crate::service::Services;
use crate::store::Store;
use crate::telemetry::{Status, Telemetry};

/// How long the tasks get to finish after a stop is asked for, in all: sends in flight
/// complete, the gateway closes. Past it, they are abandoned: the process exits anyway,
/// well within a service manager's stop timeout, and nothing is lost (every scheduled
/// message is a row, re-sent with the same nonce on the next start).
pub const GRACE: Duration = Duration::from_secs(6);

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

/// Runs the bot until `shutdown` completes or a task stops by itself.
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
    pub services: Services,
    /// Where `/healthz` and `/metrics` are served (`ops.listen`, with the port the system
    /// chose when it was 0), if anywhere.
    pub ops_address: Option<SocketAddr>,
    shutdown: Arc<watch::Sender<bool>>,
    discord: JoinHandle<Result<(), ConnectionError>>,
    scheduler_task: Option<JoinHandle<Result<(), Stopped>>>,
    listener: Option<JoinHandle<()>>,
}

/// Which task ended, and how.
enum Ended {
    Asked,
    Discord(Result<Result<(), ConnectionError>, tokio::task::JoinError>),
    Scheduler(Result<Result<(), Stopped>, tokio::task::JoinError>),
}

impl Running {
    /// Asks every task to stop and waits until they have (at most [`GRACE`]).
    pub async fn stop(self) -> anyhow::Result<()> {
        self.shutdown.send_replace(true);
        self.wait().await
    }

    /// Waits until the bot stops: asked to, or a task ended by itself (then the other is
    /// stopped too). Returns why, as an error when it was not asked for.
    pub async fn wait(mut self) -> anyhow::Result<()> {
        let mut asked = self.shutdown.subscribe();
        let ended = {
            let scheduler = async {
                match self.scheduler_task.as_mut() {
                    Some(task) => task.await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                result = &mut self.discord => Ended::Discord(result),
                result = scheduler => Ended::Scheduler(result),
                _ = asked.wait_for(|stop| *stop) => Ended::Asked,
            }
        };
        // A task that ended cleanly because the stop was asked for is that stop, not a
        // failure: an idle task stops at once, and both are ready when `select!` looks.
        let ended = match ended {
            Ended::Discord(Ok(Ok(()))) | Ended::Scheduler(Ok(Ok(())))
                if *self.shutdown.borrow() =>
            {
                Ended::Asked
            }
            other => other,
        };
        // Whatever ended first, everything stops now.
        self.shutdown.send_replace(true);
        self.scheduler.stop();
        let deadline = tokio::time::Instant::now() + GRACE;
        let outcome = match ended {
            Ended::Asked => Ok(()),
            Ended::Discord(result) => discord_outcome(result),
            Ended::Scheduler(result) => scheduler_outcome(result),
        };
        if let Some(task) = self.scheduler_task.take() {
            if !task.is_finished() {
                finish_within(task, deadline, "the scheduler").await;
            }
        }
        if !self.discord.is_finished() {
            finish_within(self.discord, deadline, "the Discord connection").await;
        }
        if let Some(listener) = self.listener.take() {
            finish_within(listener, deadline, "the ops listener").await;
        }
        if tokio::time::timeout(Duration::from_secs(2), self.store.close())
            .await
            .is_err()
        {
            tracing::warn!(
                "the database did not close in time; SQLite recovers its log on the next start"
            );
        }
        outcome
    }
}

/// Waits for `task` until `deadline`, then abandons it.
async fn finish_within<T>(task: JoinHandle<T>, deadline: tokio::time::Instant, name: &str) {
    let abort = task.abort_handle();
    if tokio::time::timeout_at(deadline, task).await.is_err() {
        tracing::warn!(task = name, "did not stop in time: abandoned");
        abort.abort();
    }
}

fn discord_outcome(
    result: Result<Result<(), ConnectionError>, tokio::task::JoinError>,
) -> anyhow::Result<()> {
    match result {
        Ok(Ok(())) => {
            tracing::error!("the Discord connection ended by itself");
            Err(anyhow::anyhow!("the Discord connection ended by itself"))
        }
        Ok(Err(error)) => {
            tracing::error!(task = "discord", error = %error, "stopped");
            Err(error.into())
        }
        Err(join) => {
            tracing::error!(task = "discord", error = %join, "ended abnormally");
            Err(anyhow::anyhow!("the Discord task ended abnormally: {join}"))
        }
    }
}

fn scheduler_outcome(
    result: Result<Result<(), Stopped>, tokio::task::JoinError>,
) -> anyhow::Result<()> {
    match result {
        Ok(Ok(())) => {
            tracing::error!("the scheduler ended by itself");
            Err(anyhow::anyhow!("the scheduler ended by itself"))
        }
        Ok(Err(error)) => {
            tracing::error!(task = "scheduler", error = %error, "stopped");
            Err(error.into())
        }
        Err(join) => {
            tracing::error!(task = "scheduler", error = %join, "ended abnormally");
            Err(anyhow::anyhow!(
                "the scheduler task ended abnormally: {join}"
            ))
        }
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
    // From here on the token is required, and checked only here.
    let token = settings.token()?.clone();
    let content = Content::load(&settings.content_path)?;
    let store = Store::connect(&settings.database_url).await?;
    tracing::info!(
        steps = content.steps.len(),
        faq = content.faq.len(),
        crisis_patterns = content.crisis_patterns(),
        database = %settings.database_url,
        "starting Rekindle"
    );
    let content = SharedContent::new(content);
    let settings = Arc::new(settings);
    let telemetry = Arc::new(Telemetry::new(Status::new(
        clock.now(),
        options.tuning.max_sleep,
    )));
    // Bound before anything connects: a port in use is a setup mistake, reported at once.
    let listener = match settings.ops.listen {
        Some(address) => Some(crate::ops::listen::bind(address).await?),
        None => None,
    };
    let transport =
        Arc::new(Transport::new(&token, &settings).context("cannot set up message delivery")?);
    let services = Services {
        store: store.clone(),
        content: content.clone(),
        settings: settings.clone(),
        clock: clock.clone(),
        messenger: Arc::new(DiscordMessenger::new(
            transport,
            content.clone(),
            telemetry.clone(),
        )),
        guards: Arc::new(Guards::new()),
        safety: Arc::new(SafetyNet::new()),
        telemetry: telemetry.clone(),
    };
    let scheduler = Scheduler::new(services.clone(), options.tuning);
    let (shutdown, _) = watch::channel(false);
    let shutdown = Arc::new(shutdown);

    let data = Data {
        services: services.clone(),
    };
    let discord_stop = stopped(shutdown.subscribe());
    let discord = tokio::spawn(discord::client::run(data, token, discord_stop));
    let ops_address = listener
        .as_ref()
        .map(tokio::net::TcpListener::local_addr)
        .transpose()
        .context("ops.listen: cannot read the listening address")?;
    let listener = listener.map(|listener| {
        let probe = crate::ops::listen::Probe {
            telemetry,
            store: store.clone(),
            clock: clock.clone(),
        };
        if let Some(address) = ops_address {
            tracing::info!(address = %address, "serving /healthz and /metrics");
        }
        let stop = stopped(shutdown.subscribe());
        tokio::spawn(crate::ops::listen::serve(listener, probe, stop))
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
        services,
        ops_address,
        shutdown,
        discord,
        scheduler_task,
        listener,
    })
}
