//! Slash commands: one file per command (or command group).
//!
//! A command's `///` doc is its Discord description, and each parameter carries its own
//! `#[description]`. Names are fixed by the design: other tools and documents rely on them.

pub(super) mod admin;
mod admin_faq;
mod checkin;
mod faq;
mod help;
mod journal;
mod privacy;
mod program;
mod settings;
mod steps;

use super::{Data, Error};

/// Every command the bot registers.
pub fn all() -> Vec<poise::Command<Data, Error>> {
    vec![
        faq::faq(),
        steps::steps(),
        help::help(),
        program::program(),
        checkin::checkin(),
        settings::settings(),
        journal::journal(),
        privacy::privacy(),
        admin::admin(),
    ]
}
