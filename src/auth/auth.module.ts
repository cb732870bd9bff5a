import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ThrottlerStorage } from '@nestjs/throttler';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import { AUTH_DATA_SOURCE } from './auth.constants.js';
import {
  AUTH_ASYNC_OPTIONS_TYPE,
  AUTH_MODULE_OPTIONS,
  AUTH_OPTIONS_TYPE,
  ConfigurableAuthModule,
} from './auth.module-definition.js';
import { AuthUserStore } from './auth-user-store.interface.js';
import { AuthEventPublisher } from './events/auth.events.js';
import { JwtGuard } from './guard/jwt.guard.js';
import { AdminRouteGuard, AUTH_ADMIN_GUARD } from './http/admin-route.guard.js';
import { AuthCookieService, ClearAuthCookieInterceptor } from './http/auth-cookie.service.js';
import { AuthCorsInstaller } from './http/auth-cors.installer.js';
import { AuthCors } from './http/auth-cors.service.js';
import { AuthRouteGuard } from './http/auth-route.guard.js';
import { AuthErrorRenderer } from './http/error-renderer.js';
import { HostAuthErrorFilter } from './http/host-auth-error.filter.js';
import { AUTH_MOUNTED_ROUTES, MountedRoutes } from './http/mounted-routes.js';
import { PreRouteErrorsInstaller } from './http/pre-route-errors.js';
import { AUTH_RATE_LIMIT_STORAGE, AuthRateLimitGuard, rateLimitStorage } from './http/rate-limit.guard.js';
import type { AuthModuleExtras } from './options/auth-options.interface.js';
import {
  AUTH_OPTIONS,
  resolveAuthOptions,
  resolveBackchannelLogout,
  type ResolvedAuthOptions,
} from './options/resolve-options.js';
import { RevocationCache } from './revocation/revocation-cache.js';
import { RevocationHealthIndicator } from './revocation/revocation-health.indicator.js';
import { RevocationStream } from './revocation/revocation-stream.js';
import { mountRoutes } from './routes/route-table.js';
import { AuthDevice } from './sessions/entities/device.entity.js';
import { AuthSession } from './sessions/entities/session.entity.js';
import { SessionCleanupService } from './sessions/session-cleanup.service.js';
import { SignInThrottle } from './sign-in/sign-in-throttle.js';
import { SessionRepository } from './sessions/session.repository.js';
import { SessionService } from './sessions/session.service.js';
import { AccessTokenService } from './tokens/access-token.service.js';
import { LogoutTokenVerifier } from './tokens/logout-token-verification.js';
import { AuthMetrics } from './metrics/auth-metrics.js';
import { authMetricsProviders } from './metrics/auth-metrics.provider.js';
import { RouteDatabaseWaitInterceptor } from './metrics/route-database-wait.interceptor.js';
import { ProviderLogoutInterceptor } from './http/provider-logout.interceptor.js';
import { ProviderLogoutService } from './sessions/provider-logout.service.js';
import { VerifiedTokenCache } from './tokens/verified-token-cache.js';

/**
 * Sessions and devices in the host's PostgreSQL, the revocation-aware JwtGuard,
 * and the documented logout routes. It calls no other module's `forRoot()`: it
 * uses the host's TypeORM connection, and the host's ThrottlerStorage,
 * SchedulerRegistry and EventEmitter2 when the host has them.
 */
@Module({})
export class AuthModule extends ConfigurableAuthModule implements NestModule {
  constructor(
    private readonly preRouteErrors: PreRouteErrorsInstaller,
    private readonly cors: AuthCorsInstaller,
  ) {
    super();
  }

  configure(consumer: MiddlewareConsumer): void {
    this.preRouteErrors.configure(consumer);
    this.cors.configure(consumer);
  }

  static override forRoot(options: typeof AUTH_OPTIONS_TYPE): DynamicModule {
    return withAuthParts(super.forRoot(options), options);
  }

  static override forRootAsync(options: typeof AUTH_ASYNC_OPTIONS_TYPE): DynamicModule {
    return withAuthParts(super.forRootAsync(options), options);
  }
}

function withAuthParts(definition: DynamicModule, extras: AuthModuleExtras): DynamicModule {
  const backchannelLogout = resolveBackchannelLogout(extras.backchannelLogout);
  const routes = mountRoutes(extras);
  // The host's admin guard is a provider of this module, so it gets its dependencies from the module's imports.
  const adminProviders = extras.admin
    ? [{ provide: AUTH_ADMIN_GUARD, useClass: extras.admin.guard }, AdminRouteGuard]
    : [];
  const backchannelProviders = backchannelLogout
    ? [{ provide: LogoutTokenVerifier, useValue: new LogoutTokenVerifier(backchannelLogout) }]
    : [];
  return {
    ...definition,
    imports: [...(definition.imports ?? []), TypeOrmModule.forFeature([AuthSession, AuthDevice], extras.dataSource)],
    controllers: routes.map((route) => route.controller),
    providers: [
      ...(definition.providers ?? []),
      { provide: AUTH_OPTIONS, useFactory: resolveAuthOptions, inject: [AUTH_MODULE_OPTIONS] },
      { provide: AUTH_DATA_SOURCE, useExisting: getDataSourceToken(extras.dataSource) },
      {
        provide: AuthUserStore,
        useFactory: (options: ResolvedAuthOptions) => options.userStore,
        inject: [AUTH_OPTIONS],
      },
      { provide: APP_FILTER, useClass: HostAuthErrorFilter },
      { provide: AUTH_MOUNTED_ROUTES, useValue: routes },
      {
        provide: AUTH_RATE_LIMIT_STORAGE,
        useFactory: rateLimitStorage,
        inject: [AUTH_OPTIONS, { token: ThrottlerStorage, optional: true }],
      },
      ...authMetricsProviders,
      RouteDatabaseWaitInterceptor,
      MountedRoutes,
      AuthErrorRenderer,
      PreRouteErrorsInstaller,
      AuthCors,
      AuthCorsInstaller,
      AuthEventPublisher,
      AuthRateLimitGuard,
      AuthRouteGuard,
      AccessTokenService,
      SessionRepository,
      RevocationCache,
      RevocationHealthIndicator,
      RevocationStream,
      SessionService,
      ProviderLogoutService,
      ProviderLogoutInterceptor,
      VerifiedTokenCache,
      SessionCleanupService,
      SignInThrottle,
      AuthCookieService,
      ClearAuthCookieInterceptor,
      JwtGuard,
      ...adminProviders,
      ...backchannelProviders,
    ],
    // AUTH_OPTIONS, the rate-limit storage and the metrics are exported only because a host module that puts JwtGuard
    // or AuthRateLimitGuard on its own routes builds its own instance of them, from these.
    exports: [
      AUTH_OPTIONS,
      AuthMetrics,
      AUTH_RATE_LIMIT_STORAGE,
      AuthRateLimitGuard,
      AuthUserStore,
      SessionService,
      SignInThrottle,
      AuthCookieService,
      AuthCors,
      JwtGuard,
      VerifiedTokenCache,
      RevocationHealthIndicator,
      RevocationStream,
    ],
  };
}
