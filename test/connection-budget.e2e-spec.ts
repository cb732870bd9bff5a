import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_APPLICATION_NAME } from '../src/app.module.js';
import { ADAPTERS, DEMO_EMAIL, DEMO_PASSWORD, TEST_SECRET } from './support/constants.js';
import { spawnDemo, type DemoProcess } from './support/demo-process.js';
import { LISTENER_APPLICATION_NAME } from './support/internals.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

const POOL_SIZE = 3;
const CONCURRENT = 50;

// What README "Connections per instance" promises: the pool never opens more than DATABASE_POOL_SIZE, and the
// cached mode's listener is the one connection beside it.
describe.each(ADAPTERS)('the demo with DATABASE_POOL_SIZE=3 over %s', (adapter) => {
  let db: TestDatabase | undefined;
  let demo: DemoProcess | undefined;
  let admin: pg.Client | undefined;
  afterEach(async () => {
    await demo?.dispose();
    await admin?.end();
    await db?.drop();
  });

  it.each([
    ['strict', 0],
    ['cached', 1],
  ] as const)(
    'in %s mode holds at most 3 pool connections (+%i listener) under 50 concurrent requests',
    { timeout: 60_000 },
    async (mode, listeners) => {
      db = await createTestDatabase();
      const database = new URL(db.url).pathname.slice(1);
      admin = new pg.Client(db.url);
      await admin.connect();
      demo = spawnDemo({
        JWT_SECRET: TEST_SECRET,
        DATABASE_URL: db.url,
        DATABASE_POOL_SIZE: String(POOL_SIZE),
        HTTP_ADAPTER: adapter,
        AUTH_REVOCATION: mode,
        PORT: '0',
        AUDIT_LOG: 'false',
        AUTH_RATE_LIMIT_PER_MINUTE: '0',
      });
      const base = `http://127.0.0.1:${await demo.listening()}`;
      const signedIn = await fetch(`${base}/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: DEMO_EMAIL, password: DEMO_PASSWORD }),
      });
      expect(signedIn.status).toBe(200);
      const { accessToken } = (await signedIn.json()) as { accessToken: string };

      // The most connections of each kind seen at once, sampled while the requests run.
      const most = new Map<string, number>();
      const load = { done: false };
      const sampling = (async () => {
        while (!load.done) {
          const { rows } = await admin!.query<{ name: string; n: number }>(
            `SELECT application_name AS name, count(*)::int AS n FROM pg_stat_activity
             WHERE datname = $1 AND pid <> pg_backend_pid() GROUP BY 1`,
            [database],
          );
          for (const { name, n } of rows) most.set(name, Math.max(most.get(name) ?? 0, n));
        }
      })();
      // Every one of them reads PostgreSQL on the pool, cached or not: the session list is never cached.
      const statuses = await Promise.all(
        Array.from({ length: CONCURRENT }, async () => {
          const response = await fetch(`${base}/auth/sessions`, {
            headers: { Authorization: `Bearer ${accessToken}` },
          });
          await response.arrayBuffer();
          return response.status;
        }),
      );
      load.done = true;
      await sampling;

      expect(statuses).toEqual(Array.from({ length: CONCURRENT }, () => 200));
      // The pool was full (so the limit, not a light load, kept it at 3), and nothing else connected.
      expect(Object.fromEntries(most)).toEqual({
        [DEMO_APPLICATION_NAME]: POOL_SIZE,
        ...(listeners ? { [LISTENER_APPLICATION_NAME]: listeners } : {}),
      });
    },
  );
});
