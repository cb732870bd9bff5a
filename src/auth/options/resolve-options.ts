import { allowAllUserStore, type AuthUserStore } from '../auth-user-store.interface.js';
import type {
  AccessTokenCookieOptions,
  AuthCorsOptions,
  AuthModuleOptions,
  BackchannelLogoutOptions,
  BackchannelLogoutProvider,
  ClearSiteDataDirective,
  RateLimitOptions,
  RevocationOptions,
  SessionCleanupOptions,
  SessionLifetimeOptions,
  SessionLimitPolicy,
  SignInThrottleOptions,
  SigningOptions,
} from './auth-options.interface.js';
import { mapGuardErrorToGeneric } from '../routes/specs/generic/generic-error.mapper.js';
import type { ErrorMapper } from '../http/error-response.js';
import type { MetricsOptions } from '../metrics/metrics-options.interface.js';
import type { ReadBatchLimits } from '../sessions/read-batcher.js';
import { providerUrl, resolveProviderList } from './provider-url.js';
import { resolveCors, resolveOrigins } from './resolve-cors.js';
import { resolveProviderLogout, type ResolvedProviderLogoutOptions } from './resolve-provider-logout.js';

/** A lifetime profile with its defaults applied. */
export interface ResolvedSessionLifetime {
  sessionTtlSeconds: number;
  idleTimeoutSeconds: number | null;
}

/** Every option with its default applied; the rest of the module reads only this. */
export interface ResolvedAuthOptions {
  signing: SigningOptions;
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
  sessionTtlSeconds: number;
  /** Null: no idle limit. */
  idleTimeoutSeconds: number | null;
  /** The lifetimes of a "remember me" session. */
  rememberMe: ResolvedSessionLifetime;
  /** Null: no limit. */
  sessionLimit: { max: number; policy: SessionLimitPolicy } | null;
  refreshReuseIntervalSeconds: number;
  clockToleranceSeconds: number;
  systemId: string;
  exposeErrorDetails: boolean;
  userStore: AuthUserStore;
  guardErrorMapper: ErrorMapper;
  databaseTimeoutMs: number;
  preparedStatements: boolean;
  /** Null: one statement per read. */
  batchReads: ReadBatchLimits | null;
  /** Null: every request verifies its token. */
  verifiedTokenCache: { maxEntries: number } | null;
  /** Null when cookie mode is off. */
  cookie: ResolvedCookieOptions | null;
  /** Null when CORS is off. */
  cors: ResolvedCorsOptions | null;
  /** Null when the clean-up job is off. */
  cleanup: Required<SessionCleanupOptions> | null;
  revocation: Required<Omit<RevocationOptions, 'heartbeatMs' | 'listenerConnection'>> &
    Pick<RevocationOptions, 'listenerConnection'>;
  /** Null when rate limiting is off. */
  rateLimit: (Required<Omit<RateLimitOptions, 'storage'>> & Pick<RateLimitOptions, 'storage'>) | null;
  /** Null when the sign-in throttle is off. */
  signInThrottle: ResolvedSignInThrottleOptions | null;
  /** Null when RP-initiated logout is off. */
  providerLogout: ResolvedProviderLogoutOptions | null;
  /** Null when metrics are off. */
  metrics: MetricsOptions | null;
}

/** The sign-in throttle's options with their defaults. */
export type ResolvedSignInThrottleOptions = Required<Omit<SignInThrottleOptions, 'perClient'>> & {
  perClient: { failures: number; windowSeconds: number };
};

/** Cookie mode with its defaults; `clearSiteData` is the directive list (empty: no header). */
export type ResolvedCookieOptions = Required<Omit<AccessTokenCookieOptions, 'domain' | 'clearSiteData'>> &
  Pick<AccessTokenCookieOptions, 'domain'> & { clearSiteData: ClearSiteDataDirective[] };

/** CORS with its defaults; `allowedHeaders` holds the module's own request headers too. */
export type ResolvedCorsOptions = Required<AuthCorsOptions>;

export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');

/** RFC 7518 section 3.2: an HS256 key at least as long as the hash output. */
const MIN_HS256_SECRET_BYTES = 32;

/** Every default, in one place. */
export const AUTH_DEFAULTS = {
  issuer: 'nest-signout',
  audience: 'nest-signout-api',
  accessTokenTtlSeconds: 15 * 60,
  sessionTtlSeconds: 30 * 24 * 60 * 60,
  /** No idle limit. */
  idleTimeoutSeconds: false,
  /** "Remember me" sessions: the same lifetimes as any other unless set. */
  rememberMe: {},
  /** No limit; with one, the policy is `evict-oldest`. */
  sessionLimit: false,
  sessionLimitPolicy: 'evict-oldest',
  refreshReuseIntervalSeconds: 10,
  clockToleranceSeconds: 5,
  systemId: 'core',
  exposeErrorDetails: false,
  databaseTimeoutMs: 5000,
  preparedStatements: false,
  cookie: {
    name: '__Host-access_token',
    refreshName: '__Secure-refresh_token',
    sameSite: 'strict',
    secure: true,
    path: '/',
    tokensInBody: false,
    allowedOrigins: [],
    clearSiteData: true,
  },
  /** What `clearSiteData: true` sends: not `"cookies"`, which clears the whole registrable domain's. */
  clearSiteData: ['cache', 'storage'],
  /** With `cors` given: no credentials, preflights kept 10 minutes, only the headers the module reads. */
  cors: { credentials: false, maxAgeSeconds: 600, allowedHeaders: [] },
  /** What the module's routes read of a request: the token, the body's type, the device headers of `/signout`. */
  corsRequestHeaders: ['Authorization', 'Content-Type', 'X-DeviceId', 'X-DeviceIdD'],
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
  /** No providers: `POST /auth/backchannel-logout` is not mounted. */
  backchannelLogout: { providers: [], clockToleranceSeconds: 30, maxTokenAgeSeconds: 300 },
  batchReads: { maxConcurrent: 2, maxBatchSize: 100 },
  verifiedTokenCache: { maxEntries: 10_000 },
} as const;

export function resolveAuthOptions(options: AuthModuleOptions): ResolvedAuthOptions {
  if (!options?.signing) throw new Error('AuthModule: the `signing` option is required');
  const signing = options.signing;
  if (!['HS256', 'RS256', 'ES256'].includes(signing.algorithm)) {
    throw new Error(
      `AuthModule: signing.algorithm must be 'HS256', 'RS256' or 'ES256' (got ${JSON.stringify(signing.algorithm)})`,
    );
  }
  if (signing.algorithm === 'HS256' && !signing.secret) throw new Error('AuthModule: HS256 needs a secret');
  if (signing.algorithm === 'HS256' && Buffer.byteLength(signing.secret) < MIN_HS256_SECRET_BYTES) {
    throw new Error(
      `AuthModule: signing.secret must be at least ${MIN_HS256_SECRET_BYTES} bytes for HS256 (RFC 7518 section 3.2), ` +
        `got ${Buffer.byteLength(signing.secret)}; generate one with: openssl rand -base64 32`,
    );
  }
  if (signing.algorithm !== 'HS256' && (!signing.privateKey || !signing.publicKey)) {
    throw new Error(`AuthModule: ${signing.algorithm} needs privateKey and publicKey`);
  }
  const resolved: ResolvedAuthOptions = {
    signing,
    issuer: options.issuer ?? AUTH_DEFAULTS.issuer,
    audience: options.audience ?? AUTH_DEFAULTS.audience,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? AUTH_DEFAULTS.accessTokenTtlSeconds,
    sessionTtlSeconds: options.sessionTtlSeconds ?? AUTH_DEFAULTS.sessionTtlSeconds,
    ...resolveSessionPolicies(options),
    clockToleranceSeconds: options.clockToleranceSeconds ?? AUTH_DEFAULTS.clockToleranceSeconds,
    systemId: options.systemId ?? AUTH_DEFAULTS.systemId,
    exposeErrorDetails: options.exposeErrorDetails ?? AUTH_DEFAULTS.exposeErrorDetails,
    userStore: options.userStore ?? allowAllUserStore,
    guardErrorMapper: options.guardErrorMapper ?? mapGuardErrorToGeneric,
    databaseTimeoutMs: options.databaseTimeoutMs ?? AUTH_DEFAULTS.databaseTimeoutMs,
    preparedStatements: options.preparedStatements ?? AUTH_DEFAULTS.preparedStatements,
    batchReads: resolveBatchReads(options.batchReads),
    verifiedTokenCache: resolveVerifiedTokenCache(options.verifiedTokenCache),
    cookie: resolveCookie(options.cookie, options.cors),
    cors: resolveCors(options.cors, AUTH_DEFAULTS.cors, AUTH_DEFAULTS.corsRequestHeaders),
    cleanup: options.cleanup === false ? null : { ...AUTH_DEFAULTS.cleanup, ...options.cleanup },
    revocation: resolveRevocation(options.revocation),
    rateLimit: options.rateLimit === false ? null : { ...AUTH_DEFAULTS.rateLimit, ...options.rateLimit },
    signInThrottle: resolveSignInThrottle(options.signInThrottle),
    providerLogout: resolveProviderLogout(options.providerLogout),
    metrics: options.metrics ? { ...options.metrics } : null,
  };
  if (resolved.rateLimit) positiveIntegers(resolved.rateLimit, ['limit', 'ttlSeconds'], 'rateLimit.');
  const prefix = resolved.metrics?.prefix;
  // A Prometheus metric name is [a-zA-Z_:][a-zA-Z0-9_:]*; prom-client would refuse a bad one only at the first metric.
  if (prefix !== undefined && !/^([a-zA-Z_:][a-zA-Z0-9_:]*)?$/.test(prefix))
    throw new Error(`AuthModule: metrics.prefix must be letters, digits, _ and : (not first a digit), got ${prefix}`);
  if (resolved.revocation.mode !== 'cached' && resolved.revocation.mode !== 'strict')
    throw new Error('AuthModule: revocation.mode must be cached or strict');
  positiveIntegers(resolved.revocation, ['maxEntryAgeMs', 'maxEntries', 'listenerDeadlineMs'], 'revocation.');
  const { listenerConnection } = resolved.revocation;
  if (
    listenerConnection !== undefined &&
    !(typeof listenerConnection === 'string' && listenerConnection !== '') &&
    !(typeof listenerConnection === 'object' && listenerConnection !== null)
  )
    throw new Error('AuthModule: revocation.listenerConnection must be a connection string or a pg ClientConfig');
  if (typeof resolved.revocation.trustPooledListener !== 'boolean')
    throw new Error('AuthModule: revocation.trustPooledListener must be true or false');
  positiveIntegers(resolved, ['accessTokenTtlSeconds', 'sessionTtlSeconds', 'databaseTimeoutMs']);
  if (typeof resolved.preparedStatements !== 'boolean')
    throw new Error('AuthModule: preparedStatements must be true or false');
  if (!Number.isInteger(resolved.clockToleranceSeconds) || resolved.clockToleranceSeconds < 0)
    throw new Error('AuthModule: clockToleranceSeconds must be a non-negative integer');
  if (resolved.cleanup)
    positiveIntegers(resolved.cleanup, ['intervalSeconds', 'retentionDays', 'batchSize'], 'cleanup.');
  return resolved;
}

type SessionPolicies = Pick<
  ResolvedAuthOptions,
  'idleTimeoutSeconds' | 'rememberMe' | 'sessionLimit' | 'refreshReuseIntervalSeconds'
>;

/** Idle timeout, "remember me", the session limit and the refresh reuse interval, checked. */
function resolveSessionPolicies(options: AuthModuleOptions): SessionPolicies {
  const sessionTtlSeconds = options.sessionTtlSeconds ?? AUTH_DEFAULTS.sessionTtlSeconds;
  const idleTimeoutSeconds = idleTimeout(options.idleTimeoutSeconds ?? AUTH_DEFAULTS.idleTimeoutSeconds, '');
  const remembered: SessionLifetimeOptions = options.rememberMe ?? AUTH_DEFAULTS.rememberMe;
  if (typeof remembered !== 'object' || remembered === null)
    throw new Error('AuthModule: rememberMe must be an object of sessionTtlSeconds and idleTimeoutSeconds');
  const rememberMe = {
    sessionTtlSeconds: remembered.sessionTtlSeconds ?? sessionTtlSeconds,
    idleTimeoutSeconds:
      remembered.idleTimeoutSeconds === undefined
        ? idleTimeoutSeconds
        : idleTimeout(remembered.idleTimeoutSeconds, 'rememberMe.'),
  };
  positiveIntegers(rememberMe, ['sessionTtlSeconds'], 'rememberMe.');
  const limit = options.sessionLimit ?? AUTH_DEFAULTS.sessionLimit;
  let sessionLimit: SessionPolicies['sessionLimit'] = null;
  if (limit !== false) {
    if (typeof limit !== 'object' || limit === null)
      throw new Error('AuthModule: sessionLimit must be false or { max, policy }');
    sessionLimit = { max: limit.max, policy: limit.policy ?? AUTH_DEFAULTS.sessionLimitPolicy };
    positiveIntegers(sessionLimit, ['max'], 'sessionLimit.');
    if (!['refuse', 'evict-oldest', 'evict-idle'].includes(sessionLimit.policy))
      throw new Error('AuthModule: sessionLimit.policy must be refuse, evict-oldest or evict-idle');
  }
  const refreshReuseIntervalSeconds = options.refreshReuseIntervalSeconds ?? AUTH_DEFAULTS.refreshReuseIntervalSeconds;
  if (!Number.isInteger(refreshReuseIntervalSeconds) || refreshReuseIntervalSeconds < 0)
    throw new Error('AuthModule: refreshReuseIntervalSeconds must be a non-negative integer');
  return { idleTimeoutSeconds, rememberMe, sessionLimit, refreshReuseIntervalSeconds };
}

/** A positive whole number of seconds, or null for `false` (no idle limit). */
function idleTimeout(value: unknown, prefix: string): number | null {
  if (value === false) return null;
  if (!Number.isInteger(value) || (value as number) <= 0)
    throw new Error(`AuthModule: ${prefix}idleTimeoutSeconds must be a positive integer or false`);
  return value as number;
}

function positiveIntegers<T extends object>(values: T, keys: Array<keyof T & string>, prefix = ''): void {
  for (const key of keys) {
    const value = values[key];
    if (!Number.isInteger(value) || (value as number) <= 0)
      throw new Error(`AuthModule: ${prefix}${key} must be a positive integer`);
  }
}

function resolveRevocation(option: RevocationOptions = {}): ResolvedAuthOptions['revocation'] {
  const { heartbeatMs, ...revocation } = option;
  if (heartbeatMs !== undefined) positiveIntegers({ heartbeatMs }, ['heartbeatMs'], 'revocation.');
  const fromHeartbeat = heartbeatMs === undefined ? {} : { listenerDeadlineMs: 2 * heartbeatMs };
  return { ...AUTH_DEFAULTS.revocation, ...fromHeartbeat, ...revocation };
}

function resolveSignInThrottle(option: AuthModuleOptions['signInThrottle']): ResolvedSignInThrottleOptions | null {
  if (option === false) return null;
  const defaults = AUTH_DEFAULTS.signInThrottle;
  const throttle = { ...defaults, ...option, perClient: { ...defaults.perClient, ...option?.perClient } };
  positiveIntegers(
    throttle,
    ['freeFailures', 'baseDelaySeconds', 'maxDelaySeconds', 'forgetAfterSeconds'],
    'signInThrottle.',
  );
  positiveIntegers(throttle.perClient, ['failures', 'windowSeconds'], 'signInThrottle.perClient.');
  if (throttle.maxDelaySeconds < throttle.baseDelaySeconds)
    throw new Error('AuthModule: signInThrottle.maxDelaySeconds must not be below baseDelaySeconds');
  return throttle;
}

const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const CLEAR_SITE_DATA_DIRECTIVES: readonly ClearSiteDataDirective[] = [
  'cache',
  'cookies',
  'storage',
  'executionContexts',
  '*',
];

function resolveCookie(
  option: AuthModuleOptions['cookie'],
  cors: AuthModuleOptions['cors'],
): ResolvedAuthOptions['cookie'] {
  if (!option) return null;
  const cookie = { ...AUTH_DEFAULTS.cookie, ...(option === true ? {} : option) };
  for (const key of ['name', 'refreshName'] as const) {
    if (typeof cookie[key] !== 'string' || !COOKIE_NAME.test(cookie[key]))
      throw new Error(`AuthModule: cookie.${key} is not a valid cookie name`);
  }
  if (cookie.name === cookie.refreshName) throw new Error('AuthModule: cookie.name and cookie.refreshName must differ');
  if (cookie.name.startsWith('__Host-') && (!cookie.secure || cookie.path !== '/' || cookie.domain)) {
    throw new Error('AuthModule: a __Host- cookie needs secure: true, path "/" and no domain');
  }
  // The refresh cookie's Path is the refresh route's, never `/`.
  if (cookie.refreshName.startsWith('__Host-'))
    throw new Error('AuthModule: cookie.refreshName cannot have the __Host- prefix (it needs Path=/)');
  if ((cookie.name.startsWith('__Secure-') || cookie.refreshName.startsWith('__Secure-')) && !cookie.secure)
    throw new Error('AuthModule: a __Secure- cookie needs secure: true');
  if (cookie.sameSite === 'none' && !cookie.secure)
    throw new Error('AuthModule: cookie.sameSite "none" needs secure: true');
  return {
    ...cookie,
    tokensInBody: cookie.tokensInBody === true,
    // An origin that may read credentialed answers is trusted with the cookies: listing it twice would be a trap (CORS
    // allowed, then every cookie-authenticated logout refused as cross-origin).
    allowedOrigins: [
      ...new Set([
        ...resolveOrigins(cookie.allowedOrigins, 'cookie.allowedOrigins'),
        ...(cors && cors.credentials === true ? resolveOrigins(cors.origins, 'cors.origins') : []),
      ]),
    ],
    clearSiteData: resolveClearSiteData(cookie.clearSiteData),
  };
}

function resolveVerifiedTokenCache(option: AuthModuleOptions['verifiedTokenCache']): { maxEntries: number } | null {
  if (option === false) return null;
  const settings = { ...AUTH_DEFAULTS.verifiedTokenCache, ...option };
  positiveIntegers(settings, ['maxEntries'], 'verifiedTokenCache.');
  return settings;
}

function resolveBatchReads(option: AuthModuleOptions['batchReads']): ReadBatchLimits | null {
  if (option === false) return null;
  const limits = { ...AUTH_DEFAULTS.batchReads, ...(option === true || option === undefined ? {} : option) };
  positiveIntegers(limits, ['maxConcurrent', 'maxBatchSize'], 'batchReads.');
  return limits;
}

function resolveClearSiteData(option: unknown): ClearSiteDataDirective[] {
  if (option === true) return [...AUTH_DEFAULTS.clearSiteData];
  if (option === false) return [];
  if (!Array.isArray(option) || option.some((directive) => !CLEAR_SITE_DATA_DIRECTIVES.includes(directive)))
    throw new Error(
      `AuthModule: cookie.clearSiteData must be true, false or a list of ${CLEAR_SITE_DATA_DIRECTIVES.join(', ')}`,
    );
  return [...new Set(option as ClearSiteDataDirective[])];
}

/** Back-channel logout with its defaults; null when no provider is configured (the route is not mounted). */
export type ResolvedBackchannelLogoutOptions = Required<BackchannelLogoutOptions>;

/** The `backchannelLogout` extra, checked: each provider's issuer and keys URL, client id, the time bounds. */
export function resolveBackchannelLogout(
  option: BackchannelLogoutOptions | undefined,
): ResolvedBackchannelLogoutOptions | null {
  if (option === undefined) return null;
  const defaults = AUTH_DEFAULTS.backchannelLogout;
  if (typeof option !== 'object' || option === null)
    throw new Error('AuthModule: backchannelLogout.providers must list at least one provider');
  const providers = resolveProviderList<BackchannelLogoutProvider>(
    option.providers,
    'backchannelLogout',
    (provider, field) =>
      provider.jwksUri === undefined ? {} : { jwksUri: providerUrl(provider.jwksUri, `${field}.jwksUri`) },
  );
  const resolved = {
    providers,
    clockToleranceSeconds: option.clockToleranceSeconds ?? defaults.clockToleranceSeconds,
    maxTokenAgeSeconds: option.maxTokenAgeSeconds ?? defaults.maxTokenAgeSeconds,
  };
  if (!Number.isInteger(resolved.clockToleranceSeconds) || resolved.clockToleranceSeconds < 0)
    throw new Error('AuthModule: backchannelLogout.clockToleranceSeconds must be a non-negative integer');
  positiveIntegers(resolved, ['maxTokenAgeSeconds'], 'backchannelLogout.');
  return resolved;
}
