//! The log filter: what the operator asks for in `RUST_LOG`, with privacy caps on top.
//!
//! Members' words and the token must never reach a log line, at any level. Our own code
//! never logs them. Some libraries do at debug or trace: tungstenite prints every gateway
//! frame (the token in Identify, members' DMs in MESSAGE_CREATE), serenity's HTTP span
//! records request bodies (an export file), and its dispatcher prints events it cannot
//! parse. Those targets are capped here, whatever `RUST_LOG` says.

use tracing_subscriber::filter::{Directive, EnvFilter};

/// Used when `RUST_LOG` is not set.
pub const DEFAULT_FILTER: &str = "info,serenity=warn";

/// Targets that could print a secret or a member's words below these levels.
pub const PRIVACY_CAPS: &[&str] = &[
    "tungstenite=info",
    "tokio_tungstenite=info",
    "serenity::http=warn",
    "serenity::gateway=info",
    "serenity::client::dispatch=info",
    "hyper=info",
    "hyper_util=info",
    "h2=info",
    "reqwest=info",
    "rustls=info",
];

/// The filter for `rust_log` (the value of `RUST_LOG`, if set), with the caps applied.
pub fn filter(rust_log: Option<&str>) -> EnvFilter {
    let base = rust_log
        .filter(|s| !s.trim().is_empty())
        .unwrap_or(DEFAULT_FILTER);
    let mut filter = EnvFilter::try_new(base).unwrap_or_else(|error| {
        eprintln!("RUST_LOG “{base}” is not a valid filter ({error}); using “{DEFAULT_FILTER}”");
        EnvFilter::new(DEFAULT_FILTER)
    });
    for cap in PRIVACY_CAPS {
        if let Ok(directive) = cap.parse::<Directive>() {
            filter = filter.add_directive(directive);
        }
    }
    filter
}
