//! The integration suite: one binary, every test on a fresh database, on SQLite always and on
//! PostgreSQL when THIDUA_TEST_DATABASE_URL is set (`.ci/run` sets it).

/// Runs an `async fn(TestApp)` once per backend, as `<name>::sqlite` and `<name>::postgres`.
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[actix_web::test]
            async fn sqlite() {
                super::$name(crate::helpers::TestApp::sqlite(Default::default()).await).await
            }
            #[actix_web::test]
            async fn postgres() {
                if let Some(app) = crate::helpers::TestApp::postgres(Default::default()).await {
                    super::$name(app).await
                }
            }
        }
    )+};
}

/// `on_both_backends!` for one test with its own `helpers::Options` (an expression, evaluated
/// inside the test's module: name the test file's items as `super::…`).
macro_rules! with_options {
    ($name:ident, $options:expr) => {
        mod $name {
            #[actix_web::test]
            async fn sqlite() {
                super::$name(crate::helpers::TestApp::sqlite($options).await).await
            }
            #[actix_web::test]
            async fn postgres() {
                if let Some(app) = crate::helpers::TestApp::postgres($options).await {
                    super::$name(app).await
                }
            }
        }
    };
}

mod contract;
mod helpers;
mod journal;
mod nominations;

mod access;
pub mod achievements;
mod auth;
mod awards;
mod backup;
mod calendar;
mod campaigns;
mod cli;
mod cluster_votes;
mod cors;
pub mod council;
mod decisions;
mod documents;
mod errors;
mod hardening;
mod idempotency;
mod initiatives;
mod journal_awards;
mod languages;
mod layers;
mod levels;
mod observability;
mod openapi;
mod operations;
mod pagination;
mod reports;
mod reward_money;
mod rounds;
mod rules;
mod s3;
mod schema;
pub mod scoring;
mod seed;
mod service_clients;
mod signing;
mod sso;
mod units;
mod webhooks;
