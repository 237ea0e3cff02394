// A typed client for the thidua API: openapi-fetch over the types that openapi-typescript
// generates from openapi/openapi.json (src/schema.d.ts — regenerate with `npm run generate`,
// never edit by hand; CI fails when it is out of date).
//
// Every path, parameter, body and response is typed from the document: a misspelt field, a
// wrong enum value or a missing required field is a compile error, and `data`/`error` of each
// call have the documented shapes (`error` is the RFC 9457 problem).

import createClient, { type Client, type ClientOptions, type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema.js";

export type { components, operations, paths } from "./schema.js";

/** The document's component schemas by name: `Schemas["CampaignResponse"]`. */
export type Schemas = components["schemas"];
/** Every error body: an RFC 9457 problem with a machine `code`. */
export type Problem = Schemas["Problem"];
export type ThiduaApi = Client<paths>;

/** The tokens of a signed-in session. */
export interface Session {
  accessToken: string;
  refreshToken: string;
}

export interface ThiduaClientOptions extends Omit<ClientOptions, "baseUrl"> {
  /** The server's origin, e.g. `https://thidua.example.vn` (the document's paths start with `/api/v1`). */
  baseUrl: string;
  /** Called whenever the session changes (sign-in, refresh, sign-out): persist it if you need to. */
  onSession?: (session: Session | null) => void;
}

export interface ThiduaClient {
  /** Typed calls: `api.GET("/api/v1/communes", { params: { query: { q: "bac kan" } } })`. */
  readonly api: ThiduaApi;
  /** Signs in; later calls carry the access token, and a 401 is retried once after a refresh. */
  signIn(username: string, password: string): Promise<Schemas["UserResponse"]>;
  /** Ends the session on the server and forgets the tokens. */
  signOut(): Promise<void>;
  /** Restores a session kept from before (e.g. from secure storage on a phone). */
  useSession(session: Session | null): void;
  readonly session: Session | null;
}

export class ThiduaError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
  ) {
    super(problem ? `${status} ${problem.code}: ${problem.detail ?? problem.title}` : `HTTP ${status}`);
    this.name = "ThiduaError";
  }
}

/**
 * A client with the session handling every frontend needs: the bearer token on each request, and
 * one transparent refresh when the access token has expired (refresh tokens are single-use: the
 * new pair replaces the old).
 */
export function createThiduaClient(options: ThiduaClientOptions): ThiduaClient {
  const { onSession, ...clientOptions } = options;
  const api = createClient<paths>(clientOptions);
  let session: Session | null = null;
  let refreshing: Promise<boolean> | null = null;
  // The requests as they were before being sent, for the one retry after a refresh.
  const pending = new WeakMap<Request, Request>();

  const setSession = (next: Session | null) => {
    session = next;
    onSession?.(next);
  };

  const refresh = (): Promise<boolean> => {
    const current = session;
    if (!current) return Promise.resolve(false);
    refreshing ??= api
      .POST("/api/v1/auth/refresh", { body: { refresh_token: current.refreshToken } })
      .then(({ data }) => {
        setSession(data ? { accessToken: data.access_token, refreshToken: data.refresh_token } : null);
        return data !== undefined;
      })
      .finally(() => {
        refreshing = null;
      });
    return refreshing;
  };

  const auth: Middleware = {
    onRequest({ request, schemaPath }) {
      if (schemaPath === "/api/v1/auth/login" || schemaPath === "/api/v1/auth/refresh") return request;
      if (session) request.headers.set("Authorization", `Bearer ${session.accessToken}`);
      pending.set(request, request.clone());
      return request;
    },
    async onResponse({ request, response }) {
      const original = pending.get(request);
      pending.delete(request);
      if (response.status !== 401 || !original || !session) return response;
      const sentWith = request.headers.get("Authorization");
      // Another call may have refreshed meanwhile; otherwise refresh now.
      if (sentWith === `Bearer ${session.accessToken}` && !(await refresh())) return response;
      if (!session) return response;
      const retry = new Request(original);
      retry.headers.set("Authorization", `Bearer ${session.accessToken}`);
      return (clientOptions.fetch ?? globalThis.fetch)(retry);
    },
  };
  api.use(auth);

  return {
    api,
    get session() {
      return session;
    },
    useSession: setSession,
    async signIn(username, password) {
      const { data, error, response } = await api.POST("/api/v1/auth/login", { body: { username, password } });
      if (!data) throw new ThiduaError(response.status, error);
      setSession({ accessToken: data.access_token, refreshToken: data.refresh_token });
      return data.user;
    },
    async signOut() {
      if (!session) return;
      await api.POST("/api/v1/auth/logout");
      setSession(null);
    },
  };
}

/**
 * The options of an upload (evidence, dossier documents): the raw file is the body, sent with its
 * own Content-Type (`application/pdf`, `image/png`, `image/jpeg`, DOCX, XLSX). openapi-typescript
 * types a `format: binary` body as `string`; this passes the bytes through untouched.
 *
 *   api.POST("/api/v1/achievements/{id}/evidence", { params: { path: { id } }, ...fileUpload(bytes, "application/pdf") })
 */
export function fileUpload(file: Blob | Uint8Array, contentType: string) {
  return {
    body: file as unknown as string,
    bodySerializer: (body: unknown) => body as BodyInit,
    headers: { "Content-Type": contentType },
  };
}

/** The `data` of a call, or a `ThiduaError` carrying its problem. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data !== undefined) return result.data;
  throw new ThiduaError(result.response.status, result.error as Problem | undefined);
}
