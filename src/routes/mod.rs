//! HTTP endpoints, one module per resource. A module registers its handlers through
//! `http::register::Routes` (which lists each handler's methods, for the 405s, and how each
//! POST treats `Idempotency-Key`); what several modules need is in `shared`, the one route module the
//! others may import (`.ci/layers`).

pub mod achievements;
pub mod auth;
pub mod awards;
pub mod calendar;
pub mod campaigns;
pub mod cluster_votes;
pub mod clusters;
pub mod council;
pub mod council_minutes;
pub mod councils;
pub mod covenants;
pub mod decisions;
pub mod documents;
pub mod dossiers;
pub mod health;
pub mod initiatives;
pub mod journal;
pub mod metrics;
pub mod nomination_warnings;
pub mod nominations;
pub mod oauth;
pub mod people;
pub mod progress;
pub mod registrations;
pub mod reports;
pub mod reviews;
pub mod reward_money;
pub mod round_sheets;
pub mod rounds;
pub mod scoring;
pub mod service_clients;
pub mod shared;
pub mod sso;
pub mod title_registrations;
pub mod units;
pub mod users;
pub mod webhooks;

use std::sync::{Arc, OnceLock};

use actix_web::body::BoxBody;
use actix_web::dev::ServiceRequest;
use actix_web::middleware::{from_fn, Next};
use actix_web::web::{self, scope, ServiceConfig};

use crate::http::idempotency;
use crate::http::register::{DocumentParts, RouteGroups, RouteTable, Routes};

/// Where the API's endpoints live.
const API: &str = "/api/v1";

/// The modules, in the order they register.
const MODULES: [fn(&mut Routes); 37] = [
    auth::configure,
    sso::configure,
    users::configure,
    oauth::configure,
    service_clients::configure,
    clusters::configure,
    covenants::configure,
    cluster_votes::configure,
    campaigns::configure,
    registrations::configure,
    achievements::configure,
    progress::configure,
    scoring::configure,
    reviews::configure,
    awards::configure,
    people::configure,
    initiatives::configure,
    decisions::configure,
    documents::configure,
    nominations::configure,
    nomination_warnings::configure,
    rounds::configure,
    dossiers::configure,
    round_sheets::configure,
    title_registrations::configure,
    councils::configure,
    council::configure,
    council_minutes::configure,
    journal::configure,
    webhooks::configure,
    reports::configure,
    reward_money::configure,
    calendar::configure,
    units::provinces::configure,
    units::districts::configure,
    units::communes::configure,
    units::departments::configure,
];

fn register_all(groups: &mut RouteGroups) {
    for configure in MODULES {
        configure(&mut Routes::new(groups, API));
    }
}

/// Every endpoint, listed: made once per process, on first use (the server's main thread
/// makes it with the document, before the workers start), and shared.
pub fn table() -> Arc<RouteTable> {
    static TABLE: OnceLock<Arc<RouteTable>> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            let mut groups = RouteGroups::listing();
            register_all(&mut groups);
            Arc::new(groups.into_table())
        })
        .clone()
}

/// Every endpoint, served: each module registers through `Routes`. The table goes to the
/// idempotency guard and, as application data, to the answers of requests no handler takes
/// (`register::not_served`) and to the request log.
pub fn configure(cfg: &mut ServiceConfig) {
    let table = table();
    let mut groups = RouteGroups::serving();
    register_all(&mut groups);
    let guarded = table.clone();
    let mut api = scope(API)
        .wrap(from_fn(move |req: ServiceRequest, next: Next<BoxBody>| idempotency::guard(guarded.clone(), req, next)));
    for group in groups.into_served(API) {
        api = api.service(group);
    }
    cfg.app_data(web::Data::from(table));
    cfg.service(health::live).service(health::ready).service(api);
}

/// Every endpoint, described: the OpenAPI document's paths and schemas, as the same
/// registrations declare them.
pub fn document() -> DocumentParts {
    let mut groups = RouteGroups::documenting();
    register_all(&mut groups);
    let mut parts = groups.into_document();
    parts.add("", &health::live);
    parts.add("", &health::ready);
    parts
}
