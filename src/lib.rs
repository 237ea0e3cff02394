//! thidua: an open REST/JSON API for emulation and commendation (Thi đua – Khen thưởng).

pub mod auth;
pub mod backup;
pub mod config;
pub mod db;
pub mod demo;
pub mod documents;
pub mod domain;
pub mod error;
pub mod http;
pub mod memory;
pub mod models;
pub mod openapi;
pub mod routes;
pub mod seed;
pub mod startup;
pub mod state;
pub mod storage;
pub mod telemetry;
pub mod webhooks;
