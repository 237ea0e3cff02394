//! Logs and traces for operators: log lines as text or JSON (`THIDUA_LOG_FORMAT`), and
//! OpenTelemetry traces over OTLP (HTTP/protobuf) when an endpoint is configured. With none, no
//! trace layer is installed at all, so spans cost what they cost without OpenTelemetry.
//!
//! Log lines are formatted on the thread that logs them and written to stdout by a thread of
//! its own, many lines a write while requests come faster than one at a time: the synchronous
//! write was 5 % of a get-by-id (docs/benchmarks.md, 2026-12-04). No line is dropped: when
//! `LOG_QUEUE_LINES` wait, a logging thread waits too.

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{Protocol, WithExportConfig};
use opentelemetry_sdk::trace::SdkTracerProvider;
use opentelemetry_sdk::Resource;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::config::OpsSettings;

/// Lines waiting for the log writer before a logging thread waits for it (a few hundred
/// kilobytes: a burst is absorbed, a stalled stdout does not grow the process).
const LOG_QUEUE_LINES: usize = 2048;

/// Keeps the trace exporter and the log writer; dropping it sends the spans still buffered
/// and writes the lines still queued.
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
    _log_writer: WorkerGuard,
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        if let Some(provider) = self.provider.take() {
            if let Err(e) = provider.shutdown() {
                eprintln!("thidua: sending the last traces failed: {e}");
            }
        }
    }
}

/// Installs the global subscriber: `RUST_LOG` filters (default `info`).
pub fn init(ops: &OpsSettings) -> anyhow::Result<Telemetry> {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    // Buffered: the writer thread flushes whenever its queue runs empty, so a line waits only
    // while others are being written.
    let (writer, log_writer) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .buffered_lines_limit(LOG_QUEUE_LINES)
        .thread_name("thidua-log")
        .finish(std::io::BufWriter::new(std::io::stdout()));
    let log = if ops.log_json {
        // One object a line, the event's fields at the top level and the request's span (with
        // its request id) beside them.
        tracing_subscriber::fmt::layer()
            .with_writer(writer)
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .boxed()
    } else {
        // Colours only for a terminal: escape codes in a log file or a collector are noise (and
        // drawing them took about 2 % of a get-by-id's CPU).
        let terminal = std::io::IsTerminal::is_terminal(&std::io::stdout());
        tracing_subscriber::fmt::layer().with_writer(writer).with_target(false).with_ansi(terminal).boxed()
    };
    let provider = match &ops.otlp_endpoint {
        None => None,
        Some(_) => {
            // The endpoint, headers and timeout come from the standard OTEL_EXPORTER_OTLP_*
            // variables (the base endpoint gets `/v1/traces` appended, as the specification says).
            let exporter = opentelemetry_otlp::SpanExporter::builder()
                .with_http()
                .with_protocol(Protocol::HttpBinary)
                .build()
                .map_err(|e| anyhow::anyhow!("OTLP trace exporter: {e}"))?;
            let service = std::env::var("OTEL_SERVICE_NAME").unwrap_or_else(|_| "thidua".into());
            Some(
                SdkTracerProvider::builder()
                    .with_batch_exporter(exporter)
                    .with_resource(Resource::builder().with_service_name(service).build())
                    .build(),
            )
        }
    };
    if provider.is_some() {
        // Callers' `traceparent` headers are read with the W3C propagator (http/middleware.rs).
        opentelemetry::global::set_text_map_propagator(opentelemetry_sdk::propagation::TraceContextPropagator::new());
    }
    let traces = provider.as_ref().map(|p| tracing_opentelemetry::layer().with_tracer(p.tracer("thidua")));
    tracing_subscriber::registry().with(filter).with(log).with(traces).try_init()?;
    Ok(Telemetry { provider, _log_writer: log_writer })
}
