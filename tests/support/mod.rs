//! Test support shared by the integration test binaries (`mod support;`).
//!
//! The main piece is [`FakeDiscord`]: a fake Discord (REST v10 + websocket gateway) on
//! 127.0.0.1 that records everything the bot does, enforces Discord's payload limits and
//! lets a test drive interactions, DMs and gateway faults. See `fake/mod.rs`.
#![allow(dead_code)]

pub mod bot;
pub mod fake;

#[allow(unused_imports)]
pub use bot::{file_holds, TestBot, WAIT};
#[allow(unused_imports)]
pub use fake::{Actor, Dir, FakeDiscord, Frame, Interaction, Recorded};
