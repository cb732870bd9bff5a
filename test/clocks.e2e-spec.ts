import type { INestApplication } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SessionService } from '../src/auth/index.js';
import { ADAPTERS } from './support/constants.js';
import { createHost, useHost } from './support/host.js';
import { RevocationCache } from './support/internals.js';
import { within } from './support/within.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { newUser } from './support/users.js';

// Clocks of instances are seconds to minutes off the database's and each other's. The token's own exp, nbf and iat
// allow `clockToleranceSeconds` (token-claims.e2e-spec.ts); everything else about a session's expiry must follow the
// database's clock alone. Here only this process's Date is shifted, the database runs real time.
const SKEW_MS = 20 * 60 * 1000;

/** From here on, this process's wall clock (Date only: timers and performance.now() stay true) is off by `offsetMs`. */
function skewAppClock(offsetMs: number): void {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  vi.setSystemTime(new Date(Date.now() + offsetMs));
}

const UNAUTHORIZED = {
  message: 'Unauthorized',
  description: 'Invalid, expired or missing bearer token',
  code: 'UNAUTHORIZED',
};

afterEach(() => {
  vi.useRealTimers();
});

describe('the session clean-up on an instance whose clock is off', () => {
  let db: TestDatabase;
  let app: INestApplication;
  useHost('fastify', (opened) => ({ db, app } = opened), { cleanup: false });

  const session = async (userId: string, expiresIn: string) =>
    (
      await db.query<{ id: string }>(
        `INSERT INTO auth_sessions (user_id, expires_at) VALUES ($1, now() + $2::interval) RETURNING id`,
        [userId, expiresIn],
      )
    )[0].id;

  it.each([
    ['20 minutes ahead', SKEW_MS],
    ['20 minutes behind', -SKEW_MS],
  ])(
    '%s ends exactly the sessions past their expiry by the database clock, never with a revoked_at in the future',
    async (_name, offsetMs) => {
      await db.query('TRUNCATE auth_sessions, auth_devices CASCADE');
      const tenMinutesLeft = await session('u1', '10 minutes');
      const oneMinutePast = await session('u2', '-1 minute');
      skewAppClock(offsetMs);

      expect(await app.get(SessionService).deleteExpiredSessions()).toEqual({
        expiredSessions: 1,
        idleSessions: 0,
        deletedSessions: 0,
        deletedDevices: 0,
      });

      expect(
        await db.query(
          `SELECT id, revoke_reason, revoked_at = expires_at AS as_of_expiry, revoked_at <= now() AS in_the_past
           FROM auth_sessions ORDER BY expires_at`,
        ),
      ).toEqual([
        { id: oneMinutePast, revoke_reason: 'expired', as_of_expiry: true, in_the_past: true },
        { id: tenMinutesLeft, revoke_reason: null, as_of_expiry: null, in_the_past: null },
      ]);
    },
  );
});

describe.each(ADAPTERS)('a cached instance whose clock is 20 minutes behind, over %s', (adapter) => {
  let db: TestDatabase;
  let app: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    // Entries trusted far longer than the session lives: only its expiry can end it in the cache.
    app = await createHost(adapter, db.url, {
      sessionTtlSeconds: 2,
      revocation: { mode: 'cached', maxEntryAgeMs: 60_000 },
    });
    // The cache fills only once the listener's first marker is back.
    const cache = app.get(RevocationCache);
    await within(5000, () => (cache.listening ? true : undefined));
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('refuses a session cached before its expiry once the database says it has expired', async () => {
    skewAppClock(-SKEW_MS);
    const user = await newUser(app);
    const me = () => request(app.getHttpServer()).get('/auth/me').set('Authorization', user.bearer);
    await me().expect(200);
    expect(app.get(RevocationCache).get(user.sessionId)).toEqual({
      userId: user.userId,
      deviceId: null,
      expiresAtMs: expect.any(Number),
    });

    const [{ left_ms: leftMs }] = await db.query<{ left_ms: number }>(
      'SELECT (EXTRACT(EPOCH FROM expires_at - now()) * 1000)::float8 AS left_ms FROM auth_sessions WHERE id = $1',
      [user.sessionId],
    );
    expect(leftMs).toBeGreaterThan(0);
    await sleep(leftMs + 500);

    // By this instance's clock the token is 15 minutes from its exp: the session's expiry alone refuses it.
    expect((await me().expect(401)).body).toEqual(UNAUTHORIZED);
    expect(app.get(RevocationCache).get(user.sessionId)).toBeUndefined();
  });
});
