//! Errors from use cases: either something the member should read, or an internal failure
//! that the adapter logs and answers with a generic apology.

use thiserror::Error;

use crate::domain::checkin::AnswerError;
use crate::domain::program::Refusal;
use crate::domain::timing::SettingError;

#[derive(Debug, Error)]
pub enum ServiceError {
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error(transparent)]
    Answer(#[from] AnswerError),
    #[error(transparent)]
    Setting(#[from] SettingError),
    #[error(transparent)]
    Admin(#[from] super::admin::AdminRefusal),
    #[error(transparent)]
    Faq(#[from] super::faq_admin::FaqRefusal),
    #[error(transparent)]
    Pause(#[from] crate::domain::pause::PauseError),
    #[error(transparent)]
    Journal(#[from] crate::domain::journal::JournalError),
    /// A check-in id that does not exist or belongs to someone else: the same words for both,
    /// so nobody learns anything about another member.
    #[error("I couldn't find that check-in. /checkin sends you a fresh one.")]
    UnknownCheckin,
    /// A message could not be sent (after the lane's retries).
    #[error("a message could not be sent: {0}")]
    Send(crate::delivery::SendError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ServiceError {
    /// The text to show the member, or `None` for an internal error (apologise instead).
    pub fn member_message(&self) -> Option<String> {
        match self {
            ServiceError::Internal(_) | ServiceError::Send(_) => None,
            other => Some(other.to_string()),
        }
    }
}
