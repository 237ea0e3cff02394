//! Rules without I/O: what a valid unit is, how Vietnamese text is compared.

pub mod text;
pub mod users;
pub mod units;

use crate::error::FieldError;

/// Collects one error per invalid field rather than stopping at the first.
#[derive(Default)]
pub struct Checks(pub Vec<FieldError>);

impl Checks {
    pub fn fail(&mut self, field: &str, code: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, code, message));
    }

    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(value())
        } else {
            Err(self.0)
        }
    }
}

