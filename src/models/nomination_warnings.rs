//! The board's acknowledgement of a nomination's eligibility warnings (a quota overrun, a
//! borderline streak): the warning keeps who, when and why, and the nomination's history gets
//! a line for it. Refusals never reach here: a nomination with one is not submitted.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::{nomination_transitions, nominations};
use crate::db::DbConn;
use crate::domain::ids::{NominationId, NominationTransitionId, UserId};
use crate::domain::nominations::{Acknowledgement, Eligibility, NominationStatus};
use crate::error::{ApiError, ErrorCode};
use crate::models::nominations::{detail, lock, NominationDetail};

/// While the board still judges the nomination: after submission, before the decision.
fn open_to_acknowledgement(status: NominationStatus) -> bool {
    matches!(
        status,
        NominationStatus::Submitted
            | NominationStatus::Appraised
            | NominationStatus::Approved
            | NominationStatus::Posted
    )
}

/// Acknowledges the open warning `code` of a nomination, for `reason`.
pub fn acknowledge(
    conn: &mut DbConn,
    id: NominationId,
    code: &str,
    reason: &str,
    actor: UserId,
    expected_version: Option<i32>,
    now: DateTime<Utc>,
) -> Result<NominationDetail, ApiError> {
    conn.write_tx(|conn| {
        let current = lock(conn, id)?;
        if expected_version.is_some_and(|v| v != current.version) {
            return Err(ApiError::precondition_failed());
        }
        let mut judged: Eligibility = match current.eligibility.as_deref() {
            Some(stored) => serde_json::from_str(stored).map_err(|e| {
                ApiError::internal(anyhow::anyhow!("nomination {id} has an unreadable eligibility: {e}"))
            })?,
            None => Eligibility::default(),
        };
        let Some(warning) = judged.open_warning(code) else {
            return Err(ApiError::conflict(
                ErrorCode::NotAcknowledgeable,
                format!(
                    "the nomination has no open warning \"{code}\": a refusal, or a warning already acknowledged, \
                     cannot be acknowledged"
                ),
            )
            .localized("not_acknowledgeable-code", [("code", crate::error::Arg::text(code))]));
        };
        let status = current.status;
        if !open_to_acknowledgement(status) {
            return Err(ApiError::conflict(
                ErrorCode::IllegalTransition,
                format!("a {} nomination's warnings are no longer acknowledged", status.as_str()),
            )
            .localized("illegal_transition-acknowledge", [("status", crate::error::Arg::text(status.label_vi()))]));
        }
        warning.acknowledgement = Some(Acknowledgement { by: actor.to_string(), at: now, reason: reason.to_string() });
        diesel::update(nominations::table.find(id).filter(nominations::version.eq(current.version)))
            .set((
                nominations::eligibility.eq(serde_json::to_string(&judged).expect("eligibility serializes")),
                nominations::version.eq(current.version + 1),
                nominations::updated_at.eq(now.naive_utc()),
            ))
            .execute(conn)?;
        // The history line stays in its status; its reason names the warning.
        diesel::insert_into(nomination_transitions::table)
            .values((
                nomination_transitions::id.eq(NominationTransitionId::generate()),
                nomination_transitions::nomination_id.eq(id),
                nomination_transitions::from_status.eq(status),
                nomination_transitions::to_status.eq(status),
                nomination_transitions::actor_id.eq(actor),
                nomination_transitions::reason.eq(format!("Chấp nhận cảnh báo {code}: {reason}")),
                nomination_transitions::at.eq(now.naive_utc()),
            ))
            .execute(conn)?;
        detail(conn, id)
    })
}
