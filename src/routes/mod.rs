//! HTTP endpoints, one module per resource. A module registers its handlers through
//! `http::register::Routes` (which adds the 405s and records how each POST treats
//! `Idempotency-Key`); what several modules need is in `shared`, the one route module the
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

use std::rc::Rc;

use actix_web::body::BoxBody;
use actix_web::dev::ServiceRequest;
use actix_web::middleware::{from_fn, Next};
use utoipa_actix_web::{scope, service_config::ServiceConfig};

use crate::http::idempotency;
use crate::http::register::{PostTable, Routes};

/// Where the API's endpoints live.
const API: &str = "/api/v1";

/// Every endpoint, registered so that utoipa collects its OpenAPI description. Each module
/// registers through `Routes` (which adds its 405s); `posts` receives what each POST declared,
/// for the idempotency guard and the OpenAPI document.
pub fn configure(cfg: &mut ServiceConfig, posts: &Rc<PostTable>) {
    let module = |configure: fn(&mut Routes)| {
        move |cfg: &mut ServiceConfig| {
            let mut routes = Routes::new(cfg, posts, API);
            configure(&mut routes);
            routes.finish();
        }
    };
    let guarded = posts.clone();
    cfg.service(health::live).service(health::ready).service(
        scope(API)
            .wrap(from_fn(move |req: ServiceRequest, next: Next<BoxBody>| {
                idempotency::guard(guarded.clone(), req, next)
            }))
            .configure(module(auth::configure))
            .configure(module(sso::configure))
            .configure(module(users::configure))
            .configure(module(oauth::configure))
            .configure(module(service_clients::configure))
            .configure(module(clusters::configure))
            .configure(module(covenants::configure))
            .configure(module(cluster_votes::configure))
            .configure(module(campaigns::configure))
            .configure(module(registrations::configure))
            .configure(module(achievements::configure))
            .configure(module(progress::configure))
            .configure(module(scoring::configure))
            .configure(module(reviews::configure))
            .configure(module(awards::configure))
            .configure(module(people::configure))
            .configure(module(initiatives::configure))
            .configure(module(decisions::configure))
            .configure(module(nominations::configure))
            .configure(module(nomination_warnings::configure))
            .configure(module(rounds::configure))
            .configure(module(round_sheets::configure))
            .configure(module(title_registrations::configure))
            .configure(module(councils::configure))
            .configure(module(council::configure))
            .configure(module(council_minutes::configure))
            .configure(module(journal::configure))
            .configure(module(webhooks::configure))
            .configure(module(reports::configure))
            .configure(module(reward_money::configure))
            .configure(module(calendar::configure))
            .configure(module(units::provinces::configure))
            .configure(module(units::districts::configure))
            .configure(module(units::communes::configure))
            .configure(module(units::departments::configure)),
    );
}
