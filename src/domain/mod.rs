//! Rules without I/O: what a valid unit is, how Vietnamese text is compared.

pub mod text;
pub mod units;
