//! The one way messages leave the bot over REST: a lane's pacing and retries, and what
//! Discord's answer means.
//!
//! Requests are made here with reqwest (the client serenity already uses) rather than
//! through serenity, because serenity, behind a proxy with its rate limiter off, drops the
//! body of a failed response and with it a 429's `retry_after`. Interaction responses still
//! go through serenity: Discord does not count them against the global limit.

use std::time::Duration;

use poise::serenity_prelude as serenity;
use serde::Serialize;
use serenity::CreateMessage;
use tokio::time::Instant;

use crate::config::{Settings, Token};
use crate::delivery::{
    ChannelProblem, GlobalBudget, Lane, ReplyBudget, SendError, GLOBAL_PER_SECOND,
};

/// Discord's origin when no proxy is configured.
const DISCORD_ORIGIN: &str = "https://discord.com";
/// "Cannot send messages to this user": DMs closed, or no shared server.
pub const CANNOT_MESSAGE_USER: i64 = 50007;

/// Ordinary replies: a burst of 3 per member, then one every 10 seconds.
const MEMBER_BURST: u32 = 3;
const MEMBER_EVERY: Duration = Duration::from_secs(10);

/// REST for messages. Cheap to share behind an `Arc`.
pub struct Transport {
    client: reqwest::Client,
    origin: String,
    authorization: String,
    replies: ReplyBudget,
    global: GlobalBudget,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct DmChannelRequest {
    recipient_id: String,
}

impl Transport {
    pub fn new(token: &Token, settings: &Settings) -> anyhow::Result<Transport> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .connect_timeout(Duration::from_secs(5))
            .user_agent(concat!(
                "DiscordBot (rekindle, ",
                env!("CARGO_PKG_VERSION"),
                ")"
            ))
            .build()?;
        Ok(Transport {
            client,
            origin: settings
                .discord
                .api_base
                .clone()
                .unwrap_or_else(|| DISCORD_ORIGIN.to_owned()),
            authorization: format!("Bot {}", token.expose()),
            replies: ReplyBudget::new(
                settings.delivery.max_replies_per_second,
                MEMBER_BURST,
                MEMBER_EVERY,
            ),
            global: GlobalBudget::new(GLOBAL_PER_SECOND),
        })
    }

    /// Posts `message` in `channel` by `lane`'s rules: an ordinary reply over budget is shed,
    /// a crisis reply is retried until its deadline.
    pub async fn post(
        &self,
        channel: u64,
        message: &CreateMessage,
        lane: Lane,
    ) -> Result<(), SendError> {
        if let Lane::Reply(member) = lane {
            if !self.replies.try_take(member) || !self.global.try_take(lane.reserve()) {
                return Err(SendError::Shed);
            }
        }
        let url = format!("{}/api/v10/channels/{channel}/messages", self.origin);
        self.persist(lane, || self.request(&url, message, lane))
            .await
            .map(|_| ())
    }

    /// Posts a message with one file attached (multipart, as Discord wants attachments),
    /// with `nonce` enforced so a retry cannot attach it twice.
    pub async fn post_file(
        &self,
        channel: u64,
        text: &str,
        filename: &str,
        bytes: &[u8],
        lane: Lane,
        nonce: &str,
    ) -> Result<(), SendError> {
        let url = format!("{}/api/v10/channels/{channel}/messages", self.origin);
        let payload = serde_json::json!({
            "content": text,
            "attachments": [{"id": 0, "filename": filename}],
            "nonce": nonce,
            "enforce_nonce": true,
        })
        .to_string();
        self.persist(lane, || async {
            let form = reqwest::multipart::Form::new()
                .text("payload_json", payload.clone())
                .part(
                    "files[0]",
                    reqwest::multipart::Part::bytes(bytes.to_vec())
                        .file_name(filename.to_owned())
                        .mime_str("application/json")
                        .map_err(|error| SendError::Rejected(error.to_string()))?,
                );
            let request = self
                .client
                .post(&url)
                .header(reqwest::header::AUTHORIZATION, &self.authorization)
                .timeout(lane.request_timeout())
                .multipart(form);
            self.respond(request, lane).await
        })
        .await
        .map(|_| ())
    }

    /// Opens (or finds) the DM channel with `user`; returns its id.
    pub async fn open_dm(&self, user: u64, lane: Lane) -> Result<u64, SendError> {
        let url = format!("{}/api/v10/users/@me/channels", self.origin);
        let body = DmChannelRequest {
            recipient_id: user.to_string(),
        };
        let response = self
            .persist(lane, || self.request(&url, &body, lane))
            .await?;
        let json: serde_json::Value = serde_json::from_slice(&response).unwrap_or_default();
        json["id"]
            .as_str()
            .and_then(|id| id.parse::<u64>().ok())
            .ok_or_else(|| SendError::Transient("a DM channel without an id".into()))
    }

    /// The server `channel` belongs to (`None` for a DM or group channel), from
    /// `GET /channels/{id}`.
    pub async fn channel_guild(&self, channel: u64, lane: Lane) -> Result<Option<u64>, SendError> {
        let url = format!("{}/api/v10/channels/{channel}", self.origin);
        let body = self
            .persist(lane, || async {
                let request = self
                    .client
                    .get(&url)
                    .header(reqwest::header::AUTHORIZATION, &self.authorization)
                    .timeout(lane.request_timeout());
                self.respond(request, lane).await
            })
            .await?;
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        Ok(json["guild_id"]
            .as_str()
            .and_then(|id| id.parse::<u64>().ok()))
    }

    /// Runs `attempt` until it succeeds, fails for good, or the lane gives up.
    async fn persist<F, Fut>(&self, lane: Lane, mut attempt: F) -> Result<Vec<u8>, SendError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<Vec<u8>, SendError>>,
    {
        let rules = lane.persistence();
        let started = Instant::now();
        let mut backoff = rules.backoff;
        let mut tries = 0;
        loop {
            tries += 1;
            let error = match attempt().await {
                Ok(body) => return Ok(body),
                Err(error) => error,
            };
            let wait = match &error {
                SendError::RateLimited { retry_after, .. } => retry_after
                    .unwrap_or(Duration::from_secs(1))
                    .min(rules.max_retry_after),
                SendError::Transient(_) => {
                    let wait = backoff;
                    backoff = (backoff * 2).min(rules.max_backoff);
                    wait
                }
                _ => return Err(error),
            };
            if tries >= rules.attempts || started.elapsed() + wait > rules.deadline {
                return Err(error);
            }
            tracing::debug!(?lane, tries, error = %error, "send failed, retrying");
            tokio::time::sleep(wait).await;
        }
    }

    async fn request(
        &self,
        url: &str,
        body: &impl Serialize,
        lane: Lane,
    ) -> Result<Vec<u8>, SendError> {
        let request = self
            .client
            .post(url)
            .header(reqwest::header::AUTHORIZATION, &self.authorization)
            .timeout(lane.request_timeout())
            .json(body);
        self.respond(request, lane).await
    }

    /// Sends `request` once its lane has a slot of the global budget.
    async fn respond(
        &self,
        request: reqwest::RequestBuilder,
        lane: Lane,
    ) -> Result<Vec<u8>, SendError> {
        if !matches!(lane, Lane::Reply(_)) {
            self.global.take(lane.reserve()).await;
        }
        let response = request
            .send()
            .await
            .map_err(|error| SendError::Transient(format!("network: {}", without_url(&error))))?;
        let status = response.status().as_u16();
        let retry_header = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let body = response.bytes().await.unwrap_or_default();
        classify(status, &body, retry_header.as_deref()).map(|()| body.to_vec())
    }
}

/// A reqwest error without its URL (which could carry ids we do not log).
fn without_url(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "timed out".into()
    } else if error.is_connect() {
        "cannot connect".into()
    } else {
        "request failed".into()
    }
}

/// What a Discord response means.
pub fn classify(
    status: u16,
    body: &[u8],
    retry_after_header: Option<&str>,
) -> Result<(), SendError> {
    if (200..300).contains(&status) {
        return Ok(());
    }
    let json: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let code = json["code"].as_i64();
    let message = json["message"]
        .as_str()
        .unwrap_or("")
        .chars()
        .take(200)
        .collect::<String>();
    match status {
        429 => {
            let seconds = json["retry_after"]
                .as_f64()
                .or_else(|| retry_after_header.and_then(|h| h.trim().parse::<f64>().ok()));
            Err(SendError::RateLimited {
                retry_after: seconds
                    .filter(|s| s.is_finite() && *s >= 0.0)
                    .map(Duration::from_secs_f64),
                global: json["global"].as_bool().unwrap_or(false),
            })
        }
        401 => Err(SendError::Unauthorized),
        _ if code == Some(CANNOT_MESSAGE_USER) => Err(SendError::DmsClosed),
        403 | 404 if code.and_then(ChannelProblem::from_code).is_some() => Err(SendError::Channel(
            code.and_then(ChannelProblem::from_code)
                .unwrap_or(ChannelProblem::UnknownChannel),
        )),
        500..=599 => Err(SendError::Transient(format!("{status}: {message}"))),
        _ => Err(SendError::Rejected(format!(
            "{status} (code {}): {message}",
            code.unwrap_or(0)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_is_success() {
        assert_eq!(classify(200, b"{}", None), Ok(()));
    }

    #[test]
    fn a_429_reads_retry_after_from_the_body_or_the_header() {
        let body = br#"{"message":"You are being rate limited.","retry_after":0.25,"global":true}"#;
        assert_eq!(
            classify(429, body, None),
            Err(SendError::RateLimited {
                retry_after: Some(Duration::from_millis(250)),
                global: true
            })
        );
        assert_eq!(
            classify(429, b"not json", Some("2")),
            Err(SendError::RateLimited {
                retry_after: Some(Duration::from_secs(2)),
                global: false
            })
        );
        assert_eq!(
            classify(429, b"", None),
            Err(SendError::RateLimited {
                retry_after: None,
                global: false
            })
        );
    }

    #[test]
    fn closed_dms_are_recognised_by_their_code() {
        let body = br#"{"message":"Cannot send messages to this user","code":50007}"#;
        assert_eq!(classify(403, body, None), Err(SendError::DmsClosed));
    }

    #[test]
    fn a_refused_token_is_its_own_failure() {
        let body = br#"{"message":"401: Unauthorized","code":0}"#;
        assert_eq!(classify(401, body, None), Err(SendError::Unauthorized));
    }

    #[test]
    fn server_errors_are_transient_and_client_errors_are_not() {
        assert!(matches!(
            classify(502, b"", None),
            Err(SendError::Transient(_))
        ));
        assert!(matches!(
            classify(
                400,
                br#"{"code":50035,"message":"Invalid Form Body"}"#,
                None
            ),
            Err(SendError::Rejected(_))
        ));
        assert_eq!(
            classify(404, br#"{"code":10003,"message":"Unknown Channel"}"#, None),
            Err(SendError::Channel(ChannelProblem::UnknownChannel))
        );
        assert_eq!(
            classify(
                403,
                br#"{"code":50013,"message":"Missing Permissions"}"#,
                None
            ),
            Err(SendError::Channel(ChannelProblem::MissingPermissions))
        );
        assert_eq!(
            classify(403, br#"{"code":50001,"message":"Missing Access"}"#, None),
            Err(SendError::Channel(ChannelProblem::MissingAccess))
        );
    }
}
