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
///
/// Order matters for a friendly start: the token and the content are checked before the
/// database is touched, so a setup mistake is reported without side effects.
pub async fn run(
    settings: Settings,
    clock: Arc<dyn Clock>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    settings.token()?;
    let content = Content::load(&settings.content_path)?;
    let store = Store::connect(&settings.database_url).await?;
    tracing::info!(
        steps = content.steps.len(),
        faq = content.faq.len(),
        database = %settings.database_url,
        "starting Rekindle"
    );
    let data = Data {
        content: SharedContent::new(content),
        store: store.clone(),
        settings: Arc::new(settings),
        clock,
    };
    let result = discord::client::run(data, shutdown).await;
    store.close().await;
    result.context("Discord client")
}

/// `rekindle check`: validates the settings and the content they point to. Returns the
/// report to print and whether everything is valid.
pub fn check(settings_path: &std::path::Path, env: impl Fn(&str) -> Option<String>) -> (String, bool) {
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
