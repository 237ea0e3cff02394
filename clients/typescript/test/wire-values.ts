// Compile-time checks of the generated types against the values the server sends and accepts
// (the Rust enums' wire names, src/domain). tsc --strict fails if the document publishes other
// spellings (as it once published `AllUnits` for `all_units`) or drops a value a frontend relies
// on. New values may be added within v1 (docs/api-conventions.md, Versioning): they pass, as long
// as they are lower-case wire names too. Nothing here runs.

import type { paths, Schemas } from "../src/index.js";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): void {}
/** Every value a client knows is still offered, and every value offered is a lower-case wire name. */
type Offers<Generated extends string, Known extends string> = Equal<Exclude<Known, Generated>, never> extends true
  ? Equal<Lowercase<Generated>, Generated>
  : false;

assertType<Offers<Schemas["CampaignKind"], "thuong_xuyen" | "chuyen_de">>();
assertType<Offers<Schemas["Participation"], "all_units" | "all_departments" | "all_communes" | "units" | "clusters">>();
assertType<Offers<Schemas["CampaignStatus"], "draft" | "launched" | "closed" | "cancelled">>();
assertType<Offers<Schemas["IndicatorKind"], "quantity" | "percentage" | "yes_no">>();
assertType<Offers<Schemas["Direction"], "higher_is_better" | "lower_is_better">>();
assertType<Offers<Schemas["RegistrationStatus"], "draft" | "submitted" | "accepted" | "returned">>();
assertType<Offers<Schemas["AchievementStatus"], "submitted" | "verified" | "returned">>();
assertType<Offers<Schemas["AwardCategory"], "danh_hieu_thi_dua" | "hinh_thuc_khen_thuong">>();
assertType<Offers<Schemas["AwardSubject"], "individual" | "collective" | "household">>();
assertType<
  Offers<Schemas["NominationStatus"], "draft" | "submitted" | "returned" | "appraised" | "approved" | "rejected" | "posted" | "decided" | "withdrawn" | "revoked">
>();
assertType<Offers<Schemas["DocumentKind"], "to_trinh" | "bao_cao_thanh_tich" | "bien_ban_binh_xet" | "sang_kien" | "khac">>();
assertType<Offers<Schemas["Role"], "admin" | "unit_officer" | "council_member" | "approver" | "viewer">>();
assertType<Offers<Schemas["UnitKind"], "province" | "district" | "commune" | "department">>();

// The nomination actions are a path parameter.
type ActionParam = paths["/api/v1/nominations/{id}/{action}"]["post"]["parameters"]["path"]["action"];
assertType<Offers<ActionParam, "submit" | "withdraw" | "return" | "appraise" | "approve" | "reject">>();

// Query filters take the same wire values as the bodies.
type CampaignFilter = NonNullable<paths["/api/v1/campaigns"]["get"]["parameters"]["query"]>;
assertType<Equal<NonNullable<CampaignFilter["status"]>, Schemas["CampaignStatus"]>>();
assertType<Equal<NonNullable<CampaignFilter["kind"]>, Schemas["CampaignKind"]>>();
