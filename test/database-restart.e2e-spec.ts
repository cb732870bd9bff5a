import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LISTENER_APPLICATION_NAME, RevocationCache } from './support/internals.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';
import { ADAPTERS, createTestApp } from './support/test-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { within } from './support/within.js';

const OUTAGE_MS = 3000;
const DATABASE_UP = { status: 'up', responseTime: expect.any(Number) };
const LISTENING = { status: 'up', mode: 'cached', listening: true };
const REFUSED = { status: 'down', responseTime: expect.any(Number), message: 'connection refused' };
const NOT_CONNECTED = {
  status: 'down',
  mode: 'cached',
  listening: false,
  reason: 'not connected',
  message: 'not listening for revocations: the guard reads PostgreSQL on every request until it listens again',
};
const body = (status: string, info: Record<string, unknown>, error: Record<string, unknown>) => ({
  status,
  info,
  error,
  details: { ...info, ...error },
});

const get = (app: INestApplication, path: string) => request(app.getHttpServer()).get(path);
const answer = async (app: INestApplication, path: string) => {
  const response = await get(app, path);
  return { status: response.status, body: response.body as unknown };
};

/**
 * A database restart as the instances see it: every connection ends, connections are refused for OUTAGE_MS, then
 * accepted again. Two demo instances reach it through one proxy.
 */
describe.each(ADAPTERS)('a database restart under two instances (%s)', (adapter) => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let instances: INestApplication[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    proxy = await startTcpProxy(db.url);
    instances = [
      await createTestApp(proxy.url, adapter, { dbTimeoutMs: 1000 }),
      await createTestApp(proxy.url, adapter, { dbTimeoutMs: 1000 }),
    ];
    for (const app of instances)
      await within(2000, async () => (app.get(RevocationCache).listening ? true : undefined));
  });
  afterAll(async () => {
    for (const app of instances) await app.close();
    await proxy?.close();
    await db?.drop();
  });
  it(
    'not ready while the database is down (alive all along); ' +
      'ready, and listening again, within 1 s of the database accepting connections',
    async () => {
      for (const app of instances) {
        expect(await answer(app, '/health/ready')).toEqual({
          status: 200,
          body: body('ok', { database: DATABASE_UP, revocationListener: LISTENING }, {}),
        });
      }
      await proxy.refuse();
      const refusedAt = performance.now();
      // Past the listener's own deadline and its first tries: what a readiness probe sees of the outage.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      for (const app of instances) {
        expect(await answer(app, '/health/ready')).toEqual({
          status: 503,
          body: body(
            'error',
            { revocationListener: { ...NOT_CONNECTED, status: 'up', degraded: true } },
            {
              database: REFUSED,
            },
          ),
        });
        expect(await answer(app, '/health/live')).toEqual({ status: 200, body: { status: 'ok' } });
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, OUTAGE_MS - (performance.now() - refusedAt))));
      await proxy.accept();
      const acceptedAt = performance.now();
      const backAfter = await Promise.all(
        instances.map((app) =>
          within(5000, async () => {
            const [ready, health] = await Promise.all([answer(app, '/health/ready'), answer(app, '/health')]);
            return ready.status === 200 && (ready.body as { status: string }).status === 'ok' && health.status === 200
              ? { afterMs: performance.now() - acceptedAt, ready, health }
              : undefined;
          }),
        ),
      );
      const full = body('ok', { database: DATABASE_UP, revocationListener: LISTENING }, {});
      expect(backAfter).toEqual(
        instances.map(() => ({
          afterMs: expect.any(Number),
          ready: { status: 200, body: full },
          health: { status: 200, body: full },
        })),
      );
      expect(backAfter.map((back) => (back?.afterMs ?? Infinity) < 1000)).toEqual(instances.map(() => true));
    },
  );

  it('with the database up and the listener down: ready and degraded, while /health answers 503', async () => {
    const app = instances[0];
    await get(app, '/health').expect(200);
    // A warm pool connection keeps the ping up; new connections, the listener's included, are refused.
    const name = new URL(db.url).pathname.slice(1);
    const admin = new pg.Client(inject('databaseAdminUrl'));
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS false`);
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = $2',
        [name, LISTENER_APPLICATION_NAME],
      );
      expect(await within(5000, async () => (app.get(RevocationCache).listening ? undefined : true))).toBe(true);
      expect(await answer(app, '/health/ready')).toEqual({
        status: 200,
        body: body(
          'degraded',
          { database: DATABASE_UP, revocationListener: { ...NOT_CONNECTED, status: 'up', degraded: true } },
          {},
        ),
      });
      expect(await answer(app, '/health')).toEqual({
        status: 503,
        body: body('error', { database: DATABASE_UP }, { revocationListener: NOT_CONNECTED }),
      });
    } finally {
      await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    const back = await within(2000, async () => {
      const ready = await answer(app, '/health/ready');
      return ready.status === 200 && (ready.body as { status: string }).status === 'ok' ? ready : undefined;
    });
    expect(back).toEqual({
      status: 200,
      body: body('ok', { database: DATABASE_UP, revocationListener: LISTENING }, {}),
    });
  });
});
