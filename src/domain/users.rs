//! What a valid account is: username, name, contact details, roles.

use crate::domain::roles::Role;
use crate::domain::Checks;
use crate::error::ErrorCode;

pub const MAX_NAME_CHARS: usize = 200;

pub fn is_valid_username(username: &str) -> bool {
    (3..=64).contains(&username.len())
        && username.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'))
}

/// A username as typed at sign-in, in the form failures are counted under: compatibility
/// forms folded (NFKC: full-width letters are letters), trimmed, lowercase. Variants of one
/// name count as that name.
pub fn sign_in_name(typed: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    typed.nfkc().collect::<String>().trim().to_lowercase()
}

/// Usernames are case-insensitive: stored lowercase, 3–64 of a–z, 0–9, '.', '_', '-'.
pub fn check_username(username: &str, checks: &mut Checks) -> String {
    let username = username.trim().to_lowercase();
    if !is_valid_username(&username) {
        checks.fail("username", ErrorCode::InvalidFormat, "must be 3–64 characters of a–z, 0–9, '.', '_' and '-'");
    }
    username
}

pub fn check_full_name(name: &str, checks: &mut Checks) -> String {
    crate::domain::check_text("full_name", name, MAX_NAME_CHARS, checks)
}

/// A plausible address (one '@', a dot in the domain, no spaces); delivery is not checked.
pub fn check_email(email: Option<&str>, checks: &mut Checks) -> Option<String> {
    let email = email.map(str::trim).filter(|e| !e.is_empty())?;
    let valid = email.len() <= 254
        && !email.contains(char::is_whitespace)
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.') && !domain.contains('@'));
    if !valid {
        checks.fail("email", ErrorCode::InvalidFormat, "is not an email address");
    }
    Some(email.to_lowercase())
}

/// Digits with an optional leading '+', spaces and dots allowed between them.
pub fn check_phone(phone: Option<&str>, checks: &mut Checks) -> Option<String> {
    let phone = phone.map(str::trim).filter(|p| !p.is_empty())?;
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let valid = (8..=15).contains(&digits)
        && phone.chars().enumerate().all(|(i, c)| c.is_ascii_digit() || c == ' ' || c == '.' || (c == '+' && i == 0));
    if !valid {
        checks.fail("phone", ErrorCode::InvalidFormat, "must be 8–15 digits, optionally starting with +");
    }
    Some(phone.to_string())
}

/// At least one role, each known; `unit_officer` needs a unit to act for.
pub fn check_roles(roles: &[String], has_unit: bool, checks: &mut Checks) -> Vec<Role> {
    let mut parsed = Vec::new();
    for (i, name) in roles.iter().enumerate() {
        match Role::parse(name) {
            Some(role) if !parsed.contains(&role) => parsed.push(role),
            Some(_) => checks.fail(&format!("roles[{i}]"), ErrorCode::Duplicate, "is listed twice"),
            None => checks.fail(
                &format!("roles[{i}]"),
                ErrorCode::InvalidChoice,
                "must be one of admin, unit_admin, unit_officer, council_member, approver, viewer",
            ),
        }
    }
    if roles.is_empty() {
        checks.fail("roles", ErrorCode::Required, "at least one role is required");
    }
    if parsed.contains(&Role::UnitOfficer) && !has_unit {
        checks.fail("unit_id", ErrorCode::Required, "a unit officer must belong to a unit");
    }
    if parsed.contains(&Role::UnitAdmin) && !has_unit {
        checks.fail("unit_id", ErrorCode::Required, "a unit's admin must belong to the unit it runs");
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_lowercased_and_restricted() {
        let mut checks = Checks::default();
        assert_eq!(check_username(" NguyenVanA ", &mut checks), "nguyenvana");
        assert!(checks.0.is_empty());
        check_username("nguyễn", &mut checks);
        check_username("ab", &mut checks);
        assert_eq!(checks.0.len(), 2);
    }

    #[test]
    fn contact_details_and_roles_are_checked() {
        let mut checks = Checks::default();
        assert_eq!(check_email(Some(" A@Backan.gov.vn "), &mut checks).as_deref(), Some("a@backan.gov.vn"));
        assert_eq!(check_phone(Some("+84 209 3870 123"), &mut checks).as_deref(), Some("+84 209 3870 123"));
        assert!(checks.0.is_empty());
        check_email(Some("not an email"), &mut checks);
        check_phone(Some("12-34"), &mut checks);
        let roles = check_roles(&["unit_officer".into(), "boss".into(), "unit_officer".into()], false, &mut checks);
        assert_eq!(roles, [Role::UnitOfficer]);
        let fields: Vec<_> = checks.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["email", "phone", "roles[1]", "roles[2]", "unit_id"]);
    }
}
