//! Test support: messengers that do not reach Discord, and the members' locks.

use std::collections::VecDeque;
use std::sync::{Mutex, OnceLock};

use super::guards::Guards;
use super::messages::{BoxFuture, Destination, Messenger, Outgoing};
use crate::delivery::{Lane, SendError};
use crate::domain::ids::{ChannelId, GuildId, MemberId};

/// One message a [`Recorder`] was asked to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// The outbox kind or message name: "checkin", "reminder", "welcome", ...
    pub kind: String,
    pub member: Option<MemberId>,
    pub channel: Option<u64>,
    /// An encouragement's or a public post's index.
    pub message_index: Option<usize>,
    pub lane: Lane,
}

/// Records what it is asked to send and answers from a script (then `Ok`); a member can be
/// given closed DMs.
#[derive(Default)]
pub struct Recorder {
    pub sent: Mutex<Vec<Sent>>,
    pub script: Mutex<VecDeque<Result<(), SendError>>>,
    /// Every DM to this member answers 50007.
    pub closed: Mutex<Option<MemberId>>,
    /// The server every channel belongs to (`None`: not a server's channel).
    pub channel_guild: Mutex<Option<GuildId>>,
}

impl Recorder {
    pub fn script(&self, answers: impl IntoIterator<Item = Result<(), SendError>>) {
        self.script
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend(answers);
    }

    /// Everything sent on `lane`.
    pub fn sent_on(&self, lane: Lane) -> Vec<Sent> {
        self.sent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .filter(|s| s.lane == lane)
            .cloned()
            .collect()
    }
}

impl Messenger for Recorder {
    fn send<'a>(
        &'a self,
        to: Destination,
        message: &'a Outgoing,
        lane: Lane,
        _nonce: Option<&'a str>,
    ) -> BoxFuture<'a, Result<ChannelId, SendError>> {
        Box::pin(async move {
            let (member, channel) = match to {
                Destination::Member { member, .. } => (Some(member), None),
                Destination::Channel(channel) => (None, Some(channel.get())),
            };
            let closed = *self
                .closed
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if member.is_some() && member == closed {
                return Err(SendError::DmsClosed);
            }
            let answer = self
                .script
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .pop_front()
                .unwrap_or(Ok(()));
            answer?;
            let message_index = match message {
                Outgoing::Encouragement { index, .. } | Outgoing::Public { index } => Some(*index),
                _ => None,
            };
            self.sent
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(Sent {
                    kind: message.name().to_owned(),
                    member,
                    channel,
                    message_index,
                    lane,
                });
            Ok(ChannelId::new(channel.unwrap_or_else(|| {
                1_000_000 + member.map_or(0, MemberId::get)
            })))
        })
    }

    fn channel_guild(
        &self,
        _channel: ChannelId,
    ) -> BoxFuture<'_, Result<Option<GuildId>, SendError>> {
        let guild = *self
            .channel_guild
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Box::pin(async move { Ok(guild) })
    }
}

/// A messenger for tests that only need messages to succeed.
pub fn quiet() -> &'static Recorder {
    static QUIET: OnceLock<Recorder> = OnceLock::new();
    QUIET.get_or_init(Recorder::default)
}

/// The members' locks, for tests that build a [`super::Ctx`] by hand.
pub fn guards() -> &'static Guards {
    static GUARDS: OnceLock<Guards> = OnceLock::new();
    GUARDS.get_or_init(Guards::new)
}
