//! The facts behind `/admin health` and `/healthz`: is the gateway up, is the scheduler
//! running, and what went wrong lately.
//!
//! Times come from the bot's [`crate::clock::Clock`], like every other time, so tests can
//! move it. Problems are kept as short texts written by Rekindle itself (a kind of failure and
//! Discord's error), never a member's words or ids, and each is scoped to the server it
//! concerns, so one server's admins never read about another server.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::domain::ids::GuildId;

/// Problems kept, newest first; older ones are forgotten. Each server keeps at most one per
/// kind (a newer one replaces it), so this bounds the memory of a bot in very many servers
/// without letting a few noisy servers push out the one problem a quiet server has.
const KEPT: usize = 1000;
/// Problems shown to one server.
pub const SHOWN: usize = 5;
/// A problem's text is cut to this many characters.
const PROBLEM_CHARS: usize = 200;

/// What kind of problem happened; also its label in `/admin health`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    Gateway,
    PublicPost,
    Deliveries,
    Content,
    AlertsChannel,
    Scheduler,
}

impl ProblemKind {
    pub fn label(self) -> &'static str {
        match self {
            ProblemKind::Gateway => "gateway",
            ProblemKind::PublicPost => "public encouragement",
            ProblemKind::Deliveries => "deliveries",
            ProblemKind::Content => "content file",
            ProblemKind::AlertsChannel => "alerts channel",
            ProblemKind::Scheduler => "scheduler",
        }
    }
}

/// One problem: when, what kind, for which server (`None`: the whole bot), and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub at: DateTime<Utc>,
    pub kind: ProblemKind,
    pub guild: Option<GuildId>,
    pub text: String,
}

/// The gateway as last seen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Gateway {
    pub connected: bool,
    /// The last heartbeat round trip.
    pub latency: Option<Duration>,
    /// Sessions resumed or identified again since the start.
    pub reconnects: u64,
}

#[derive(Debug, Default)]
struct Inner {
    gateway: Gateway,
    /// Sessions started or resumed since the start.
    sessions: u64,
    /// The scheduler's last sign of life: a pass started, progressed or finished.
    scheduler_alive: Option<DateTime<Utc>>,
    /// When the last pass finished.
    scheduler_pass: Option<DateTime<Utc>>,
    problems: VecDeque<Problem>,
    /// Scheduled messages that failed (not closed DMs: those are a member's choice).
    delivery_failures: VecDeque<DateTime<Utc>>,
    /// Why the last one failed (Discord's error).
    last_delivery_error: Option<String>,
}

/// The running bot's health facts; one per bot, shared.
#[derive(Debug)]
pub struct Status {
    started_at: DateTime<Utc>,
    /// How long the scheduler may stay silent before `/healthz` calls it stuck.
    scheduler_deadline: chrono::Duration,
    inner: Mutex<Inner>,
}

impl Status {
    /// `scheduler_interval`: the longest the scheduler loop sleeps between passes.
    pub fn new(started_at: DateTime<Utc>, scheduler_interval: Duration) -> Status {
        let interval = chrono::Duration::from_std(scheduler_interval)
            .unwrap_or_else(|_| chrono::Duration::seconds(30));
        Status {
            started_at,
            // Two missed wake-ups and some slack before anyone is paged.
            scheduler_deadline: interval * 2 + chrono::Duration::seconds(30),
            inner: Mutex::new(Inner::default()),
        }
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn started_at(&self) -> DateTime<Utc> {
        self.started_at
    }

    pub fn gateway(&self) -> Gateway {
        self.inner().gateway
    }

    /// The gateway as seen now; returns whether it was connected before.
    pub fn set_gateway(&self, connected: bool, latency: Option<Duration>) -> bool {
        let mut inner = self.inner();
        let was = inner.gateway.connected;
        inner.gateway.connected = connected;
        if latency.is_some() {
            inner.gateway.latency = latency;
        }
        was
    }

    /// A gateway session started (READY) or resumed: returns whether it was a reconnect,
    /// i.e. not the first session since the start (and counts it).
    pub fn gateway_session(&self, resumed: bool) -> bool {
        let mut inner = self.inner();
        let again = resumed || inner.sessions > 0;
        inner.sessions += 1;
        if again {
            inner.gateway.reconnects += 1;
        }
        again
    }

    /// The scheduler is working at `at` (a pass started, or sent something).
    pub fn scheduler_alive(&self, at: DateTime<Utc>) {
        let mut inner = self.inner();
        inner.scheduler_alive = Some(inner.scheduler_alive.map_or(at, |last| last.max(at)));
    }

    /// A scheduler pass finished at `at`.
    pub fn scheduler_pass(&self, at: DateTime<Utc>) {
        let mut inner = self.inner();
        inner.scheduler_pass = Some(at);
        inner.scheduler_alive = Some(inner.scheduler_alive.map_or(at, |last| last.max(at)));
    }

    pub fn last_scheduler_pass(&self) -> Option<DateTime<Utc>> {
        self.inner().scheduler_pass
    }

    /// Records a problem (its text cut short). It replaces the last one of its kind for the
    /// same server: the list shows what is wrong, each with its latest time, not a flood of
    /// the same line.
    pub fn problem(&self, problem: Problem) {
        let mut problem = problem;
        if problem.text.chars().count() > PROBLEM_CHARS {
            problem.text = problem.text.chars().take(PROBLEM_CHARS - 1).collect();
            problem.text.push('…');
        }
        let mut inner = self.inner();
        inner
            .problems
            .retain(|p| !(p.kind == problem.kind && p.guild == problem.guild));
        inner.problems.push_front(problem);
        inner.problems.truncate(KEPT);
    }

    /// The latest problems that `guild`'s admins may read (the whole bot's and their
    /// server's), newest first, at most [`SHOWN`].
    pub fn problems_for(&self, guild: GuildId) -> Vec<Problem> {
        self.inner()
            .problems
            .iter()
            .filter(|p| p.guild.is_none_or(|g| g == guild))
            .take(SHOWN)
            .cloned()
            .collect()
    }

    /// Counts a scheduled message that failed at `at`, with Discord's `error`.
    pub fn delivery_failed(&self, at: DateTime<Utc>, error: &str) {
        let mut inner = self.inner();
        inner.last_delivery_error = Some(error.chars().take(PROBLEM_CHARS).collect());
        inner.delivery_failures.push_back(at);
        while inner
            .delivery_failures
            .front()
            .is_some_and(|first| at - *first >= crate::domain::alerts::FAILURE_WINDOW)
        {
            inner.delivery_failures.pop_front();
        }
        // A burst of thousands keeps no more than it needs.
        while inner.delivery_failures.len() > 100 {
            inner.delivery_failures.pop_front();
        }
    }

    /// Whether scheduled messages have failed repeatedly within the hour before `now`
    /// ([`crate::domain::alerts::deliveries_failing`]): how many, and the last error.
    pub fn failing_deliveries(&self, now: DateTime<Utc>) -> Option<(usize, String)> {
        let inner = self.inner();
        let failures: Vec<DateTime<Utc>> = inner.delivery_failures.iter().copied().collect();
        crate::domain::alerts::deliveries_failing(&failures, now).then(|| {
            (
                crate::domain::alerts::recent_failures(&failures, now),
                inner.last_delivery_error.clone().unwrap_or_default(),
            )
        })
    }

    /// Whether the host should count the bot as working at `now` (`/healthz`): `Err` says why
    /// not, in a few plain words.
    pub fn readiness(&self, now: DateTime<Utc>) -> Result<(), String> {
        let inner = self.inner();
        if !inner.gateway.connected {
            return Err("not connected to the Discord gateway".into());
        }
        let alive = inner.scheduler_alive.unwrap_or(self.started_at);
        let silent = now - alive;
        if silent > self.scheduler_deadline {
            return Err(match inner.scheduler_alive {
                Some(_) => format!(
                    "the scheduler has not run for {} s (expected within {} s)",
                    silent.num_seconds(),
                    self.scheduler_deadline.num_seconds()
                ),
                None => format!(
                    "the scheduler has not run since the start {} s ago",
                    silent.num_seconds()
                ),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn start() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0)
            .single()
            .expect("a valid instant")
    }

    fn problem(minutes: i64, guild: Option<u64>) -> Problem {
        Problem {
            at: start() + chrono::Duration::minutes(minutes),
            kind: ProblemKind::PublicPost,
            guild: guild.map(GuildId::new),
            text: format!("problem at {minutes}"),
        }
    }

    #[test]
    fn ready_only_while_connected_and_the_scheduler_keeps_running() {
        let status = Status::new(start(), Duration::from_secs(30));
        assert_eq!(
            status.readiness(start()),
            Err("not connected to the Discord gateway".into())
        );
        status.set_gateway(true, Some(Duration::from_millis(40)));
        assert_eq!(
            status.readiness(start()),
            Ok(()),
            "a fresh start has its grace"
        );
        let late = start() + chrono::Duration::seconds(91);
        assert!(status
            .readiness(late)
            .is_err_and(|why| why.contains("since the start")));
        status.scheduler_pass(late);
        assert_eq!(
            status.readiness(late + chrono::Duration::seconds(90)),
            Ok(())
        );
        let stuck = status.readiness(late + chrono::Duration::seconds(91));
        assert!(stuck.is_err_and(|why| why.contains("has not run for 91 s")));
    }

    #[test]
    fn a_server_reads_the_bots_problems_and_its_own_never_anothers() {
        let status = Status::new(start(), Duration::from_secs(30));
        status.problem(problem(1, Some(100)));
        status.problem(problem(2, Some(200)));
        status.problem(problem(3, None));
        let seen: Vec<String> = status
            .problems_for(GuildId::new(100))
            .into_iter()
            .map(|p| p.text)
            .collect();
        assert_eq!(seen, vec!["problem at 3", "problem at 1"], "newest first");
    }

    #[test]
    fn at_most_five_problems_are_shown_and_long_texts_are_cut() {
        let status = Status::new(start(), Duration::from_secs(30));
        for kind in [
            ProblemKind::PublicPost,
            ProblemKind::Deliveries,
            ProblemKind::Content,
            ProblemKind::AlertsChannel,
            ProblemKind::Scheduler,
        ] {
            status.problem(Problem {
                kind,
                ..problem(1, None)
            });
        }
        status.problem(Problem {
            kind: ProblemKind::Gateway,
            text: "x".repeat(500),
            ..problem(31, None)
        });
        let shown = status.problems_for(GuildId::new(1));
        assert_eq!(shown.len(), SHOWN);
        assert_eq!(shown[0].text.chars().count(), PROBLEM_CHARS);
    }

    #[test]
    fn deliveries_fail_repeatedly_at_three_within_the_hour() {
        let status = Status::new(start(), Duration::from_secs(30));
        let minute = |m| start() + chrono::Duration::minutes(m);
        status.delivery_failed(minute(0), "503");
        status.delivery_failed(minute(30), "503");
        status.delivery_failed(minute(61), "502: Bad Gateway");
        assert_eq!(
            status.failing_deliveries(minute(61)),
            None,
            "the first is over an hour old"
        );
        status.delivery_failed(minute(62), "502: Bad Gateway");
        assert_eq!(
            status.failing_deliveries(minute(62)),
            Some((3, "502: Bad Gateway".to_owned()))
        );
    }

    #[test]
    fn problems_of_many_other_servers_do_not_push_out_this_servers_own() {
        let status = Status::new(start(), Duration::from_secs(30));
        status.problem(problem(0, Some(100)));
        // Thirty other servers, each with a problem of every kind, after ours.
        for guild in 1000..1030 {
            for kind in [
                ProblemKind::PublicPost,
                ProblemKind::AlertsChannel,
                ProblemKind::Deliveries,
            ] {
                status.problem(Problem {
                    kind,
                    ..problem(5, Some(guild))
                });
            }
        }
        let ours = status.problems_for(GuildId::new(100));
        assert_eq!(ours.len(), 1, "{ours:?}");
        assert_eq!(ours[0].text, "problem at 0");
    }

    #[test]
    fn a_flood_of_problems_keeps_a_bounded_number() {
        let status = Status::new(start(), Duration::from_secs(30));
        for guild in 0..(KEPT as u64 + 500) {
            status.problem(problem(1, Some(guild)));
        }
        assert_eq!(status.inner().problems.len(), KEPT);
    }

    #[test]
    fn a_problem_replaces_the_last_of_its_kind_for_the_same_server() {
        let status = Status::new(start(), Duration::from_secs(30));
        status.problem(problem(1, Some(100)));
        status.problem(problem(2, Some(100)));
        status.problem(problem(3, Some(200)));
        let seen: Vec<String> = status
            .problems_for(GuildId::new(100))
            .into_iter()
            .map(|p| p.text)
            .collect();
        assert_eq!(seen, vec!["problem at 2"]);
    }
}
