//! The `rekindle` binary as an operator meets it: help, version, a typo, `rekindle check`
//! with problems in both files, and the log formats when stderr is not a terminal.
//!
//! Every run starts from an empty environment in a temporary folder (no `.env` there), or
//! sets each variable a `.env` in the repository could hold, so the developer's own setup
//! never changes the outcome.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const BINARY: &str = env!("CARGO_BIN_EXE_rekindle");
/// How long a run may take to show what the test waits for.
const DEADLINE: Duration = Duration::from_secs(60);
/// A token shaped like a real one, to look for in the logs.
const TOKEN: &str = "MTIzNDU2Nzg5MDEyMzQ1Njc4.Quietly.UniqueTokenValue";

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `rekindle ARGS` in `folder`, with only `vars` in its environment.
fn rekindle(folder: &Path, args: &[&str], vars: &[(&str, &str)]) -> Output {
    Command::new(BINARY)
        .args(args)
        .current_dir(folder)
        .env_clear()
        .envs(vars.iter().copied())
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn help_is_printed_on_stdout_and_exits_0() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    for flag in ["--help", "-h"] {
        let output = rekindle(folder.path(), &[flag], &[]);
        assert_eq!(output.status.code(), Some(0), "{flag}");
        let stdout = text(&output.stdout);
        assert!(stdout.contains("usage: rekindle"), "{flag}: {stdout}");
        assert!(stdout.contains("backup PATH"), "{flag}: {stdout}");
        assert!(output.stderr.is_empty(), "{flag}: {}", text(&output.stderr));
    }
}

#[test]
fn version_prints_the_name_and_the_version() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let output = rekindle(folder.path(), &["--version"], &[]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        text(&output.stdout),
        format!("rekindle {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn an_unknown_argument_prints_the_usage_on_stderr_and_exits_2() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    for args in [
        &["--verbose"][..],
        &["chekc"],
        &["backup"],
        &["check", "check"],
    ] {
        let output = rekindle(folder.path(), args, &[]);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            output.stdout.is_empty(),
            "{args:?}: {}",
            text(&output.stdout)
        );
        let stderr = text(&output.stderr);
        assert!(stderr.contains("usage: rekindle"), "{args:?}: {stderr}");
    }
    let output = rekindle(folder.path(), &["--verbose"], &[]);
    assert!(text(&output.stderr).starts_with("rekindle: unknown argument “--verbose”"));
}

/// The shipped content file with three problems: two steps asking for more than a year, and
/// an FAQ key used twice.
fn content_with_three_problems() -> String {
    let shipped = std::fs::read_to_string(repository().join("config/content.toml"))
        .expect("the shipped content");
    let shipped = shipped.replacen("min_days = 14", "min_days = 400", 1);
    let shipped = shipped.replacen("min_days = 7", "min_days = 999", 1);
    assert_eq!(shipped.matches("key = \"jealousy\"").count(), 1);
    shipped.replace("key = \"jealousy\"", "key = \"no-contact\"")
}

/// The shipped settings with three problems, naming `content_path`.
fn settings_with_three_problems(content_path: &Path) -> String {
    let shipped = std::fs::read_to_string(repository().join("config/default.toml"))
        .expect("the shipped settings");
    let changed = shipped
        .replace(
            "content_path = \"config/content.toml\"",
            &format!("content_path = {:?}", content_path.display().to_string()),
        )
        .replace("timezone = \"UTC\"", "timezone = \"Mars/Olympus\"")
        .replace("checkin_time = \"19:00\"", "checkin_time = \"7pm\"")
        .replace("stale_after_hours = 12", "stale_after_hours = 0");
    assert_ne!(changed, shipped);
    changed
}

const CONTENT_PROBLEMS: [&str; 3] = [
    "steps[1] (Allow time for healing): `min_days` is 400; at most 365",
    "steps[2] (Reflect on the relationship): `min_days` is 999; at most 365",
    "(key \"no-contact\"): `key` is used by an earlier entry",
];

#[test]
fn check_with_three_problems_in_each_file_reports_six() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let content = folder.path().join("content.toml");
    let settings = folder.path().join("settings.toml");
    std::fs::write(&content, content_with_three_problems()).expect("written");
    std::fs::write(&settings, settings_with_three_problems(&content)).expect("written");

    let output = rekindle(
        folder.path(),
        &["check", "--config", &settings.display().to_string()],
        &[],
    );

    assert_eq!(output.status.code(), Some(1));
    let report = text(&output.stdout);
    let settings_file = settings.display().to_string();
    for problem in [
        format!(
            "{settings_file}: `defaults.timezone`: “Mars/Olympus” is not an IANA timezone name"
        ),
        format!("{settings_file}: `defaults.checkin_time`: “7pm” is not a 24-hour time"),
        format!("{settings_file}: `schedule.stale_after_hours`: must be at least 1"),
    ] {
        assert!(report.contains(&problem), "{problem}\n{report}");
    }
    for problem in CONTENT_PROBLEMS {
        assert!(report.contains(problem), "{problem}\n{report}");
    }
    assert!(report.contains("✗ 3 problems in the settings:"), "{report}");
    assert!(
        report.contains(&format!("✗ {} has 3 problems:", content.display())),
        "{report}"
    );
    assert_eq!(report.matches("\n  - ").count(), 6, "{report}");
    assert!(report.trim_end().ends_with("6 problems in all"), "{report}");
}

#[test]
fn a_settings_file_refused_whole_still_has_its_content_file_checked() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let content = folder.path().join("content.toml");
    let settings = folder.path().join("settings.toml");
    std::fs::write(&content, content_with_three_problems()).expect("written");
    // An unknown key stops the settings at once, but content_path is still readable.
    let text_with_typo =
        settings_with_three_problems(&content).replace("[delivery]", "[delivery]\nmax_mesages = 3");
    std::fs::write(&settings, text_with_typo).expect("written");

    let output = rekindle(
        folder.path(),
        &["check", "--config", &settings.display().to_string()],
        &[],
    );

    assert_eq!(output.status.code(), Some(1));
    let report = text(&output.stdout);
    assert!(report.contains("max_mesages"), "{report}");
    for problem in CONTENT_PROBLEMS {
        assert!(report.contains(problem), "{problem}\n{report}");
    }
    assert!(report.trim_end().ends_with("4 problems in all"), "{report}");
}

#[test]
fn a_settings_file_that_is_not_toml_leaves_the_default_content_file_checked() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    std::fs::create_dir(folder.path().join("config")).expect("created");
    std::fs::write(
        folder.path().join("config/content.toml"),
        content_with_three_problems(),
    )
    .expect("written");
    std::fs::write(
        folder.path().join("config/default.toml"),
        "content_path = [",
    )
    .expect("written");

    let output = rekindle(folder.path(), &["check"], &[]);

    assert_eq!(output.status.code(), Some(1));
    let report = text(&output.stdout);
    assert!(report.starts_with("✗ config/default.toml:"), "{report}");
    assert!(
        report.contains("✗ config/content.toml has 3 problems:"),
        "{report}"
    );
    assert!(report.trim_end().ends_with("4 problems in all"), "{report}");
}

#[test]
fn valid_files_pass_the_check() {
    let output = rekindle(
        repository(),
        &["check", "--config", "config/default.toml"],
        &[],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stdout));
    assert!(!text(&output.stdout).contains('✗'));
}

/// A bot started with a token and a Discord that refuses every connection: it gets as far
/// as logging its start, then retries. Killed when dropped.
struct Unreachable {
    child: Child,
    lines: mpsc::Receiver<String>,
    _folder: tempfile::TempDir,
}

impl Unreachable {
    fn start(rust_log: &str, format: &str) -> Unreachable {
        let folder = tempfile::tempdir().expect("a temporary folder");
        // A port nothing listens on: bound, then released.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let database: PathBuf = folder.path().join("rekindle.db");
        let mut child = Command::new(BINARY)
            .args(["--config", "config/default.toml"])
            .current_dir(repository())
            .env_clear()
            .envs([
                ("DISCORD_TOKEN", TOKEN),
                ("DISCORD_API_BASE", &format!("http://127.0.0.1:{port}")),
                ("DISCORD_GUILD_ID", ""),
                ("DATABASE_URL", &format!("sqlite://{}", database.display())),
                ("RUST_LOG", rust_log),
                ("RUST_LOG_FORMAT", format),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let stderr = child.stderr.take().expect("stderr is piped");
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Unreachable {
            child,
            lines,
            _folder: folder,
        }
    }

    /// Every line up to and including the first that contains `wanted`.
    fn lines_until(&self, wanted: &str) -> Vec<String> {
        let deadline = std::time::Instant::now() + DEADLINE;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let done = line.contains(wanted);
                    seen.push(line);
                    if done {
                        return seen;
                    }
                }
                Err(error) => panic!("no “{wanted}” in the logs ({error}):\n{}", seen.join("\n")),
            }
        }
    }
}

impl Drop for Unreachable {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn json_logs_are_one_json_object_a_line_without_the_token() {
    let bot = Unreachable::start("trace", "json");
    let lines = bot.lines_until("starting Rekindle");
    for line in &lines {
        let value: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(value["level"].is_string(), "{line}");
        assert!(!line.contains(TOKEN), "{line}");
        assert!(!line.contains("\u{1b}["), "{line}");
    }
    let start = lines.last().expect("the start line");
    let start: serde_json::Value = serde_json::from_str(start).expect("JSON");
    assert_eq!(start["level"], "INFO");
    assert_eq!(start["target"], "rekindle::app");
    assert_eq!(start["fields"]["message"], "starting Rekindle");
    // At trace, everything a library logs while it tries to connect: still no token.
    let more = bot.lines_until("gateway");
    assert!(more.iter().all(|line| !line.contains(TOKEN)));
    assert!(more
        .iter()
        .all(|line| serde_json::from_str::<serde_json::Value>(line).is_ok()));
}

#[test]
fn plain_logs_have_no_colour_codes_when_stderr_is_not_a_terminal() {
    let bot = Unreachable::start("info", "plain");
    let lines = bot.lines_until("starting Rekindle");
    let start = lines.last().expect("the start line");
    assert!(
        start.contains(" INFO rekindle::app: starting Rekindle"),
        "{start}"
    );
    for line in &lines {
        assert!(!line.contains('\u{1b}'), "{line:?}");
        assert!(!line.contains(TOKEN), "{line}");
    }
}

#[test]
fn with_json_logs_a_refused_start_is_a_json_line_too() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let config = repository().join("config/default.toml");
    let output = rekindle(
        folder.path(),
        &["--config", &config.display().to_string()],
        &[
            ("DISCORD_TOKEN", "paste-your-bot-token-here"),
            ("RUST_LOG_FORMAT", "json"),
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    let lines: Vec<serde_json::Value> = stderr
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert_eq!(lines[0]["level"], "ERROR");
    let message = lines[0]["fields"]["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("DISCORD_TOKEN is still the placeholder from .env.example"),
        "{message}"
    );
}
