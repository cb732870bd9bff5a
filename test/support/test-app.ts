import type { INestApplication, LoggerService } from '@nestjs/common';
import { afterAll, beforeAll } from 'vitest';
import { createDemoApp } from '../../src/demo/create-demo-app.js';
import { validateDemoEnvironment } from '../../src/demo/demo-environment.js';
import { toDemoConfig, type DemoConfig } from '../../src/demo/demo.config.js';
import { recordApp } from './openapi-apps.js';
import { DEMO_EMAIL, DEMO_PASSWORD, TEST_SECRET, type Adapter } from './constants.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export { ADAPTERS, DEMO_EMAIL, DEMO_PASSWORD, TEST_SECRET, type Adapter } from './constants.js';

/**
 * The demo app on a test database, initialised but not listening: supertest drives its HTTP server.
 * For the demo's own suites only; the library's suites run on the test host (./host.ts).
 */
export async function createTestApp(
  databaseUrl: string,
  adapter: Adapter,
  overrides: Partial<DemoConfig> = {},
  logger?: LoggerService,
): Promise<INestApplication> {
  const app = await createDemoApp(
    {
      // The demo's own defaults (an empty environment), then what the suites need.
      ...toDemoConfig(validateDemoEnvironment({}).environment, databaseUrl),
      port: 0,
      adapter,
      jwtSecret: TEST_SECRET,
      demoUserEmail: DEMO_EMAIL,
      demoUserPassword: DEMO_PASSWORD,
      // Off in tests that send many requests from one address; test/rate-limit turns it on.
      rateLimitPerMinute: 0,
      // The suites drive the demo as an API client does; the cookie-mode suites turn it on, with the module's
      // own default of tokens in cookies only.
      accessTokenCookie: false,
      cookieTokensInBody: false,
      ...overrides,
    },
    logger ?? (process.env.TEST_APP_LOGS ? ['error', 'warn'] : false),
  );
  // Its answers are checked against the OpenAPI document (openapi-recorder.ts).
  recordApp(app, { demo: true });
  return app;
}

/**
 * For a describe block: a fresh database and the demo app on it before its
 * tests, both closed after. `receive` hands them to the block's variables.
 */
export function useTestApp(
  adapter: Adapter,
  receive: (opened: { db: TestDatabase; app: INestApplication }) => void,
  overrides: Partial<DemoConfig> = {},
): void {
  let opened: { db: TestDatabase; app: INestApplication } | undefined;
  beforeAll(async () => {
    const db = await createTestDatabase();
    opened = { db, app: await createTestApp(db.url, adapter, overrides) };
    receive(opened);
  });
  afterAll(async () => {
    await opened?.app.close();
    await opened?.db.drop();
  });
}
