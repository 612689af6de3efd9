//! The log filter: what the operator asks for in `RUST_LOG`, with privacy caps on top.
//!
//! Members' words and the token must never reach a log line, at any level. Our own code
//! never logs them. Some libraries do at debug or trace: tungstenite prints every gateway
//! frame (the token in Identify, members' DMs in MESSAGE_CREATE), serenity's HTTP span
//! records request bodies (an export file), and its dispatcher prints events it cannot
//! parse. Those targets are capped here, whatever `RUST_LOG` says.

use tracing::level_filters::LevelFilter;
use tracing::Subscriber;
use tracing_subscriber::filter::{EnvFilter, FilterExt, Targets};
use tracing_subscriber::layer::Filter;
use tracing_subscriber::registry::LookupSpan;

/// Used when `RUST_LOG` is not set.
pub const DEFAULT_FILTER: &str = "info,serenity=warn";

/// Targets that could print a secret or a member's words below these levels.
pub const PRIVACY_CAPS: &[(&str, LevelFilter)] = &[
    ("tungstenite", LevelFilter::INFO),
    ("tokio_tungstenite", LevelFilter::INFO),
    ("serenity::http", LevelFilter::WARN),
    ("serenity::gateway", LevelFilter::INFO),
    ("serenity::client::dispatch", LevelFilter::INFO),
    ("hyper", LevelFilter::INFO),
    ("hyper_util", LevelFilter::INFO),
    ("h2", LevelFilter::INFO),
    ("reqwest", LevelFilter::INFO),
    ("rustls", LevelFilter::INFO),
];

/// What `RUST_LOG` asks for (or the default), as an [`EnvFilter`].
pub fn requested(rust_log: Option<&str>) -> EnvFilter {
    let base = rust_log
        .filter(|s| !s.trim().is_empty())
        .unwrap_or(DEFAULT_FILTER);
    EnvFilter::try_new(base).unwrap_or_else(|error| {
        eprintln!("RUST_LOG “{base}” is not a valid filter ({error}); using “{DEFAULT_FILTER}”");
        EnvFilter::new(DEFAULT_FILTER)
    })
}

/// The caps alone: every target at any level, except the capped ones.
pub fn caps() -> Targets {
    Targets::new()
        .with_default(LevelFilter::TRACE)
        .with_targets(PRIVACY_CAPS.iter().copied())
}

/// The filter for `rust_log`: an event is logged only if `RUST_LOG` asks for it *and* the
/// caps allow it, so a cap can only ever make logging quieter.
pub fn filter<S>(rust_log: Option<&str>) -> impl Filter<S> + Send + Sync + 'static
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    requested(rust_log).and(caps())
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::Layer;

    use super::*;

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .map_err(|_| std::io::Error::other("poisoned"))?
                .extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn captured(rust_log: &str) -> String {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let layer = tracing_subscriber::fmt::layer()
            .with_writer(move || writer.clone())
            .with_filter(filter(Some(rust_log)));
        let subscriber = tracing_subscriber::registry().with(layer);
        tracing::subscriber::with_default(subscriber, || {
            tracing::trace!(target: "tungstenite::protocol", "Sending frame: token SECRET");
            tracing::debug!(target: "serenity::http::client", "request body SECRET");
            tracing::debug!(target: "serenity::client::dispatch", "unknown event SECRET");
            tracing::trace!(target: "rekindle::scheduler", "our own trace line");
            tracing::info!(target: "serenity::gateway::shard", "resumed");
        });
        let bytes = buffer.0.lock().map(|b| b.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    #[test]
    fn library_targets_that_print_payloads_are_capped_even_at_trace() {
        for rust_log in [
            "trace",
            "trace,tungstenite=trace,serenity=trace,serenity::http=trace",
        ] {
            let logs = captured(rust_log);
            assert!(logs.contains("our own trace line"), "{rust_log}: {logs}");
            assert!(logs.contains("resumed"), "{rust_log}: {logs}");
            assert!(!logs.contains("SECRET"), "{rust_log}: {logs}");
        }
    }

    #[test]
    fn the_default_filter_is_quiet_about_libraries() {
        let logs = captured(DEFAULT_FILTER);
        assert!(!logs.contains("our own trace line"));
        assert!(
            !logs.contains("resumed"),
            "serenity info is below the default warn"
        );
    }
}
