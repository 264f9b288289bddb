//! Prometheus metrics (OpenMetrics text, which Prometheus reads): requests by route and status,
//! verification outcomes by reason, request latency, and each trust source's list in force.

use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use dcc_verify::{Settings, TrustList};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: &'static str,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
    /// "none" for valid answers.
    reason: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SourceLabels {
    /// The source's name: "default" for a single list, the directory for each of several
    /// `--cache`, "who-prod" and "de-2023-11" for the bundled lists.
    source: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReloadLabels {
    result: &'static str,
}

/// 0.25 ms to about 4 s: a single code takes well under a millisecond, a 1,000-code batch on
/// a small machine a good part of a second.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.000_25, 2.0, 15))
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    outcomes: Family<OutcomeLabels, Counter>,
    reloads: Family<ReloadLabels, Counter>,
    trust_loaded: Gauge,
    trust_certificates: Family<SourceLabels, Gauge>,
    trust_age: Family<SourceLabels, Gauge<f64, AtomicU64>>,
    trust_stale: Family<SourceLabels, Gauge>,
    /// One scrape at a time: a render clears the per-source gauges before setting them, which
    /// another scrape must not see half done.
    rendering: Mutex<()>,
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("dcc_verify");
        let metrics = Self {
            requests: Family::default(),
            latency: Family::new_with_constructor(latency_histogram),
            outcomes: Family::default(),
            reloads: Family::default(),
            trust_loaded: Gauge::default(),
            trust_certificates: Family::default(),
            trust_age: Family::default(),
            trust_stale: Family::default(),
            rendering: Mutex::new(()),
            registry: Registry::default(),
        };
        registry.register(
            "http_requests",
            "HTTP requests answered, by route and status",
            metrics.requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time from a request's arrival to its answer, by route",
            metrics.latency.clone(),
        );
        registry.register(
            "verifications",
            "Certificates verified, by outcome and reason code",
            metrics.outcomes.clone(),
        );
        registry.register(
            "trust_list_reloads",
            "Looks at a changed trust-list cache: switched to the new list, or kept the old one",
            metrics.reloads.clone(),
        );
        registry.register(
            "trust_list_loaded",
            "1 when some source has a trust list with at least one certificate in force",
            metrics.trust_loaded.clone(),
        );
        registry.register(
            "trust_list_certificates",
            "Certificates in the trust list in force, by source",
            metrics.trust_certificates.clone(),
        );
        registry.register(
            "trust_list_age_seconds",
            "Seconds since the trust list in force was fetched, by source (NaN when unknown)",
            metrics.trust_age.clone(),
        );
        registry.register(
            "trust_list_stale",
            "1 when the trust list in force is older than the staleness limit, by source",
            metrics.trust_stale.clone(),
        );
        Self {
            registry,
            ..metrics
        }
    }

    pub fn request(&self, route: &'static str, status: u16, duration: Duration) {
        self.requests
            .get_or_create(&RequestLabels { route, status })
            .inc();
        self.latency
            .get_or_create(&RouteLabels { route })
            .observe(duration.as_secs_f64());
    }

    pub fn outcome(&self, outcome: &'static str, reason: Option<&'static str>) {
        let reason = reason.unwrap_or("none");
        self.outcomes
            .get_or_create(&OutcomeLabels { outcome, reason })
            .inc();
    }

    pub fn reload(&self, result: &'static str) {
        self.reloads.get_or_create(&ReloadLabels { result }).inc();
    }

    /// The exposition, with the trust-list gauges read from each source's list at `now`.
    pub fn render(
        &self,
        sources: &[(String, Option<Arc<TrustList>>)],
        settings: &Settings,
        now: i64,
    ) -> String {
        let _one_at_a_time = self.rendering.lock().unwrap_or_else(|e| e.into_inner());
        let usable = |list: &Option<Arc<TrustList>>| list.as_ref().is_some_and(|l| !l.is_empty());
        self.trust_loaded
            .set(i64::from(sources.iter().any(|(_, list)| usable(list))));
        // A source removed since the last scrape must not linger with its old values.
        self.trust_certificates.clear();
        self.trust_age.clear();
        self.trust_stale.clear();
        for (name, list) in sources {
            let labels = SourceLabels {
                source: name.clone(),
            };
            let certificates = list.as_deref().map_or(0, TrustList::len);
            self.trust_certificates
                .get_or_create(&labels)
                .set(i64::try_from(certificates).unwrap_or(i64::MAX));
            let status = list.as_deref().map(|list| settings.status_of(list, now));
            #[allow(clippy::cast_precision_loss)] // ages are far below 2^52 seconds
            let age = status
                .and_then(|s| s.age_seconds)
                .map_or(f64::NAN, |age| age as f64);
            self.trust_age.get_or_create(&labels).set(age);
            self.trust_stale
                .get_or_create(&labels)
                .set(i64::from(status.is_some_and(|s| s.stale)));
        }
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}
