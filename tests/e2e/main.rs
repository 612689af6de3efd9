//! End-to-end scenarios: the real bot (poise + serenity) against the fake Discord on
//! 127.0.0.1. One test binary, so serenity is linked once.

#[path = "../support/mod.rs"]
mod support;

mod checkins;
mod faq_admin;
mod faq_admin_attacked;
mod foundation;
mod journal;
mod look_back;
mod look_back_attacked;
mod member;
mod operations;
mod operations_attacked;
mod privacy;
mod program;
mod promises;
mod promises_attacked;
mod safety;
mod scheduler;
mod store_attacked;
