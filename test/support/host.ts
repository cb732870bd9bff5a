import type { INestApplication, LoggerService, LogLevel, ModuleMetadata } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import { afterAll, beforeAll } from 'vitest';
import { HostModule, type HostModuleOptions } from '../apps/host.module.js';
import type { Adapter } from './constants.js';
import { recordApp } from './openapi-apps.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface HostAppOptions {
  /** A global prefix for every route, the module's included. */
  prefix?: string;
  /** Where the app logs. Default: nowhere (errors and warnings when TEST_APP_LOGS is set). */
  logger?: LoggerService;
  /** The adapter's trust-proxy setting: `request.ip` is the client named by `X-Forwarded-For`. Default off. */
  trustProxy?: boolean;
  /** Changes to the compiled modules before they are compiled (`overrideProvider`, ...). */
  prepare?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
}

/**
 * The host's module options (test/apps/host.module.ts) and the app's. From the demo's settings (DemoConfig)
 * a suite moving over writes: accessTokenCookie -> `cookie`, revocationMode -> `revocation: { mode }`,
 * rateLimitPerMinute -> `rateLimit: { limit, ttlSeconds: 60 }`, cleanupIntervalSeconds -> `cleanup`
 * (`false` or `{ intervalSeconds }`), dbTimeoutMs and exposeErrorDetails as they are, auditLog -> a
 * listener of the suite's own in `providers`.
 */
export type HostOptions = HostModuleOptions & HostAppOptions;

/**
 * A host's modules compiled with @nestjs/testing and started on the adapter: initialised but not
 * listening, supertest drives its HTTP server.
 */
export async function startHost(
  metadata: ModuleMetadata,
  adapter: Adapter,
  { prefix, logger, trustProxy = false, prepare = (builder) => builder }: HostAppOptions = {},
): Promise<INestApplication> {
  const builder = prepare(Test.createTestingModule(metadata));
  if (logger) builder.setLogger(logger);
  const moduleRef = await builder.compile();
  const appLogger: LoggerService | LogLevel[] | false =
    logger ?? (process.env.TEST_APP_LOGS ? ['error', 'warn'] : false);
  const app =
    adapter === 'fastify'
      ? moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter({ trustProxy }), {
          logger: appLogger,
        })
      : moduleRef.createNestApplication<NestExpressApplication>({ logger: appLogger });
  if (adapter === 'express') (app as NestExpressApplication).set('trust proxy', trustProxy);
  if (prefix) app.setGlobalPrefix(prefix);
  try {
    await app.init();
    if (adapter === 'fastify') await (app as NestFastifyApplication).getHttpAdapter().getInstance().ready();
  } catch (error) {
    await app.close();
    throw error;
  }
  // Its module routes' answers are checked against the OpenAPI document (openapi-recorder.ts).
  recordApp(app, { prefix });
  return app;
}

/** The test host (test/apps/host.module.ts) on the database at `url`. */
export function createHost(adapter: Adapter, url: string, options: HostOptions = {}): Promise<INestApplication> {
  const { prefix, logger, trustProxy, prepare, ...moduleOptions } = options;
  return startHost({ imports: [HostModule.forRoot(url, moduleOptions)] }, adapter, {
    prefix,
    logger,
    trustProxy,
    prepare,
  });
}

/**
 * For a describe block: a fresh database and the test host on it before its tests, both closed after.
 * `receive` hands them to the block's variables.
 */
export function useHost(
  adapter: Adapter,
  receive: (opened: { db: TestDatabase; app: INestApplication }) => void,
  options: HostOptions = {},
): void {
  let opened: { db: TestDatabase; app: INestApplication } | undefined;
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    opened = { db, app: await createHost(adapter, db.url, options) };
    receive(opened);
  });
  afterAll(async () => {
    await opened?.app.close();
    await db?.drop();
  });
}
