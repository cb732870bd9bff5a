import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { ADAPTERS } from './support/constants.js';
import { createHost } from './support/host.js';
import {
  LISTENER_APPLICATION_NAME,
  PAYLOAD,
  REVOCATION_CHANNEL,
  RevocationCache,
  encodeRevocation,
} from './support/internals.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { unstamped } from './support/revocation-payloads.js';
import { newUser } from './support/users.js';
import { holdsWithin, within } from './support/within.js';

const UNAUTHORIZED = {
  message: 'Unauthorized',
  description: 'Invalid, expired or missing bearer token',
  code: 'UNAUTHORIZED',
};

const me = (app: INestApplication, bearer: string) =>
  request(app.getHttpServer()).get('/auth/me').set('Authorization', bearer);

/** Polls until `check` holds or `ms` have passed; returns how long it took, or null. */
/** Polled every 2 ms: the propagation bound is 100 ms. */
const POLL_MS = 2;

describe.each(ADAPTERS)('revocation across instances over %s', (adapter) => {
  let db: TestDatabase;
  let a: INestApplication;
  let b: INestApplication;
  let strict: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    [a, b, strict] = await Promise.all([
      createHost(adapter, db.url),
      createHost(adapter, db.url),
      createHost(adapter, db.url, { revocation: { mode: 'strict' } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([a, b, strict].map((app) => app?.close()));
    await db?.drop();
  });

  const listeners = () =>
    db.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1',
      [LISTENER_APPLICATION_NAME],
    );

  it('a logout on A is refused at once on A, and within 100 ms on B that had the session cached', async () => {
    const user = await newUser(a);
    await me(b, user.bearer).expect(200);
    expect(b.get(RevocationCache).get(user.sessionId)).toEqual({
      userId: user.userId,
      deviceId: null,
      expiresAtMs: expect.any(Number),
    });
    await request(a.getHttpServer()).post('/auth/logout').set('Authorization', user.bearer).expect(200);
    expect((await me(a, user.bearer).expect(401)).body).toEqual(UNAUTHORIZED);
    expect(await holdsWithin(100, async () => (await me(b, user.bearer)).status === 401, POLL_MS)).toBe(true);
  });

  it('B answers a cached session without reading PostgreSQL; strict mode reads it on every request', async () => {
    const user = await newUser(a);
    await me(b, user.bearer).expect(200);
    await me(strict, user.bearer).expect(200);
    // A change that no notification tells (the host disabling the user in its own table):
    // the cached instance keeps trusting the session until the entry ages out, strict mode sees it at once.
    await db.query('UPDATE host_accounts SET disabled = true WHERE id = $1', [user.userId]);
    await me(b, user.bearer).expect(200);
    await me(strict, user.bearer).expect(403);
  });

  it('a revocation made with plain SQL reaches every instance too (the trigger notifies)', async () => {
    const user = await newUser(a);
    await me(b, user.bearer).expect(200);
    await db.query(`UPDATE auth_sessions SET revoked_at = now(), revoke_reason = 'admin' WHERE id = $1`, [
      user.sessionId,
    ]);
    expect(await holdsWithin(100, async () => (await me(b, user.bearer)).status === 401, POLL_MS)).toBe(true);
    await me(strict, user.bearer).expect(401);
  });

  it('logout everywhere of a user with 150 sessions is one notification for the user, and reaches B', async () => {
    const user = await newUser(a);
    await db.query(
      `INSERT INTO auth_sessions (user_id, expires_at)
       SELECT $1, now() + interval '1 day' FROM generate_series(1, 149)`,
      [user.userId],
    );
    await me(b, user.bearer).expect(200);
    const heard: string[] = [];
    const listener = new pg.Client(db.url);
    await listener.connect();
    // The instances' delivery markers share the channel; only revocations are counted.
    listener.on('notification', ({ payload = '' }) => {
      if (!payload.startsWith(PAYLOAD.marker)) heard.push(payload);
    });
    await listener.query(`LISTEN ${REVOCATION_CHANNEL}`);
    try {
      expect(
        (await request(a.getHttpServer()).post('/auth/logout/all').set('Authorization', user.bearer).expect(200)).body,
      ).toEqual({ message: 'Logged out of all sessions', revokedSessions: 150 });
      expect(await holdsWithin(100, async () => (await me(b, user.bearer)).status === 401, POLL_MS)).toBe(true);
      // This test's own listener hears it on its own connection, not necessarily before B did.
      await within(1000, () => (heard.length > 0 ? true : undefined));
      expect(heard.map(unstamped)).toEqual([
        encodeRevocation({ kind: 'user', userId: user.userId, reason: 'logout_all' }),
      ]);
    } finally {
      await listener.end();
    }
  });

  it(
    'losing the LISTEN connection: the cache empties, ' +
      'a revocation made while it is down is never accepted, and it listens again',
    async () => {
      const user = await newUser(a);
      await me(b, user.bearer).expect(200);
      const cache = b.get(RevocationCache);
      expect(cache.listening).toBe(true);
      expect(cache.size).toBeGreaterThan(0);

      await db.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND application_name = $1`,
        [LISTENER_APPLICATION_NAME],
      );
      expect(await holdsWithin(2000, () => !cache.listening, POLL_MS)).toBe(true);
      // Revoked while B cannot hear it: B must read PostgreSQL (strict) and refuse.
      await db.query(`UPDATE auth_sessions SET revoked_at = now(), revoke_reason = 'admin' WHERE id = $1`, [
        user.sessionId,
      ]);
      expect((await me(b, user.bearer).expect(401)).body).toEqual(UNAUTHORIZED);

      // It listens again by itself, with an empty cache, and caches again.
      expect(await holdsWithin(5000, () => cache.listening, POLL_MS)).toBe(true);
      // A and B listen again; the strict instance never listens.
      expect(await holdsWithin(5000, async () => (await listeners()).length === 2, POLL_MS)).toBe(true);
      const next = await newUser(a);
      await me(b, next.bearer).expect(200);
      expect(cache.get(next.sessionId)).toBeDefined();
    },
  );
});
