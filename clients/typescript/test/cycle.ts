// The whole legal cycle through the typed client (openapi-typescript + openapi-fetch): the
// biggest typed consumer of the document, compiled with tsc --strict, and run by CI against a
// live server (.ci/contract). The same cycle as tests/contract/cycle.py drives with a generated
// Python client: sign-in → units → campaign → registration → achievement with evidence → a rule
// change → nomination with its dossier → council → posting → decision → award history → reports
// in JSON, CSV and XLSX.
//
// Env: THIDUA_URL, THIDUA_USERNAME, THIDUA_PASSWORD (an admin); THIDUA_CLOCK_FILE, the libfaketime
// file of the server under test, which this cycle moves forward so that a posting period ends.

import { readFileSync, writeFileSync } from "node:fs";
import { createThiduaClient, fileUpload, unwrap, type Schemas, type ThiduaClient } from "../src/index.js";

const PDF = new TextEncoder().encode("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
const PASSWORD = "Chu trinh thi dua 2026!";
const tag = crypto.randomUUID().slice(0, 6);

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

const base = env("THIDUA_URL");
const client = (): ThiduaClient => createThiduaClient({ baseUrl: base });
const anonymous = client().api;

/** The server's clock (its Date header). */
async function serverNow(): Promise<string> {
  const { response } = await anonymous.GET("/health/live");
  const date = response.headers.get("Date");
  check(date, "no Date header");
  return new Date(Date.parse(date)).toISOString();
}

/** Today in Vietnam by the server's clock. */
async function serverToday(): Promise<string> {
  return new Date(Date.parse(await serverNow()) + 7 * 3_600_000).toISOString().slice(0, 10);
}

async function signIn(username: string, password = PASSWORD): Promise<ThiduaClient> {
  const session = client();
  await session.signIn(username, password);
  return session;
}

async function step(name: string, fn: () => Promise<void>): Promise<void> {
  const started = performance.now();
  try {
    await fn();
  } catch (e) {
    console.log(`  FAIL ${name}`);
    throw e;
  }
  console.log(`  ok  ${name} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

async function main(): Promise<void> {
  let today = await serverToday();
  let admin = await signIn(env("THIDUA_USERNAME"), env("THIDUA_PASSWORD"));
  let commune!: Schemas["UnitResponse"];
  let campaign!: Schemas["CampaignResponse"];
  let indicator!: Schemas["IndicatorResponse"];
  let officer!: ThiduaClient;
  let achievementId = "";
  let person!: Schemas["PersonResponse"];
  let awardTypeId = "";
  let nominationId = "";
  let postingUntil = "";
  let approverName = "";
  let awardId = "";
  const year = Number(today.slice(0, 4));

  await step("units: communes in force today, one picked", async () => {
    const page = unwrap(await admin.api.GET("/api/v1/communes", { params: { query: { active_on: today, limit: 100 } } }));
    const first = page.items[0];
    check(first, "no commune in force today");
    commune = first;
    const byCode = unwrap(await admin.api.GET("/api/v1/communes/by-code/{code}", { params: { path: { code: commune.code } } }));
    check(byCode.id === commune.id, "by-code finds another commune");
  });

  await step("campaign: created, indicator added, launched (If-Match)", async () => {
    campaign = unwrap(await admin.api.POST("/api/v1/campaigns", {
      params: { header: { "Idempotency-Key": crypto.randomUUID() } },
      body: {
        title: `Thi đua xây dựng nông thôn mới (${tag})`, kind: "thuong_xuyen", launching_authority: "Chủ tịch UBND tỉnh",
        participation: "all_communes", start_date: addDays(today, -30), end_date: addDays(today, 60),
      },
    }));
    check(campaign.status === "draft", `a new campaign is ${campaign.status}`);
    indicator = unwrap(await admin.api.POST("/api/v1/campaigns/{id}/indicators", {
      params: { path: { id: campaign.id } },
      body: { name: "Số km đường bê tông", unit_of_measure: "km", kind: "quantity", direction: "higher_is_better", province_target: "40" },
    }));
    const read = await admin.api.GET("/api/v1/campaigns/{id}", { params: { path: { id: campaign.id } } });
    const etag = read.response.headers.get("ETag");
    check(etag, "no ETag on a campaign");
    const launched = unwrap(await admin.api.POST("/api/v1/campaigns/{id}/launch", {
      params: { path: { id: campaign.id }, header: { "If-Match": etag } },
      body: {},
    }));
    check(launched.status === "launched", `launched campaign is ${launched.status}`);
  });

  await step("a unit officer registers the commune's targets; the board accepts", async () => {
    const username = `ts.officer.${tag}`;
    unwrap(await admin.api.POST("/api/v1/users", {
      body: { username, full_name: "Cán bộ thi đua xã", roles: ["unit_officer"], unit_id: commune.id, password: PASSWORD },
    }));
    officer = await signIn(username);
    const registration = unwrap(await officer.api.POST("/api/v1/campaigns/{id}/registrations", {
      params: { path: { id: campaign.id } },
      body: { unit_id: commune.id, targets: [{ indicator_id: indicator.id, target: "10" }] },
    }));
    const submitted = unwrap(await officer.api.POST("/api/v1/registrations/{id}/submit", { params: { path: { id: registration.id } } }));
    check(submitted.status === "submitted", `registration is ${submitted.status}`);
    const accepted = unwrap(await admin.api.POST("/api/v1/registrations/{id}/accept", { params: { path: { id: registration.id } } }));
    check(accepted.status === "accepted", `registration is ${accepted.status}`);
  });

  await step("achievement reported with an evidence upload, downloaded back, verified", async () => {
    const report = unwrap(await officer.api.POST("/api/v1/campaigns/{id}/achievements", {
      params: { path: { id: campaign.id } },
      body: { unit_id: commune.id, indicator_id: indicator.id, value: "12.5", as_of: addDays(today, -1) },
    }));
    const evidence = unwrap(await officer.api.POST("/api/v1/achievements/{id}/evidence", {
      params: { path: { id: report.id }, query: { filename: "nghiem-thu.pdf" } },
      ...fileUpload(PDF, "application/pdf"),
    }));
    const downloaded = await officer.api.GET("/api/v1/evidence/{id}", { params: { path: { id: evidence.id } }, parseAs: "arrayBuffer" });
    check(downloaded.data && Buffer.from(downloaded.data).equals(Buffer.from(PDF)), "the evidence downloaded is not the file uploaded");
    const verified = unwrap(await admin.api.POST("/api/v1/achievements/{id}/verify", { params: { path: { id: report.id } } }));
    check(verified.status === "verified", `achievement is ${verified.status}`);
    achievementId = report.id;
  });

  await step("person; the award's rules need a council vote from today (a new version unless done)", async () => {
    person = unwrap(await officer.api.POST("/api/v1/people", {
      body: { full_name: "Nông Văn Dũng", position: "Bí thư chi bộ", unit_id: commune.id },
    }));
    const types = unwrap(await admin.api.GET("/api/v1/award-types"));
    const type = types.find((t) => t.code === "BANG_KHEN_TINH_CA_NHAN");
    check(type, "no BANG_KHEN_TINH_CA_NHAN in the catalogue");
    awardTypeId = type.id;
    const latest = type.versions[type.versions.length - 1];
    if (latest?.effective_from === today && latest.council_vote_required) return;
    const updated = unwrap(await admin.api.POST("/api/v1/award-types/{id}/versions", {
      params: { path: { id: type.id } },
      body: {
        effective_from: today,
        rules: {
          granting_authority: "Chủ tịch UBND tỉnh", legal_basis: "Luật Thi đua, khen thưởng số 06/2022/QH15",
          council_vote_required: true, approval_threshold_percent: "60", quorum_percent: "50", posting_days: 10,
        },
      },
    }));
    check(updated.versions[updated.versions.length - 1]?.council_vote_required === true, "the new version is not the latest");
  });

  await step("nomination with its dossier (3 documents), submitted, appraised", async () => {
    const nomination = unwrap(await officer.api.POST("/api/v1/nominations", {
      body: { award_type_id: awardTypeId, person_id: person.id, unit_id: commune.id, year, campaign_id: campaign.id, achievement_ids: [achievementId] },
    }));
    nominationId = nomination.id;
    const kinds: Schemas["DocumentKind"][] = ["to_trinh", "bao_cao_thanh_tich", "bien_ban_binh_xet"];
    for (const kind of kinds) {
      unwrap(await officer.api.POST("/api/v1/nominations/{id}/documents", {
        params: { path: { id: nominationId }, query: { kind, filename: `${kind}.pdf` } },
        ...fileUpload(PDF, "application/pdf"),
      }));
    }
    const act = async (who: ThiduaClient, action: "submit" | "appraise") =>
      unwrap(await who.api.POST("/api/v1/nominations/{id}/{action}", { params: { path: { id: nominationId, action } }, body: {} }));
    const submitted = await act(officer, "submit");
    check(submitted.status === "submitted" && submitted.documents.length === 3, `nomination is ${submitted.status}`);
    check((await act(admin, "appraise")).status === "appraised", "not appraised");
  });

  await step("standing council of three; its session: each votes, the board closes it → approved", async () => {
    const members: { id: string; session: ThiduaClient }[] = [];
    for (let i = 0; i < 3; i++) {
      const username = `ts.council.${tag}.${i}`;
      const user = unwrap(await admin.api.POST("/api/v1/users", {
        body: { username, full_name: `Thành viên Hội đồng ${i + 1}`, roles: ["council_member"], password: PASSWORD },
      }));
      members.push({ id: user.id, session: await signIn(username) });
    }
    // The commune's standing council, in its term from today, the first member chairing.
    const council = unwrap(await admin.api.POST("/api/v1/councils", {
      body: {
        unit_id: commune.id, name: `Hội đồng Thi đua – Khen thưởng (${tag})`, established_by: `${tag}/QĐ-UBND`,
        term_start: today, term_end: addDays(today, 365),
        members: members.map((m, i) => ({ user_id: m.id, role: i === 0 ? ("chair" as const) : ("member" as const) })),
      },
    }));
    const deadline = new Date(Date.parse(await serverNow()) + 86_400_000).toISOString();
    const session = unwrap(await admin.api.POST("/api/v1/council-sessions", {
      body: { title: `Phiên họp Hội đồng (${tag})`, council_id: council.id, voting_deadline: deadline, nomination_ids: [nominationId] },
    }));
    for (const member of members) {
      const ballot = await member.session.api.POST("/api/v1/council-sessions/{id}/ballots", {
        params: { path: { id: session.id } },
        body: { nomination_id: nominationId, approve: true },
      });
      check(ballot.response.status === 204, `ballot: ${ballot.response.status}`);
    }
    const closed = unwrap(await admin.api.POST("/api/v1/council-sessions/{id}/close", { params: { path: { id: session.id } } }));
    check(closed.status === "closed", `session is ${closed.status}`);
    const nomination = unwrap(await admin.api.GET("/api/v1/nominations/{id}", { params: { path: { id: nominationId } } }));
    check(nomination.status === "approved", `after the vote the nomination is ${nomination.status}`);
  });

  await step("public posting: listed without sign-in, a comment from the public, reviewed", async () => {
    postingUntil = addDays(today, 10);
    const posted = await admin.api.POST("/api/v1/nominations/{id}/post", { params: { path: { id: nominationId } }, body: { until: postingUntil } });
    check(posted.response.status === 204, `post: ${posted.response.status}`);
    const postings = unwrap(await anonymous.GET("/api/v1/public/postings"));
    check(postings.some((p) => p.nomination_id === nominationId), "not on public posting");
    unwrap(await anonymous.POST("/api/v1/public/postings/{id}/comments", {
      params: { path: { id: nominationId } },
      body: { author_name: "Người dân", content: "Đồng chí Dũng gương mẫu, đồng ý." },
    }));
    const comments = unwrap(await admin.api.GET("/api/v1/nominations/{id}/comments", { params: { path: { id: nominationId } } }));
    const comment = comments[0];
    check(comment && comments.length === 1, `${comments.length} comments`);
    const reviewed = unwrap(await admin.api.POST("/api/v1/posting-comments/{id}/review", { params: { path: { id: comment.id } }, body: { note: "Ủng hộ" } }));
    check(reviewed.reviewed_at, "not marked reviewed");
    approverName = `ts.approver.${tag}`;
    unwrap(await admin.api.POST("/api/v1/users", {
      body: { username: approverName, full_name: "Lãnh đạo UBND tỉnh", roles: ["approver"], password: PASSWORD },
    }));
  });

  await step("the posting period passes (the server's clock moves forward)", async () => {
    const clock = env("THIDUA_CLOCK_FILE");
    const days = (Date.parse(postingUntil) - Date.parse(today)) / 86_400_000 + 1;
    const offset = Number(readFileSync(clock, "utf8").trim().replace(/^\+/, "").replace(/d$/, "") || 0);
    writeFileSync(clock, `+${offset + days}d\n`);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const before = today;
    today = await serverToday();
    const moved = (Date.parse(today) - Date.parse(before)) / 86_400_000;
    check(moved === days || moved === days + 1, `the server's clock moved ${moved} days, not ${days}`);
  });

  await step("decision by an approver: the nomination becomes an award", async () => {
    admin = await signIn(env("THIDUA_USERNAME"), env("THIDUA_PASSWORD"));
    const approver = await signIn(approverName);
    check(today > postingUntil, "the decision would not be after the posting");
    const decision = unwrap(await approver.api.POST("/api/v1/decisions", {
      body: { number: `${tag}/QĐ-UBND`, decided_on: today, signer: "Chủ tịch UBND tỉnh", authority: "UBND tỉnh", nomination_ids: [nominationId] },
    }));
    const granted = decision.award_ids[0];
    check(granted && decision.award_ids.length === 1, `the decision granted ${decision.award_ids.length} awards`);
    awardId = granted;
    const nomination = unwrap(await admin.api.GET("/api/v1/nominations/{id}", { params: { path: { id: nominationId } } }));
    check(nomination.status === "decided", `after the decision the nomination is ${nomination.status}`);
  });

  await step("award history by person", async () => {
    const history = unwrap(await admin.api.GET("/api/v1/awards", { params: { query: { person_id: person.id } } }));
    check(history.items.length === 1 && history.items[0]?.id === awardId, "not in the person's history");
  });

  const failures: string[] = [];
  // Reports: JSON typed; CSV and XLSX read as text and bytes (openapi-fetch's parseAs), both
  // from their own URLs (.csv, .xlsx) and with ?format= on the plain one.
  type Got = { data?: unknown; response: Response };
  const id = campaign.id;
  const reports: [string, "json" | "csv" | "xlsx", () => Promise<Got>][] = [
    ["awards", "json", () => admin.api.GET("/api/v1/reports/awards", { params: { query: { year } } })],
    ["awards.csv", "csv", () => admin.api.GET("/api/v1/reports/awards.csv", { params: { query: { year } }, parseAs: "text" })],
    ["awards.xlsx", "xlsx", () => admin.api.GET("/api/v1/reports/awards.xlsx", { params: { query: { year } }, parseAs: "arrayBuffer" })],
    ["awards?format=csv", "csv", () => admin.api.GET("/api/v1/reports/awards", { params: { query: { year, format: "csv" } }, parseAs: "text" })],
    ["awards?format=xlsx", "xlsx", () => admin.api.GET("/api/v1/reports/awards", { params: { query: { year, format: "xlsx" } }, parseAs: "arrayBuffer" })],
    ["nominations", "json", () => admin.api.GET("/api/v1/reports/nominations", { params: { query: { year } } })],
    ["nominations.csv", "csv", () => admin.api.GET("/api/v1/reports/nominations.csv", { params: { query: { year } }, parseAs: "text" })],
    ["nominations.xlsx", "xlsx", () => admin.api.GET("/api/v1/reports/nominations.xlsx", { params: { query: { year } }, parseAs: "arrayBuffer" })],
    ["campaign progress", "json", () => admin.api.GET("/api/v1/reports/campaigns/{id}/progress", { params: { path: { id } } })],
    ["campaign progress.csv", "csv", () => admin.api.GET("/api/v1/reports/campaigns/{id}/progress.csv", { params: { path: { id } }, parseAs: "text" })],
    ["campaign progress.xlsx", "xlsx", () => admin.api.GET("/api/v1/reports/campaigns/{id}/progress.xlsx", { params: { path: { id } }, parseAs: "arrayBuffer" })],
  ];
  for (const [name, format, get] of reports) {
    const { data, response } = await get();
    const type = response.headers.get("Content-Type") ?? "";
    const ok =
      response.status === 200 &&
      (format === "json" ? type.startsWith("application/json") && typeof data === "object" && data !== null && "rows" in data
        : format === "csv" ? type.startsWith("text/csv") && typeof data === "string" && data.includes(",")
        : data instanceof ArrayBuffer && Buffer.from(data).subarray(0, 4).equals(Buffer.from("PK\x03\x04", "latin1")));
    console.log(`  ${ok ? "ok " : "FAIL"} report ${name}: ${response.status} ${type.split(";")[0]}`);
    if (!ok) failures.push(name);
  }
  check(failures.length === 0, `reports failed: ${failures.join(", ")}`);
  console.log("cycle (TypeScript): complete");
}

main().catch((e: unknown) => {
  console.error("  FAIL", e instanceof Error ? e.message : e);
  process.exit(1);
});
