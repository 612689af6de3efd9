//! Use cases: what commands, components and the scheduler call.
//!
//! Each function takes the store, the content and its input, decides with `domain`, writes
//! what has to be written and returns an outcome for the Discord adapter to render. Nothing
//! here knows about serenity, so the same calls serve tests and benchmarks.

pub mod faq;
