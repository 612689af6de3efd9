//! `rekindle` runs the bot; `rekindle check` validates the settings and content and exits.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use rekindle::clock::SystemClock;
use rekindle::config::{Settings, DEFAULT_CONFIG_PATH};

const USAGE: &str = "usage: rekindle [check] [--config PATH]

  (no command)   run the bot
  check          validate the settings and content files, then exit (0: valid, 1: not)
  --config PATH  the settings file (default: config/default.toml, or $REKINDLE_CONFIG)";

fn main() -> ExitCode {
    // 1. The environment: a .env file is optional; real variables win over it.
    let dotenv = dotenvy::dotenv();
    // 2. Logs: RUST_LOG decides, e.g. RUST_LOG=info,serenity::client::dispatch=debug.
    init_tracing();
    if let Err(error) = dotenv {
        if !error.not_found() {
            eprintln!("✗ .env: {error}");
            return ExitCode::FAILURE;
        }
    }
    // 3. What to do.
    let (check, config) = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let env = |name: &str| std::env::var(name).ok();
    if check {
        let (report, valid) = rekindle::app::check(&config, env);
        println!("{report}");
        return if valid {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        };
    }
    // 4. Settings, then the bot until Ctrl-C or SIGTERM.
    let settings =
        match Settings::load(&config, env).and_then(|s| s.token().map(|_| ()).map(|()| s)) {
            Ok(settings) => settings,
            Err(error) => {
                eprintln!("✗ {error}");
                return ExitCode::FAILURE;
            }
        };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("✗ cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(rekindle::app::run(
        settings,
        Arc::new(SystemClock),
        shutdown_signal(),
    )) {
        Ok(()) => {
            tracing::info!("stopped cleanly");
            ExitCode::SUCCESS
        }
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "stopped");
            eprintln!("✗ {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn parse_args(args: impl Iterator<Item = String>) -> Result<(bool, PathBuf), String> {
    let mut check = false;
    let mut config = std::env::var("REKINDLE_CONFIG")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(DEFAULT_CONFIG_PATH));
    let mut args = args;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "check" => check = true,
            "--config" => {
                config = args
                    .next()
                    .map(PathBuf::from)
                    .ok_or("--config needs a path")?
            }
            "-h" | "--help" => {
                return Err("Rekindle, a gentle Discord bot for relationship recovery.".into())
            }
            other => return Err(format!("unknown argument “{other}”")),
        }
    }
    Ok((check, config))
}

fn init_tracing() {
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    use tracing_subscriber::Layer as _;

    let rust_log = std::env::var("RUST_LOG").ok();
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(rekindle::logging::filter(rust_log.as_deref()));
    tracing_subscriber::registry().with(layer).init();
}

/// Completes on Ctrl-C or, on Unix, SIGTERM (what service managers send).
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(error = %error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("Ctrl-C received"),
        () = terminate => tracing::info!("SIGTERM received"),
    }
}
