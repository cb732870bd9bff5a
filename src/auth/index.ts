export { AuthModule } from './auth.module.js';
export type {
  AccessTokenCookieOptions,
  AuthModuleExtras,
  AuthModuleOptions,
  HmacSigningOptions,
  KeyPairSigningOptions,
  LogoutRouteOption,
  RateLimitOptions,
  RevocationOptions,
  SessionCleanupOptions,
  SigningOptions,
} from './auth-options.interface.js';
export { AUTH_OPTIONS, type ResolvedAuthOptions } from './auth-options.resolve.js';
export { AUTH_MODULE_OPTIONS } from './auth.module-definition.js';
export { DEFAULT_ROUTE_PATHS, RevokeReason, type AuthRouteName, type LogoutRouteName } from './auth.constants.js';
export * from './auth.errors.js';
export { AuthUserStore, allowAllUserStore, type AuthUser } from './auth-user-store.interface.js';
export { AuthDevice } from './device.entity.js';
export { AuthSession } from './session.entity.js';
export { SessionService } from './session.service.js';
export type {
  AuthenticatedSession,
  CreateSessionInput,
  CreatedSession,
  LogoutOptions,
  RevokedDevice,
  SessionSummary,
} from './session.types.js';
export {
  LISTENER_APPLICATION_NAME,
  REVOCATION_CHANNEL,
  RevocationCache,
  type CachedSession,
} from './revocation-cache.service.js';
export { SESSION_CLEANUP_JOB, SessionCleanupService, type SessionCleanupResult } from './session-cleanup.service.js';
export {
  AuthEvent,
  SessionCreatedEvent,
  SessionRefreshedEvent,
  SessionsPurgedEvent,
  SessionsRevokedEvent,
  type AuthEventPayloads,
} from './auth.events.js';
export { AuthCookieService, CLEAR_SITE_DATA } from './cookies/auth-cookie.service.js';
export type { AccessTokenClaims } from './access-token.service.js';
export { JwtGuard } from './jwt.guard.js';
export { AUTH_RATE_LIMIT_STORAGE, AuthRateLimitGuard } from './rate-limit.guard.js';
export { CurrentSession } from './current-session.decorator.js';
export {
  GENERIC_ERRORS,
  mapGenericError,
  mapGuardErrorToGeneric,
  type GenericErrorBody,
} from './generic/generic-error.mapper.js';
export { SIGNOUT_ERRORS, mapSignoutError, type SignoutErrorBody } from './signout/signout-error.mapper.js';
export { mapFibError, type FibEnvelope } from './fib/fib-error.mapper.js';
export { mapV3Error, type V3ErrorBody } from './v3/v3-error.mapper.js';
export type { ErrorMapper, ErrorMapperOptions, ErrorResponse } from './routes/error-response.js';
export { AUTH_SECURITY_SCHEME } from './routes/openapi.js';
export { AllowRawAuthorization } from './token-extraction.js';
export { authMigrations } from '../../migrations/index.js';
