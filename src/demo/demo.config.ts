/** The demo app's settings, read once from the environment. */
export interface DemoConfig {
  databaseUrl: string;
  port: number;
  adapter: 'fastify' | 'express';
  jwtSecret: string;
  demoUserEmail: string;
  demoUserPassword: string;
  exposeErrorDetails: boolean;
  /** Also hand the access token out as an HttpOnly cookie (AUTH_COOKIE=true). */
  accessTokenCookie: boolean;
  /** Seconds between clean-up runs; 0 switches the job off (AUTH_CLEANUP_INTERVAL_SECONDS). */
  cleanupIntervalSeconds: number;
  /** How the guard checks revocation: cached (default) or strict (AUTH_REVOCATION). */
  revocationMode: 'cached' | 'strict';
  /** Requests per minute per client on login and the module's routes; 0 switches the limit off (AUTH_RATE_LIMIT_PER_MINUTE, default 30). */
  rateLimitPerMinute: number;
  /** Longest wait for a database connection or a statement's answer, in ms (DB_TIMEOUT_MS, default 5000). */
  dbTimeoutMs: number;
  /** Log every audit event of the module (AUDIT_LOG, default true). */
  auditLog: boolean;
  /** Mount the benchmark's extra routes: GET /ping and a stateless passport-jwt route (BENCH_ROUTES=true). */
  benchRoutes: boolean;
}

/** Settings that the process environment gives; `databaseUrl` may come from the embedded database instead. */
export function readDemoConfig(env: NodeJS.ProcessEnv, databaseUrl: string): DemoConfig {
  const adapter = env.HTTP_ADAPTER ?? 'fastify';
  if (adapter !== 'fastify' && adapter !== 'express') throw new Error(`HTTP_ADAPTER must be fastify or express, not ${adapter}`);
  const revocationMode = env.AUTH_REVOCATION ?? 'cached';
  if (revocationMode !== 'cached' && revocationMode !== 'strict') throw new Error(`AUTH_REVOCATION must be cached or strict, not ${revocationMode}`);
  return {
    databaseUrl,
    port: Number(env.PORT ?? 3000),
    adapter,
    jwtSecret: env.JWT_SECRET ?? '',
    demoUserEmail: env.DEMO_USER_EMAIL ?? 'demo@example.com',
    demoUserPassword: env.DEMO_USER_PASSWORD ?? 'demo-password',
    exposeErrorDetails: env.AUTH_EXPOSE_ERROR_DETAILS === 'true',
    accessTokenCookie: env.AUTH_COOKIE === 'true',
    cleanupIntervalSeconds: Number(env.AUTH_CLEANUP_INTERVAL_SECONDS ?? 3600),
    revocationMode,
    rateLimitPerMinute: Number(env.AUTH_RATE_LIMIT_PER_MINUTE ?? 30),
    dbTimeoutMs: Number(env.DB_TIMEOUT_MS ?? 5000),
    auditLog: env.AUDIT_LOG !== 'false',
    benchRoutes: env.BENCH_ROUTES === 'true',
  };
}
