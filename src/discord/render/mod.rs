//! How content and outcomes look in Discord: embeds, components and texts, nothing else.
//!
//! Every length drawn from the content file was checked when it was loaded (see
//! `content::limits`), so rendering never has to truncate a member's words.

mod crisis;
mod faq_admin;
mod info;
mod journal;
mod ops;
mod privacy;
mod program;
mod scheduled;

pub use crisis::*;
pub use faq_admin::*;
pub use info::*;
pub use journal::*;
pub use ops::*;
pub use privacy::*;
pub use program::*;
pub use scheduled::*;

/// A soft rose: warm, calm, not alarming.
const COLOUR: u32 = 0xE8_8D_A0;
/// For crisis resources: noticeable, still gentle.
const CRISIS_COLOUR: u32 = 0xF2_B1_34;
