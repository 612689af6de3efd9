//! Pure decisions: no sqlx, no serenity, no clock reads.
//!
//! Everything here takes its inputs as arguments (including the current instant, where time
//! matters) and returns a value, so unit tests can cover every rule without Discord or a
//! database. The Discord adapter and the services call into this module; it never calls out.

pub mod alerts;
pub mod checkin;
pub mod country;
pub mod crisis;
pub mod days;
pub mod faq_layer;
pub mod faq_search;
pub mod ids;
pub mod journal;
pub mod member;
pub mod outbox;
pub mod pause;
pub mod program;
pub mod recap;
pub mod schedule;
pub mod text;
pub mod timing;
