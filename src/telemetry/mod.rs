//! What the running bot knows about its own health: counters for the host's monitoring
//! ([`Metrics`], served at `/metrics`) and the facts behind `/admin health` and `/healthz`
//! ([`Status`]: gateway, scheduler, recent problems).
//!
//! Both are written from every layer (the Discord adapter, the services, the scheduler) and
//! read by the operator's listener and the health command. They hold kinds, counts and times
//! only: never a member's id or words.

mod metrics;
mod status;

pub use metrics::Metrics;
pub use status::{Gateway, Problem, ProblemKind, Status};

/// The bot's metrics and status, shared by every task.
#[derive(Debug)]
pub struct Telemetry {
    pub metrics: Metrics,
    pub status: Status,
}

impl Telemetry {
    pub fn new(status: Status) -> Telemetry {
        Telemetry {
            metrics: Metrics::new(),
            status,
        }
    }
}
