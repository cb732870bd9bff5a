import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule, type AuthModuleExtras, type AuthModuleOptions, type AuthUserStore } from '../../src/auth/index.js';
import { TEST_SECRET } from '../support/constants.js';
import { HostAccounts, HostAccountsModule } from './host-accounts.js';
import { HostAccountSecurityController } from './host-account-security.controller.js';
import { HostAuthController } from './host-auth.controller.js';
import { HostSignInController } from './host-sign-in.controller.js';

/** What a suite may change of the host: any option or extra of AuthModule, and a few of the host's own. */
export interface HostModuleOptions extends Omit<Partial<AuthModuleOptions>, 'userStore'>, AuthModuleExtras {
  /**
   * The module's user store. Default: the host's accounts table (host_accounts). `false` leaves the
   * option out, so the module's own default applies (every user exists and is enabled).
   */
  userStore?: AuthUserStore | false;
  /**
   * Longest wait of the host's pool for a connection and for a statement's answer, in ms, and the module's
   * `databaseTimeoutMs` unless that is given. Default 5000.
   */
  dbTimeoutMs?: number;
  /** More providers of the host, e.g. a suite's own event listener. */
  providers?: Provider[];
}

/**
 * The smallest host the library's suites need: its own PostgreSQL connection, an event emitter for the
 * audit events, AuthModule as the suite configures it (HS256 with TEST_SECRET and no rate limit unless
 * told otherwise), its accounts table, and its own routes (POST /auth/login, GET /auth/me, GET
 * /auth/my-sessions, POST /sign-in/:userId, GET /profile).
 */
@Module({})
export class HostModule {
  static forRoot(url: string, options: HostModuleOptions = {}): DynamicModule {
    const {
      userStore,
      dbTimeoutMs = 5000,
      providers = [],
      isGlobal,
      routes,
      dataSource,
      admin,
      backchannelLogout,
      ...rest
    } = options;
    const moduleOptions: AuthModuleOptions = {
      signing: { algorithm: 'HS256', secret: TEST_SECRET },
      rateLimit: false,
      databaseTimeoutMs: dbTimeoutMs,
      ...rest,
      ...(userStore ? { userStore } : {}),
    };
    const extras = definedOnly<AuthModuleExtras>({ isGlobal, routes, dataSource, admin, backchannelLogout });
    return {
      module: HostModule,
      imports: [
        TypeOrmModule.forRoot({
          type: 'postgres',
          url,
          autoLoadEntities: true,
          // An unreachable database must fail requests within this time, never hang them.
          extra: { connectionTimeoutMillis: dbTimeoutMs, query_timeout: dbTimeoutMs },
        }),
        EventEmitterModule.forRoot({ wildcard: true }),
        // The host owns the schedule; the module's clean-up registers its job in this SchedulerRegistry.
        ScheduleModule.forRoot(),
        HostAccountsModule,
        // The accounts table is a provider of the host's: the module gets it as a host hands over one.
        userStore === undefined
          ? AuthModule.forRootAsync({
              ...extras,
              imports: [HostAccountsModule],
              inject: [HostAccounts],
              useFactory: (accounts: HostAccounts) => ({ ...moduleOptions, userStore: accounts }),
            })
          : AuthModule.forRoot({ ...moduleOptions, ...extras }),
      ],
      controllers: [HostAuthController, HostSignInController, HostAccountSecurityController],
      providers,
    };
  }
}

function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}
