//! The gateway connection as the rest of the bot sees it: its shards for `/admin health`, its
//! state for `/healthz` and `/metrics`, and one plain log line when Discord cannot be reached.
//!
//! serenity retries a shard that cannot connect every 5 seconds and logged a warning each
//! time, which buried everything else in the journal during an outage. Those warnings are
//! capped in [`crate::logging`]; instead, before the client starts, [`wait_for_discord`] waits
//! until Discord's REST API answers, and while it runs, [`monitor`] notices a gateway that
//! stays down, finds out why ([`Reach::why`]), and says so once:
//! `cannot reach Discord: <cause>, retrying in 5 s`. When the connection is back it says that
//! too, once.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use poise::serenity_prelude as serenity;
use tokio::time::Instant;

use super::render::ShardView;
use crate::telemetry::{Problem, ProblemKind, Telemetry};

/// serenity's shard queuer starts a failed shard again after this many seconds.
pub const RETRY_EVERY_SECS: u64 = 5;
/// How often the monitor looks at the shards.
const LOOK_EVERY: Duration = Duration::from_secs(1);
/// Down for this long (more than serenity's own retry) before the monitor asks why.
const SUSPECT_AFTER: Duration = Duration::from_secs(8);
/// At most one probe in this long, so an outage costs Discord one request every half minute.
const PROBE_EVERY: Duration = Duration::from_secs(30);
/// How long one probe step may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// The shards as serenity reports them now.
pub async fn shards(manager: &Arc<serenity::ShardManager>) -> Vec<ShardView> {
    let runners = manager.runners.lock().await;
    let mut shards: Vec<ShardView> = runners
        .iter()
        .map(|(id, info)| ShardView {
            id: id.0,
            stage: info.stage.to_string(),
            latency: info.latency,
        })
        .collect();
    shards.sort_by_key(|shard| shard.id);
    shards
}

/// The longest `retry_after` of a 429 on gateway discovery that is waited for.
const MAX_RETRY_AFTER_SECS: f64 = 60.0;

/// What gateway discovery found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Discovered {
    /// The gateway's address, for the client's shards.
    Gateway(String),
    /// Discord refused the token: the client will find out and say so.
    Refused,
}

/// Why gateway discovery did not succeed, and how long Discord asked us to wait (a 429).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotReached {
    pub why: String,
    pub retry_after: Option<Duration>,
}

impl NotReached {
    fn new(why: String) -> NotReached {
        NotReached {
            why,
            retry_after: None,
        }
    }
}

/// Finds out whether, and why not, Discord can be reached from here.
#[derive(Clone)]
pub struct Reach {
    client: reqwest::Client,
    /// The REST origin: `DISCORD_API_BASE`, or Discord's.
    origin: String,
    /// `Bot <token>`, sent as serenity sends it (a proxy may require it).
    authorization: String,
}

impl Reach {
    pub fn new(api_base: Option<&str>, token: &crate::config::Token) -> Reach {
        let client = reqwest::Client::builder()
            .timeout(PROBE_TIMEOUT)
            .connect_timeout(PROBE_TIMEOUT)
            .build()
            .unwrap_or_default();
        Reach {
            client,
            origin: api_base.unwrap_or("https://discord.com").to_owned(),
            authorization: format!("Bot {}", token.expose()),
        }
    }

    /// `GET /gateway`: the gateway's address, or why Discord's REST API did not give it.
    ///
    /// Only a 2xx with an address counts as reached: serenity asks again when the client is
    /// built, and if that fails it silently connects to Discord's own gateway host, past
    /// `DISCORD_API_BASE`; the address found here is handed to the client instead
    /// ([`super::client::run`]). A refused token (401, 403) is Discord answering: the client
    /// then says the token is refused.
    pub async fn gateway_url(&self) -> Result<Discovered, NotReached> {
        let url = format!("{}/api/v10/gateway", self.origin);
        let response = self
            .client
            .get(&url)
            .header(reqwest::header::AUTHORIZATION, &self.authorization)
            .send()
            .await
            .map_err(|error| {
                NotReached::new(format!(
                    "{} does not answer ({})",
                    shown(&self.origin),
                    cause(&error)
                ))
            })?;
        let status = response.status();
        if matches!(status.as_u16(), 401 | 403) {
            return Ok(Discovered::Refused);
        }
        let header = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse::<f64>().ok());
        let json: serde_json::Value = response.json().await.unwrap_or_default();
        if !status.is_success() {
            let mut not_reached =
                NotReached::new(format!("{} answered {status}", shown(&self.origin)));
            if status.as_u16() == 429 {
                not_reached.retry_after = json["retry_after"]
                    .as_f64()
                    .or(header)
                    .filter(|seconds| seconds.is_finite() && *seconds >= 0.0)
                    .map(|seconds| Duration::from_secs_f64(seconds.min(MAX_RETRY_AFTER_SECS)));
            }
            return Err(not_reached);
        }
        match json["url"].as_str() {
            Some(url) if !url.is_empty() => Ok(Discovered::Gateway(url.to_owned())),
            _ => Err(NotReached::new(format!(
                "{} answered {status} without the gateway's address",
                shown(&self.origin)
            ))),
        }
    }

    /// Why Discord cannot be reached now (its REST API, then a websocket handshake with its
    /// gateway), or `None` when both answer.
    pub async fn why(&self) -> Option<String> {
        let url = match self.gateway_url().await {
            Ok(Discovered::Gateway(url)) => url,
            Ok(Discovered::Refused) => return Some("Discord refused the bot token".into()),
            Err(not_reached) => return Some(not_reached.why),
        };
        // As serenity connects: the URL as Discord gave it, with the API version.
        let address = format!("{url}?v=10");
        match tokio::time::timeout(PROBE_TIMEOUT, tokio_tungstenite::connect_async(&address)).await
        {
            Ok(Ok((mut socket, _))) => {
                let _ = socket.close(None).await;
                None
            }
            Ok(Err(error)) => Some(format!(
                "the gateway at {url} refused the connection ({error})"
            )),
            Err(_) => Some(format!(
                "the gateway at {url} did not answer within {} s",
                PROBE_TIMEOUT.as_secs()
            )),
        }
    }
}

/// An origin as it may be shown in logs and `/admin health`: without any `user:password@`
/// a proxy's address may carry.
fn shown(origin: &str) -> String {
    match origin.split_once("://") {
        Some((scheme, rest)) => match rest.rsplit_once('@') {
            Some((_, host)) => format!("{scheme}://{host}"),
            None => origin.to_owned(),
        },
        None => origin.to_owned(),
    }
}

/// The innermost cause of a request error, which names what went wrong (a DNS failure, a
/// refused connection) without the URL around it.
fn cause(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        return "timed out".into();
    }
    let mut source: &dyn std::error::Error = error;
    while let Some(inner) = source.source() {
        source = inner;
    }
    source.to_string()
}

/// Waits until Discord's REST API gives the gateway's address, saying once why it does not;
/// `None` if `shutdown` came first. A 429's `retry_after` is honoured.
pub async fn wait_for_discord(
    reach: &Reach,
    telemetry: &Telemetry,
    now: impl Fn() -> chrono::DateTime<chrono::Utc>,
    shutdown: impl Future<Output = ()>,
) -> Option<Discovered> {
    tokio::pin!(shutdown);
    let started = Instant::now();
    let mut told = false;
    loop {
        let attempt = tokio::select! {
            () = &mut shutdown => return None,
            attempt = reach.gateway_url() => attempt,
        };
        let not_reached = match attempt {
            Ok(discovered) => {
                if told {
                    tracing::info!(after_s = started.elapsed().as_secs(), "reached Discord");
                }
                return Some(discovered);
            }
            Err(not_reached) => not_reached,
        };
        let wait = not_reached
            .retry_after
            .unwrap_or(Duration::from_secs(RETRY_EVERY_SECS));
        let why = &not_reached.why;
        if told {
            tracing::debug!("still cannot reach Discord: {why}");
        } else {
            tracing::warn!("cannot reach Discord: {why}, retrying in {}", seconds(wait));
            telemetry.status.problem(Problem {
                at: now(),
                kind: ProblemKind::Gateway,
                guild: None,
                text: format!("cannot reach Discord: {why}"),
            });
            told = true;
        }
        tokio::select! {
            () = &mut shutdown => return None,
            () = tokio::time::sleep(wait) => {}
        }
    }
}

/// A wait as a log line says it: "5 s", "0.2 s".
fn seconds(wait: Duration) -> String {
    if wait.subsec_millis() == 0 {
        format!("{} s", wait.as_secs())
    } else {
        format!("{:.1} s", wait.as_secs_f64())
    }
}

/// Watches the shards until `shutdown`: keeps the gateway's state in the telemetry and says
/// once, with the cause, when Discord stays unreachable, and once when it is back.
pub async fn monitor(
    manager: Arc<serenity::ShardManager>,
    telemetry: Arc<Telemetry>,
    reach: Reach,
    now: impl Fn() -> chrono::DateTime<chrono::Utc>,
    shutdown: impl Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    let mut down_since: Option<Instant> = None;
    let mut told = false;
    let mut next_probe = Instant::now();
    loop {
        tokio::select! {
            () = &mut shutdown => return,
            () = tokio::time::sleep(LOOK_EVERY) => {}
        }
        let shards = shards(&manager).await;
        let connected = !shards.is_empty() && shards.iter().all(|s| s.stage == "connected");
        let latency = shards.iter().find_map(|s| s.latency);
        telemetry.status.set_gateway(connected, latency);
        telemetry.metrics.gateway(connected, latency);
        if connected {
            if let Some(since) = down_since.take() {
                if told {
                    tracing::info!(after_s = since.elapsed().as_secs(), "reached Discord again");
                }
            }
            told = false;
            continue;
        }
        let since = *down_since.get_or_insert_with(Instant::now);
        if told || since.elapsed() < SUSPECT_AFTER || Instant::now() < next_probe {
            continue;
        }
        next_probe = Instant::now() + PROBE_EVERY;
        let probe = tokio::select! {
            () = &mut shutdown => return,
            why = reach.why() => why,
        };
        if let Some(why) = probe {
            tracing::warn!("cannot reach Discord: {why}, retrying in {RETRY_EVERY_SECS} s");
            telemetry.status.problem(Problem {
                at: now(),
                kind: ProblemKind::Gateway,
                guild: None,
                text: format!("cannot reach Discord: {why}"),
            });
            told = true;
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_wait_reads_in_whole_or_tenths_of_seconds() {
        use std::time::Duration;
        assert_eq!(super::seconds(Duration::from_secs(5)), "5 s");
        assert_eq!(super::seconds(Duration::from_millis(200)), "0.2 s");
    }

    #[test]
    fn a_proxy_password_is_never_shown() {
        assert_eq!(
            super::shown("http://user:secret@127.0.0.1:8080"),
            "http://127.0.0.1:8080"
        );
        assert_eq!(super::shown("https://discord.com"), "https://discord.com");
    }
}
