// Single sign-on against a real OpenID Provider: panva/oidc-provider (OpenID Certified), run in
// this process on 127.0.0.1. A client signs a user in with the authorization code flow and PKCE,
// exactly as a frontend would, and hands the ID token to thidua's POST /api/v1/auth/oidc.
//
//   node tests/oidc/drill.mjs <thidua binary> <work dir> [libfaketime.so]
//
// Checks: sign-in of an unknown identity (no roles), the token's one use, a token for another
// client (audience), a rotated signing key, an expired token (a thidua whose clock runs two hours
// ahead under libfaketime; the provider's ID tokens last one hour), and a provider that is down
// (503; password sign-in works).
// Prints PASS/FAIL per check; exits 1 if any failed.
import { spawn, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import net from 'node:net';
import Provider from 'oidc-provider';

const [bin, work, libfaketime] = process.argv.slice(2);
const CLIENT = { client_id: 'thidua-web', client_secret: 'drill-secret-web-0123456789abcdef' };
const OTHER = { client_id: 'another-app', client_secret: 'drill-secret-other-0123456789abcd' };
const REDIRECT = 'http://127.0.0.1/callback';
let failures = 0;
const children = [];

function check(name, ok, detail = '') {
  console.log(`${ok ? 'PASS' : 'FAIL'}: ${name}${ok ? '' : ` — ${detail}`}`);
  if (!ok) failures += 1;
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

function signingKey(kid, type) {
  const { privateKey } = type === 'EC'
    ? crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid, use: 'sig', alg: type === 'EC' ? 'ES256' : 'RS256' };
}

// The provider; `keys` are what it signs with and publishes (the first signs ID tokens).
function startProvider(issuer, port, keys) {
  const provider = new Provider(issuer, {
    clients: [CLIENT, OTHER].map((c) => ({
      ...c,
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: keys[0].alg,
    })),
    jwks: { keys },
    cookies: { keys: ['drill-cookie-key'] },
    pkce: { required: () => true },
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'] },
    features: { devInteractions: { enabled: true } },
    async findAccount(ctx, id) {
      return { accountId: id, claims: async () => ({ sub: id, name: 'Hoàng Thị Mai', preferred_username: id }) };
    },
    // Consent is given once for all: the drill tests sign-in, not the consent screen.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid profile');
      await grant.save();
      return grant;
    },
  });
  provider.on('server_error', (ctx, err) => console.log('provider error:', err));
  return new Promise((resolve) => { const server = provider.listen(port, '127.0.0.1', () => resolve(server)); });
}

// Node's fetch keeps connections alive; one to the provider before its restart fails once.
async function retrying(url, init) {
  try {
    return await fetch(url, init);
  } catch (e) {
    if (e.cause?.code !== 'UND_ERR_SOCKET') throw e;
    return fetch(url, init);
  }
}

function stopProvider(server) {
  const closed = new Promise((r) => server.close(r));
  server.closeAllConnections();
  return closed;
}

// The authorization code flow with PKCE, as a browser and a frontend would run it.
async function idToken(issuer, client, login) {
  const jar = new Map();
  const keep = (res) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [name, value] = pair.split('=');
      jar.set(name, value);
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const go = async (url, init = {}) => {
    const res = await retrying(new URL(url, issuer), { redirect: 'manual', ...init, headers: { cookie: cookie(), ...(init.headers || {}) } });
    keep(res);
    return res;
  };
  const verifier = crypto.randomBytes(32).toString('base64url');
  const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
  const auth = new URL(`${issuer}/auth`);
  for (const [k, v] of Object.entries({
    client_id: client.client_id, response_type: 'code', scope: 'openid profile', redirect_uri: REDIRECT,
    code_challenge: challenge, code_challenge_method: 'S256', nonce: crypto.randomUUID(), state: crypto.randomUUID(),
  })) auth.searchParams.set(k, v);
  let res = await go(auth);
  let location = res.headers.get('location');
  for (let hop = 0; hop < 8 && location && !location.startsWith(REDIRECT); hop += 1) {
    const interaction = location.match(/\/interaction\/([^/?]+)$/);
    if (interaction) {
      await go(location); // the login page
      res = await go(location, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ prompt: 'login', login, password: 'any' }),
      });
    } else {
      res = await go(location);
    }
    location = res.headers.get('location');
  }
  if (!location || !location.startsWith(REDIRECT)) throw new Error(`no code: ${res.status} ${location} ${await res.text()}`);
  const code = new URL(location).searchParams.get('code');
  const basic = Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64');
  const token = await retrying(`${issuer}/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }),
  });
  const body = await token.json();
  if (!body.id_token) throw new Error(`no id_token: ${JSON.stringify(body)}`);
  return body.id_token;
}

// A thidua on its own SQLite file, with an admin, configured for the provider.
async function startThidua(name, issuer, extraEnv = {}) {
  const port = await freePort();
  const env = {
    ...process.env,
    DATABASE_URL: `sqlite://${work}/${name}.db`,
    THIDUA_EVIDENCE_STORE: `${work}/${name}-files`,
    THIDUA_BIND: `127.0.0.1:${port}`,
    THIDUA_WORKERS: '1',
    RUST_LOG: 'warn',
    THIDUA_OIDC_ISSUER: issuer,
    THIDUA_OIDC_CLIENT_ID: CLIENT.client_id,
    THIDUA_OIDC_ALLOW_HTTP: 'true',
    THIDUA_OIDC_TIMEOUT_MS: '2000',
    THIDUA_ADMIN_PASSWORD: 'Drill-Admin-Password-2026',
    ...extraEnv,
  };
  execFileSync(bin, ['migrate'], { env, stdio: 'ignore' });
  execFileSync(bin, ['create-admin', '--username', 'drill.admin', '--full-name', 'Quản trị diễn tập'], { env, stdio: 'ignore' });
  const child = spawn(bin, ['serve'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 240; i += 1) {
    try { if ((await fetch(`${base}/health/ready`)).ok) return base; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} did not become ready`);
}

const exchange = (base, token) => fetch(`${base}/api/v1/auth/oidc`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id_token: token }),
});

async function problemCode(res) {
  const body = await res.json().catch(() => ({}));
  return `${res.status} ${body.code}`;
}

async function main() {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  let server = await startProvider(issuer, port, [signingKey('k1', 'RSA')]);
  const a = await startThidua('a', issuer);

  const first = await exchange(a, await idToken(issuer, CLIENT, 'mai.ht'));
  const session = await first.json();
  check('an ID token from the provider signs in (200)', first.status === 200, JSON.stringify(session));
  check('an unknown identity gets no roles', JSON.stringify(session.user?.roles) === '[]', JSON.stringify(session.user));
  const me = await fetch(`${a}/api/v1/auth/me`, { headers: { authorization: `Bearer ${session.access_token}` } });
  check('the session works (GET /auth/me)', me.status === 200, `${me.status}`);

  const once = await idToken(issuer, CLIENT, 'mai.ht');
  await exchange(a, once);
  const again = await problemCode(await exchange(a, once));
  check('an ID token works once', again === '401 id_token_reused', again);

  const other = await problemCode(await exchange(a, await idToken(issuer, OTHER, 'mai.ht')));
  check('a token for another client is refused', other === '401 invalid_id_token', other);

  // The provider rotates to an EC key and withdraws the RSA one.
  await stopProvider(server);
  server = await startProvider(issuer, port, [signingKey('k2', 'EC')]);
  const rotated = await exchange(a, await idToken(issuer, CLIENT, 'mai.ht'));
  const rotatedBody = await rotated.json();
  check('after key rotation, a token under the new key signs in', rotated.status === 200, JSON.stringify(rotatedBody));
  check('…as the same account', rotatedBody.user?.id === session.user?.id, `${rotatedBody.user?.id} vs ${session.user?.id}`);

  if (libfaketime) {
    const late = await startThidua('late', issuer, { LD_PRELOAD: libfaketime, FAKETIME: '+2h', FAKETIME_DONT_FAKE_MONOTONIC: '1' });
    const expired = await problemCode(await exchange(late, await idToken(issuer, CLIENT, 'mai.ht')));
    check("an expired token is refused (thidua's clock two hours ahead, past the provider's one-hour ID tokens)", expired === '401 invalid_id_token', expired);
  } else {
    check('an expired token is refused', false, 'libfaketime not found');
  }

  // The provider goes down (after issuing one more token); a fresh instance has no keys cached.
  const token = await idToken(issuer, CLIENT, 'mai.ht');
  await stopProvider(server);
  const fresh = await startThidua('fresh', issuer);
  const down = await exchange(fresh, token);
  const downCode = await problemCode(down);
  check('a provider that is down: 503 with Retry-After', downCode === '503 identity_provider_unavailable' && down.headers.has('retry-after'), downCode);
  const login = await fetch(`${fresh}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'drill.admin', password: 'Drill-Admin-Password-2026' }),
  });
  check('password sign-in still works while the provider is down', login.status === 200, `${login.status}`);
}

try {
  await main();
} catch (e) {
  check('the drill ran to its end', false, `${e.stack} ${e.cause ?? ''}`);
} finally {
  for (const c of children) c.kill('SIGTERM');
}
console.log(`oidc drill: ${failures === 0 ? 'all checks passed' : `${failures} failed`}`);
process.exit(failures === 0 ? 0 : 1);
