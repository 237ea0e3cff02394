//! The roles a user holds on the board, as stored (comma-separated names) and sent.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The provincial emulation board (Ban Thi đua – Khen thưởng, the secretariat): everything.
    Admin,
    /// Acts for their own unit only.
    UnitOfficer,
    /// A department's or a commune's emulation secretariat: runs its unit's level as the
    /// board runs the province's — the unit's accounts, campaigns, rounds, councils, and the
    /// nominations and decisions of the awards its head grants — and acts as its officers do.
    UnitAdmin,
    /// Member of the provincial council: reviews and votes.
    CouncilMember,
    /// Signs decisions.
    Approver,
    /// Reads.
    Viewer,
}

pub const ALL_ROLES: [Role; 6] =
    [Role::Admin, Role::UnitAdmin, Role::UnitOfficer, Role::CouncilMember, Role::Approver, Role::Viewer];

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::UnitOfficer => "unit_officer",
            Role::UnitAdmin => "unit_admin",
            Role::CouncilMember => "council_member",
            Role::Approver => "approver",
            Role::Viewer => "viewer",
        }
    }

    /// The role as people read it, in Vietnamese: sent beside the value (`role_labels`).
    pub fn label_vi(self) -> &'static str {
        match self {
            Role::Admin => "Quản trị hệ thống (Ban Thi đua – Khen thưởng)",
            Role::UnitOfficer => "Cán bộ thi đua, khen thưởng của đơn vị",
            Role::UnitAdmin => "Thường trực thi đua, khen thưởng của đơn vị (sở, ngành, xã)",
            Role::CouncilMember => "Thành viên Hội đồng Thi đua – Khen thưởng",
            Role::Approver => "Người có thẩm quyền ký quyết định",
            Role::Viewer => "Người xem",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        ALL_ROLES.into_iter().find(|r| r.as_str() == s)
    }

    /// Roles as stored: sorted, comma-separated.
    pub fn join(roles: &[Role]) -> String {
        let mut names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        names.join(",")
    }

    pub fn split(stored: &str) -> Vec<Role> {
        stored.split(',').filter_map(Role::parse).collect()
    }
}
