import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import { DataSource } from 'typeorm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionService } from '../src/auth/index.js';
import { UNAUTHORIZED } from './support/bodies.js';
import { ADAPTERS } from './support/constants.js';
import { createHost } from './support/host.js';
import { RevocationCache, SessionRepository } from './support/internals.js';
import { outageAnswer, ROUTE_SPECS, UNAVAILABLE } from './support/logout-routes.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { forgeToken } from './support/tokens.js';
import { disableUser, newUser, settled } from './support/users.js';
import { within } from './support/within.js';

const DISABLED = { message: 'Forbidden', description: 'The account is disabled', code: 'FORBIDDEN' };

/** The backend of the app's pool that waits on a lock, running the batched session read. */
async function blockedBatch(db: TestDatabase): Promise<number | undefined> {
  return within(5000, async () => {
    const [row] = await db.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
       WHERE wait_event_type = 'Lock' AND query LIKE '%ANY($1::uuid[])%' AND datname = current_database()`,
    );
    return row?.pid;
  });
}

describe.each(ADAPTERS)('batched session reads over %s', (adapter) => {
  describe('strict mode, one statement in flight at a time', () => {
    let db: TestDatabase;
    let app: INestApplication;
    let url: string;

    beforeAll(async () => {
      db = await createTestDatabase();
      app = await createHost(adapter, db.url, {
        revocation: { mode: 'strict' },
        batchReads: { maxConcurrent: 1, maxBatchSize: 100 },
        dbTimeoutMs: 10_000,
      });
      await app.listen(0, '127.0.0.1');
      url = await app.getUrl();
      url = url.replace('[::1]', '127.0.0.1');
    });
    afterAll(async () => {
      await app?.close();
      await db?.drop();
    });
    const me = (token: string) => request(url).get('/auth/me').set('Authorization', `Bearer ${token}`);

    it('gives each request of a batch its own answer: live, revoked, expired, unknown, disabled sessions', async () => {
      const live = await Promise.all([1, 2, 3, 4].map(() => newUser(app)));
      const [revoked, expired, disabled] = await Promise.all([1, 2, 3].map(() => newUser(app)));
      await request(url).post('/auth/logout').set('Authorization', revoked.bearer).send({}).expect(200);
      await db.query(`UPDATE auth_sessions SET expires_at = now() - interval '1 second' WHERE id = $1`, [
        expired.sessionId,
      ]);
      await disableUser(app, db, disabled.userId);
      const unknown = forgeToken({ sub: live[0].userId, sid: randomUUID() });
      const sessionReads = app.get(SessionRepository).sessionReads!;
      const userReads = app.get(SessionService).userReads!;
      sessionReads.sizes.length = 0;
      userReads.sizes.length = 0;

      // The first read waits on a lock, so the seven others queue behind it whatever the machine's timing.
      const locker = new pg.Client(db.url);
      await locker.connect();
      let answers: Awaited<ReturnType<typeof me>>[];
      try {
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE auth_sessions IN ACCESS EXCLUSIVE MODE');
        const pending = Promise.all(
          [...live, revoked, expired, disabled]
            .map((user) => me(user.accessToken).then((r) => r))
            .concat(me(unknown).then((r) => r)),
        );
        expect(await within(5000, () => (sessionReads.queued === 7 ? true : undefined))).toBe(true);
        await locker.query('ROLLBACK');
        answers = await pending;
      } finally {
        await locker.end();
      }
      expect(answers.map(({ status, body }) => ({ status, body }))).toEqual([
        ...live.map((user) => ({
          status: 200,
          body: { userId: user.userId, sessionId: user.sessionId, deviceId: null },
        })),
        { status: 401, body: UNAUTHORIZED },
        { status: 401, body: UNAUTHORIZED },
        { status: 403, body: DISABLED },
        { status: 401, body: UNAUTHORIZED },
      ]);
      // Eight session reads, in fewer statements; the users of the five sessions found live, likewise.
      expect(sessionReads.sizes.reduce((sum, size) => sum + size, 0)).toBe(8);
      expect(Math.max(...sessionReads.sizes)).toBeGreaterThan(1);
      expect(userReads.sizes.reduce((sum, size) => sum + size, 0)).toBe(5);
      expect(Math.max(...userReads.sizes)).toBeGreaterThan(1);
    });

    it("a failing batch fails only its requests, each in its route's 5xx body; the next batch is served", async () => {
      const [blocker, after, ...loggingOut] = await Promise.all(
        [0, 1, ...ROUTE_SPECS.map((_route, i) => i + 2)].map(() => newUser(app)),
      );
      const sessionReads = app.get(SessionRepository).sessionReads!;
      const locker = new pg.Client(db.url);
      await locker.connect();
      try {
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE auth_sessions IN ACCESS EXCLUSIVE MODE');
        // Batch 1 (the blocker alone) waits on the lock; the four logouts queue behind it as batch 2.
        const blocked = me(blocker.accessToken).then((response) => response);
        const firstPid = await blockedBatch(db);
        const logouts = ROUTE_SPECS.map((route, i) =>
          request(url)
            .post(route.path)
            .set('Authorization', loggingOut[i].bearer)
            .send({})
            .then((r) => r),
        );
        expect(await within(5000, () => (sessionReads.queued === ROUTE_SPECS.length ? true : undefined))).toBe(true);
        await db.query('SELECT pg_terminate_backend($1)', [firstPid]);
        const blockerAnswer = await blocked;
        expect({ status: blockerAnswer.status, body: blockerAnswer.body }).toEqual({ status: 503, body: UNAVAILABLE });

        // Batch 2 (the logouts) now waits on the lock; a later request queues as batch 3.
        const secondPid = await blockedBatch(db);
        expect(secondPid).not.toBe(firstPid);
        const later = me(after.accessToken).then((response) => response);
        expect(await within(5000, () => (sessionReads.queued === 1 ? true : undefined))).toBe(true);
        await db.query('SELECT pg_terminate_backend($1)', [secondPid]);
        const failed = await Promise.all(logouts);
        expect(failed.map(({ status, body }) => ({ status, body }))).toEqual(
          ROUTE_SPECS.map((route) => {
            const [status, body] = outageAnswer(route);
            return { status, body };
          }),
        );
        await locker.query('ROLLBACK');
        const served = await later;
        expect({ status: served.status, body: served.body }).toEqual({
          status: 200,
          body: { userId: after.userId, sessionId: after.sessionId, deviceId: null },
        });
      } finally {
        await locker.end();
      }
      // Nothing ended: the failed logouts changed no row, and succeed when sent again.
      const rows = await db.query('SELECT revoked_at FROM auth_sessions WHERE id = ANY($1::uuid[])', [
        loggingOut.map((user) => user.sessionId),
      ]);
      expect(rows).toEqual(loggingOut.map(() => ({ revoked_at: null })));
      for (const [i, route] of ROUTE_SPECS.entries()) {
        const again = await request(url).post(route.path).set('Authorization', loggingOut[i].bearer).send({});
        expect(again.status).toBe(200);
      }
    });
  });

  describe('cached mode', () => {
    let db: TestDatabase;
    let proxy: TcpProxy;
    let app: INestApplication;

    beforeAll(async () => {
      db = await createTestDatabase();
      proxy = await startTcpProxy(db.url);
      // The pool goes through the proxy; the listener does not, so a notification is not slowed with the reads.
      app = await createHost(adapter, proxy.url, { revocation: { mode: 'cached', listenerConnection: db.url } });
      await settled(app);
    });
    afterAll(async () => {
      await app?.close();
      await proxy?.close();
      await db?.drop();
    });

    it('a revocation that commits while a batched read is in flight is never cached as live', async () => {
      const user = await newUser(app);
      app.get(RevocationCache).clear();
      const reads = app.get(SessionRepository).sessionReads!;
      reads.sizes.length = 0;
      // Idle connections in the pool, so that the read below needs no (slowed) connection set-up first.
      const pool = app.get(DataSource);
      await Promise.all([1, 2, 3, 4].map(() => pool.query('SELECT pg_sleep(0.05)')));
      // The read runs in PostgreSQL at once and sees the session live; its answer reaches the app 800 ms later.
      proxy.slow(800);
      const inFlight = request(app.getHttpServer()).get('/auth/me').set('Authorization', user.bearer);
      const answered = inFlight.then((response) => response);
      expect(await within(2000, () => (reads.sizes.length > 0 ? true : undefined))).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 200));
      // Meanwhile the session ends (directly, not through the slowed pool); the notification arrives first.
      await db.query(`UPDATE auth_sessions SET revoked_at = now(), revoke_reason = 'logout' WHERE id = $1`, [
        user.sessionId,
      ]);
      await settled(app);
      const stale = await answered;
      proxy.slow(0);
      // That request's read ran before the revocation: it is answered as live, rightly for its moment.
      expect(stale.status).toBe(200);
      // The next ones are refused: what the read saw was not kept.
      for (let i = 0; i < 5; i++) {
        const refused = await request(app.getHttpServer()).get('/auth/me').set('Authorization', user.bearer);
        expect({ status: refused.status, body: refused.body }).toEqual({ status: 401, body: UNAUTHORIZED });
      }
    });
  });
});
