import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RevocationHealthIndicator, RevocationStream, RevocationStreamInterruptedError } from '../src/auth/index.js';
import { DemoUsersService } from '../src/demo/users/demo-users.service.js';
import { ADAPTERS } from './support/constants.js';
import { createHost, type HostOptions } from './support/host.js';
import { startPgBouncer, type PgBouncer } from './support/pgbouncer.js';
import { createTestApp } from './support/test-app.js';
import { RevocationCache } from './support/internals.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { addAccount, newUser } from './support/users.js';
import { within } from './support/within.js';

/**
 * Two instances whose database connection goes through PgBouncer (Debian's 1.18, as `.ci/run` installs it) in
 * transaction mode: each statement may run on another of its 5 server connections, which is what breaks named
 * prepared statements (PgBouncer passes them through only from 1.21, with `max_prepared_statements`).
 */
const REQUESTS = 400;
const CONCURRENCY = 20;

/** What B's health says of a listener whose connection goes through PgBouncer (its key is not the server's). */
const POOLED_LISTENER_REASON =
  'the listening connection goes through a pooler (no server session of its own): give revocation.listenerConnection ' +
  'a direct connection';

const UNAUTHORIZED = {
  message: 'Unauthorized',
  description: 'Invalid, expired or missing bearer token',
  code: 'UNAUTHORIZED',
};

const me = (app: INestApplication, bearer: string) =>
  request(app.getHttpServer()).get('/auth/me').set('Authorization', bearer);

/**
 * `REQUESTS` GET /auth/me, `CONCURRENCY` at a time, taking the bearers in turn and the instances in turn after each
 * round of bearers: how many answers of each status.
 */
async function guardedLoad(apps: INestApplication[], bearers: string[]): Promise<Record<number, number>> {
  const statuses: Record<number, number> = {};
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) {
        const i = next++;
        const app = apps[Math.floor(i / bearers.length) % apps.length];
        const { status } = await me(app, bearers[i % bearers.length]);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  return statuses;
}

/** The error a new subscriber of the instance's revocation stream gets (within 5 s), or a timeout. */
const streamRefusal = (app: INestApplication) =>
  new Promise<unknown>((resolve) => {
    const timer = setTimeout(() => resolve('no error within 5 s'), 5000);
    app
      .get(RevocationStream)
      .revocations()
      .subscribe({
        error: (error: unknown) => {
          clearTimeout(timer);
          resolve(error);
        },
      });
  });

describe.each(ADAPTERS)('two instances through PgBouncer in transaction mode over %s', (adapter) => {
  let db: TestDatabase;
  let bouncer: PgBouncer;

  beforeAll(async () => {
    db = await createTestDatabase();
    bouncer = await startPgBouncer(db.url, 'transaction');
  });
  afterAll(async () => {
    await bouncer?.stop();
    await db?.drop();
  });

  /** For a describe block: instances A and B of the test host, both through the pooler. */
  function useInstances(
    options: HostOptions | (() => HostOptions),
    receive: (a: INestApplication, b: INestApplication) => void,
  ): void {
    let apps: INestApplication[] = [];
    beforeAll(async () => {
      const resolved = typeof options === 'function' ? options() : options;
      apps = await Promise.all([
        createHost(adapter, bouncer.url, resolved),
        createHost(adapter, bouncer.url, resolved),
      ]);
      receive(apps[0], apps[1]);
    });
    afterAll(async () => {
      await Promise.all(apps.map((app) => app.close()));
    });
  }

  describe('strict mode', () => {
    let a: INestApplication;
    let b: INestApplication;
    useInstances({ revocation: { mode: 'strict' } }, (...apps) => ([a, b] = apps));

    it(`${REQUESTS} guarded requests at concurrency ${CONCURRENCY}: every one answers 200`, async () => {
      const user = await newUser(a);
      expect(await guardedLoad([a, b], [user.bearer])).toEqual({ 200: REQUESTS });
    });

    it('the first subscription to the revocation stream opens a listener, finds the pooler, and says so', async () => {
      expect(await streamRefusal(b)).toEqual(new RevocationStreamInterruptedError(POOLED_LISTENER_REASON));
      // Never retried: a later subscriber is told the same at once.
      expect(await streamRefusal(b)).toEqual(new RevocationStreamInterruptedError(POOLED_LISTENER_REASON));
    });

    it('a logout on A answers 200 with its whole body, and B refuses the token at once', async () => {
      for (let round = 0; round < 5; round++) {
        const user = await newUser(a);
        await me(b, user.bearer).expect(200);
        const logout = await request(a.getHttpServer()).post('/auth/logout').set('Authorization', user.bearer);
        expect({ status: logout.status, body: logout.body }).toEqual({
          status: 200,
          body: { message: 'Logged out successfully' },
        });
        const refused = await me(b, user.bearer);
        expect({ status: refused.status, body: refused.body }).toEqual({ status: 401, body: UNAUTHORIZED });
        expect(
          await db.query('SELECT revoked_at IS NOT NULL AS revoked, revoke_reason FROM auth_sessions WHERE id = $1', [
            user.sessionId,
          ]),
        ).toEqual([{ revoked: true, revoke_reason: 'logout' }]);
      }
    });
  });

  describe('strict mode with preparedStatements: true (why it is off by default)', () => {
    let a: INestApplication;
    let b: INestApplication;
    useInstances({ revocation: { mode: 'strict' }, preparedStatements: true }, (...apps) => ([a, b] = apps));

    it('the same load meets "prepared statement ... already exists / does not exist": answers of 500', async () => {
      // Signed in without a guarded request, which may meet the same error.
      const email = `u-${randomBytes(5).toString('hex')}@example.com`;
      await addAccount(a, email, 'pw');
      const login = await request(a.getHttpServer()).post('/auth/login').send({ email, password: 'pw' }).expect(200);
      const statuses = await guardedLoad([a, b], [`Bearer ${login.body.accessToken}`]);
      expect(statuses[500]).toBeGreaterThan(0);
      expect(Object.keys(statuses).filter((status) => status !== '200' && status !== '500')).toEqual([]);
    });
  });

  describe('cached mode', () => {
    let a: INestApplication;
    let b: INestApplication;
    useInstances({}, (...apps) => ([a, b] = apps));

    it(`${REQUESTS} guarded requests at concurrency ${CONCURRENCY} over 20 new sessions: all 200`, async () => {
      // Cache misses are what reach the database: 20 sessions, each first read on each instance under load.
      const users = await Promise.all(Array.from({ length: 20 }, () => newUser(a)));
      const bearers = users.map((user) => user.bearer);
      expect(await guardedLoad([a, b], bearers)).toEqual({ 200: REQUESTS });
    });

    it('a subscriber of the revocation stream is told at once that it cannot be trusted', async () => {
      await within(5000, () => b.get(RevocationCache).notListeningBecause === POOLED_LISTENER_REASON || undefined);
      expect(await streamRefusal(b)).toEqual(new RevocationStreamInterruptedError(POOLED_LISTENER_REASON));
    });

    it('B never reports listening, and refuses a logout on A within 100 ms in each of 5 rounds', async () => {
      const health = b.get(RevocationHealthIndicator);
      const cache = b.get(RevocationCache);
      const seen = new Set<string>();
      const sampling = { on: true };
      // Sampled every few ms for several listener deadlines: a marker that came back by chance would show as up.
      const sampler = (async () => {
        while (sampling.on) {
          const { status, reason } = health.check('revocationListener').revocationListener;
          seen.add(`${status}: ${String(reason)}`);
          if (cache.listening) seen.add('listening');
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      })();
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const refusedAfterMs: number[] = [];
      for (let round = 0; round < 5; round++) {
        const user = await newUser(a);
        await me(b, user.bearer).expect(200);
        const logout = await request(a.getHttpServer()).post('/auth/logout').set('Authorization', user.bearer);
        expect({ status: logout.status, body: logout.body }).toEqual({
          status: 200,
          body: { message: 'Logged out successfully' },
        });
        const answeredAt = performance.now();
        const refused = await me(b, user.bearer);
        refusedAfterMs.push(performance.now() - answeredAt);
        expect({ status: refused.status, body: refused.body }).toEqual({ status: 401, body: UNAUTHORIZED });
      }
      sampling.on = false;
      await sampler;
      expect(refusedAfterMs.filter((ms) => ms >= 100)).toEqual([]);
      expect([...seen]).toEqual([`down: ${POOLED_LISTENER_REASON}`]);
    });
  });

  describe('cached mode with revocation.listenerConnection direct to PostgreSQL', () => {
    let a: INestApplication;
    let b: INestApplication;
    useInstances(
      () => ({ revocation: { listenerConnection: db.url } }),
      (...apps) => ([a, b] = apps),
    );

    it('B caches, and refuses a logout on A within 50 ms (p99 of 20 rounds); both report listening', async () => {
      for (const app of [a, b]) {
        expect(await within(5000, () => (app.get(RevocationCache).listening ? true : undefined))).toBe(true);
      }
      const refusedAfterMs: number[] = [];
      for (let round = 0; round < 20; round++) {
        const user = await newUser(a);
        await me(b, user.bearer).expect(200);
        expect(b.get(RevocationCache).get(user.sessionId)).toBeDefined();
        const logout = await request(a.getHttpServer()).post('/auth/logout').set('Authorization', user.bearer);
        expect({ status: logout.status, body: logout.body }).toEqual({
          status: 200,
          body: { message: 'Logged out successfully' },
        });
        const answeredAt = performance.now();
        const refused = await within(1000, async () => (await me(b, user.bearer)).status === 401 || undefined, 2);
        expect(refused).toBe(true);
        refusedAfterMs.push(performance.now() - answeredAt);
      }
      refusedAfterMs.sort((x, y) => x - y);
      expect(refusedAfterMs[Math.ceil(refusedAfterMs.length * 0.99) - 1]).toBeLessThan(50);
      expect(b.get(RevocationHealthIndicator).check('revocationListener').revocationListener).toMatchObject({
        status: 'up',
        listening: true,
      });
    });
  });

  describe('the sign-in throttle of the demo login', () => {
    let app: INestApplication;
    beforeAll(async () => {
      app = await createTestApp(bouncer.url, adapter, { rateLimitPerMinute: 10_000, trustProxy: 1 });
    });
    afterAll(async () => {
      await app?.close();
    });

    it('10 accounts at once, 6 wrong passwords each: 5 answer 401, the 6th 429, none 500', async () => {
      const attempts = await Promise.all(
        Array.from({ length: 10 }, async (_, account) => {
          const email = `t-${randomBytes(5).toString('hex')}@example.com`;
          await app.get(DemoUsersService).upsertUser(email, 'right-password');
          const answers: Array<{ status: number; code: unknown }> = [];
          for (let i = 0; i < 6; i++) {
            const response = await request(app.getHttpServer())
              .post('/auth/login')
              .set('X-Forwarded-For', `198.18.9.${account + 1}`)
              .send({ email, password: `wrong-${i}` });
            answers.push({ status: response.status, code: response.body.code });
          }
          return answers;
        }),
      );
      const expected = [
        ...Array.from({ length: 5 }, () => ({ status: 401, code: 'INVALID_CREDENTIALS' })),
        { status: 429, code: 'TOO_MANY_REQUESTS' },
      ];
      expect(attempts).toEqual(Array.from({ length: 10 }, () => expected));
    });
  });
});

describe.each(ADAPTERS)('instance B through PgBouncer in session mode over %s', (adapter) => {
  let db: TestDatabase;
  let bouncer: PgBouncer;
  let a: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    bouncer = await startPgBouncer(db.url, 'session');
    a = await createHost(adapter, db.url);
  });
  afterAll(async () => {
    await a?.close();
    await bouncer?.stop();
    await db?.drop();
  });

  it('is taken for a pooler like any other (the module cannot tell the modes apart): never listening', async () => {
    const b = await createHost(adapter, bouncer.url);
    try {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(b.get(RevocationHealthIndicator).check('revocationListener')).toEqual({
        revocationListener: {
          status: 'down',
          mode: 'cached',
          listening: false,
          reason: POOLED_LISTENER_REASON,
          message: 'not listening for revocations: the guard reads PostgreSQL on every request until it listens again',
        },
      });
    } finally {
      await b.close();
    }
  });

  // Refused within 1 s, where a lost notification would leave the entry trusted for maxEntryAgeMs (5 s).
  it('with trustPooledListener: B caches, and refuses a logout on A within 1 s in each of 5 rounds', async () => {
    const b = await createHost(adapter, bouncer.url, { revocation: { trustPooledListener: true } });
    try {
      expect(await within(5000, () => (b.get(RevocationCache).listening ? true : undefined))).toBe(true);
      for (let round = 0; round < 5; round++) {
        const user = await newUser(a);
        await me(b, user.bearer).expect(200);
        expect(b.get(RevocationCache).get(user.sessionId)).toBeDefined();
        await request(a.getHttpServer()).post('/auth/logout').set('Authorization', user.bearer).expect(200);
        expect(await within(1000, async () => (await me(b, user.bearer)).status === 401 || undefined, 2)).toBe(true);
      }
    } finally {
      await b.close();
    }
  });
});
