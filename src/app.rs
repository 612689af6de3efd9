//! Wiring: settings and content in, a running bot out. `main` and the end-to-end tests both
//! start the bot through here, so the tests exercise exactly what operators run.

use std::future::Future;
use std::sync::Arc;

use anyhow::Context as _;

use crate::clock::Clock;
use crate::config::Settings;
use crate::content::{Content, SharedContent};
use crate::discord::{self, Data};
use crate::store::Store;

/// Runs the bot until `shutdown` completes.
pub async fn run(
    settings: Settings,
    clock: Arc<dyn Clock>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let running = start(settings, clock).await?;
    let stop = running.stop.clone();
    tokio::spawn(async move {
        shutdown.await;
        stop.notify_one();
    });
    running.wait().await
}

/// A started bot: its handles, and the way to stop it.
pub struct Running {
    pub store: Store,
    pub content: SharedContent,
    stop: Arc<tokio::sync::Notify>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Running {
    /// Asks every task to stop and waits until they have.
    pub async fn stop(self) -> anyhow::Result<()> {
        self.stop.notify_one();
        self.wait().await
    }

    /// Waits until the bot stops (after `stop`, or by itself on a fatal error).
    pub async fn wait(self) -> anyhow::Result<()> {
        let result = match self.task.await {
            Ok(result) => result,
            Err(join) => Err(anyhow::anyhow!("the Discord task ended abnormally: {join}")),
        };
        self.store.close().await;
        result
    }
}

/// Loads what the bot needs and starts it in the background.
///
/// Order matters for a friendly start: the token and the content are checked before the
/// database is touched, so a setup mistake is reported without side effects.
pub async fn start(settings: Settings, clock: Arc<dyn Clock>) -> anyhow::Result<Running> {
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
    let data = Data {
        content: content.clone(),
        store: store.clone(),
        settings: Arc::new(settings),
        clock,
    };
    let stop = Arc::new(tokio::sync::Notify::new());
    let discord_stop = stop.clone();
    let task = tokio::spawn(async move {
        discord::client::run(data, async move { discord_stop.notified().await })
            .await
            .context("Discord client")
    });
    Ok(Running {
        store,
        content,
        stop,
        task,
    })
}

/// `rekindle check`: validates the settings and the content they point to. Returns the
/// report to print and whether everything is valid.
pub fn check(
    settings_path: &std::path::Path,
    env: impl Fn(&str) -> Option<String>,
) -> (String, bool) {
    let settings = match Settings::load(settings_path, env) {
        Ok(settings) => settings,
        Err(error) => return (format!("✗ {error}"), false),
    };
    let mut report = format!("✓ {}: settings are valid\n", settings_path.display());
    match Content::load(&settings.content_path) {
        Ok(content) => {
            report.push_str(&format!(
                "✓ {}: {} steps, {} FAQ entries, {} public encouragements, {} crisis resources",
                settings.content_path.display(),
                content.steps.len(),
                content.faq.len(),
                content.public_encouragements.len(),
                content.crisis.resources.len()
            ));
            (report, true)
        }
        Err(error) => {
            report.push_str(&format!("✗ {error}"));
            (report, false)
        }
    }
}
