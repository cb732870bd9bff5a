import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DATABASE_PING_TIMEOUT_MS } from '../src/demo/health/health.controller.js';
import { LISTENER_APPLICATION_NAME, RevocationCache } from './support/internals.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';
import { ADAPTERS, createTestApp, useTestApp } from './support/test-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { within } from './support/within.js';

const DATABASE_UP = { status: 'up', responseTime: expect.any(Number) };
const LISTENING = { status: 'up', mode: 'cached', listening: true };
const NOT_LISTENING = {
  status: 'down',
  mode: 'cached',
  listening: false,
  // Lost, or found late by its marker first: either way not trusted.
  reason: expect.stringMatching(/^(not connected|no marker back within 1000ms)$/),
  message: 'not listening for revocations: the guard reads PostgreSQL on every request until it listens again',
};
const DATABASE_DOWN = {
  status: 'down',
  responseTime: expect.any(Number),
  message: `timeout of ${DATABASE_PING_TIMEOUT_MS}ms exceeded`,
};

const healthBody = (status: 'ok' | 'error', info: Record<string, unknown>, error: Record<string, unknown>) => ({
  status,
  info,
  error,
  details: { ...info, ...error },
});

describe.each(ADAPTERS)('GET /health over %s', (adapter) => {
  const LIMIT = 2;
  let db: TestDatabase;
  let app: INestApplication;
  useTestApp(adapter, (opened) => ({ db, app } = opened), { rateLimitPerMinute: LIMIT });
  const health = () => request(app.getHttpServer()).get('/health');

  it('200 with terminus body: the database ping and the listening revocation listener, not cached', async () => {
    const response = await health();
    expect({ status: response.status, body: response.body }).toEqual({
      status: 200,
      body: healthBody('ok', { database: DATABASE_UP, revocationListener: LISTENING }, {}),
    });
    expect(response.headers['cache-control']).toBe('no-cache, no-store, must-revalidate');
  });

  it('is neither rate-limited nor behind JwtGuard, while the rate limit holds on login', async () => {
    for (let i = 0; i < 3 * LIMIT; i++) {
      const response = await health().set('Authorization', 'Bearer not-a-token');
      expect({ status: response.status, body: response.body }).toEqual({
        status: 200,
        body: healthBody('ok', { database: DATABASE_UP, revocationListener: LISTENING }, {}),
      });
    }
    const logins = [];
    for (let i = 0; i <= LIMIT; i++) {
      const response = await request(app.getHttpServer()).post('/auth/login').send({});
      logins.push({ status: response.status, body: response.body });
    }
    expect(logins.at(-1)).toEqual({
      status: 429,
      body: {
        message: 'Too many requests',
        description: 'Too many requests, try again later',
        code: 'TOO_MANY_REQUESTS',
      },
    });
  });

  it('answers 503 naming the revocation listener while it is down, and 200 again once it listens', async () => {
    // A warm pool connection keeps the ping up; new connections, the listener's included, are refused.
    await health().expect(200);
    const name = new URL(db.url).pathname.slice(1);
    const admin = new pg.Client(inject('databaseAdminUrl'));
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS false`);
      const { rows } = await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = $2',
        [name, LISTENER_APPLICATION_NAME],
      );
      expect(rows).toEqual([{ pg_terminate_backend: true }]);
      const down = await within(5000, async () => {
        const response = await health();
        return response.status === 503 ? response : undefined;
      });
      expect(down?.body).toEqual(
        healthBody(
          'error',
          { database: DATABASE_UP },
          { revocationListener: { ...NOT_LISTENING, reason: 'not connected' } },
        ),
      );
      expect(app.get(RevocationCache).listening).toBe(false);
    } finally {
      await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    const back = await within(10_000, async () => {
      const response = await health();
      return response.status === 200 ? response : undefined;
    });
    expect(back?.body).toEqual(healthBody('ok', { database: DATABASE_UP, revocationListener: LISTENING }, {}));
  });
});

describe.each(ADAPTERS)('GET /health over %s, revocation strict', (adapter) => {
  let app: INestApplication;
  useTestApp(adapter, (opened) => ({ app } = opened), { revocationMode: 'strict' });

  it('reports the revocation check up with a note: strict mode has no listener', async () => {
    const response = await request(app.getHttpServer()).get('/health');
    expect({ status: response.status, body: response.body }).toEqual({
      status: 200,
      body: healthBody(
        'ok',
        {
          database: DATABASE_UP,
          revocationListener: {
            status: 'up',
            mode: 'strict',
            note: 'no listener in strict mode: every request reads PostgreSQL',
          },
        },
        {},
      ),
    });
  });
});

describe.each(ADAPTERS)('GET /health over %s, database unreachable', (adapter) => {
  let proxy: TcpProxy;
  let app: INestApplication;
  useDemoBehindProxy(adapter, (opened) => ({ proxy, app } = opened));
  const health = () => request(app.getHttpServer()).get('/health');

  it('503 within the ping timeout, then with the listener down too; 200 again once the database is back', async () => {
    await health().expect(200);
    proxy.cut();
    try {
      const started = Date.now();
      const first = await health();
      expect(Date.now() - started).toBeLessThan(2500);
      // The listener may or may not have noticed the cut yet: either way the whole body says so.
      expect([
        { status: 503, body: healthBody('error', { revocationListener: LISTENING }, { database: DATABASE_DOWN }) },
        {
          status: 503,
          body: healthBody('error', {}, { database: DATABASE_DOWN, revocationListener: NOT_LISTENING }),
        },
      ]).toContainEqual({ status: first.status, body: first.body });

      expect(await within(5000, async () => (app.get(RevocationCache).listening ? undefined : true))).toBe(true);
      const both = await health();
      expect({ status: both.status, body: both.body }).toEqual({
        status: 503,
        body: healthBody('error', {}, { database: DATABASE_DOWN, revocationListener: NOT_LISTENING }),
      });
    } finally {
      proxy.restore();
    }
    const back = await within(15_000, async () => {
      const response = await health();
      return response.status === 200 ? response : undefined;
    });
    expect(back?.body).toEqual(healthBody('ok', { database: DATABASE_UP, revocationListener: LISTENING }, {}));
  });
});

describe.each(ADAPTERS)('GET /health over %s, database refusing connections', (adapter) => {
  let proxy: TcpProxy;
  let app: INestApplication;
  useDemoBehindProxy(adapter, (opened) => ({ proxy, app } = opened));

  it('503 names the failure (connection refused), not the address the driver gave', async () => {
    await healthOf(app).expect(200);
    const { port } = new URL(proxy.url);
    await proxy.close();
    const refused = { status: 'down', responseTime: expect.any(Number), message: 'connection refused' };
    // A pooled connection cut by the close may fail first ('connection lost'); the next one is refused.
    const down = await within(5000, async () => {
      const response = await healthOf(app);
      const database = response.body?.error?.database;
      return database && database.message !== 'connection lost' ? response : undefined;
    });
    expect(down?.text).not.toMatch(new RegExp(`127\\.0\\.0\\.1|:${port}\\b|ECONNREFUSED`));
    expect([
      { status: 503, body: healthBody('error', { revocationListener: LISTENING }, { database: refused }) },
      { status: 503, body: healthBody('error', {}, { database: refused, revocationListener: NOT_LISTENING }) },
    ]).toContainEqual({ status: down?.status, body: down?.body });
  });
});

const healthOf = (app: INestApplication) => request(app.getHttpServer()).get('/health');

/** For a describe block: the demo on a fresh database reached through a TCP proxy the tests can cut. */
function useDemoBehindProxy(
  adapter: (typeof ADAPTERS)[number],
  receive: (opened: { db: TestDatabase; proxy: TcpProxy; app: INestApplication }) => void,
): void {
  let opened: { db: TestDatabase; proxy: TcpProxy; app: INestApplication } | undefined;
  beforeAll(async () => {
    const db = await createTestDatabase();
    const proxy = await startTcpProxy(db.url);
    opened = { db, proxy, app: await createTestApp(proxy.url, adapter, { dbTimeoutMs: 1000 }) };
    // The listener is up once its first marker is back, shortly after start: the tests begin from a healthy demo.
    const app = opened.app;
    await within(5000, () => (app.get(RevocationCache).listening ? true : undefined));
    receive(opened);
  });
  afterAll(async () => {
    await opened?.app.close();
    await opened?.proxy.close();
    await opened?.db.drop();
  });
}
