//! Prometheus metrics, with the Prometheus project's own client (`prometheus-client`).
//!
//! Label values are fixed words chosen in code (a command kind, an outcome, a message kind),
//! never anything a member typed, so the number of series stays small and nothing private can
//! reach the host's monitoring.

use std::sync::atomic::AtomicU64;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::Registry;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct InteractionLabels {
    kind: &'static str,
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabel {
    kind: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct MessageLabels {
    kind: &'static str,
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CrisisLabels {
    via: &'static str,
}

fn latency_histogram() -> Histogram {
    // 5 ms to about 10 s: Discord wants an answer within 3 s.
    Histogram::new(exponential_buckets(0.005, 2.0, 12))
}

/// Every metric Rekindle exports. Cheap to update from any thread.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    interactions: Family<InteractionLabels, Counter>,
    latency: Family<KindLabel, Histogram, fn() -> Histogram>,
    messages: Family<MessageLabels, Counter>,
    crisis_replies: Family<CrisisLabels, Counter>,
    gateway_reconnects: Counter,
    gateway_connected: Gauge,
    gateway_latency: Gauge<f64, AtomicU64>,
    outbox_pending: Gauge,
    outbox_failed: Gauge,
    alerts: Family<KindLabel, Counter>,
    servers_left: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("rekindle");
        registry.register(
            "build",
            "The running version",
            Info::new(vec![("version", env!("CARGO_PKG_VERSION"))]),
        );
        let metrics = Metrics {
            registry: Registry::default(),
            interactions: Family::default(),
            latency: Family::new_with_constructor(latency_histogram),
            messages: Family::default(),
            crisis_replies: Family::default(),
            gateway_reconnects: Counter::default(),
            gateway_connected: Gauge::default(),
            gateway_latency: Gauge::default(),
            outbox_pending: Gauge::default(),
            outbox_failed: Gauge::default(),
            alerts: Family::default(),
            servers_left: Counter::default(),
        };
        let m = &metrics;
        let r = &mut registry;
        r.register("interactions", "Interactions handled, by kind (command, autocomplete, component, modal) and outcome (ok, refused, error, ignored)", m.interactions.clone());
        r.register(
            "interaction_duration_seconds",
            "Time from an interaction's arrival to the end of its handling, by kind",
            m.latency.clone(),
        );
        r.register("messages", "Messages the bot sent on its own (scheduled, DMs, posts), by kind and outcome (sent, failed, deferred, dms_closed, shed)", m.messages.clone());
        r.register(
            "crisis_replies",
            "Crisis replies delivered, by way (dm, interaction)",
            m.crisis_replies.clone(),
        );
        r.register(
            "gateway_reconnects",
            "Gateway sessions resumed or identified again after the first",
            m.gateway_reconnects.clone(),
        );
        r.register(
            "gateway_connected",
            "1 while the gateway connection is up",
            m.gateway_connected.clone(),
        );
        r.register(
            "gateway_latency_seconds",
            "The last heartbeat round trip to the gateway",
            m.gateway_latency.clone(),
        );
        r.register(
            "outbox_pending",
            "Scheduled messages waiting to be sent (the outbox depth)",
            m.outbox_pending.clone(),
        );
        r.register(
            "outbox_failed",
            "Scheduled messages given up on, kept for a week",
            m.outbox_failed.clone(),
        );
        r.register(
            "alerts",
            "Operational alerts posted in servers' alerts channels, by kind",
            m.alerts.clone(),
        );
        r.register(
            "servers_left",
            "Servers left because they are not in servers.allowed",
            m.servers_left.clone(),
        );
        // The series a dashboard or an alert rule watches exist from the start, at 0, so a
        // rate over them is defined before the first message goes out.
        for kind in ["checkin", "reminder", "encouragement", "public"] {
            for outcome in ["sent", "failed", "deferred"] {
                let _ = m.messages.get_or_create(&MessageLabels { kind, outcome });
            }
        }
        for via in ["dm", "interaction"] {
            let _ = m.crisis_replies.get_or_create(&CrisisLabels { via });
        }
        for kind in crate::domain::alerts::AlertKind::ALL {
            let _ = m.alerts.get_or_create(&KindLabel {
                kind: kind.as_str(),
            });
        }
        Metrics {
            registry,
            ..metrics
        }
    }

    /// One interaction handled, and how long it took.
    pub fn interaction(&self, kind: &'static str, outcome: &'static str, took: Duration) {
        self.interactions
            .get_or_create(&InteractionLabels { kind, outcome })
            .inc();
        self.latency
            .get_or_create(&KindLabel { kind })
            .observe(took.as_secs_f64());
    }

    /// One interaction handled whose duration is not known (autocomplete: poise answers it
    /// without a hook at the end).
    pub fn interaction_count(&self, kind: &'static str, outcome: &'static str) {
        self.interactions
            .get_or_create(&InteractionLabels { kind, outcome })
            .inc();
    }

    /// One message's fate: `sent`, `failed` or `deferred` (left for a later run).
    pub fn message(&self, kind: &'static str, outcome: &'static str) {
        self.messages
            .get_or_create(&MessageLabels { kind, outcome })
            .inc();
    }

    /// A crisis reply delivered, by DM or as an interaction's answer.
    pub fn crisis_reply(&self, via: &'static str) {
        self.crisis_replies
            .get_or_create(&CrisisLabels { via })
            .inc();
    }

    pub fn gateway_reconnect(&self) {
        self.gateway_reconnects.inc();
    }

    pub fn gateway(&self, connected: bool, latency: Option<Duration>) {
        self.gateway_connected.set(i64::from(connected));
        if let Some(latency) = latency {
            self.gateway_latency.set(latency.as_secs_f64());
        }
    }

    pub fn outbox(&self, pending: i64, failed: i64) {
        self.outbox_pending.set(pending);
        self.outbox_failed.set(failed);
    }

    pub fn alert(&self, kind: &'static str) {
        self.alerts.get_or_create(&KindLabel { kind }).inc();
    }

    pub fn server_left(&self) {
        self.servers_left.inc();
    }

    /// The text exposition (OpenMetrics, which Prometheus reads), ending with `# EOF`.
    pub fn encode(&self) -> String {
        let mut text = String::new();
        if let Err(error) = prometheus_client::encoding::text::encode(&mut text, &self.registry) {
            tracing::error!(error = %error, "cannot encode the metrics");
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exposition_names_every_metric_with_its_labels() {
        let metrics = Metrics::new();
        metrics.interaction("command", "ok", Duration::from_millis(12));
        metrics.message("checkin", "sent");
        metrics.crisis_reply("dm");
        metrics.gateway_reconnect();
        metrics.gateway(true, Some(Duration::from_millis(42)));
        metrics.outbox(3, 1);
        let text = metrics.encode();
        for line in [
            "rekindle_interactions_total{kind=\"command\",outcome=\"ok\"} 1",
            "rekindle_interaction_duration_seconds_count{kind=\"command\"} 1",
            "rekindle_messages_total{kind=\"checkin\",outcome=\"sent\"} 1",
            "rekindle_crisis_replies_total{via=\"dm\"} 1",
            "rekindle_gateway_reconnects_total 1",
            "rekindle_gateway_connected 1",
            "rekindle_gateway_latency_seconds 0.042",
            "rekindle_outbox_pending 3",
            "rekindle_outbox_failed 1",
            "rekindle_build_info{version=\"",
        ] {
            assert!(text.contains(line), "{line} in\n{text}");
        }
        assert!(text.ends_with("# EOF\n"), "{text}");
    }
}
