//! HTTP endpoints, one module per resource.

pub mod achievements;
pub mod auth;
pub mod awards;
pub mod campaigns;
pub mod clusters;
pub mod council;
pub mod decisions;
pub mod health;
pub mod nominations;
pub mod people;
pub mod progress;
pub mod registrations;
pub mod reports;
pub mod units;
pub mod users;

use utoipa_actix_web::{scope, service_config::ServiceConfig};

/// Every endpoint, registered so that utoipa collects its OpenAPI description.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::live).service(health::ready).service(
        scope("/api/v1")
            .configure(auth::configure)
            .configure(users::configure)
            .configure(clusters::configure)
            .configure(campaigns::configure)
            .configure(registrations::configure)
            .configure(achievements::configure)
            .configure(progress::configure)
            .configure(awards::configure)
            .configure(people::configure)
            .configure(decisions::configure)
            .configure(nominations::configure)
            .configure(council::configure)
            .configure(reports::configure)
            .configure(units::provinces::configure)
            .configure(units::districts::configure)
            .configure(units::communes::configure)
            .configure(units::departments::configure),
    );
}
