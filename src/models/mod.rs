//! Rows and queries. Functions take `&mut DbConn` so they compose inside one transaction.

pub mod accounts;
pub mod achievements;
pub mod awards;
pub mod nominations;
pub mod campaigns;
pub mod clusters;
pub mod decisions;
pub mod idempotency;
pub mod journal;
pub mod council;
pub mod councils;
pub mod registrations;
pub mod service_clients;
pub mod reports;
pub mod units;
pub mod webhooks;
