//! The log filter: what the operator asks for in `RUST_LOG`, with privacy caps on top.
//!
//! Members' words and the token must never reach a log line, at any level. Our own code
//! never logs them. Some libraries do at debug or trace: tungstenite prints every gateway
//! frame (the token in Identify, members' DMs in MESSAGE_CREATE), serenity's HTTP span
//! records request bodies (an export file), and its dispatcher prints events it cannot
//! parse. Those targets are capped here, whatever `RUST_LOG` says, in both log formats.

use tracing::level_filters::LevelFilter;
use tracing::Subscriber;
use tracing_subscriber::filter::{EnvFilter, FilterExt, Targets};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::Filter;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;

/// Used when `RUST_LOG` is not set.
pub const DEFAULT_FILTER: &str = "info,serenity=warn";

/// Targets that could print a secret or a member's words below these levels, and one that
/// repeats itself: serenity's shard queuer warns every 5 seconds while the gateway cannot be
/// reached; `discord::gateway` says it once instead, with the cause.
pub const PRIVACY_CAPS: &[(&str, LevelFilter)] = &[
    (
        "serenity::gateway::bridge::shard_queuer",
        LevelFilter::ERROR,
    ),
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

/// How log lines are written, from `RUST_LOG_FORMAT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One line per event, for people: time, level, target, message, fields.
    Plain,
    /// One JSON object per line, for log collectors.
    Json,
}

impl LogFormat {
    /// `json` (any case) for JSON lines; unset, empty or `plain` for the human format. Any
    /// other value is reported on stderr and treated as `plain`, so a typo never stops the bot.
    pub fn from_env(value: Option<&str>) -> LogFormat {
        match value.map(str::trim) {
            Some(json) if json.eq_ignore_ascii_case("json") => LogFormat::Json,
            None | Some("") => LogFormat::Plain,
            Some(plain) if plain.eq_ignore_ascii_case("plain") => LogFormat::Plain,
            Some(other) => {
                eprintln!("RUST_LOG_FORMAT “{other}” is neither json nor plain; using plain");
                LogFormat::Plain
            }
        }
    }
}

/// Colour codes only for a person at a terminal: never when stderr goes to a file, a pipe or
/// the journal, nor when `NO_COLOR` is set (<https://no-color.org>).
pub fn colour(stderr_is_terminal: bool, no_color: Option<&str>) -> bool {
    stderr_is_terminal && no_color.is_none_or(str::is_empty)
}

/// The layer `main` installs: `format`, colours when `colour`, and [`filter`] (with its caps)
/// in either format.
pub fn layer<S, W>(
    format: LogFormat,
    colour: bool,
    rust_log: Option<&str>,
    writer: W,
) -> Box<dyn Layer<S> + Send + Sync + 'static>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let fmt = tracing_subscriber::fmt::layer().with_writer(writer);
    match format {
        LogFormat::Plain => fmt.with_ansi(colour).with_filter(filter(rust_log)).boxed(),
        LogFormat::Json => fmt
            .json()
            .with_ansi(false)
            .with_filter(filter(rust_log))
            .boxed(),
    }
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

    /// Lines from capped library targets (with a secret) and from our own code.
    fn emit() {
        tracing::trace!(target: "tungstenite::protocol", "Sending frame: token SECRET");
        tracing::debug!(target: "serenity::http::client", "request body SECRET");
        tracing::debug!(target: "serenity::client::dispatch", "unknown event SECRET");
        tracing::trace!(target: "rekindle::scheduler", "our own trace line");
        tracing::info!(target: "serenity::gateway::shard", "resumed");
    }

    fn captured(rust_log: &str) -> String {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let layer = tracing_subscriber::fmt::layer()
            .with_writer(move || writer.clone())
            .with_filter(filter(Some(rust_log)));
        let subscriber = tracing_subscriber::registry().with(layer);
        tracing::subscriber::with_default(subscriber, emit);
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

    fn captured_as(format: LogFormat, colour: bool, rust_log: &str) -> String {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let subscriber =
            tracing_subscriber::registry().with(layer(format, colour, Some(rust_log), move || {
                writer.clone()
            }));
        tracing::subscriber::with_default(subscriber, emit);
        let bytes = buffer.0.lock().map(|b| b.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    #[test]
    fn json_lines_are_json_and_keep_the_caps() {
        let logs = captured_as(LogFormat::Json, true, "trace,serenity=trace");
        assert!(!logs.contains("SECRET"), "{logs}");
        assert!(!logs.contains('\x1b'), "{logs}");
        let lines: Vec<serde_json::Value> = logs
            .lines()
            .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
            .collect();
        assert_eq!(lines.len(), 2, "{logs}");
        assert_eq!(lines[0]["level"], "TRACE");
        assert_eq!(lines[0]["target"], "rekindle::scheduler");
        assert_eq!(lines[0]["fields"]["message"], "our own trace line");
        assert_eq!(lines[1]["fields"]["message"], "resumed");
    }

    #[test]
    fn plain_lines_have_colour_codes_only_when_asked() {
        let plain = captured_as(LogFormat::Plain, false, "trace");
        assert!(plain.contains("our own trace line"), "{plain}");
        assert!(!plain.contains('\x1b'), "{plain}");
        assert!(!plain.contains("SECRET"), "{plain}");
        let coloured = captured_as(LogFormat::Plain, true, "trace");
        assert!(coloured.contains("\x1b["), "{coloured}");
    }

    #[test]
    fn colour_only_for_a_terminal_without_no_color() {
        assert!(colour(true, None));
        assert!(colour(true, Some("")));
        assert!(!colour(true, Some("1")));
        assert!(!colour(false, None));
    }

    #[test]
    fn the_format_is_read_from_its_variable() {
        assert_eq!(LogFormat::from_env(None), LogFormat::Plain);
        assert_eq!(LogFormat::from_env(Some("")), LogFormat::Plain);
        assert_eq!(LogFormat::from_env(Some("plain")), LogFormat::Plain);
        assert_eq!(LogFormat::from_env(Some(" JSON ")), LogFormat::Json);
        assert_eq!(LogFormat::from_env(Some("yaml")), LogFormat::Plain);
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
