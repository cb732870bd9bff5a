import type { DemoEnvironment } from './demo-environment.js';

/** The demo app's settings, read once from the environment. */
export interface DemoConfig {
  databaseUrl: string;
  /**
   * A direct connection (no transaction pooler) for the revocation listener and the migrations (DATABASE_DIRECT_URL);
   * unset: both use `databaseUrl`.
   */
  databaseDirectUrl?: string;
  port: number;
  adapter: 'fastify' | 'express';
  jwtSecret: string;
  /** How access tokens are signed (JWT_ALGORITHM, default HS256 with `jwtSecret`). */
  jwtAlgorithm: 'HS256' | 'RS256' | 'ES256';
  /** PEM keys for RS256 and ES256 (JWT_PRIVATE_KEY, JWT_PUBLIC_KEY). */
  jwtPrivateKey?: string;
  jwtPublicKey?: string;
  /** Sessions kept per instance in cached mode (AUTH_REVOCATION_CACHE_ENTRIES, default 100000). */
  revocationCacheEntries: number;
  /** Guard reads that arrive together share one statement (AUTH_BATCH_READS, default true). */
  batchReads: boolean;
  /** Verified access tokens are remembered until they expire (AUTH_VERIFIED_TOKEN_CACHE, default true). */
  verifiedTokenCache: boolean;
  demoUserEmail: string;
  demoUserPassword: string;
  exposeErrorDetails: boolean;
  /** Cookie mode: the tokens go to browsers as HttpOnly cookies (AUTH_COOKIE, default true). */
  accessTokenCookie: boolean;
  /** In cookie mode, the login and refresh bodies carry the tokens too (AUTH_COOKIE_TOKENS_IN_BODY, default true). */
  cookieTokensInBody: boolean;
  /**
   * Origins whose pages may call the demo with CORS and credentials (the module's routes through its `cors` option, the
   * demo's own through Nest's CORS) and send cookie-authenticated state changes (AUTH_ALLOWED_ORIGINS, default none:
   * only the request's own origin).
   */
  allowedOrigins: string[];
  /**
   * Users with these emails may list and end any user's sessions (the admin routes); empty: the admin routes are not
   * mounted (AUTH_ADMIN_EMAILS, default empty).
   */
  adminEmails: string[];
  /** A session's absolute lifetime (AUTH_SESSION_LIFETIME_SECONDS, default 30 days). */
  sessionLifetimeSeconds: number;
  /** Idle timeout of sessions signed in without "remember me"; 0: none (AUTH_IDLE_TIMEOUT_SECONDS, default 1800). */
  idleTimeoutSeconds: number;
  /** Live sessions per user; 0: no limit (AUTH_MAX_SESSIONS_PER_USER, default 0). */
  maxSessionsPerUser: number;
  /** What a sign-in past the limit does (AUTH_SESSION_LIMIT_POLICY, default evict-oldest). */
  sessionLimitPolicy: 'refuse' | 'evict-oldest' | 'evict-idle';
  /** The refresh reuse interval in seconds; 0: strict rotation (AUTH_REFRESH_REUSE_INTERVAL_SECONDS, default 10). */
  refreshReuseIntervalSeconds: number;
  /** Seconds between clean-up runs; 0 switches the job off (AUTH_CLEANUP_INTERVAL_SECONDS). */
  cleanupIntervalSeconds: number;
  /** How the guard checks revocation: cached (default) or strict (AUTH_REVOCATION). */
  revocationMode: 'cached' | 'strict';
  /**
   * Requests per minute per client on login and the module's routes; 0 switches the limit off, and with it the
   * login's per-account limit of failed attempts (AUTH_RATE_LIMIT_PER_MINUTE, default 30).
   */
  rateLimitPerMinute: number;
  /** Reverse proxies trusted to name the client in X-Forwarded-For (TRUST_PROXY, default 0: none). */
  trustProxy: number;
  /** Count rate limits in this Redis, shared by every instance (REDIS_URL); unset: each instance in memory. */
  redisUrl?: string;
  /** Clock skew allowed between instances for a token's `exp`, `nbf` and `iat` (AUTH_CLOCK_TOLERANCE_SECONDS, 5). */
  clockToleranceSeconds: number;
  /** Longest wait for a database connection or a statement's answer, in ms (DB_TIMEOUT_MS, default 5000). */
  dbTimeoutMs: number;
  /** The most connections the pool opens (DATABASE_POOL_SIZE, default 10); the listener's is not one of them. */
  databasePoolSize: number;
  /** Named prepared statements on the hot path (DATABASE_PREPARED_STATEMENTS, default false: unnamed ones). */
  preparedStatements: boolean;
  /** Log every audit event of the module (AUDIT_LOG, default true). */
  auditLog: boolean;
  /** Mount the benchmark's extra routes: GET /ping and a stateless passport-jwt route (BENCH_ROUTES=true). */
  benchRoutes: boolean;
  /** The module's Prometheus metrics, in the demo's own registry at GET /metrics (METRICS, default true). */
  metrics: boolean;
  /** Sign-in through an OpenID Connect provider (the OIDC_* variables); unset: none. */
  oidc?: DemoOidcConfig;
}

/** The demo's client at an OpenID Connect provider. */
export interface DemoOidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The callback URL registered at the provider: `<public base URL>/auth/oidc/callback`. */
  redirectUri: string;
  postLogoutRedirectUri?: string;
}

/** The app's settings from a validated environment; `databaseUrl` may come from the embedded database instead. */
export function toDemoConfig(env: DemoEnvironment, databaseUrl: string): DemoConfig {
  return {
    databaseUrl,
    databaseDirectUrl: env.DATABASE_DIRECT_URL,
    port: env.PORT,
    adapter: env.HTTP_ADAPTER,
    jwtSecret: env.JWT_SECRET ?? '',
    jwtAlgorithm: env.JWT_ALGORITHM,
    ...(env.JWT_PRIVATE_KEY && { jwtPrivateKey: pem(env.JWT_PRIVATE_KEY) }),
    ...(env.JWT_PUBLIC_KEY && { jwtPublicKey: pem(env.JWT_PUBLIC_KEY) }),
    revocationCacheEntries: env.AUTH_REVOCATION_CACHE_ENTRIES,
    batchReads: env.AUTH_BATCH_READS,
    verifiedTokenCache: env.AUTH_VERIFIED_TOKEN_CACHE,
    demoUserEmail: env.DEMO_USER_EMAIL,
    demoUserPassword: env.DEMO_USER_PASSWORD,
    exposeErrorDetails: env.AUTH_EXPOSE_ERROR_DETAILS,
    accessTokenCookie: env.AUTH_COOKIE,
    cookieTokensInBody: env.AUTH_COOKIE_TOKENS_IN_BODY,
    allowedOrigins: env.AUTH_ALLOWED_ORIGINS,
    adminEmails: env.AUTH_ADMIN_EMAILS,
    sessionLifetimeSeconds: env.AUTH_SESSION_LIFETIME_SECONDS,
    idleTimeoutSeconds: env.AUTH_IDLE_TIMEOUT_SECONDS,
    maxSessionsPerUser: env.AUTH_MAX_SESSIONS_PER_USER,
    sessionLimitPolicy: env.AUTH_SESSION_LIMIT_POLICY,
    refreshReuseIntervalSeconds: env.AUTH_REFRESH_REUSE_INTERVAL_SECONDS,
    cleanupIntervalSeconds: env.AUTH_CLEANUP_INTERVAL_SECONDS,
    revocationMode: env.AUTH_REVOCATION,
    rateLimitPerMinute: env.AUTH_RATE_LIMIT_PER_MINUTE,
    clockToleranceSeconds: env.AUTH_CLOCK_TOLERANCE_SECONDS,
    dbTimeoutMs: env.DB_TIMEOUT_MS,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    preparedStatements: env.DATABASE_PREPARED_STATEMENTS,
    redisUrl: env.REDIS_URL,
    trustProxy: env.TRUST_PROXY,
    auditLog: env.AUDIT_LOG,
    benchRoutes: env.BENCH_ROUTES,
    metrics: env.METRICS,
    ...(env.OIDC_ISSUER && {
      oidc: {
        issuer: env.OIDC_ISSUER,
        clientId: env.OIDC_CLIENT_ID!,
        clientSecret: env.OIDC_CLIENT_SECRET!,
        redirectUri: env.OIDC_REDIRECT_URI!,
        ...(env.OIDC_POST_LOGOUT_REDIRECT_URI && { postLogoutRedirectUri: env.OIDC_POST_LOGOUT_REDIRECT_URI }),
      },
    }),
  };
}

/** The `iss` and `aud` of the demo's access tokens (the module's defaults, written out for the bench's baseline). */
export const DEMO_TOKEN_CLAIMS = { issuer: 'nest-signout', audience: 'nest-signout-api' } as const;

/** A PEM key from one environment line: `\n` stands for a line break. */
const pem = (value: string) => value.replaceAll('\\n', '\n');

/** The module's `signing` option from the demo's settings. */
export function demoSigning(config: Pick<DemoConfig, 'jwtAlgorithm' | 'jwtSecret' | 'jwtPrivateKey' | 'jwtPublicKey'>) {
  return config.jwtAlgorithm === 'HS256'
    ? { algorithm: 'HS256' as const, secret: config.jwtSecret }
    : { algorithm: config.jwtAlgorithm, privateKey: config.jwtPrivateKey!, publicKey: config.jwtPublicKey! };
}
