import type { INestApplication } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { SchedulerRegistry } from '@nestjs/schedule';
import { describe, expect, it } from 'vitest';
import { SessionService, SessionsPurgedEvent, SessionsRevokedEvent } from '../src/auth/index.js';
import { createHost, useHost } from './support/host.js';
import { SESSION_CLEANUP_JOB } from './support/internals.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

// A fixed clock for the job, years after the database's own now(): nothing depends on when the test runs.
const NOW = new Date('2031-06-01T00:00:00Z');
const at = (iso: string) => new Date(iso);
// 30 days' retention before NOW.
const CUTOFF = '2031-05-02T00:00:00Z';

describe('session clean-up job', () => {
  let db: TestDatabase;
  let app: INestApplication;
  useHost('fastify', (opened) => ({ db, app } = opened));

  async function session(
    userId: string,
    expiresAt: string,
    revokedAt: string | null = null,
    deviceId: string | null = null,
  ): Promise<string> {
    const [row] = await db.query<{ id: string }>(
      `INSERT INTO auth_sessions (user_id, device_id, expires_at, revoked_at, revoke_reason)
       VALUES ($1, $2, $3, $4, CASE WHEN $4::timestamptz IS NULL THEN NULL ELSE 'logout' END) RETURNING id`,
      [userId, deviceId, expiresAt, revokedAt],
    );
    await db.query(
      `INSERT INTO auth_refresh_tokens (token_hash, session_id)
       VALUES (decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'), $1)`,
      [row.id],
    );
    return row.id;
  }
  const device = async (userId: string, externalId: string, revokedAt: string | null) =>
    (
      await db.query<{ id: string }>(
        'INSERT INTO auth_devices (user_id, external_id, revoked_at) VALUES ($1, $2, $3) RETURNING id',
        [userId, externalId, revokedAt],
      )
    )[0].id;
  const sessions = async () =>
    Object.fromEntries(
      (
        await db.query<{ id: string; revoked_at: Date | null; revoke_reason: string | null }>(
          'SELECT id, revoked_at, revoke_reason FROM auth_sessions',
        )
      ).map((r) => [r.id, { revokedAt: r.revoked_at?.toISOString() ?? null, reason: r.revoke_reason }]),
    );

  it('marks sessions past expiry as expired, and deletes only what ended before the retention cut-off', async () => {
    await db.query('TRUNCATE auth_sessions, auth_devices CASCADE');
    await device('u1', 'old-phone', '2031-04-01T00:00:00Z');
    const goneButUsed = await device('u1', 'old-tablet', '2031-04-01T00:00:00Z');
    const live = await device('u1', 'phone', null);
    const ids = {
      live: await session('u1', '2031-07-01T00:00:00Z', null, live),
      expiredRecently: await session('u1', '2031-05-20T00:00:00Z'),
      expiredLongAgo: await session('u2', '2031-04-01T00:00:00Z'),
      revokedRecently: await session('u1', '2031-07-01T00:00:00Z', '2031-05-10T00:00:00Z', goneButUsed),
      revokedAtCutoff: await session('u1', '2031-07-01T00:00:00Z', CUTOFF),
      revokedLongAgo: await session('u2', '2031-07-01T00:00:00Z', '2031-04-30T00:00:00Z'),
    };
    const events: unknown[] = [];
    app.get(EventEmitter2).onAny((_name, payload) => events.push(payload));

    const result = await app.get(SessionService).deleteExpiredSessions(NOW);

    expect(result).toEqual({ expiredSessions: 2, idleSessions: 0, deletedSessions: 2, deletedDevices: 1 });
    expect(await sessions()).toEqual({
      [ids.live]: { revokedAt: null, reason: null },
      // Revoked as of its expiry, so retention counts from when it really ended.
      [ids.expiredRecently]: { revokedAt: '2031-05-20T00:00:00.000Z', reason: 'expired' },
      [ids.revokedRecently]: { revokedAt: '2031-05-10T00:00:00.000Z', reason: 'logout' },
      [ids.revokedAtCutoff]: { revokedAt: '2031-05-02T00:00:00.000Z', reason: 'logout' },
    });
    expect(
      (await db.query<{ session_id: string }>('SELECT session_id FROM auth_refresh_tokens ORDER BY 1'))
        .map((r) => r.session_id)
        .toSorted(),
    ).toEqual([ids.live, ids.expiredRecently, ids.revokedRecently, ids.revokedAtCutoff].toSorted());
    expect((await db.query<{ id: string }>('SELECT id FROM auth_devices')).map((r) => r.id).toSorted()).toEqual(
      [goneButUsed, live].toSorted(),
    );
    expect(events).toEqual(
      expect.arrayContaining([
        new SessionsRevokedEvent('u1', [ids.expiredRecently], 'expired', expect.any(Date)),
        new SessionsRevokedEvent('u2', [ids.expiredLongAgo], 'expired', expect.any(Date)),
        new SessionsPurgedEvent(2, at(CUTOFF), expect.any(Date)),
      ]),
    );
    expect(events).toHaveLength(3);

    // A second run finds nothing more to do.
    expect(await app.get(SessionService).deleteExpiredSessions(NOW)).toEqual({
      expiredSessions: 0,
      idleSessions: 0,
      deletedSessions: 0,
      deletedDevices: 0,
    });
  });

  it('works through more rows than one batch holds', async () => {
    await db.query('TRUNCATE auth_sessions, auth_devices CASCADE');
    await db.query(
      `INSERT INTO auth_sessions (user_id, expires_at)
       SELECT 'u' || (i % 7), '2031-03-01T00:00:00Z' FROM generate_series(1, 2500) i`,
    );
    await db.query(
      `INSERT INTO auth_sessions (user_id, expires_at)
       SELECT 'keep', '2031-05-31T00:00:00Z' FROM generate_series(1, 1200) i`,
    );
    expect(await app.get(SessionService).deleteExpiredSessions(NOW)).toEqual({
      expiredSessions: 3700,
      idleSessions: 0,
      deletedSessions: 2500,
      deletedDevices: 0,
    });
    expect(await db.query(`SELECT revoke_reason, count(*)::int AS n FROM auth_sessions GROUP BY 1`)).toEqual([
      { revoke_reason: 'expired', n: 1200 },
    ]);
  });

  it.each([
    ['on', { intervalSeconds: 3600 }, true],
    ['off', false, false],
  ] as const)('is scheduled when %s, and unscheduled at shutdown', async (_name, cleanup, scheduled) => {
    const otherDb = await createTestDatabase();
    const other = await createHost('express', otherDb.url, { cleanup });
    const registry = other.get(SchedulerRegistry);
    try {
      expect(registry.doesExist('interval', SESSION_CLEANUP_JOB)).toBe(scheduled);
    } finally {
      await other.close();
      await otherDb.drop();
    }
    expect(registry.doesExist('interval', SESSION_CLEANUP_JOB)).toBe(false);
  });
});
