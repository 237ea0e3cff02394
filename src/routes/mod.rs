//! HTTP endpoints, one module per resource.

pub mod achievements;
pub mod auth;
pub mod awards;
pub mod campaigns;
pub mod clusters;
pub mod council;
pub mod councils;
pub mod decisions;
pub mod health;
pub mod journal;
pub mod metrics;
pub mod nominations;
pub mod oauth;
pub mod people;
pub mod progress;
pub mod registrations;
pub mod reports;
pub mod service_clients;
pub mod units;
pub mod users;
pub mod webhooks;

use utoipa_actix_web::{scope, service_config::ServiceConfig};

/// Every endpoint, registered so that utoipa collects its OpenAPI description.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::live).service(health::ready).service(
        scope("/api/v1")
            .wrap(actix_web::middleware::from_fn(crate::http::idempotency::guard))
            .configure(auth::configure)
            .configure(users::configure)
            .configure(oauth::configure)
            .configure(service_clients::configure)
            .configure(clusters::configure)
            .configure(campaigns::configure)
            .configure(registrations::configure)
            .configure(achievements::configure)
            .configure(progress::configure)
            .configure(awards::configure)
            .configure(people::configure)
            .configure(decisions::configure)
            .configure(nominations::configure)
            .configure(councils::configure)
            .configure(council::configure)
            .configure(journal::configure)
            .configure(webhooks::configure)
            .configure(reports::configure)
            .configure(units::provinces::configure)
            .configure(units::districts::configure)
            .configure(units::communes::configure)
            .configure(units::departments::configure),
    );
}
