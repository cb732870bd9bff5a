import { Module, RequestMethod, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { AuthModule, runMigrationsLocked } from './auth/index.js';
import { DEMO_TOKEN_CLAIMS, demoSigning, type DemoConfig } from './demo/demo.config.js';
import { AuditLogListener } from './demo/audit-log.listener.js';
import { benchParts } from './demo/bench/bench-routes.js';
import { DemoAdminGuard } from './demo/demo-admin.guard.js';
import { DemoPasswordController } from './demo/demo-password.controller.js';
import { DemoAuthController } from './demo/demo-auth.controller.js';
import { demoMigrations } from './demo/demo-migrations.js';
import { DemoSeedService } from './demo/demo-seed.service.js';
import { DemoUsersModule } from './demo/demo-users.module.js';
import { SessionsPageController } from './demo/sessions-page/sessions-page.controller.js';
import { jsonOnly } from './demo/json-only.middleware.js';
import { DEMO_METRICS_REGISTRY, DemoMetricsModule } from './demo/metrics/demo-metrics.module.js';
import type { MetricsRegistry } from './auth/index.js';
import { DemoOidcClient } from './demo/oidc/oidc-client.service.js';
import { DemoOidcController } from './demo/oidc/oidc-sign-in.controller.js';
import { healthParts } from './demo/health/health.parts.js';
import { sharedRateLimitImports } from './demo/shared-rate-limit.js';
import { DemoUsersService } from './demo/users/demo-users.service.js';

/** `application_name` of the demo's pool connections, to find them in pg_stat_activity. */
export const DEMO_APPLICATION_NAME = 'nest-signout-demo';

/** Runs the migrations on a data source of their own, closed after. */
async function migrateOnce(dataSource: DataSource): Promise<void> {
  await dataSource.initialize();
  try {
    await runMigrationsLocked(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

/** The demo host app: its own database connection, users and routes, with AuthModule plugged in. */
@Module({})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(jsonOnly).forRoutes({ path: 'auth/login', method: RequestMethod.POST });
  }

  static forRoot(config: DemoConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => config] }),
        // The module's audit events (auth.session.*) go through the host's emitter.
        EventEmitterModule.forRoot({ wildcard: true }),
        // The host owns the schedule: the module's clean-up job registers in this SchedulerRegistry.
        ScheduleModule.forRoot(),
        TypeOrmModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (settings: ConfigService<DemoConfig, true>) => ({
            type: 'postgres',
            url: settings.get('databaseUrl', { infer: true }),
            applicationName: DEMO_APPLICATION_NAME,
            autoLoadEntities: true,
            synchronize: false,
            migrations: demoMigrations,
            // An unreachable database must fail requests within this time, never hang them.
            extra: {
              max: settings.get('databasePoolSize', { infer: true }),
              connectionTimeoutMillis: settings.get('dbTimeoutMs', { infer: true }),
              query_timeout: settings.get('dbTimeoutMs', { infer: true }),
            },
          }),
          // Instances that start together migrate one after the other, under an advisory lock.
          dataSourceFactory: async (options) => {
            const direct = config.databaseDirectUrl;
            // Through a transaction pooler the advisory lock would not hold: migrate on the direct connection.
            if (direct) await migrateOnce(new DataSource({ ...options!, url: direct } as DataSourceOptions));
            const dataSource = await new DataSource(options!).initialize();
            if (direct) return dataSource;
            // A failed start is retried with a new data source: this one's pool must not stay open.
            await runMigrationsLocked(dataSource).catch(async (error: unknown) => {
              await dataSource.destroy();
              throw error;
            });
            return dataSource;
          },
        }),
        DemoUsersModule,
        ...sharedRateLimitImports(config.redisUrl),
        AuthModule.forRootAsync({
          // The admin routes only with administrators to let through (AUTH_ADMIN_EMAILS).
          ...(config.adminEmails.length ? { admin: { guard: DemoAdminGuard } } : {}),
          // The provider of the OIDC sign-in ends its sessions here when the user signs out there.
          ...(config.oidc && {
            backchannelLogout: { providers: [{ issuer: config.oidc.issuer, clientId: config.oidc.clientId }] },
          }),
          imports: [DemoUsersModule, ...(config.metrics ? [DemoMetricsModule] : [])],
          inject: [ConfigService, DemoUsersService, { token: DEMO_METRICS_REGISTRY, optional: true }],
          useFactory: (
            settings: ConfigService<DemoConfig, true>,
            users: DemoUsersService,
            registry: MetricsRegistry | undefined,
          ) => ({
            signing: demoSigning(config),
            batchReads: config.batchReads,
            verifiedTokenCache: config.verifiedTokenCache ? {} : false,
            ...DEMO_TOKEN_CLAIMS,
            clockToleranceSeconds: settings.get('clockToleranceSeconds', { infer: true }),
            exposeErrorDetails: settings.get('exposeErrorDetails', { infer: true }),
            sessionTtlSeconds: settings.get('sessionLifetimeSeconds', { infer: true }),
            idleTimeoutSeconds: settings.get('idleTimeoutSeconds', { infer: true }) || false,
            // "Remember me": the same lifetime, and no idle limit.
            rememberMe: { idleTimeoutSeconds: false },
            sessionLimit: settings.get('maxSessionsPerUser', { infer: true }) > 0 && {
              max: settings.get('maxSessionsPerUser', { infer: true }),
              policy: settings.get('sessionLimitPolicy', { infer: true }),
            },
            refreshReuseIntervalSeconds: settings.get('refreshReuseIntervalSeconds', { infer: true }),
            // One deadline for all of a request's database work, not one per wait.
            databaseTimeoutMs: settings.get('dbTimeoutMs', { infer: true }),
            preparedStatements: settings.get('preparedStatements', { infer: true }),
            userStore: users,
            // A logout of a session of the OIDC sign-in names the provider's logout URL (Provider-Logout-Location).
            ...(config.oidc && {
              providerLogout: {
                providers: [
                  {
                    issuer: config.oidc.issuer,
                    clientId: config.oidc.clientId,
                    postLogoutRedirectUri: config.oidc.postLogoutRedirectUri,
                  },
                ],
              },
            }),
            cookie: settings.get('accessTokenCookie', { infer: true }) && {
              allowedOrigins: settings.get('allowedOrigins', { infer: true }),
              tokensInBody: settings.get('cookieTokensInBody', { infer: true }),
            },
            // Single-page apps on the listed origins call the module's routes with their cookies.
            cors: settings.get('allowedOrigins', { infer: true }).length > 0 && {
              origins: settings.get('allowedOrigins', { infer: true }),
              credentials: true,
            },
            cleanup: settings.get('cleanupIntervalSeconds', { infer: true }) > 0 && {
              intervalSeconds: settings.get('cleanupIntervalSeconds', { infer: true }),
            },
            revocation: {
              mode: settings.get('revocationMode', { infer: true }),
              maxEntries: config.revocationCacheEntries,
              listenerConnection: settings.get('databaseDirectUrl', { infer: true }),
            },
            rateLimit: settings.get('rateLimitPerMinute', { infer: true }) > 0 && {
              limit: settings.get('rateLimitPerMinute', { infer: true }),
              ttlSeconds: 60,
            },
            // The login's per-account limit, with the module's defaults; off with the per-client one.
            signInThrottle: settings.get('rateLimitPerMinute', { infer: true }) > 0 ? {} : false,
            // The module's metrics in the demo's registry, which GET /metrics shows (METRICS=true).
            metrics: registry ? { registry } : false,
          }),
        }),
        ...healthParts.imports,
        ...(config.metrics ? [DemoMetricsModule] : []),
      ],
      controllers: [
        DemoAuthController,
        DemoPasswordController,
        ...(config.oidc ? [DemoOidcController] : []),
        SessionsPageController,
        ...healthParts.controllers,
        ...(config.benchRoutes ? benchParts.controllers : []),
      ],
      providers: [
        DemoSeedService,
        ...(config.oidc ? [DemoOidcClient] : []),
        ...(config.auditLog ? [AuditLogListener] : []),
        ...(config.benchRoutes ? benchParts.providers : []),
      ],
    };
  }
}
