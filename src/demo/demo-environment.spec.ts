import { describe, expect, it } from 'vitest';
import { DemoEnvironment, InvalidEnvironmentError, validateDemoEnvironment } from './demo-environment.js';
import { toDemoConfig } from './demo.config.js';

const SECRET = 'a-secret-of-exactly-thirty-two-b';

function problemsOf(env: Record<string, string>): string[] {
  try {
    validateDemoEnvironment(env);
  } catch (error) {
    if (error instanceof InvalidEnvironmentError) return error.problems;
    throw error;
  }
  return [];
}

describe('validateDemoEnvironment', () => {
  it('gives every default for an empty environment, with a random secret and a warning outside production', () => {
    const { environment, warnings } = validateDemoEnvironment({});
    expect(environment.JWT_SECRET).toMatch(/^[\w-]{43}$/);
    expect(validateDemoEnvironment({}).environment.JWT_SECRET).not.toBe(environment.JWT_SECRET);
    expect(warnings).toEqual([
      'JWT_SECRET is not set: using a random one for this run; tokens will not survive a restart ' +
        '(NODE_ENV=production refuses to start without one)',
    ]);
    expect(toDemoConfig(environment, 'postgres://db')).toEqual({
      databaseUrl: 'postgres://db',
      port: 3000,
      adapter: 'fastify',
      jwtSecret: environment.JWT_SECRET,
      jwtAlgorithm: 'HS256',
      revocationCacheEntries: 100_000,
      batchReads: true,
      verifiedTokenCache: true,
      demoUserEmail: 'demo@example.com',
      demoUserPassword: 'demo-password',
      exposeErrorDetails: false,
      accessTokenCookie: true,
      cookieTokensInBody: true,
      allowedOrigins: [],
      adminEmails: [],
      sessionLifetimeSeconds: 2_592_000,
      idleTimeoutSeconds: 1800,
      maxSessionsPerUser: 0,
      sessionLimitPolicy: 'evict-oldest',
      refreshReuseIntervalSeconds: 10,
      cleanupIntervalSeconds: 3600,
      revocationMode: 'cached',
      rateLimitPerMinute: 30,
      clockToleranceSeconds: 5,
      dbTimeoutMs: 5000,
      databasePoolSize: 10,
      preparedStatements: false,
      redisUrl: undefined,
      trustProxy: 0,
      auditLog: true,
      benchRoutes: false,
      metrics: true,
    });
    expect({ ...environment, JWT_SECRET: undefined }).toEqual({ ...new DemoEnvironment(), JWT_SECRET: undefined });
  });

  it('reads every variable it knows, and nothing else', () => {
    const { environment, warnings } = validateDemoEnvironment({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgresql://user:pw@db:5432/app',
      EMBEDDED_POSTGRES_DIR: '/var/lib/demo',
      JWT_SECRET: SECRET,
      PORT: '8080',
      HTTP_ADAPTER: 'express',
      DEMO_USER_EMAIL: 'me@example.org',
      DEMO_USER_PASSWORD: 'pw',
      AUTH_EXPOSE_ERROR_DETAILS: 'true',
      AUTH_COOKIE: 'true',
      AUTH_COOKIE_TOKENS_IN_BODY: 'false',
      AUTH_ALLOWED_ORIGINS: ' https://app.example.com, http://localhost:5173 ,',
      AUTH_ADMIN_EMAILS: ' admin@example.com, Ops@Example.org ,',
      AUTH_SESSION_LIFETIME_SECONDS: '86400',
      AUTH_IDLE_TIMEOUT_SECONDS: '0',
      AUTH_MAX_SESSIONS_PER_USER: '5',
      AUTH_SESSION_LIMIT_POLICY: 'refuse',
      AUTH_REFRESH_REUSE_INTERVAL_SECONDS: '0',
      AUTH_CLEANUP_INTERVAL_SECONDS: '0',
      AUTH_RATE_LIMIT_PER_MINUTE: '0',
      AUTH_REVOCATION: 'strict',
      AUTH_REVOCATION_CACHE_ENTRIES: '50',
      AUTH_BATCH_READS: 'false',
      AUTH_VERIFIED_TOKEN_CACHE: 'false',
      JWT_ALGORITHM: 'RS256',
      JWT_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\\nMIIE\\n-----END PRIVATE KEY-----',
      JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\\nMIIB\\n-----END PUBLIC KEY-----',
      TRUST_PROXY: '1',
      REDIS_URL: 'redis://cache:6379',
      AUTH_CLOCK_TOLERANCE_SECONDS: '0',
      DB_TIMEOUT_MS: '250',
      DATABASE_POOL_SIZE: '3',
      DATABASE_PREPARED_STATEMENTS: 'true',
      SHUTDOWN_TIMEOUT_MS: '0',
      AUDIT_LOG: 'false',
      BENCH_ROUTES: 'true',
      METRICS: 'false',
      OIDC_ISSUER: 'https://idp.example.com/realms/demo',
      OIDC_CLIENT_ID: 'demo',
      OIDC_CLIENT_SECRET: 'client-secret',
      OIDC_REDIRECT_URI: 'https://app.example.com/auth/oidc/callback',
      OIDC_POST_LOGOUT_REDIRECT_URI: 'https://app.example.com/',
      PATH: '/usr/bin',
    });
    expect(warnings).toEqual([]);
    expect({ ...environment }).toEqual({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgresql://user:pw@db:5432/app',
      EMBEDDED_POSTGRES_DIR: '/var/lib/demo',
      JWT_SECRET: SECRET,
      PORT: 8080,
      HTTP_ADAPTER: 'express',
      DEMO_USER_EMAIL: 'me@example.org',
      DEMO_USER_PASSWORD: 'pw',
      AUTH_EXPOSE_ERROR_DETAILS: true,
      AUTH_COOKIE: true,
      AUTH_COOKIE_TOKENS_IN_BODY: false,
      AUTH_ALLOWED_ORIGINS: ['https://app.example.com', 'http://localhost:5173'],
      AUTH_ADMIN_EMAILS: ['admin@example.com', 'Ops@Example.org'],
      AUTH_SESSION_LIFETIME_SECONDS: 86_400,
      AUTH_IDLE_TIMEOUT_SECONDS: 0,
      AUTH_MAX_SESSIONS_PER_USER: 5,
      AUTH_SESSION_LIMIT_POLICY: 'refuse',
      AUTH_REFRESH_REUSE_INTERVAL_SECONDS: 0,
      AUTH_CLEANUP_INTERVAL_SECONDS: 0,
      AUTH_RATE_LIMIT_PER_MINUTE: 0,
      AUTH_REVOCATION: 'strict',
      AUTH_REVOCATION_CACHE_ENTRIES: 50,
      AUTH_BATCH_READS: false,
      AUTH_VERIFIED_TOKEN_CACHE: false,
      JWT_ALGORITHM: 'RS256',
      JWT_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\\nMIIE\\n-----END PRIVATE KEY-----',
      JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\\nMIIB\\n-----END PUBLIC KEY-----',
      TRUST_PROXY: 1,
      REDIS_URL: 'redis://cache:6379',
      AUTH_CLOCK_TOLERANCE_SECONDS: 0,
      DB_TIMEOUT_MS: 250,
      DATABASE_POOL_SIZE: 3,
      DATABASE_PREPARED_STATEMENTS: true,
      SHUTDOWN_TIMEOUT_MS: 0,
      AUDIT_LOG: false,
      BENCH_ROUTES: true,
      METRICS: false,
      OIDC_ISSUER: 'https://idp.example.com/realms/demo',
      OIDC_CLIENT_ID: 'demo',
      OIDC_CLIENT_SECRET: 'client-secret',
      OIDC_REDIRECT_URI: 'https://app.example.com/auth/oidc/callback',
      OIDC_POST_LOGOUT_REDIRECT_URI: 'https://app.example.com/',
    });
    expect(toDemoConfig(environment, 'postgres://db')).toMatchObject({
      jwtAlgorithm: 'RS256',
      jwtPrivateKey: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----',
      jwtPublicKey: '-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----',
      revocationCacheEntries: 50,
      batchReads: false,
      verifiedTokenCache: false,
      oidc: {
        issuer: 'https://idp.example.com/realms/demo',
        clientId: 'demo',
        clientSecret: 'client-secret',
        redirectUri: 'https://app.example.com/auth/oidc/callback',
        postLogoutRedirectUri: 'https://app.example.com/',
      },
      adminEmails: ['admin@example.com', 'Ops@Example.org'],
      sessionLifetimeSeconds: 86_400,
      idleTimeoutSeconds: 0,
      maxSessionsPerUser: 5,
      sessionLimitPolicy: 'refuse',
      refreshReuseIntervalSeconds: 0,
      clockToleranceSeconds: 0,
      dbTimeoutMs: 250,
      databasePoolSize: 3,
      preparedStatements: true,
    });
  });

  it('takes an empty variable as unset', () => {
    expect(validateDemoEnvironment({ PORT: '', HTTP_ADAPTER: '', JWT_SECRET: SECRET }).environment).toMatchObject({
      PORT: 3000,
      HTTP_ADAPTER: 'fastify',
    });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT must be an integer from 0 to 65535 (got "abc")'],
    [{ PORT: '65536' }, 'PORT must be an integer from 0 to 65535 (got "65536")'],
    [{ PORT: '0x50' }, 'PORT must be an integer from 0 to 65535 (got "0x50")'],
    [{ PORT: '80.5' }, 'PORT must be an integer from 0 to 65535 (got "80.5")'],
    [{ HTTP_ADAPTER: 'koa' }, 'HTTP_ADAPTER must be fastify or express (got "koa")'],
    [{ TRUST_PROXY: 'true' }, 'TRUST_PROXY must be an integer from 0 to 10 (got "true")'],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL must be a redis:// or rediss:// URL'],
    [{ AUTH_REVOCATION: 'sometimes' }, 'AUTH_REVOCATION must be cached or strict (got "sometimes")'],
    [
      { AUTH_RATE_LIMIT_PER_MINUTE: '-1' },
      'AUTH_RATE_LIMIT_PER_MINUTE must be an integer from 0 to 9007199254740991 (got "-1")',
    ],
    [
      { AUTH_CLEANUP_INTERVAL_SECONDS: '3000000' },
      'AUTH_CLEANUP_INTERVAL_SECONDS must be an integer from 0 to 2147483 seconds (got "3000000")',
    ],
    [
      { AUTH_CLOCK_TOLERANCE_SECONDS: '-1' },
      'AUTH_CLOCK_TOLERANCE_SECONDS must be an integer from 0 to 300 seconds (got "-1")',
    ],
    [
      { AUTH_CLOCK_TOLERANCE_SECONDS: '301' },
      'AUTH_CLOCK_TOLERANCE_SECONDS must be an integer from 0 to 300 seconds (got "301")',
    ],
    [
      { AUTH_CLOCK_TOLERANCE_SECONDS: '1.5' },
      'AUTH_CLOCK_TOLERANCE_SECONDS must be an integer from 0 to 300 seconds (got "1.5")',
    ],
    [{ DB_TIMEOUT_MS: '0' }, 'DB_TIMEOUT_MS must be an integer from 1 to 2147483647 ms (got "0")'],
    [{ DATABASE_POOL_SIZE: '0' }, 'DATABASE_POOL_SIZE must be an integer from 1 to 10000 (got "0")'],
    [{ DATABASE_POOL_SIZE: '2.5' }, 'DATABASE_POOL_SIZE must be an integer from 1 to 10000 (got "2.5")'],
    [{ DATABASE_POOL_SIZE: 'ten' }, 'DATABASE_POOL_SIZE must be an integer from 1 to 10000 (got "ten")'],
    [{ SHUTDOWN_TIMEOUT_MS: '-5' }, 'SHUTDOWN_TIMEOUT_MS must be an integer from 0 to 2147483647 ms (got "-5")'],
    [{ AUTH_COOKIE: 'yes' }, 'AUTH_COOKIE must be true or false (got "yes")'],
    [
      { AUTH_ALLOWED_ORIGINS: 'https://app.example.com,https://app.example.com/' },
      'AUTH_ALLOWED_ORIGINS must be comma-separated origins like https://app.example.com ' +
        '(got "https://app.example.com/")',
    ],
    [
      { AUTH_ALLOWED_ORIGINS: 'app.example.com' },
      'AUTH_ALLOWED_ORIGINS must be comma-separated origins like https://app.example.com (got "app.example.com")',
    ],
    [
      { AUTH_ADMIN_EMAILS: 'admin@example.com,ops' },
      'AUTH_ADMIN_EMAILS must be comma-separated email addresses (got "ops")',
    ],
    [
      { AUTH_SESSION_LIFETIME_SECONDS: '59' },
      'AUTH_SESSION_LIFETIME_SECONDS must be an integer from 60 to 315360000 seconds (got "59")',
    ],
    [
      { AUTH_IDLE_TIMEOUT_SECONDS: '-1' },
      'AUTH_IDLE_TIMEOUT_SECONDS must be an integer from 0 to 31536000 seconds (got "-1")',
    ],
    [
      { AUTH_MAX_SESSIONS_PER_USER: 'many' },
      'AUTH_MAX_SESSIONS_PER_USER must be an integer from 0 to 10000 (got "many")',
    ],
    [
      { AUTH_SESSION_LIMIT_POLICY: 'evict-newest' },
      'AUTH_SESSION_LIMIT_POLICY must be refuse, evict-oldest or evict-idle (got "evict-newest")',
    ],
    [
      { AUTH_REFRESH_REUSE_INTERVAL_SECONDS: '301' },
      'AUTH_REFRESH_REUSE_INTERVAL_SECONDS must be an integer from 0 to 300 seconds (got "301")',
    ],
    [{ AUDIT_LOG: '0' }, 'AUDIT_LOG must be true or false (got "0")'],
    [{ METRICS: 'yes' }, 'METRICS must be true or false (got "yes")'],
    [{ DATABASE_PREPARED_STATEMENTS: 'yes' }, 'DATABASE_PREPARED_STATEMENTS must be true or false (got "yes")'],
    [{ NODE_ENV: 'prod' }, 'NODE_ENV must be development, production or test (got "prod")'],
    [{ DEMO_USER_EMAIL: 'demo' }, 'DEMO_USER_EMAIL must be an email address (got "demo")'],
    [
      { DEMO_USER_PASSWORD: 'p'.repeat(1025) },
      'DEMO_USER_PASSWORD must be at most 1024 characters: the login route refuses longer passwords',
    ],
    [{ DATABASE_URL: 'mysql://secret@db/app' }, 'DATABASE_URL must be a postgres:// or postgresql:// URL'],
    [
      { JWT_ALGORITHM: 'RS256', JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----' },
      'JWT_PRIVATE_KEY must be a PEM private key (PKCS#8) with RS256 or ES256',
    ],
    [
      { OIDC_ISSUER: 'https://idp.example.com', OIDC_CLIENT_ID: 'demo' },
      'OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI go together: set all or none ' +
        '(missing: OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI)',
    ],
    [
      {
        OIDC_ISSUER: 'http://idp.example.com',
        OIDC_CLIENT_ID: 'demo',
        OIDC_CLIENT_SECRET: 's',
        OIDC_REDIRECT_URI: 'http://localhost:3000/auth/oidc/callback',
      },
      'OIDC_ISSUER must be an https URL (http only on localhost) (got "http://idp.example.com")',
    ],
  ])('%o is refused: %s', (env, problem) => {
    expect(problemsOf(env)).toEqual([problem]);
  });

  it('lists every problem at once, one line each', () => {
    const error = (() => {
      try {
        validateDemoEnvironment({ PORT: 'abc', HTTP_ADAPTER: 'koa', AUTH_REVOCATION: 'sometimes' });
      } catch (thrown) {
        return thrown as InvalidEnvironmentError;
      }
    })();
    expect(error).toBeInstanceOf(InvalidEnvironmentError);
    expect(error?.message.split('\n')).toEqual([
      'PORT must be an integer from 0 to 65535 (got "abc")',
      'HTTP_ADAPTER must be fastify or express (got "koa")',
      'AUTH_REVOCATION must be cached or strict (got "sometimes")',
    ]);
  });

  describe('JWT_SECRET', () => {
    it('is required in production', () => {
      expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
        'JWT_SECRET is required when NODE_ENV=production (generate one with: openssl rand -base64 32)',
      ]);
    });

    it('must be 32 bytes in production, counted in UTF-8 bytes, and is never echoed', () => {
      const short = 's'.repeat(31);
      expect(problemsOf({ NODE_ENV: 'production', JWT_SECRET: short })).toEqual([
        'JWT_SECRET must be at least 32 bytes (generate one with: openssl rand -base64 32)',
      ]);
      // 16 two-byte characters: 16 characters, 32 bytes.
      expect(problemsOf({ NODE_ENV: 'production', JWT_SECRET: 'é'.repeat(16) })).toEqual([]);
    });

    it('shorter than 32 bytes is refused in every environment (the module refuses it too)', () => {
      expect(problemsOf({ NODE_ENV: 'development', JWT_SECRET: 'short' })).toEqual([
        'JWT_SECRET must be at least 32 bytes (generate one with: openssl rand -base64 32)',
      ]);
    });
  });
});
