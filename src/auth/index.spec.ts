import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as barrel from './index.js';
import type {
  AuthModuleExtras,
  BackchannelLogoutOptions,
  CreateSessionInput,
  IdentityProviderSession,
} from './index.js';

/** The public API, as values a host can import. Widening it is a conscious act: add the name here too. */
const PUBLIC_VALUES = [
  'AUTH_COOKIE_SECURITY_SCHEME',
  'AUTH_SECURITY_SCHEME',
  'AdminRequiredError',
  'AllowRawAuthorization',
  'ApiNoAuth',
  'AuthCookieService',
  'AuthCors',
  'AuthDevice',
  'AuthError',
  'AuthEvent',
  'AuthModule',
  'AuthRateLimitGuard',
  'AuthSession',
  'AuthUserStore',
  'CrossOriginRequestError',
  'CurrentSession',
  'DEFAULT_MIGRATION_LOCK_KEY',
  'DatabaseUnavailableError',
  'GENERIC_ERROR_SCHEMA',
  'InvalidRefreshTokenError',
  'InvalidTokenError',
  'IsStorableText',
  'IssuedTokensResponse',
  'JwtGuard',
  'MalformedRequestError',
  'MalformedTokenError',
  'MissingTokenError',
  'PROVIDER_LOGOUT_HEADER',
  'PayloadTooLargeError',
  'Public',
  'RequestValidationError',
  'RequireFreshSession',
  'RevocationHealthIndicator',
  'RevocationStream',
  'RevocationStreamInterruptedError',
  'RevokeReason',
  'SessionConflictError',
  'SessionCreatedEvent',
  'SessionExpiredError',
  'SessionLimitReachedError',
  'SessionNotFoundError',
  'SessionNotFreshError',
  'SessionRefreshedEvent',
  'SessionRevokedError',
  'SessionService',
  'SessionStoreError',
  'SessionsPurgedEvent',
  'SessionsRevokedEvent',
  'SignInThrottle',
  'TokenExpiredError',
  'TokenSignatureError',
  'TooManyRequestsError',
  'UnknownDeviceError',
  'UnknownSessionError',
  'UnsupportedMediaTypeError',
  'UserDisabledError',
  'UserNotFoundError',
  'allowAllUserStore',
  'authMigrations',
  'documentAuthRoutes',
  'mapFibError',
  'mapGenericError',
  'mapGuardErrorToGeneric',
  'mapOAuthError',
  'mapSignoutError',
  'mapV3Error',
  'runMigrationsLocked',
];

describe('the barrel (src/auth/index.ts)', () => {
  it('exports exactly the public API', () => {
    expect(Object.keys(barrel).toSorted()).toEqual(PUBLIC_VALUES);
  });

  it('has a doc comment on every export statement', () => {
    const lines = readFileSync(new URL('./index.ts', import.meta.url), 'utf8').split('\n');
    const undocumented = lines.flatMap((line, index) =>
      line.startsWith('export ') && !/^\/\*\*.*\*\/$/.test(lines[index - 1] ?? '') ? [line] : [],
    );
    expect(undocumented).toEqual([]);
  });

  it('exports the types a host writes back-channel logout with', () => {
    const provider: IdentityProviderSession = { issuer: 'https://idp.example.com', sid: 's-1', sub: 'u-1' };
    const input: CreateSessionInput = { userId: 'u', identityProvider: provider };
    const backchannelLogout: BackchannelLogoutOptions = {
      providers: [{ issuer: provider.issuer, clientId: 'app', jwksUri: 'https://idp.example.com/jwks' }],
    };
    const extras: AuthModuleExtras = { backchannelLogout };
    expect([input.identityProvider, extras.backchannelLogout?.providers[0].issuer]).toEqual([
      provider,
      provider.issuer,
    ]);
  });
});
