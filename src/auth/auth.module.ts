import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import { AccessTokenService } from './access-token.service.js';
import {
  AUTH_ASYNC_OPTIONS_TYPE,
  AUTH_MODULE_OPTIONS,
  AUTH_OPTIONS_TYPE,
  ConfigurableAuthModule,
} from './auth.module-definition.js';
import { AUTH_OPTIONS, resolveAuthOptions, type ResolvedAuthOptions } from './auth-options.resolve.js';
import type { AuthModuleExtras } from './auth-options.interface.js';
import { AuthEventPublisher } from './auth.events.js';
import { AUTH_DATA_SOURCE } from './auth.tokens.js';
import { AuthCookieService, ClearAuthCookieInterceptor } from './cookies/auth-cookie.service.js';
import { AuthUserStore } from './auth-user-store.interface.js';
import { AuthDevice } from './device.entity.js';
import { HostAuthErrorFilter } from './host-auth-error.filter.js';
import { JwtGuard } from './jwt.guard.js';
import { JwtStrategy } from './jwt.strategy.js';
import { logoutRoutes } from './logout-routes.js';
import { AUTH_MOUNTED_ROUTES, PreRouteErrorsInstaller } from './routes/pre-route-errors.js';
import { AuthSession } from './session.entity.js';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { AUTH_RATE_LIMIT_STORAGE, AuthRateLimitGuard } from './rate-limit.guard.js';
import { RevocationCache } from './revocation-cache.service.js';
import { SessionCleanupService } from './session-cleanup.service.js';
import { SessionService } from './session.service.js';

/**
 * Sessions and devices in the host's PostgreSQL, the revocation-aware JwtGuard,
 * and the documented logout routes.
 */
@Module({})
export class AuthModule extends ConfigurableAuthModule {
  static override forRoot(options: typeof AUTH_OPTIONS_TYPE): DynamicModule {
    return withAuthParts(super.forRoot(options), options);
  }

  static override forRootAsync(options: typeof AUTH_ASYNC_OPTIONS_TYPE): DynamicModule {
    return withAuthParts(super.forRootAsync(options), options);
  }
}

function withAuthParts(definition: DynamicModule, extras: AuthModuleExtras): DynamicModule {
  const routes = logoutRoutes(extras.routes);
  return {
    ...definition,
    imports: [
      ...(definition.imports ?? []),
      TypeOrmModule.forFeature([AuthSession, AuthDevice], extras.dataSource),
      ScheduleModule.forRoot(),
    ],
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
      { provide: AUTH_MOUNTED_ROUTES, useValue: routes.map(({ method, path, mapper }) => ({ method, path, mapper })) },
      PreRouteErrorsInstaller,
      AuthEventPublisher,
      { provide: AUTH_RATE_LIMIT_STORAGE, useFactory: () => new ThrottlerStorageService() },
      AuthRateLimitGuard,
      AccessTokenService,
      RevocationCache,
      SessionService,
      SessionCleanupService,
      AuthCookieService,
      ClearAuthCookieInterceptor,
      JwtStrategy,
      JwtGuard,
    ],
    exports: [
      AUTH_OPTIONS,
      AUTH_RATE_LIMIT_STORAGE,
      AuthRateLimitGuard,
      AuthUserStore,
      SessionService,
      SessionCleanupService,
      RevocationCache,
      AuthCookieService,
      JwtStrategy,
      JwtGuard,
      TypeOrmModule,
    ],
  };
}
