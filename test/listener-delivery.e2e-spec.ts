import type { INestApplication, LoggerService } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RevocationHealthIndicator } from '../src/auth/index.js';
import { ADAPTERS } from './support/constants.js';
import { createHost } from './support/host.js';
import { LISTENER_APPLICATION_NAME, RevocationCache } from './support/internals.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';
import { createTestApp } from './support/test-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { newUser } from './support/users.js';
import { within } from './support/within.js';

const ROUNDS = 10;
/** A notification's trip on a machine busy with other suites; the median holds the bound itself. */
const LOAD_MARGIN_MS = 200;
const DEAF = {
  revocationListener: {
    status: 'down',
    mode: 'cached',
    listening: false,
    reason: 'no marker back within 1000ms',
    message: 'not listening for revocations: the guard reads PostgreSQL on every request until it listens again',
  },
};
const UNAUTHORIZED = {
  message: 'Unauthorized',
  description: 'Invalid, expired or missing bearer token',
  code: 'UNAUTHORIZED',
};

/** A logger that keeps the warnings and drops the rest. */
const collecting = (warnings: string[]): LoggerService => ({
  log: () => undefined,
  error: () => undefined,
  warn: (message: unknown) => warnings.push(String(message)),
});

/** A logs in, B validates the token twice (cached, if it caches), A logs out: how long B goes on accepting it. */
async function round(a: INestApplication, b: INestApplication) {
  const user = await newUser(a);
  for (let i = 0; i < 2; i++)
    await request(b.getHttpServer()).get('/auth/me').set('Authorization', user.bearer).expect(200);
  const cached = b.get(RevocationCache).get(user.sessionId) !== undefined;
  await request(a.getHttpServer()).post('/auth/logout').set('Authorization', user.bearer).expect(200);
  const loggedOut = performance.now();
  const refused = await within(
    2000,
    async () => {
      const response = await request(b.getHttpServer()).get('/auth/me').set('Authorization', user.bearer);
      return response.status === 200 ? undefined : response;
    },
    5,
  );
  return {
    cached,
    refusedAfterMs: performance.now() - loggedOut,
    answer: { status: refused?.status, body: refused?.body },
  };
}

/**
 * Two instances of one database in cached mode; B's connections go through a proxy that never hands its listening
 * connection a notification, as a transaction pooler that ran the LISTEN on a server connection since given back:
 * the socket answers every query, and nothing arrives.
 */
describe.each(ADAPTERS)('a listener that receives no notification (%s)', (adapter) => {
  let db: TestDatabase;
  let proxy: TcpProxy;

  beforeAll(async () => {
    db = await createTestDatabase();
    proxy = await startTcpProxy(db.url, { deafTo: LISTENER_APPLICATION_NAME });
  });
  afterAll(async () => {
    await proxy?.close();
    await db?.drop();
  });

  describe('without a direct listener connection', () => {
    let a: INestApplication;
    let b: INestApplication;
    let samples: unknown[] = [];
    let sampler: NodeJS.Timeout | undefined;
    const warnings: string[] = [];
    beforeAll(async () => {
      a = await createHost(adapter, db.url);
      b = await createHost(adapter, proxy.url, { logger: collecting(warnings) });
      const indicator = b.get(RevocationHealthIndicator);
      samples = [indicator.check('revocationListener')];
      sampler = setInterval(() => samples.push(indicator.check('revocationListener')), 20);
    });
    afterAll(async () => {
      clearInterval(sampler);
      await b?.close();
      await a?.close();
    });

    it(
      'the health indicator never reports it up, the cache never answers, ' +
        `and A's logout is refused on B within 100 ms (median of ${ROUNDS} rounds; every round within ` +
        `${100 + LOAD_MARGIN_MS} ms)`,
      async () => {
        // Past the first deadline: the reason is that no marker came back, not that the first is still on its way.
        await new Promise((resolve) => setTimeout(resolve, 1200));
        expect(b.get(RevocationHealthIndicator).check('revocationListener')).toEqual(DEAF);
        expect(warnings).toEqual([
          'No revocation marker came back on the listening connection within 1000 ms of its LISTEN: ' +
            'notifications do not reach it (a transaction pooler such as PgBouncer, Supavisor or RDS Proxy does not ' +
            'keep a LISTEN; give revocation.listenerConnection a direct connection). ' +
            'The guard reads PostgreSQL on every request until a marker comes back',
        ]);
        const rounds = [];
        for (let i = 0; i < ROUNDS; i++) rounds.push(await round(a, b));
        expect(rounds).toEqual(
          rounds.map(() => ({
            cached: false,
            refusedAfterMs: expect.any(Number),
            answer: { status: 401, body: UNAUTHORIZED },
          })),
        );
        const delays = rounds.map((r) => r.refusedAfterMs).toSorted((x, y) => x - y);
        expect({ median: delays[ROUNDS / 2] < 100, delays }).toMatchObject({ median: true });
        expect(rounds.filter((r) => r.refusedAfterMs >= 100 + LOAD_MARGIN_MS)).toEqual([]);
        expect(b.get(RevocationCache).size).toBe(0);
        expect(samples.length).toBeGreaterThan(50);
        expect(samples.filter((sample) => (sample as typeof DEAF).revocationListener.status !== 'down')).toEqual([]);
        // A, whose listener hears, caches as before.
        expect(a.get(RevocationHealthIndicator).check('revocationListener')).toEqual({
          revocationListener: { status: 'up', mode: 'cached', listening: true },
        });
      },
    );
  });

  describe('with revocation.listenerConnection direct to the database', () => {
    let a: INestApplication;
    let b: INestApplication;
    beforeAll(async () => {
      a = await createHost(adapter, db.url);
      b = await createHost(adapter, proxy.url, { revocation: { listenerConnection: db.url } });
      await within(2000, async () => (b.get(RevocationCache).listening ? true : undefined));
    });
    afterAll(async () => {
      await b?.close();
      await a?.close();
    });

    it(
      `B caches, hears A's logout and refuses it within 50 ms (median of ${ROUNDS} rounds; ` +
        `every round within ${50 + LOAD_MARGIN_MS} ms), and reports up`,
      async () => {
        const rounds = [];
        for (let i = 0; i < ROUNDS; i++) rounds.push(await round(a, b));
        expect(rounds).toEqual(
          rounds.map(() => ({
            cached: true,
            refusedAfterMs: expect.any(Number),
            answer: { status: 401, body: UNAUTHORIZED },
          })),
        );
        const delays = rounds.map((r) => r.refusedAfterMs).toSorted((x, y) => x - y);
        expect({ median: delays[ROUNDS / 2] < 50, delays }).toMatchObject({ median: true });
        expect(rounds.filter((r) => r.refusedAfterMs >= 50 + LOAD_MARGIN_MS)).toEqual([]);
        expect(b.get(RevocationHealthIndicator).check('revocationListener')).toEqual({
          revocationListener: { status: 'up', mode: 'cached', listening: true },
        });
      },
    );
  });
});

/** The demo's database URL through the same proxy: DATABASE_DIRECT_URL decides whether its listener hears. */
describe.each(ADAPTERS)('the demo behind a pool whose listener would be deaf (%s)', (adapter) => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let deaf: INestApplication;
  let direct: INestApplication;
  const listenerDown = {
    status: 'down',
    mode: 'cached',
    listening: false,
    reason: 'no marker back within 1000ms',
    message: 'not listening for revocations: the guard reads PostgreSQL on every request until it listens again',
  };
  const databaseUp = { status: 'up', responseTime: expect.any(Number) };

  beforeAll(async () => {
    db = await createTestDatabase();
    proxy = await startTcpProxy(db.url, { deafTo: LISTENER_APPLICATION_NAME });
    deaf = await createTestApp(proxy.url, adapter);
    direct = await createTestApp(proxy.url, adapter, { databaseDirectUrl: db.url });
  });
  afterAll(async () => {
    await direct?.close();
    await deaf?.close();
    await proxy?.close();
    await db?.drop();
  });

  it('without it: /health 503 with the reason, /health/ready 200 degraded; with it: both 200, listening', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const health = await request(deaf.getHttpServer()).get('/health');
    expect({ status: health.status, body: health.body }).toEqual({
      status: 503,
      body: {
        status: 'error',
        info: { database: databaseUp },
        error: { revocationListener: listenerDown },
        details: { database: databaseUp, revocationListener: listenerDown },
      },
    });
    const ready = await request(deaf.getHttpServer()).get('/health/ready');
    const degraded = { ...listenerDown, status: 'up', degraded: true };
    expect({ status: ready.status, body: ready.body }).toEqual({
      status: 200,
      body: {
        status: 'degraded',
        info: { database: databaseUp, revocationListener: degraded },
        error: {},
        details: { database: databaseUp, revocationListener: degraded },
      },
    });
    const listening = { status: 'up', mode: 'cached', listening: true };
    const up = {
      status: 'ok',
      info: { database: databaseUp, revocationListener: listening },
      error: {},
      details: { database: databaseUp, revocationListener: listening },
    };
    for (const path of ['/health', '/health/ready']) {
      const response = await request(direct.getHttpServer()).get(path);
      expect({ path, status: response.status, body: response.body }).toEqual({ path, status: 200, body: up });
    }
  });
});
