//! `rekindle` runs the bot; `rekindle check` validates the settings and content and exits;
//! `rekindle backup PATH` copies the database and exits.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use rekindle::clock::SystemClock;
use rekindle::config::{Settings, DEFAULT_CONFIG_PATH};
use rekindle::logging::LogFormat;

const USAGE: &str = "Rekindle, a gentle Discord bot for a relationship-recovery support server.

usage: rekindle [check | backup PATH] [--config PATH]

  (no command)   run the bot until Ctrl-C or SIGTERM
  check          validate the settings and content files, then exit (0: valid, 1: not)
  backup PATH    copy the database (DATABASE_URL) to PATH, a new file, while the bot runs
  --config PATH  the settings file (default: config/default.toml, or $REKINDLE_CONFIG)
  -h, --help     print this help
  -V, --version  print the version

Run it from the folder that holds config/. The environment (or .env) holds DISCORD_TOKEN,
DATABASE_URL, RUST_LOG and RUST_LOG_FORMAT=json; see .env.example.";

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
enum Command {
    Run,
    Check,
    Backup(PathBuf),
    Help,
    Version,
}

fn main() -> ExitCode {
    // 1. What to do. Help, the version and a typo need nothing else.
    let (command, config) = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("rekindle: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match command {
        // Ignoring a write error: `rekindle --help | head` closing the pipe is no failure.
        Command::Help => {
            let _ = writeln!(std::io::stdout(), "{USAGE}");
            return ExitCode::SUCCESS;
        }
        Command::Version => {
            let _ = writeln!(std::io::stdout(), "rekindle {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Command::Run | Command::Check | Command::Backup(_) => {}
    }
    // 2. The environment: a .env file is optional; real variables win over it.
    let dotenv = dotenvy::dotenv();
    // 3. Logs: RUST_LOG decides what, RUST_LOG_FORMAT how (json or plain).
    let format = init_tracing();
    if let Err(error) = dotenv {
        if !error.not_found() {
            return fail(format, &format!(".env: {error}"));
        }
    }
    let config = config.unwrap_or_else(|| {
        std::env::var("REKINDLE_CONFIG")
            .map(PathBuf::from)
            .unwrap_or_else(|_| PathBuf::from(DEFAULT_CONFIG_PATH))
    });
    let env = |name: &str| std::env::var(name).ok();
    let runtime = || {
        tokio::runtime::Runtime::new()
            .map_err(|error| format!("cannot start the async runtime: {error}"))
    };
    match command {
        Command::Check => {
            let report = rekindle::ops::check::check(&config, env);
            println!("{}", report.text);
            return if report.problems == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            };
        }
        Command::Backup(path) => {
            let database_url = rekindle::config::database_url(&env);
            let backup = runtime().and_then(|runtime| {
                runtime
                    .block_on(rekindle::ops::backup::backup(&database_url, &path))
                    .map_err(|error| format!("backup: {error:#}"))
            });
            return match backup {
                Ok(backup) => {
                    println!("✓ {backup}");
                    ExitCode::SUCCESS
                }
                Err(message) => fail(format, &message),
            };
        }
        Command::Run | Command::Help | Command::Version => {}
    }
    // 4. Settings, then the bot until Ctrl-C or SIGTERM.
    let settings =
        match Settings::load(&config, env).and_then(|s| s.token().map(|_| ()).map(|()| s)) {
            Ok(settings) => settings,
            Err(error) => return fail(format, &error.to_string()),
        };
    let runtime = match runtime() {
        Ok(runtime) => runtime,
        Err(message) => return fail(format, &message),
    };
    let result = runtime.block_on(rekindle::app::run(
        settings,
        Arc::new(SystemClock),
        shutdown_signal(),
    ));
    // The tasks were given their grace period already; whatever is left (a DNS lookup on a
    // blocking thread while Discord is unreachable, say) must not hold the process.
    runtime.shutdown_timeout(std::time::Duration::from_millis(500));
    match result {
        Ok(()) => {
            tracing::info!("stopped cleanly");
            ExitCode::SUCCESS
        }
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "stopped");
            if format == LogFormat::Plain {
                eprintln!("✗ {error:#}");
            }
            ExitCode::FAILURE
        }
    }
}

/// Reports why Rekindle cannot go on and returns exit code 1: a plain `✗` line for a person,
/// or a JSON log line when the operator asked for JSON (a collector expects nothing else).
fn fail(format: LogFormat, message: &str) -> ExitCode {
    match format {
        LogFormat::Plain => eprintln!("✗ {message}"),
        LogFormat::Json => tracing::error!("{message}"),
    }
    ExitCode::FAILURE
}

/// The command and the `--config` path, if given.
fn parse_args(
    mut args: impl Iterator<Item = String>,
) -> Result<(Command, Option<PathBuf>), String> {
    let mut command = None;
    let mut config = None;
    while let Some(arg) = args.next() {
        let next = match arg.as_str() {
            "-h" | "--help" => return Ok((Command::Help, None)),
            "-V" | "--version" => return Ok((Command::Version, None)),
            "--config" => {
                config = Some(args.next().map(PathBuf::from).ok_or("--config needs a path")?);
                continue;
            }
            "check" => Command::Check,
            "backup" => Command::Backup(
                args.next()
                    .filter(|path| !path.starts_with('-'))
                    .map(PathBuf::from)
                    .ok_or("backup needs the path of the new file, e.g. rekindle backup rekindle-2026-03-02.db")?,
            ),
            other => return Err(format!("unknown argument “{other}”")),
        };
        if command.replace(next).is_some() {
            return Err("give one command at most".into());
        }
    }
    Ok((command.unwrap_or(Command::Run), config))
}

/// Installs the process-wide subscriber and returns the format it writes.
fn init_tracing() -> LogFormat {
    use std::io::IsTerminal as _;
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;

    let rust_log = std::env::var("RUST_LOG").ok();
    let format = LogFormat::from_env(std::env::var("RUST_LOG_FORMAT").ok().as_deref());
    let colour = rekindle::logging::colour(
        std::io::stderr().is_terminal(),
        std::env::var("NO_COLOR").ok().as_deref(),
    );
    let layer = rekindle::logging::layer(format, colour, rust_log.as_deref(), std::io::stderr);
    tracing_subscriber::registry().with(layer).init();
    format
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<(Command, Option<PathBuf>), String> {
        parse_args(args.iter().map(|arg| (*arg).to_owned()))
    }

    #[test]
    fn commands_and_the_config_path_are_read_in_any_order() {
        assert_eq!(parse(&[]), Ok((Command::Run, None)));
        assert_eq!(
            parse(&["--config", "a.toml", "check"]),
            Ok((Command::Check, Some(PathBuf::from("a.toml"))))
        );
        assert_eq!(
            parse(&["backup", "copy.db", "--config", "a.toml"]),
            Ok((
                Command::Backup(PathBuf::from("copy.db")),
                Some(PathBuf::from("a.toml"))
            ))
        );
        assert_eq!(parse(&["check", "--help"]), Ok((Command::Help, None)));
    }

    #[test]
    fn a_missing_path_or_a_second_command_is_a_usage_error() {
        assert!(parse(&["backup"]).is_err());
        assert!(parse(&["backup", "--config", "a.toml"]).is_err());
        assert!(parse(&["--config"]).is_err());
        assert!(parse(&["check", "check"]).is_err());
        assert!(parse(&["check", "backup", "x.db"]).is_err());
    }
}
