import type { CanActivate, Type } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ClientConfig } from 'pg';
import type { AuthRouteName } from '../auth.constants.js';
import type { AuthUserStore } from '../auth-user-store.interface.js';
import type { ErrorMapper } from '../http/error-response.js';
import type { MetricsOptions } from '../metrics/metrics-options.interface.js';

/** Symmetric signing: one shared secret signs and verifies. */
export interface HmacSigningOptions {
  /** The only accepted algorithm; tokens claiming any other are refused. */
  algorithm: 'HS256';
  /** At least 32 bytes (RFC 7518 section 3.2); the module refuses a shorter secret at start. */
  secret: string;
}

/** Asymmetric signing: the private key signs, the public key verifies. */
export interface KeyPairSigningOptions {
  /** The only accepted algorithm; tokens claiming any other are refused. */
  algorithm: 'RS256' | 'ES256';
  /** PEM private key used to sign access tokens. */
  privateKey: string;
  /** PEM public key used to verify them. */
  publicKey: string;
}

export type SigningOptions = HmacSigningOptions | KeyPairSigningOptions;

/** Options of `AuthModule.forRoot` / the factory of `forRootAsync`. */
export interface AuthModuleOptions {
  /** How access tokens are signed and verified. Required. */
  signing: SigningOptions;
  /**
   * RP-initiated logout at the identity providers sessions were opened through: the logouts that end the caller's
   * session answer the provider's logout URL in `Provider-Logout-Location`. Default: none.
   */
  providerLogout?: ProviderLogoutOptions;
  /** `iss` claim written and required. Default `nest-signout`. */
  issuer?: string;
  /** `aud` claim written and required. Default `nest-signout-api`. */
  audience?: string;
  /** Access-token lifetime in seconds. Default 900 (15 minutes). */
  accessTokenTtlSeconds?: number;
  /** Session lifetime in seconds, from login. Default 2,592,000 (30 days). */
  sessionTtlSeconds?: number;
  /**
   * Longest a session may go unused (no guarded request, no refresh), in seconds: past it the guard, a refresh and the
   * clean-up end it (reason `idle_timeout`). Every use slides the window; the session still ends at its absolute
   * lifetime (`sessionTtlSeconds`). A use is recorded at most every tenth of the timeout (at least 1 s, at most 60 s),
   * and in cached mode once per `revocation.maxEntryAgeMs` per instance, so a session may end that much before the
   * timeout after its last use, never after it. `false`: no idle limit. Default false.
   */
  idleTimeoutSeconds?: number | false;
  /**
   * The lifetimes of a session opened with `createSession({ rememberMe: true })` ("remember me"); each field left out
   * is the one of any other session. Default: the same lifetimes as any other session.
   */
  rememberMe?: SessionLifetimeOptions;
  /** Live sessions one user may hold at once, and what a sign-in past the limit does. Default false (no limit). */
  sessionLimit?: false | SessionLimitOptions;
  /**
   * For this many seconds after a refresh token was traded, presenting it again (a second browser tab, a mobile client
   * retrying after a timeout) answers with the same successor refresh token (and a new access token) as long as that
   * successor was not used yet. After it, or once the successor was used, the old token is taken as stolen and its
   * session ends (`refresh_token_reuse`). 0: strict rotation, every second use is theft. Default 10.
   */
  refreshReuseIntervalSeconds?: number;
  /** Seconds of clock skew allowed between instances when checking a token's `exp`, `nbf` and `iat`. Default 5. */
  clockToleranceSeconds?: number;
  /** `systemId` written in `/signout` error bodies. Default `core`. */
  systemId?: string;
  /** Put original messages and stack traces in error bodies that allow them. Default false: never in production. */
  exposeErrorDetails?: boolean;
  /** The host's user-status port. Default: every user exists and is enabled. */
  userStore?: AuthUserStore;
  /**
   * How JwtGuard's refusals answer on the host's own routes. Default: the generic `{message, description, code}` body
   * (`mapGuardErrorToGeneric`).
   */
  guardErrorMapper?: ErrorMapper;
  /**
   * Cookie mode, for browser clients: the access and refresh tokens travel in HttpOnly cookies, not in JSON bodies.
   * Default false (Authorization header only).
   */
  cookie?: boolean | AccessTokenCookieOptions;
  /**
   * CORS on the module's own routes, for single-page apps served from another origin: preflights answered, answers
   * (errors included) readable by the listed origins. The host's own routes are left as they are. Default false.
   */
  cors?: false | AuthCorsOptions;
  /** The scheduled clean-up of ended sessions; `false` switches it off. Default: on, hourly, 30 days' retention. */
  cleanup?: false | SessionCleanupOptions;
  /**
   * Longest wait, in ms, for all of the module's database work in one HTTP request together (JwtGuard's session
   * check, then the route's statements, connections included), counted from its first statement; past it the request
   * fails as DatabaseUnavailableError (each route's 503/500) and a connection it left waiting is closed, never reused.
   * Outside a request (SessionService called by the host's code, the clean-up job) each statement has it alone.
   * Default 5000.
   */
  databaseTimeoutMs?: number;
  /**
   * The guard's reads (the session on a cache miss or in strict mode, and the user when the store offers `findUsers`)
   * that arrive in the same turn of the event loop, or while `maxConcurrent` such statements are in flight, share one
   * statement of at most `maxBatchSize` keys. A lone read is never held back. Default
   * `{ maxConcurrent: 2, maxBatchSize: 100 }`; `false`: one statement per request.
   */
  batchReads?: boolean | { maxConcurrent?: number; maxBatchSize?: number };
  /**
   * Access tokens verified once are remembered by the whole token until their `exp`: a repeated token skips parsing
   * and signature verification (the session is still checked on every request). Default `{ maxEntries: 10000 }`;
   * `false`: every request verifies its token.
   */
  verifiedTokenCache?: false | { maxEntries?: number };
  /**
   * Sends the hot path's statements (JwtGuard's session read, the sign-in throttle's counters) as named prepared
   * statements, which PostgreSQL parses and plans once per connection. Only for a direct connection, a session-mode
   * pooler, or PgBouncer 1.21+ with `max_prepared_statements` set: a transaction-mode pooler without that support
   * hands a named statement to another server connection, which answers `prepared statement ... does not exist`
   * (or `already exists`). Default false (unnamed statements, which work through every pooler).
   */
  preparedStatements?: boolean;
  /** How JwtGuard checks that a session is still live. Default: `cached`. */
  revocation?: RevocationOptions;
  /**
   * Prometheus metrics through prom-client (an optional peer dependency), into `metrics.registry` (default: its
   * global `register`), names prefixed with `metrics.prefix` (default `nest_signout_`). Without prom-client installed
   * the module warns and registers nothing. Default false: nothing is registered unless asked.
   */
  metrics?: MetricsOptions | false;
  /**
   * Per-client rate limit of the module's routes (and of any route with AuthRateLimitGuard); `false` switches it off.
   * Default 30 per minute per route and client IP.
   */
  rateLimit?: false | RateLimitOptions;
  /**
   * Per-account limit of failed sign-ins with growing back-off, and a per-client cap on failures, for the host's
   * login through `SignInThrottle`; `false` switches it off. Default: 5 free failures, then 1, 2, 4 ... up to 900 s.
   */
  signInThrottle?: false | SignInThrottleOptions;
}

/** A lifetime profile of sessions. */
export interface SessionLifetimeOptions {
  /** Absolute lifetime from sign-in, in seconds. */
  sessionTtlSeconds?: number;
  /** Longest the session may go unused, in seconds; `false`: no idle limit. */
  idleTimeoutSeconds?: number | false;
}

/**
 * What a sign-in does when its user already holds `max` live sessions: `refuse` it (SessionLimitReachedError, the
 * generic 403 `SESSION_LIMIT_REACHED`), or end the session that was opened first (`evict-oldest`) or used last
 * (`evict-idle`) to make room (reason `session_limit`).
 */
export type SessionLimitPolicy = 'refuse' | 'evict-oldest' | 'evict-idle';

/**
 * At most `max` live sessions per user, enforced in the transaction that opens a session (under a per-user advisory
 * lock), so sign-ins at the same moment cannot pass it.
 */
export interface SessionLimitOptions {
  /** Live sessions per user (at least 1). */
  max: number;
  /** Default `evict-oldest`. */
  policy?: SessionLimitPolicy;
}

/**
 * Failed sign-ins, counted per account (whatever address they come from) and per client address, in the module's
 * table `auth_sign_in_attempts` (shared by every instance on the database).
 */
export interface SignInThrottleOptions {
  /** Failed attempts an account may make before it must wait between attempts (at least 1). Default 5. */
  freeFailures?: number;
  /** The first wait; each further failure doubles it. Default 1 second. */
  baseDelaySeconds?: number;
  /** The longest wait between two attempts at one account, however many failures. Default 900 (15 minutes). */
  maxDelaySeconds?: number;
  /** An account's failures are forgotten this long after the first of them (or at a success). Default 86,400. */
  forgetAfterSeconds?: number;
  /** Failures one client address may add, across all accounts, per window. Default 20 per 900 seconds. */
  perClient?: SignInClientLimitOptions;
}

/** The cap on one client address's failed sign-ins, across accounts. */
export interface SignInClientLimitOptions {
  /** Failed attempts per window; past them the address is refused until the window ends. Default 20. */
  failures?: number;
  /** The window, from the address's first failure in it. Default 900 seconds. */
  windowSeconds?: number;
}

export interface RateLimitOptions {
  /**
   * Where hits are counted. Default: the host's `ThrottlerStorage` (ThrottlerModule's) if it has one, else in memory.
   */
  storage?: ThrottlerStorage;
  /** Requests allowed per client and route in each window. Default 30. */
  limit?: number;
  /** The window, and how long a client over the limit is refused. Default 60. */
  ttlSeconds?: number;
}

/**
 * `strict`: every request reads its session row (one primary-key read) and asks the user store.
 * `cached`: validated sessions are kept in memory for at most `maxEntryAgeMs`; every revocation
 * (PostgreSQL LISTEN/NOTIFY, sent by a trigger in the revoking transaction) evicts them on every
 * instance, and the instance that revokes evicts before it answers. While the listening connection
 * is down, or has not proven delivery (see `listenerDeadlineMs`), the cache does not answer and the guard runs strict.
 */
export interface RevocationOptions {
  /** Default `cached`. */
  mode?: 'cached' | 'strict';
  /**
   * Longest a cached session is trusted without reading it again, even if a notification were lost. Default 5000 ms.
   */
  maxEntryAgeMs?: number;
  /** Most sessions kept per instance (least recently used go first). Default 100,000. */
  maxEntries?: number;
  /**
   * Longest this instance trusts its cache since delivery was last proven: every half of this a marker is notified
   * through the pool and must come back on the listening connection within this long (and a `SELECT 1` on that
   * connection must answer within the other half). While notifications do not arrive (a partition of only that
   * connection, a pooler that dropped the LISTEN), another instance's revocation may be missed for at most this long,
   * then every request reads PostgreSQL until a marker comes back. Default 1000 ms.
   */
  listenerDeadlineMs?: number;
  /**
   * The listening connection's own settings (a connection string or a pg `ClientConfig`), when the pool goes through
   * a transaction pooler (PgBouncer, Supavisor, RDS Proxy): a LISTEN needs a session of its own, on a direct
   * connection. Default: the pool's settings. Without a session the listener never proves delivery, and the guard
   * reads PostgreSQL on every request (the log says so at start).
   */
  listenerConnection?: string | ClientConfig;
  /**
   * A listening connection whose backend key is not its server process's own (`pg_backend_pid()`) goes through a
   * pooler, and is never trusted: a transaction pooler runs the LISTEN on a server connection it then lends to other
   * clients, so a notification may reach the listener or be lost, by chance. Set this only for a pooler in session
   * mode (one server connection for the client's whole life), which the module cannot tell apart: then markers
   * decide, as on a direct connection. Default false.
   */
  trustPooledListener?: boolean;
  /**
   * @deprecated Use `listenerDeadlineMs`; `heartbeatMs: n` without it means `listenerDeadlineMs: 2 * n` (a check every
   * `n` ms that answers within `n` ms).
   */
  heartbeatMs?: number;
}

/** What `Clear-Site-Data` may ask a browser to forget (W3C Clear Site Data). */
export type ClearSiteDataDirective = 'cache' | 'cookies' | 'storage' | 'executionContexts' | '*';

/**
 * Cookie mode. JwtGuard reads the access-token cookie when a request has no Authorization header; `POST /auth/refresh`
 * reads the refresh-token cookie when its body has no `refreshToken`. A state-changing request authenticated by either
 * cookie is taken only from the request's own origin (`Sec-Fetch-Site: same-origin`) or an allowed one.
 */
export interface AccessTokenCookieOptions {
  /** Default `__Host-access_token`: the prefix makes browsers insist on Secure, `Path=/` and no Domain. */
  name?: string;
  /**
   * The refresh-token cookie, sent only to the refresh route (its `Path`). Default `__Secure-refresh_token`
   * (`__Host-` would need `Path=/`).
   */
  refreshName?: string;
  /** Both cookies. Default `strict`; `none` needs `secure`. */
  sameSite?: 'strict' | 'lax' | 'none';
  /**
   * Both cookies. Default true. Turn off only for plain-HTTP development, with names without a `__Host-` or
   * `__Secure-` prefix.
   */
  secure?: boolean;
  /** Both cookies. Default none (host-only cookie). */
  domain?: string;
  /** The access-token cookie. Default `/`. */
  path?: string;
  /** Also put the access and refresh tokens in the login and refresh JSON bodies. Default false. */
  tokensInBody?: boolean;
  /**
   * Origins (`https://app.example.com`) whose pages may send state-changing requests authenticated by the cookies.
   * Default none: only the request's own origin (`Sec-Fetch-Site: same-origin`, or `Origin` equal to the scheme and
   * Host the adapter sees, proxies trusted as the adapter's trust-proxy setting says).
   */
  allowedOrigins?: string[];
  /**
   * The `Clear-Site-Data` directives sign-out sends: `true` is `"cache", "storage"`, `false` none. `"cookies"` is not
   * in the default: browsers clear every cookie of the registrable domain with it (sibling subdomains and other ports
   * of the host too); the module expires its own two cookies with `Set-Cookie` anyway.
   */
  clearSiteData?: boolean | ClearSiteDataDirective[];
}

/**
 * CORS (Fetch standard) on the module's routes. A separate option from `cookie.allowedOrigins`: a page that sends
 * bearer tokens needs CORS without cookie mode, and letting a page read answers is not the same as letting it send
 * cookie-authenticated state changes. With `credentials`, the listed origins pass cookie mode's origin check too.
 */
export interface AuthCorsOptions {
  /**
   * Origins (`https://app.example.com`) whose pages may call the module's routes and read the answers: at least one,
   * exactly as browsers send `Origin` (scheme, host, port). Any other origin gets no CORS header, and its preflight the
   * route's 403 for a request of another origin.
   */
  origins: string[];
  /**
   * Requests with credentials (cookies, `fetch(..., { credentials: 'include' })`): sends
   * `Access-Control-Allow-Credentials: true`, and with cookie mode lets the listed origins send cookie-authenticated
   * state changes. Default false.
   */
  credentials?: boolean;
  /** How long a browser may reuse a preflight's answer (`Access-Control-Max-Age`), 0 to 86,400 seconds. Default 600. */
  maxAgeSeconds?: number;
  /**
   * Request headers a page may send besides those the module reads (`Authorization`, `Content-Type`, `X-DeviceId`,
   * `X-DeviceIdD`), e.g. `traceparent`. Default none.
   */
  allowedHeaders?: string[];
}

/** The clean-up job: marks expired sessions, then deletes what ended longer ago than the retention period. */
export interface SessionCleanupOptions {
  /** Seconds between runs (the first run comes one interval after start). Default 3600. */
  intervalSeconds?: number;
  /** Ended sessions (expired or revoked) and signed-out devices are kept this long for audit. Default 30. */
  retentionDays?: number;
  /** Rows per statement, so no run holds many row locks at once. Default 1000. */
  batchSize?: number;
}

/** A logout route is mounted (`true` or a path) or not (`false`). */
export type LogoutRouteOption = boolean | { path: string };

/**
 * Admin sign-out: routes that list and end any user's sessions (reason `admin`), for the callers the host's guard
 * lets through.
 */
export interface AdminOptions {
  /**
   * The host's guard that decides who is an administrator. It runs after the module has authenticated the request,
   * so `request.user` is the caller's session (`AuthenticatedSession`). `false`, or an HttpException below 500 that
   * it throws, is the route's 403 (`AdminRequiredError`). It is a provider of the module: its dependencies come from
   * the module's `imports` (`forRootAsync`) or from global modules.
   */
  guard: Type<CanActivate>;
}

/** An OpenID Connect provider whose back-channel logout tokens the module takes. */
export interface BackchannelLogoutProvider {
  /** The provider's issuer (`iss`), exactly as its tokens carry it: an https URL (http only on a loopback host). */
  issuer: string;
  /** This application's client id at the provider: the logout token's `aud` must hold it. */
  clientId: string;
  /**
   * Where the provider publishes its signing keys. Default: the `jwks_uri` of
   * `<issuer>/.well-known/openid-configuration` (fetched at the first logout token, again after a failure).
   */
  jwksUri?: string;
}

/**
 * OpenID Connect Back-Channel Logout 1.0: `POST /auth/backchannel-logout` takes the providers' logout tokens and ends
 * the sessions opened through them (`createSession({ identityProvider })`), reason `backchannel_logout`.
 */
export interface BackchannelLogoutOptions {
  /** The providers whose logout tokens are taken (at least one). */
  providers: BackchannelLogoutProvider[];
  /** Seconds of clock skew allowed with the providers, for `iat` and `exp`. Default 30. */
  clockToleranceSeconds?: number;
  /** Longest age of a logout token, from its `iat`, in seconds: an older one is refused. Default 300. */
  maxTokenAgeSeconds?: number;
}

/** An OpenID Connect provider at which a logout also signs the user out (RP-initiated logout). */
export interface ProviderLogoutProvider {
  /** The provider's issuer, exactly as the sessions were opened with it (`identityProvider.issuer`). */
  issuer: string;
  /** This application's client id at the provider (`client_id` of the logout request). */
  clientId: string;
  /**
   * Where the provider sends the browser once signed out; it must be registered at the provider. Default: none, the
   * provider shows its own page.
   */
  postLogoutRedirectUri?: string;
  /**
   * The provider's end-session endpoint. Default: the `end_session_endpoint` of
   * `<issuer>/.well-known/openid-configuration` (fetched at the first logout, again after a failure).
   */
  endSessionEndpoint?: string;
}

/**
 * OpenID Connect RP-Initiated Logout 1.0: when a logout ends a session opened through one of these providers, the
 * answer carries the URL that signs the user out at the provider too, in the `Provider-Logout-Location` header (the
 * routes' bodies stay as their specs say). The client sends the browser there.
 */
export interface ProviderLogoutOptions {
  /** The providers (at least one). */
  providers: ProviderLogoutProvider[];
}

/** Options fixed when the module is defined, because they change its routes and providers. */
export interface AuthModuleExtras {
  /** Register the module globally. Default false. */
  isGlobal?: boolean;
  /**
   * Which routes are mounted, and where. Default: all, at their default paths; the admin routes only with `admin`.
   */
  routes?: Partial<Record<AuthRouteName, LogoutRouteOption>>;
  /**
   * Mounts the admin routes (`GET /auth/admin/users/:userId/sessions`, `DELETE .../sessions/:sessionId`,
   * `DELETE .../sessions`) behind the host's admin guard. Default: none, the admin routes are not mounted.
   */
  admin?: AdminOptions;
  /**
   * Mounts `POST /auth/backchannel-logout` (OpenID Connect Back-Channel Logout 1.0) for these providers. Default:
   * none, the route is not mounted.
   */
  backchannelLogout?: BackchannelLogoutOptions;
  /** Name of the host's TypeORM data source the module uses. Default: the host's default connection. */
  dataSource?: string;
}
