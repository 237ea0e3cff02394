//! Rows and queries. Functions take `&mut DbConn` so they compose inside one transaction.

pub mod accounts;
pub mod achievements;
pub mod awards;
pub mod calendar;
pub mod campaigns;
pub mod clusters;
pub mod collectives;
pub mod council;
pub mod councils;
pub mod decisions;
pub mod identities;
pub mod initiatives;
pub mod judging;
pub mod nomination_warnings;
pub mod nominations;
pub mod registrations;
pub mod reports;
pub mod reviews;
pub mod reward_money;
pub mod rounds;
pub mod scoring;
pub mod service_clients;
pub mod stored_files;
pub mod title_registrations;
pub mod units;
pub mod webhooks;
