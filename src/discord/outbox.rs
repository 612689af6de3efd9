//! The outbox's sender: renders a row and posts it to Discord with its nonce.
//!
//! It makes the message request itself (reqwest, the client serenity already uses) because
//! serenity, behind a proxy, drops the body of a failed response, and with it a 429's
//! `retry_after`. DM channels are opened through serenity and cached in the database.

use std::sync::Arc;
use std::time::Duration;

use poise::serenity_prelude as serenity;
use serenity::{CreateMessage, Http};

use super::{dm, render};
use crate::clock::Clock;
use crate::config::Settings;
use crate::content::SharedContent;
use crate::domain::program::{may_move_on, StepNumber};
use crate::scheduler::nonce::Kind;
use crate::scheduler::{BoxFuture, Deliver, SendError};
use crate::service;
use crate::store::{OutboxRow, Store};

/// Discord's origin when no proxy is configured.
const DISCORD_ORIGIN: &str = "https://discord.com";

pub struct DiscordDelivery {
    client: reqwest::Client,
    origin: String,
    authorization: String,
    http: Arc<Http>,
    store: Store,
    content: SharedContent,
    clock: Arc<dyn Clock>,
}

impl DiscordDelivery {
    pub fn new(
        http: Arc<Http>,
        store: Store,
        content: SharedContent,
        settings: Arc<Settings>,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<DiscordDelivery> {
        let token = settings.token()?;
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .user_agent(concat!(
                "DiscordBot (rekindle, ",
                env!("CARGO_PKG_VERSION"),
                ")"
            ))
            .build()?;
        Ok(DiscordDelivery {
            client,
            origin: settings
                .discord
                .api_base
                .clone()
                .unwrap_or_else(|| DISCORD_ORIGIN.to_owned()),
            authorization: format!("Bot {}", token.expose()),
            http,
            store,
            content,
            clock,
        })
    }

    /// The message a row stands for, rendered from the content in use now. Everything it
    /// needs came with the row: no database read per message.
    fn render(&self, row: &OutboxRow) -> Result<CreateMessage, SendError> {
        let content = self.content.get();
        let gone = |what: &str| SendError::Gone(what.to_owned());
        let kind = Kind::parse(&row.kind).ok_or_else(|| gone("unknown kind"))?;
        let message = match kind {
            Kind::Checkin => {
                let (step, prompt_index) = row.checkin_prompt.ok_or_else(|| gone("check-in"))?;
                let (current, since, finished) = row.program.ok_or_else(|| gone("program"))?;
                let min_days = content.step(current).map_or(0, |s| s.min_days);
                let prepared = service::checkin::Prepared {
                    id: row.checkin.ok_or_else(|| gone("check-in"))?,
                    step: StepNumber::new(step).ok_or_else(|| gone("step"))?,
                    prompt_index,
                    offer_next: !finished
                        && current == step
                        && may_move_on(since, self.clock.now(), min_days),
                };
                let (text, embed, components) = render::checkin(&content, &prepared);
                CreateMessage::new()
                    .content(text)
                    .embed(embed)
                    .components(components)
            }
            Kind::Reminder => {
                let (step, prompt_index) = row.checkin_prompt.ok_or_else(|| gone("check-in"))?;
                render::reminder(&content, step, prompt_index)
            }
            Kind::Encouragement => {
                let text = row
                    .step
                    .and_then(|step| content.step(step))
                    .and_then(|step| row.message_index.and_then(|i| step.encouragements.get(i)))
                    .ok_or_else(|| gone("encouragement"))?;
                render::encouragement(text)
            }
            Kind::Public => {
                let text = row
                    .message_index
                    .and_then(|i| content.public_encouragements.get(i))
                    .ok_or_else(|| gone("public encouragement"))?;
                render::public_post(text)
            }
        };
        Ok(message
            .nonce(serenity::Nonce::String(row.nonce.clone()))
            .enforce_nonce(true))
    }

    /// The channel to post in: the public channel, or the member's (cached) DM channel.
    async fn channel(&self, row: &OutboxRow) -> Result<u64, SendError> {
        if let Some(channel) = row.channel.or(row.dm_channel) {
            return Ok(channel);
        }
        let member = row
            .member
            .ok_or_else(|| SendError::Gone("no member or channel".into()))?;
        let channel = serenity::UserId::new(member.get())
            .create_dm_channel(&self.http)
            .await
            .map_err(from_serenity)?;
        self.store
            .cache_dm_channel(member, Some(channel.id.get()))
            .await
            .map_err(internal)?;
        Ok(channel.id.get())
    }

    async fn post(&self, channel: u64, message: &CreateMessage) -> Result<(), SendError> {
        let url = format!("{}/api/v10/channels/{channel}/messages", self.origin);
        let response = self
            .client
            .post(url)
            .header(reqwest::header::AUTHORIZATION, &self.authorization)
            .json(message)
            .send()
            .await
            .map_err(|error| SendError::Transient(format!("network: {error}")))?;
        let status = response.status().as_u16();
        let retry_header = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let body = response.bytes().await.unwrap_or_default();
        classify(status, &body, retry_header.as_deref())
    }

    async fn send(&self, row: &OutboxRow) -> Result<(), SendError> {
        let message = self.render(row)?;
        let channel = self.channel(row).await?;
        match self.post(channel, &message).await {
            Err(SendError::Gone(reason)) if row.member.is_some() => {
                // A cached DM channel that no longer exists: forget it; the retry reopens one.
                if let Some(member) = row.member {
                    self.store
                        .cache_dm_channel(member, None)
                        .await
                        .map_err(internal)?;
                }
                Err(SendError::Transient(reason))
            }
            other => other,
        }
    }
}

impl Deliver for DiscordDelivery {
    fn deliver<'a>(&'a self, row: &'a OutboxRow) -> BoxFuture<'a, Result<(), SendError>> {
        Box::pin(self.send(row))
    }
}

fn internal(error: anyhow::Error) -> SendError {
    SendError::Transient(format!("database: {error:#}"))
}

/// What a Discord response means for the outbox.
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
        _ if code == Some(dm::CANNOT_MESSAGE_USER as i64) => Err(SendError::DmsClosed),
        404 if code == Some(10003) => Err(SendError::Gone(format!("unknown channel: {message}"))),
        500..=599 => Err(SendError::Transient(format!("{status}: {message}"))),
        _ => Err(SendError::Rejected(format!(
            "{status} (code {}): {message}",
            code.unwrap_or(0)
        ))),
    }
}

/// A failed serenity request (opening a DM channel), in the outbox's terms.
fn from_serenity(error: serenity::Error) -> SendError {
    match &error {
        serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(response)) => {
            let status = response.status_code.as_u16();
            let body =
                serde_json::json!({"code": response.error.code, "message": response.error.message});
            classify(status, body.to_string().as_bytes(), None)
                .err()
                .unwrap_or(SendError::Transient(error.to_string()))
        }
        serenity::Error::Http(serenity::HttpError::Request(_)) => {
            SendError::Transient(error.to_string())
        }
        _ => SendError::Rejected(error.to_string()),
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
        assert!(matches!(
            classify(404, br#"{"code":10003,"message":"Unknown Channel"}"#, None),
            Err(SendError::Gone(_))
        ));
    }
}
