// Quick start for frontend teams: sign in, list communes, create a campaign.
//
//   THIDUA_URL=http://127.0.0.1:8080 THIDUA_USERNAME=bantdkt THIDUA_PASSWORD=… npm run build && npm run example
//
// CI runs it against a live server (.ci/contract) and fails if any step does.

import { createThiduaClient, unwrap, type Schemas } from "../src/index.js";

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
}

/** Today in Vietnam (UTC+7) plus `days`, as YYYY-MM-DD. */
function vietnamDate(days = 0): string {
  return new Date(Date.now() + 7 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

async function main(): Promise<void> {
  const thidua = createThiduaClient({ baseUrl: env("THIDUA_URL") });
  const { api } = thidua;

  // 1. Sign in. The client keeps the tokens and sends the access token with every call.
  const me = await thidua.signIn(env("THIDUA_USERNAME"), env("THIDUA_PASSWORD"));
  console.log(`signed in as ${me.username} (${me.roles.join(", ")})`);

  // 2. List communes: search ignores case and diacritics; pages are `{items, next_cursor}`.
  const page = unwrap(await api.GET("/api/v1/communes", { params: { query: { q: "bac kan", limit: 5 } } }));
  for (const commune of page.items) console.log(`  ${commune.code} ${commune.name} (${commune.type_label})`);
  if (page.items.length === 0) throw new Error("expected communes matching 'bac kan' in the seeded registry");
  // Every page until next_cursor is null:
  let count = 0;
  let cursor: string | undefined;
  do {
    const next = unwrap(await api.GET("/api/v1/communes", { params: { query: { type: "xa", limit: 100, cursor } } }));
    count += next.items.length;
    cursor = next.next_cursor ?? undefined;
  } while (cursor);
  console.log(`  ${count} communes of type xã in all`);

  // An expired access token is refreshed once, transparently (simulated here by spoiling it).
  const session = thidua.session!;
  thidua.useSession({ ...session, accessToken: `${session.accessToken}x` });
  unwrap(await api.GET("/api/v1/auth/me"));
  if (thidua.session?.refreshToken === session.refreshToken) throw new Error("expected a refreshed session");
  console.log("  an expired access token was refreshed");

  // 3. Create a campaign (a draft). Enum values and required fields are checked by the compiler.
  const body: Schemas["CampaignRequest"] = {
    title: `Thi đua chào mừng kỷ niệm ngày thành lập tỉnh (${new Date().toISOString()})`,
    kind: "chuyen_de",
    launching_authority: "Chủ tịch UBND tỉnh",
    participation: "all_communes",
    start_date: vietnamDate(0),
    end_date: vietnamDate(90),
  };
  const created = await api.POST("/api/v1/campaigns", {
    body,
    params: { header: { "Idempotency-Key": crypto.randomUUID() } },
  });
  const campaign = unwrap(created);
  console.log(`created campaign ${campaign.id}: ${campaign.status}, ETag ${created.response.headers.get("ETag")}`);
  if (campaign.status !== "draft") throw new Error(`a new campaign is a draft, got ${campaign.status}`);

  // Errors are typed problems: branch on `status` and `code`.
  const refused = await api.POST("/api/v1/campaigns", { body: { ...body, end_date: vietnamDate(-1) } });
  if (!refused.error) throw new Error("a campaign that ends before it starts was accepted");
  console.log(`  refused as expected: ${refused.response.status} ${refused.error.code} ${refused.error.errors?.map((e) => e.field).join(", ")}`);

  await thidua.signOut();
  console.log("quickstart: ok");
}

main().catch((e: unknown) => {
  console.error("quickstart failed:", e);
  process.exit(1);
});
