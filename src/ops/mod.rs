//! Operator commands that run beside the bot (or instead of it) and exit: `rekindle check`
//! and `rekindle backup`. They read what the bot reads; none of them changes the database
//! or the configuration.

pub mod backup;
pub mod check;
pub mod listen;
