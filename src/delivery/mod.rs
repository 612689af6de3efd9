//! How a message leaves the bot: which lane it takes, what a failure means, and the budgets
//! that keep the bot inside Discord's limits whatever members send.
//!
//! Discord allows a bot about 50 requests a second in all. Rekindle splits them:
//!
//! - [`Lane::Crisis`]: a reply to someone who may be in danger. Never paced, never shed,
//!   retried quickly on 429, 5xx and network errors until a deadline.
//! - [`Lane::Scheduled`]: the outbox, paced at `delivery.max_messages_per_second` (40).
//! - [`Lane::Reply`]: an ordinary answer to a member's DM ("kept in your journal"). Paced
//!   per member and globally ([`ReplyBudget`], 5 a second); over budget it is shed, because
//!   the member's words are stored whether or not the acknowledgement goes out.
//! - [`Lane::Interactive`]: a DM a member asked for with a command (a check-in, an export,
//!   a step). Bounded by people pressing buttons, so not paced; retried a little.
//!
//! 40 + 5 leaves headroom under 50 for crisis replies and interactive DMs. All lanes also
//! share one [`GlobalBudget`] of 47 requests a second: scheduled messages and ordinary
//! replies leave 5 of those free, crisis replies and interactive DMs may take them, so even
//! a raid of crisis messages is answered in turn without ever tripping Discord's limit.
//!
//! Nothing here knows Discord's types; the adapter in `discord::transport` does the sending.

mod budget;
pub mod nonce;

use std::time::Duration;

pub use budget::{GlobalBudget, ReplyBudget};

use crate::domain::member::MemberId;

/// Which path a message takes (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    Crisis,
    Interactive,
    Reply(MemberId),
    Scheduled,
}

/// Why a send did not succeed, as far as the caller needs to know.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SendError {
    /// 50007: the member's DMs are closed. Stop sending to them; no retries.
    #[error("direct messages closed")]
    DmsClosed,
    /// 429: wait `retry_after` (unknown when the response did not say) and try again.
    #[error("rate limited")]
    RateLimited {
        retry_after: Option<Duration>,
        global: bool,
    },
    /// 5xx or a network error: retry with backoff, a bounded number of times.
    #[error("transient: {0}")]
    Transient(String),
    /// 401: the token was refused. Nothing will succeed until it is fixed.
    #[error("the bot token was refused (401)")]
    Unauthorized,
    /// Anything else (a 4xx): retrying would not help.
    #[error("rejected: {0}")]
    Rejected(String),
    /// What the message was about no longer exists.
    #[error("nothing to send: {0}")]
    Gone(String),
    /// The channel refused the bot: deleted (10003), or the bot may not see or post in it
    /// (50001, 50013). Retrying will not help until someone changes the server.
    #[error("{0}")]
    Channel(ChannelProblem),
    /// An ordinary reply over its budget: not sent, on purpose.
    #[error("over the reply budget: not sent")]
    Shed,
}

/// Why a server's channel refused a message, by Discord's error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChannelProblem {
    /// 10003 Unknown Channel: deleted, or never in a server the bot is in.
    UnknownChannel,
    /// 50001 Missing Access: the bot cannot see the channel.
    MissingAccess,
    /// 50013 Missing Permissions: it can see it but may not post (or embed) there.
    MissingPermissions,
}

impl ChannelProblem {
    /// Discord's error code.
    pub fn code(self) -> i64 {
        match self {
            ChannelProblem::UnknownChannel => 10003,
            ChannelProblem::MissingAccess => 50001,
            ChannelProblem::MissingPermissions => 50013,
        }
    }

    /// The problem for Discord's error `code`, if it is one of these.
    pub fn from_code(code: i64) -> Option<ChannelProblem> {
        match code {
            10003 => Some(ChannelProblem::UnknownChannel),
            50001 => Some(ChannelProblem::MissingAccess),
            50013 => Some(ChannelProblem::MissingPermissions),
            _ => None,
        }
    }
}

impl std::fmt::Display for ChannelProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self {
            ChannelProblem::UnknownChannel => "the channel no longer exists (Unknown Channel",
            ChannelProblem::MissingAccess => "the bot cannot see the channel (Missing Access",
            ChannelProblem::MissingPermissions => "the bot may not post there (Missing Permissions",
        };
        write!(f, "{what}, {})", self.code())
    }
}

/// How hard a lane tries before giving up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Persistence {
    /// Give up once this much time has passed since the first attempt.
    pub deadline: Duration,
    /// The first wait after a 5xx or network error; it doubles up to `max_backoff`.
    pub backoff: Duration,
    pub max_backoff: Duration,
    /// The longest 429 wait honoured.
    pub max_retry_after: Duration,
    /// Attempts at most.
    pub attempts: u32,
}

impl Lane {
    /// How hard this lane tries. The scheduler retries outbox rows itself, across runs.
    pub fn persistence(self) -> Persistence {
        match self {
            Lane::Crisis => Persistence {
                deadline: Duration::from_secs(60),
                backoff: Duration::from_millis(100),
                max_backoff: Duration::from_secs(2),
                max_retry_after: Duration::from_secs(5),
                attempts: 40,
            },
            Lane::Interactive => Persistence {
                deadline: Duration::from_secs(10),
                backoff: Duration::from_millis(250),
                max_backoff: Duration::from_secs(2),
                max_retry_after: Duration::from_secs(3),
                attempts: 4,
            },
            Lane::Reply(_) => Persistence {
                deadline: Duration::from_secs(5),
                backoff: Duration::from_millis(500),
                max_backoff: Duration::from_secs(1),
                max_retry_after: Duration::from_secs(1),
                attempts: 2,
            },
            Lane::Scheduled => Persistence {
                deadline: Duration::ZERO,
                backoff: Duration::ZERO,
                max_backoff: Duration::ZERO,
                max_retry_after: Duration::ZERO,
                attempts: 1,
            },
        }
    }
}

impl Lane {
    /// Slots of the global budget this lane leaves free for crisis replies.
    pub fn reserve(self) -> usize {
        match self {
            Lane::Crisis | Lane::Interactive => 0,
            Lane::Reply(_) | Lane::Scheduled => 5,
        }
    }

    /// How long one request may take before it counts as a network failure.
    pub fn request_timeout(self) -> Duration {
        match self {
            Lane::Crisis => Duration::from_secs(3),
            Lane::Interactive | Lane::Reply(_) => Duration::from_secs(5),
            Lane::Scheduled => Duration::from_secs(15),
        }
    }
}

/// Requests a second in all (counted over a little more than a second), under Discord's
/// global 50.
pub const GLOBAL_PER_SECOND: u32 = 47;

impl SendError {
    /// Whether trying again could help.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            SendError::RateLimited { .. } | SendError::Transient(_)
        )
    }
}
