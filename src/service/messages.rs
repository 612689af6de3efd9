//! What the bot says, as typed values, and the one trait through which it leaves.
//!
//! Services decide what to send ([`Outgoing`]) and to whom ([`Destination`]); the Discord
//! adapter implements [`Messenger`] and only renders and transports. Tests implement it with
//! a recorder.

use crate::delivery::{Lane, SendError};
use crate::domain::crisis::reply::CrisisReply;
use crate::domain::ids::{ChannelId, GuildId, MemberId};
use crate::domain::program::StepNumber;
use crate::domain::recap::Recap;
use crate::service::alerts::Alert;
use crate::service::checkin::{Kept, Prepared};

/// A message, decided: what it is about, not how it looks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outgoing {
    /// The first DM after enrolment: welcome, privacy, and step 1.
    Welcome { step: StepNumber },
    /// A step's introduction, when the member moves on to it (or starts again), opened by a
    /// look back at the step they finished, if they finished one.
    StepIntro {
        step: StepNumber,
        recap: Option<Recap>,
    },
    /// A check-in with its prompt and buttons.
    Checkin(Prepared),
    /// The one gentle reminder for an unanswered check-in.
    Reminder {
        step: StepNumber,
        prompt_index: usize,
    },
    /// A private encouragement from the member's step.
    Encouragement { step: StepNumber, index: usize },
    /// A pause with an end is over: the program runs again.
    Resumed,
    /// The public encouragement post in a server's channel.
    Public { index: usize },
    /// Everything stored about the member, as a JSON file.
    Export { json: Vec<u8> },
    /// The crisis reply.
    Crisis(CrisisReply),
    /// The short answer to a plain DM.
    DmReply(DmReply),
    /// To a server's support team: this member asked for someone to reach out.
    SupportRequest { member: MemberId },
    /// To a server's support team, once: what this channel will receive.
    SupportChannelNote,
    /// An operational problem, to a server's alerts channel.
    Alert(Alert),
    /// To a server's alerts channel, once: what it will receive.
    AlertsChannelNote,
}

/// What a plain DM is answered with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DmReply {
    Kept(Kept),
    NotEnrolled,
    /// A refusal's own words.
    Text(String),
    /// Something went wrong on our side.
    Sorry,
}

impl Outgoing {
    /// A short name for logs and metrics; never anything a member wrote.
    pub fn name(&self) -> &'static str {
        match self {
            Outgoing::Welcome { .. } => "welcome",
            Outgoing::StepIntro { .. } => "step_intro",
            Outgoing::Checkin(_) => "checkin",
            Outgoing::Reminder { .. } => "reminder",
            Outgoing::Encouragement { .. } => "encouragement",
            Outgoing::Public { .. } => "public",
            Outgoing::Resumed => "resumed",
            Outgoing::Export { .. } => "export",
            Outgoing::Crisis(_) => "crisis",
            Outgoing::DmReply(_) => "dm_reply",
            Outgoing::SupportRequest { .. } => "support_request",
            Outgoing::SupportChannelNote => "support_channel_note",
            Outgoing::Alert(_) => "alert",
            Outgoing::AlertsChannelNote => "alerts_channel_note",
        }
    }
}

/// Where a message goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    /// A member's DMs, through the cached DM channel if there is one.
    Member {
        member: MemberId,
        channel: Option<ChannelId>,
    },
    /// A known channel: a server's channel, or the DM channel a message came from.
    Channel(ChannelId),
}

/// A boxed future, so [`Messenger`] can be a trait object.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// Renders and sends messages. The Discord adapter implements it.
pub trait Messenger: Send + Sync {
    /// Sends `message` to `to` by `lane`'s rules, with `nonce` (and `enforce_nonce`) when
    /// given; returns the channel it went to (a DM channel it may have opened).
    fn send<'a>(
        &'a self,
        to: Destination,
        message: &'a Outgoing,
        lane: Lane,
        nonce: Option<&'a str>,
    ) -> BoxFuture<'a, Result<ChannelId, SendError>>;

    /// The server `channel` belongs to (`None`: not a server's channel, e.g. a DM), asked of
    /// Discord, so a channel id from another server is never taken for one of this server's.
    fn channel_guild(
        &self,
        channel: ChannelId,
    ) -> BoxFuture<'_, Result<Option<GuildId>, SendError>>;
}
