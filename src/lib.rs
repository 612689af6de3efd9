//! Rekindle: a gentle Discord bot for a relationship-recovery support server.
//!
//! It answers the server's frequently asked questions, walks each member privately through
//! a seven-step program with check-ins by direct message, and sends scheduled
//! encouragement. Privacy, gentleness and reliability are the product.
//!
//! # Map of the modules
//!
//! - [`config`]: settings from `config/default.toml` and the environment, validated.
//! - [`content`]: the steps, FAQ, encouragements and crisis resources from
//!   `config/content.toml`, checked against Discord's limits.
//! - [`domain`]: pure decisions (FAQ search, settings parsing, ...): no database, no
//!   Discord, no clock reads.
//! - [`store`]: SQLite through sqlx; migrations embedded.
//! - [`scheduler`]: the durable outbox: check-ins, reminders and encouragement, sent paced
//!   and exactly once.
//! - [`service`]: use cases that the Discord adapter calls: (store, input) -> outcome.
//! - [`discord`]: the only place serenity and poise appear: commands, components,
//!   rendering, and the client's start and shutdown.
//! - [`chart`]: the member's mood chart over 90 days as a PNG, with its alt text.
//! - [`logging`]: the log filter, with caps that keep secrets and members' words out.
//! - [`app`]: wires it all together for `main` and for the end-to-end tests.
//! - [`ops`]: the operator's commands beside the bot (`rekindle check`, `rekindle backup`)
//!   and its optional HTTP listener (`/healthz`, `/metrics`).
//! - [`telemetry`]: metrics and the health facts behind `/admin health` and `/healthz`.

pub mod app;
pub mod chart;
pub mod clock;
pub mod config;
pub mod content;
pub mod delivery;
pub mod discord;
pub mod domain;
pub mod logging;
pub mod ops;
pub mod scheduler;
pub mod service;
pub mod store;
pub mod telemetry;
