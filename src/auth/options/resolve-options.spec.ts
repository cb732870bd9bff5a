import { describe, expect, it } from 'vitest';
import type { AccessTokenCookieOptions } from './auth-options.interface.js';
import { resolveAuthOptions, resolveBackchannelLogout } from './resolve-options.js';
import { mapGuardErrorToGeneric } from '../routes/specs/generic/generic-error.mapper.js';

const signing = { algorithm: 'HS256', secret: 's'.repeat(32) } as const;
const guardErrorMapper = () => ({ status: 401, body: {} });

describe('resolveAuthOptions', () => {
  it('applies every default in one place', async () => {
    const resolved = resolveAuthOptions({ signing });
    expect(resolved.guardErrorMapper).toBe(mapGuardErrorToGeneric);
    expect({ ...resolved, userStore: undefined, guardErrorMapper: undefined }).toEqual({
      signing,
      issuer: 'nest-signout',
      audience: 'nest-signout-api',
      accessTokenTtlSeconds: 900,
      sessionTtlSeconds: 2_592_000,
      idleTimeoutSeconds: null,
      rememberMe: { sessionTtlSeconds: 2_592_000, idleTimeoutSeconds: null },
      sessionLimit: null,
      refreshReuseIntervalSeconds: 10,
      clockToleranceSeconds: 5,
      systemId: 'core',
      exposeErrorDetails: false,
      userStore: undefined,
      guardErrorMapper: undefined,
      databaseTimeoutMs: 5000,
      preparedStatements: false,
      batchReads: { maxConcurrent: 2, maxBatchSize: 100 },
      verifiedTokenCache: { maxEntries: 10_000 },
      cookie: null,
      cors: null,
      cleanup: { intervalSeconds: 3600, retentionDays: 30, batchSize: 1000 },
      revocation: {
        mode: 'cached',
        maxEntryAgeMs: 5000,
        maxEntries: 100_000,
        listenerDeadlineMs: 1000,
        trustPooledListener: false,
      },
      rateLimit: { limit: 30, ttlSeconds: 60 },
      signInThrottle: {
        freeFailures: 5,
        baseDelaySeconds: 1,
        maxDelaySeconds: 900,
        forgetAfterSeconds: 86_400,
        perClient: { failures: 20, windowSeconds: 900 },
      },
      providerLogout: null,
      metrics: null,
    });
    // Without a host store, every user exists and is enabled.
    await expect(resolved.userStore.findUser('u1')).resolves.toEqual({ id: 'u1', disabled: false });
  });

  it('keeps what the host sets', () => {
    const userStore = { findUser: async () => null };
    const cookie: AccessTokenCookieOptions = {
      name: 'at',
      refreshName: 'rt',
      sameSite: 'lax',
      secure: false,
      path: '/app',
      domain: 'example.com',
      tokensInBody: true,
      allowedOrigins: ['https://app.example.com', 'http://localhost:5173'],
      clearSiteData: [],
    };
    const cleanup = { intervalSeconds: 60, retentionDays: 7, batchSize: 10 };
    const revocation = {
      mode: 'strict',
      maxEntryAgeMs: 100,
      maxEntries: 10,
      listenerDeadlineMs: 50,
      trustPooledListener: true,
    } as const;
    const rateLimit = { limit: 5, ttlSeconds: 10 };
    const signInThrottle = {
      freeFailures: 1,
      baseDelaySeconds: 2,
      maxDelaySeconds: 60,
      forgetAfterSeconds: 3600,
      perClient: { failures: 3, windowSeconds: 30 },
    };
    const set = {
      signing,
      issuer: 'i',
      audience: 'a',
      accessTokenTtlSeconds: 60,
      sessionTtlSeconds: 3600,
      idleTimeoutSeconds: 600,
      rememberMe: { sessionTtlSeconds: 86_400, idleTimeoutSeconds: 7200 },
      sessionLimit: { max: 3, policy: 'refuse' as const },
      refreshReuseIntervalSeconds: 0,
      clockToleranceSeconds: 0,
      systemId: 'x',
      exposeErrorDetails: true,
      userStore,
      guardErrorMapper,
      databaseTimeoutMs: 250,
      preparedStatements: true,
      batchReads: { maxConcurrent: 4, maxBatchSize: 50 },
      verifiedTokenCache: { maxEntries: 5 },
      cookie,
      cors: {
        origins: ['https://app.example.com'],
        credentials: false,
        maxAgeSeconds: 60,
        allowedHeaders: ['Authorization', 'Content-Type', 'X-DeviceId', 'X-DeviceIdD'],
      },
      cleanup,
      revocation,
      rateLimit,
      signInThrottle,
      providerLogout: {
        providers: [
          {
            issuer: 'https://idp.example.com',
            clientId: 'app',
            endSessionEndpoint: 'https://idp.example.com/logout',
            postLogoutRedirectUri: 'com.example.app:/signed-out',
          },
        ],
      },
      metrics: { registry: { getSingleMetric: () => undefined, registerMetric: () => undefined }, prefix: 'app:' },
    };
    expect(resolveAuthOptions(set)).toEqual(set);
  });

  it('gives "remember me" the lifetimes it leaves out, and a session limit its default policy', () => {
    expect(resolveAuthOptions({ signing, sessionTtlSeconds: 3600, idleTimeoutSeconds: 600 }).rememberMe).toEqual({
      sessionTtlSeconds: 3600,
      idleTimeoutSeconds: 600,
    });
    expect(
      resolveAuthOptions({ signing, idleTimeoutSeconds: 600, rememberMe: { idleTimeoutSeconds: false } }).rememberMe,
    ).toEqual({ sessionTtlSeconds: 2_592_000, idleTimeoutSeconds: null });
    expect(resolveAuthOptions({ signing, idleTimeoutSeconds: false }).idleTimeoutSeconds).toBeNull();
    expect(resolveAuthOptions({ signing, sessionLimit: { max: 2 } }).sessionLimit).toEqual({
      max: 2,
      policy: 'evict-oldest',
    });
    expect(resolveAuthOptions({ signing, sessionLimit: false }).sessionLimit).toBeNull();
  });

  it('turns the cookie on with secure defaults, and the clean-up job off', () => {
    const resolved = resolveAuthOptions({ signing, cookie: true, cleanup: false });
    expect(resolved.cookie).toEqual({
      name: '__Host-access_token',
      refreshName: '__Secure-refresh_token',
      sameSite: 'strict',
      secure: true,
      path: '/',
      tokensInBody: false,
      allowedOrigins: [],
      clearSiteData: ['cache', 'storage'],
    });
    expect(resolved.cleanup).toBeNull();
    expect(resolveAuthOptions({ signing, rateLimit: false }).rateLimit).toBeNull();
    expect(resolveAuthOptions({ signing, signInThrottle: false }).signInThrottle).toBeNull();
    expect(resolveAuthOptions({ signing, signInThrottle: { perClient: { failures: 3 } } }).signInThrottle).toEqual({
      freeFailures: 5,
      baseDelaySeconds: 1,
      maxDelaySeconds: 900,
      forgetAfterSeconds: 86_400,
      perClient: { failures: 3, windowSeconds: 900 },
    });
    expect(resolveAuthOptions({ signing, cleanup: { retentionDays: 1 } }).cleanup).toEqual({
      intervalSeconds: 3600,
      retentionDays: 1,
      batchSize: 1000,
    });
  });

  it.each([
    [true, ['cache', 'storage']],
    [false, []],
    [
      ['cookies', 'cache', 'cookies'],
      ['cookies', 'cache'],
    ],
    [['*'], ['*']],
  ])('takes clearSiteData %j as the directives %j', (clearSiteData, directives) => {
    expect(resolveAuthOptions({ signing, cookie: { clearSiteData } as never }).cookie?.clearSiteData).toEqual(
      directives,
    );
  });

  it('turns CORS on with its defaults, the headers the module reads always allowed', () => {
    expect(resolveAuthOptions({ signing, cors: { origins: ['https://app.example.com'] } }).cors).toEqual({
      origins: ['https://app.example.com'],
      credentials: false,
      maxAgeSeconds: 600,
      allowedHeaders: ['Authorization', 'Content-Type', 'X-DeviceId', 'X-DeviceIdD'],
    });
    const cors = {
      origins: ['https://app.example.com', 'http://localhost:5173', 'https://app.example.com'],
      credentials: true,
      maxAgeSeconds: 0,
      allowedHeaders: ['traceparent', 'authorization'],
    };
    expect(resolveAuthOptions({ signing, cors }).cors).toEqual({
      origins: ['https://app.example.com', 'http://localhost:5173'],
      credentials: true,
      maxAgeSeconds: 0,
      allowedHeaders: ['authorization', 'Content-Type', 'X-DeviceId', 'X-DeviceIdD', 'traceparent'],
    });
    expect(resolveAuthOptions({ signing, cors: false }).cors).toBeNull();
  });

  it("lets cors origins with credentials pass cookie mode's origin check, and only those", () => {
    const cookie = { allowedOrigins: ['https://admin.example.com'] };
    const origins = ['https://app.example.com'];
    expect(
      resolveAuthOptions({ signing, cookie, cors: { origins, credentials: true } }).cookie?.allowedOrigins,
    ).toEqual(['https://admin.example.com', 'https://app.example.com']);
    expect(resolveAuthOptions({ signing, cookie, cors: { origins } }).cookie?.allowedOrigins).toEqual([
      'https://admin.example.com',
    ]);
    expect(resolveAuthOptions({ signing, cors: { origins, credentials: true } }).cookie).toBeNull();
  });

  it('reads the deprecated heartbeatMs as half the listener deadline, unless the deadline is set', () => {
    expect(resolveAuthOptions({ signing, revocation: { heartbeatMs: 200 } }).revocation.listenerDeadlineMs).toBe(400);
    expect(
      resolveAuthOptions({ signing, revocation: { heartbeatMs: 200, listenerDeadlineMs: 300 } }).revocation,
    ).toEqual({
      mode: 'cached',
      maxEntryAgeMs: 5000,
      maxEntries: 100_000,
      listenerDeadlineMs: 300,
      trustPooledListener: false,
    });
  });

  it('keeps revocation.listenerConnection as given, and has none by default', () => {
    const url = 'postgres://app@db.internal:5432/app';
    expect(resolveAuthOptions({ signing, revocation: { listenerConnection: url } }).revocation).toEqual({
      mode: 'cached',
      maxEntryAgeMs: 5000,
      maxEntries: 100_000,
      listenerDeadlineMs: 1000,
      trustPooledListener: false,
      listenerConnection: url,
    });
    expect('listenerConnection' in resolveAuthOptions({ signing }).revocation).toBe(false);
  });

  // 16 two-byte characters are 32 bytes.
  it.each(['s'.repeat(32), 'é'.repeat(16)])('takes the 32-byte HS256 secret %s', (secret) => {
    const hs256 = { algorithm: 'HS256', secret } as const;
    expect(resolveAuthOptions({ signing: hs256 }).signing).toEqual(hs256);
  });

  it.each([
    [{}, 'the `signing` option is required'],
    [
      { signing: { secret: 'a-secret-without-its-algorithm-named-here' } },
      `signing.algorithm must be 'HS256', 'RS256' or 'ES256' (got undefined)`,
    ],
    [
      { signing: { algorithm: 'none', secret: 'x' } },
      `signing.algorithm must be 'HS256', 'RS256' or 'ES256' (got "none")`,
    ],
    [{ signing: { algorithm: 'HS256', secret: '' } }, 'HS256 needs a secret'],
    [
      { signing: { algorithm: 'HS256', secret: 's'.repeat(31) } },
      'AuthModule: signing.secret must be at least 32 bytes for HS256 (RFC 7518 section 3.2), got 31; ' +
        'generate one with: openssl rand -base64 32',
    ],
    // Bytes, not characters: 15 two-byte characters are 30 bytes.
    [
      { signing: { algorithm: 'HS256', secret: 'é'.repeat(15) } },
      'signing.secret must be at least 32 bytes for HS256 (RFC 7518 section 3.2), got 30',
    ],
    [{ signing: { algorithm: 'RS256', privateKey: 'k', publicKey: '' } }, 'RS256 needs privateKey and publicKey'],
    [{ signing, accessTokenTtlSeconds: 0 }, 'accessTokenTtlSeconds must be a positive integer'],
    [{ signing, sessionTtlSeconds: 1.5 }, 'sessionTtlSeconds must be a positive integer'],
    [{ signing, clockToleranceSeconds: -1 }, 'clockToleranceSeconds must be a non-negative integer'],
    [{ signing, clockToleranceSeconds: 0.5 }, 'clockToleranceSeconds must be a non-negative integer'],
    [{ signing, clockToleranceSeconds: '5' }, 'clockToleranceSeconds must be a non-negative integer'],
    [{ signing, cleanup: { batchSize: 0 } }, 'cleanup.batchSize must be a positive integer'],
    [{ signing, rateLimit: { limit: 0 } }, 'rateLimit.limit must be a positive integer'],
    [{ signing, signInThrottle: { freeFailures: 0 } }, 'signInThrottle.freeFailures must be a positive integer'],
    [
      { signing, signInThrottle: { baseDelaySeconds: 0 } },
      'signInThrottle.baseDelaySeconds must be a positive integer',
    ],
    [{ signing, signInThrottle: { forgetAfterSeconds: 1.5 } }, 'signInThrottle.forgetAfterSeconds must be a positive'],
    [
      { signing, signInThrottle: { perClient: { windowSeconds: 0 } } },
      'signInThrottle.perClient.windowSeconds must be a positive integer',
    ],
    [
      { signing, signInThrottle: { baseDelaySeconds: 10, maxDelaySeconds: 5 } },
      'signInThrottle.maxDelaySeconds must not be below baseDelaySeconds',
    ],
    [{ signing, revocation: { mode: 'lazy' } }, 'revocation.mode must be cached or strict'],
    [{ signing, revocation: { maxEntryAgeMs: -1 } }, 'revocation.maxEntryAgeMs must be a positive integer'],
    [{ signing, revocation: { listenerDeadlineMs: 0 } }, 'revocation.listenerDeadlineMs must be a positive integer'],
    [{ signing, revocation: { heartbeatMs: 0.5 } }, 'revocation.heartbeatMs must be a positive integer'],
    [
      { signing, revocation: { listenerConnection: '' } },
      'revocation.listenerConnection must be a connection string or a pg ClientConfig',
    ],
    [
      { signing, revocation: { listenerConnection: 5432 } },
      'revocation.listenerConnection must be a connection string or a pg ClientConfig',
    ],
    [{ signing, revocation: { trustPooledListener: 'yes' } }, 'revocation.trustPooledListener must be true or false'],
    [{ signing, databaseTimeoutMs: 0 }, 'databaseTimeoutMs must be a positive integer'],
    [{ signing, idleTimeoutSeconds: 0 }, 'idleTimeoutSeconds must be a positive integer or false'],
    [{ signing, idleTimeoutSeconds: true }, 'idleTimeoutSeconds must be a positive integer or false'],
    [{ signing, rememberMe: 30 }, 'rememberMe must be an object of sessionTtlSeconds and idleTimeoutSeconds'],
    [{ signing, rememberMe: { sessionTtlSeconds: -1 } }, 'rememberMe.sessionTtlSeconds must be a positive integer'],
    [
      { signing, rememberMe: { idleTimeoutSeconds: 1.5 } },
      'rememberMe.idleTimeoutSeconds must be a positive integer or false',
    ],
    [{ signing, sessionLimit: 3 }, 'sessionLimit must be false or { max, policy }'],
    [{ signing, sessionLimit: { max: 0 } }, 'sessionLimit.max must be a positive integer'],
    [
      { signing, sessionLimit: { max: 3, policy: 'evict-newest' } },
      'sessionLimit.policy must be refuse, evict-oldest or evict-idle',
    ],
    [{ signing, refreshReuseIntervalSeconds: -1 }, 'refreshReuseIntervalSeconds must be a non-negative integer'],
    [{ signing, preparedStatements: 'true' }, 'preparedStatements must be true or false'],
    [{ signing, cookie: { secure: false } }, 'a __Host- cookie needs secure: true'],
    [{ signing, cookie: { domain: 'example.com' } }, 'a __Host- cookie needs secure: true, path "/" and no domain'],
    [{ signing, cookie: { name: 'a b' } }, 'cookie.name is not a valid cookie name'],
    [
      { signing, cookie: { name: 'at', refreshName: 'rt', sameSite: 'none', secure: false } },
      'cookie.sameSite "none" needs secure: true',
    ],
    [{ signing, cookie: { name: 'at', secure: false } }, 'a __Secure- cookie needs secure: true'],
    [{ signing, cookie: { refreshName: '__Host-rt' } }, 'cookie.refreshName cannot have the __Host- prefix'],
    [{ signing, cookie: { refreshName: 'r t' } }, 'cookie.refreshName is not a valid cookie name'],
    [{ signing, cookie: { name: 'same', refreshName: 'same' } }, 'cookie.name and cookie.refreshName must differ'],
    [
      { signing, cookie: { allowedOrigins: ['https://app.example.com/'] } },
      'cookie.allowedOrigins entries must be origins like https://app.example.com (got "https://app.example.com/")',
    ],
    [{ signing, cookie: { allowedOrigins: ['null'] } }, 'cookie.allowedOrigins entries must be origins'],
    [{ signing, cookie: { allowedOrigins: 'https://a.example' } }, 'cookie.allowedOrigins must be an array of origins'],
    [{ signing, cors: true }, 'cors must be false or { origins, credentials?, maxAgeSeconds?, allowedHeaders? }'],
    [{ signing, cors: {} }, 'cors.origins must be an array of origins'],
    [{ signing, cors: { origins: [] } }, 'cors.origins must list at least one origin'],
    [
      { signing, cors: { origins: ['*'] } },
      'cors.origins entries must be origins like https://app.example.com (got "*")',
    ],
    [{ signing, cors: { origins: ['https://App.example.com/x'] } }, 'cors.origins entries must be origins'],
    [
      { signing, cors: { origins: ['https://a.example'], credentials: 'yes' } },
      'cors.credentials must be true or false',
    ],
    [
      { signing, cors: { origins: ['https://a.example'], maxAgeSeconds: 86_401 } },
      'cors.maxAgeSeconds must be an integer from 0 to 86400',
    ],
    [
      { signing, cors: { origins: ['https://a.example'], maxAgeSeconds: 1.5 } },
      'cors.maxAgeSeconds must be an integer from 0 to 86400',
    ],
    [
      { signing, cors: { origins: ['https://a.example'], allowedHeaders: ['X Trace'] } },
      'cors.allowedHeaders must be an array of header names',
    ],
    [
      { signing, cookie: { clearSiteData: ['cookies', 'everything'] } },
      'cookie.clearSiteData must be true, false or a list of cache, cookies, storage, executionContexts, *',
    ],
    [{ signing, metrics: { prefix: '9app_' } }, 'metrics.prefix must be letters, digits, _ and :'],
    [{ signing, metrics: { prefix: 'my-app_' } }, 'metrics.prefix must be letters, digits, _ and :'],
    [{ signing, providerLogout: { providers: [] } }, 'providerLogout.providers must list at least one provider'],
    [{ signing, batchReads: { maxConcurrent: 0 } }, 'batchReads.maxConcurrent must be a positive integer'],
    [{ signing, batchReads: { maxBatchSize: 1.5 } }, 'batchReads.maxBatchSize must be a positive integer'],
    [{ signing, verifiedTokenCache: { maxEntries: 0 } }, 'verifiedTokenCache.maxEntries must be a positive integer'],
    [
      { signing, providerLogout: { providers: [{ issuer: 'http://idp.example.com', clientId: 'app' }] } },
      'providerLogout.providers[0].issuer must be an https URL (got "http://idp.example.com")',
    ],
    [
      { signing, providerLogout: { providers: [{ issuer: 'https://idp.example.com', clientId: '' }] } },
      'providerLogout.providers[0].clientId must be a non-empty string',
    ],
    [
      {
        signing,
        providerLogout: {
          providers: [{ issuer: 'https://idp.example.com', clientId: 'a', endSessionEndpoint: 'http://idp/end' }],
        },
      },
      'providerLogout.providers[0].endSessionEndpoint must be an https URL (got "http://idp/end")',
    ],
    [
      {
        signing,
        providerLogout: {
          providers: [{ issuer: 'https://idp.example.com', clientId: 'a', postLogoutRedirectUri: '/signed-out' }],
        },
      },
      'providerLogout.providers[0].postLogoutRedirectUri must be an absolute URL (got "/signed-out")',
    ],
    [
      {
        signing,
        providerLogout: {
          providers: [
            { issuer: 'https://idp.example.com', clientId: 'a' },
            { issuer: 'https://idp.example.com', clientId: 'b' },
          ],
        },
      },
      'providerLogout.providers[1].issuer is listed twice',
    ],
  ])('refuses %j', (options, message) => {
    expect(() => resolveAuthOptions(options as never)).toThrow(message);
  });
});

describe('resolveBackchannelLogout', () => {
  const provider = { issuer: 'https://idp.example.com', clientId: 'app' };

  it('is off without the option, and applies its defaults', () => {
    expect(resolveBackchannelLogout(undefined)).toBeNull();
    expect(resolveBackchannelLogout({ providers: [provider] })).toEqual({
      providers: [provider],
      clockToleranceSeconds: 30,
      maxTokenAgeSeconds: 300,
    });
  });

  it('keeps what the host sets; plain http only on a loopback host', () => {
    const local = { issuer: 'http://127.0.0.1:8080/realms/a', clientId: 'b', jwksUri: 'http://localhost:8080/jwks' };
    expect(
      resolveBackchannelLogout({ providers: [provider, local], clockToleranceSeconds: 0, maxTokenAgeSeconds: 60 }),
    ).toEqual({ providers: [provider, local], clockToleranceSeconds: 0, maxTokenAgeSeconds: 60 });
  });

  it.each([
    [{ providers: [] }, 'backchannelLogout.providers must list at least one provider'],
    [{}, 'backchannelLogout.providers must list at least one provider'],
    [
      { providers: [{ issuer: 'http://idp.example.com', clientId: 'app' }] },
      'backchannelLogout.providers[0].issuer must be an https URL (got "http://idp.example.com")',
    ],
    [
      { providers: [{ issuer: 'idp', clientId: 'app' }] },
      'backchannelLogout.providers[0].issuer must be an https URL (got "idp")',
    ],
    [
      { providers: [{ ...provider, jwksUri: 'ftp://idp.example.com/jwks' }] },
      'backchannelLogout.providers[0].jwksUri must be an https URL (got "ftp://idp.example.com/jwks")',
    ],
    [
      { providers: [{ ...provider, clientId: '' }] },
      'backchannelLogout.providers[0].clientId must be a non-empty string',
    ],
    [{ providers: [provider, provider] }, 'backchannelLogout.providers[1].issuer is listed twice'],
    [
      { providers: [provider], clockToleranceSeconds: -1 },
      'backchannelLogout.clockToleranceSeconds must be a non-negative integer',
    ],
    [
      { providers: [provider], maxTokenAgeSeconds: 0 },
      'backchannelLogout.maxTokenAgeSeconds must be a positive integer',
    ],
  ])('refuses %j', (option, message) => {
    expect(() => resolveBackchannelLogout(option as never)).toThrow(`AuthModule: ${message}`);
  });
});
