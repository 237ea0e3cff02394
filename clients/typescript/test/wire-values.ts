// Compile-time checks of the generated types against the values the server sends and accepts
// (the Rust enums' wire names, src/domain). tsc --strict fails if the document publishes other
// values (as it once published `AllUnits` for `all_units`) or if a value is added or dropped: for a
// frontend with an exhaustive `switch`, both are changes to notice. Nothing here runs.

import type { paths, Schemas } from "../src/index.js";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): void {}

assertType<Equal<Schemas["CampaignKind"], "thuong_xuyen" | "chuyen_de">>();
assertType<Equal<Schemas["Participation"], "all_units" | "all_departments" | "all_communes" | "units" | "clusters">>();
assertType<Equal<Schemas["CampaignStatus"], "draft" | "launched" | "closed" | "cancelled">>();
assertType<Equal<Schemas["IndicatorKind"], "quantity" | "percentage" | "yes_no">>();
assertType<Equal<Schemas["Direction"], "higher_is_better" | "lower_is_better">>();
assertType<Equal<Schemas["RegistrationStatus"], "draft" | "submitted" | "accepted" | "returned">>();
assertType<Equal<Schemas["AchievementStatus"], "submitted" | "verified" | "returned">>();
assertType<Equal<Schemas["AwardCategory"], "danh_hieu_thi_dua" | "hinh_thuc_khen_thuong">>();
assertType<Equal<Schemas["AwardSubject"], "individual" | "collective" | "household">>();
assertType<
  Equal<Schemas["NominationStatus"], "draft" | "submitted" | "returned" | "appraised" | "approved" | "rejected" | "posted" | "decided" | "withdrawn" | "revoked">
>();
assertType<Equal<Schemas["DocumentKind"], "to_trinh" | "bao_cao_thanh_tich" | "bien_ban_binh_xet" | "sang_kien" | "khac">>();
assertType<Equal<Schemas["Role"], "admin" | "unit_officer" | "council_member" | "approver" | "viewer">>();
assertType<Equal<Schemas["UnitKind"], "province" | "district" | "commune" | "department">>();

// The nomination actions are a path parameter.
type ActionParam = paths["/api/v1/nominations/{id}/{action}"]["post"]["parameters"]["path"]["action"];
assertType<Equal<ActionParam, "submit" | "withdraw" | "return" | "appraise" | "approve" | "reject">>();

// Query filters take the same wire values as the bodies.
type CampaignFilter = NonNullable<paths["/api/v1/campaigns"]["get"]["parameters"]["query"]>;
assertType<Equal<NonNullable<CampaignFilter["status"]>, Schemas["CampaignStatus"]>>();
assertType<Equal<NonNullable<CampaignFilter["kind"]>, Schemas["CampaignKind"]>>();
