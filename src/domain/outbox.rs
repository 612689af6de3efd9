//! The outbox's vocabulary: what kind of scheduled message a row is, and what became of it.

/// The kinds of scheduled message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Checkin,
    Reminder,
    Encouragement,
    Public,
    /// The short welcome back when a pause with an end is over.
    Resumed,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Checkin,
        Kind::Reminder,
        Kind::Encouragement,
        Kind::Public,
        Kind::Resumed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Checkin => "checkin",
            Kind::Reminder => "reminder",
            Kind::Encouragement => "encouragement",
            Kind::Public => "public",
            Kind::Resumed => "resumed",
        }
    }

    pub fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// What became of an outbox row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Waiting to be sent.
    Pending,
    Sent,
    /// Tried and given up on (a refusal, closed DMs, retries exhausted).
    Failed,
    /// No longer wanted: its check-in was superseded or answered, or its member paused.
    Cancelled,
    /// Too old to send when the bot came back: recorded, never sent.
    Expired,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Pending,
        Status::Sent,
        Status::Failed,
        Status::Cancelled,
        Status::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Sent => "sent",
            Status::Failed => "failed",
            Status::Cancelled => "cancelled",
            Status::Expired => "expired",
        }
    }

    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == text)
    }
}
