/** The module: `AuthModule.forRoot(options)` / `forRootAsync(...)`, sessions in the host's PostgreSQL. */
export { AuthModule } from './auth.module.js';
/** Options of `AuthModule.forRoot`, and the extras fixed when the module is defined. */
export type {
  AccessTokenCookieOptions,
  AdminOptions,
  AuthCorsOptions,
  AuthModuleExtras,
  AuthModuleOptions,
  BackchannelLogoutOptions,
  BackchannelLogoutProvider,
  ClearSiteDataDirective,
  HmacSigningOptions,
  KeyPairSigningOptions,
  LogoutRouteOption,
  ProviderLogoutOptions,
  ProviderLogoutProvider,
  RateLimitOptions,
  RevocationOptions,
  SessionCleanupOptions,
  SessionLifetimeOptions,
  SessionLimitOptions,
  SessionLimitPolicy,
  SignInClientLimitOptions,
  SignInThrottleOptions,
  SigningOptions,
} from './options/auth-options.interface.js';
/** The `metrics` option: the host's prom-client registry and a name prefix. */
export type { MetricsOptions, MetricsRegistry } from './metrics/metrics-options.interface.js';
/** The header of a logout's answer that names the identity provider's logout URL (`providerLogout`). */
export { PROVIDER_LOGOUT_HEADER } from './http/provider-logout.interceptor.js';
/** Route names of the `routes` option, the revoke reasons written on ended sessions, RFC 7009 token type hints. */
export {
  RevokeReason,
  type AdminRouteName,
  type AuthRouteName,
  type LogoutRouteName,
  type RevocableTokenType,
} from './auth.constants.js';
/** Domain errors (what went wrong, never how to answer), and the union of their kinds. */
export * from './errors/auth.errors.js';
/** A statement of the session store that failed, named without its parameters (SessionService throws it). */
export { SessionStoreError } from './errors/session-store.errors.js';
/** The host's user-status port: does a user exist, is it enabled. */
export { AuthUserStore, allowAllUserStore, type AuthUser } from './auth-user-store.interface.js';
/** The device table's entity. */
export { AuthDevice } from './sessions/entities/device.entity.js';
/** The session table's entity. */
export { AuthSession } from './sessions/entities/session.entity.js';
/** Open, refresh, validate, list and end sessions. */
export { SessionService } from './sessions/session.service.js';
/** What SessionService takes and returns. */
export type {
  AuthenticatedSession,
  CreateSessionInput,
  CreatedSession,
  IdentityProviderLogout,
  IdentityProviderSession,
  RevokedDevice,
  SessionCleanupResult,
  SessionSummary,
  SignOutOptions,
} from './sessions/session.types.js';
/** Audit events: names, payload classes, and the map of one to the other. */
export {
  AuthEvent,
  SessionCreatedEvent,
  SessionRefreshedEvent,
  SessionsPurgedEvent,
  SessionsRevokedEvent,
  type AuthEventPayloads,
} from './events/auth.events.js';
/** Cookie mode: the host's sign-in returns `issueTokens(response, session)`, which sets the cookies. */
export { AuthCookieService } from './http/auth-cookie.service.js';
/** CORS on the module's routes (the `cors` option): `handles(request)` tells a host's own CORS which to leave alone. */
export { AuthCors } from './http/auth-cors.service.js';
/** The revocation-aware guard; usable on routes, controllers or as the app's `APP_GUARD`. */
export { JwtGuard } from './guard/jwt.guard.js';
/** Lets a route through a global JwtGuard without a token. */
export { Public } from './guard/public.decorator.js';
/** The authenticated session of a request (its `request.user`). */
export { CurrentSession } from './guard/current-session.decorator.js';
/** Makes JwtGuard refuse a session whose user proved their credentials longer ago than the route allows. */
export { RequireFreshSession } from './guard/require-fresh-session.decorator.js';
/** Lets a route take the bare token in `Authorization`, without `Bearer `. */
export { AllowRawAuthorization } from './guard/allow-raw-authorization.decorator.js';
/** class-validator constraint for a host's DTOs: a string PostgreSQL text can hold (no NUL, no lone surrogate). */
export { IsStorableText } from './http/storable-text.decorator.js';
/** The module's per-client rate limit, for the host's own sign-in route. */
export { AuthRateLimitGuard } from './http/rate-limit.guard.js';
/** Failed sign-ins limited per account (growing back-off) and per client address, for the host's login route. */
export { SignInThrottle, type SignInRequest } from './sign-in/sign-in-throttle.js';
/** The revocation listener as a @nestjs/terminus health indicator. */
export { RevocationHealthIndicator, type RevocationHealth } from './revocation/revocation-health.indicator.js';
/** Revocations as they reach this instance, for connections that outlive a request (SSE, WebSocket). */
export {
  RevocationStream,
  RevocationStreamInterruptedError,
  type RevocationEvent,
  type SessionEvent,
  type WatchedSession,
} from './revocation/revocation-stream.js';
/** The generic spec's mapper, and the default answer of JwtGuard on the host's routes. */
export {
  mapGenericError,
  mapGuardErrorToGeneric,
  type GenericErrorBody,
} from './routes/specs/generic/generic-error.mapper.js';
/** The `/signout` spec's mapper. */
export { mapSignoutError, type SignoutErrorBody } from './routes/specs/signout/signout-error.mapper.js';
/** The FIB spec's mapper. */
export { mapFibError, type FibEnvelope } from './routes/specs/fib/fib-error.mapper.js';
/** The SigningHub v3 spec's mapper. */
export { mapV3Error, type V3ErrorBody } from './routes/specs/v3/v3-error.mapper.js';
/** The mapper of the OAuth 2.0 routes (`POST /auth/revoke`): RFC 6749 section 5.2 error bodies. */
export { mapOAuthError, type OAuthErrorBody } from './routes/specs/oauth/oauth-error.mapper.js';
/** What a mapper is, takes and returns (for a custom `guardErrorMapper`). */
export type { ErrorMapper, ErrorMapperOptions, ErrorResponse } from './http/error-response.js';
/** Name of the bearer security scheme of the routes' OpenAPI operations (documentAuthRoutes declares it). */
export { AUTH_SECURITY_SCHEME } from './http/openapi.js';
/** Marks a host's route as public in the OpenAPI document (`security: []` once documentAuthRoutes has run). */
export { ApiNoAuth } from './http/openapi.js';
/** Name of the access cookie's security scheme, declared in cookie mode. */
export { AUTH_COOKIE_SECURITY_SCHEME } from './http/openapi-document.js';
/** Completes the host's OpenAPI document: security schemes (cookie mode included), `security: []` on public routes. */
export { documentAuthRoutes } from './http/openapi-document.js';
/** The generic error body's schema, for a host documenting its own routes behind JwtGuard. */
export { GENERIC_SCHEMA as GENERIC_ERROR_SCHEMA } from './http/openapi-schemas.js';
/** The body of a new token pair (`AuthCookieService.issueTokens`), for a host documenting its sign-in. */
export { IssuedTokensResponse } from './routes/responses/session-responses.js';
/** The module's TypeORM migrations, in order: add them to the host's `migrations`. */
export { authMigrations } from '../../migrations/index.js';
/** Migrations under a PostgreSQL advisory lock, for instances that start together (instead of `migrationsRun`). */
export {
  DEFAULT_MIGRATION_LOCK_KEY,
  runMigrationsLocked,
  type MigrationLockOptions,
} from './migrations/run-migrations-locked.js';
