import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionRevokedError, SessionService } from '../src/auth/index.js';
import { createHost } from './support/host.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

const user = () => `user-${Math.random().toString(36).slice(2)}`;

describe('SessionService against PostgreSQL', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let sessions: SessionService;
  const rows = (userId: string) =>
    db.query(
      `SELECT s.revoke_reason, d.external_id, d.revoked_at IS NOT NULL AS device_revoked
       FROM auth_sessions s LEFT JOIN auth_devices d ON d.id = s.device_id WHERE s.user_id = $1
       ORDER BY s.created_at, s.id`,
      [userId],
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createHost('fastify', db.url);
    sessions = app.get(SessionService);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('gives exactly one winner to concurrent revocations of one session', async () => {
    const { sessionId } = await sessions.createSession({ userId: user() });
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) => sessions.revokeSession(sessionId, { reason: i % 2 ? 'logout' : 'admin' })),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const [row] = await db.query<{ revoke_reason: string }>('SELECT revoke_reason FROM auth_sessions WHERE id = $1', [
      sessionId,
    ]);
    expect(['logout', 'admin']).toContain(row.revoke_reason);
    expect(await sessions.revokeSession(sessionId, { reason: 'logout' })).toBe(false);
  });

  it('registers one device per client device id and revokes it with all its sessions', async () => {
    const userId = user();
    await sessions.createSession({ userId, deviceId: 'tablet', deviceName: 'Tab', pushToken: 'push-1' });
    await sessions.createSession({ userId, deviceId: 'tablet' });
    await sessions.createSession({ userId, deviceId: 'phone' });
    await sessions.createSession({ userId });
    const devices = await db.query(
      'SELECT external_id, name, push_token FROM auth_devices WHERE user_id = $1 ORDER BY external_id',
      [userId],
    );
    expect(devices).toEqual([
      { external_id: 'phone', name: null, push_token: null },
      { external_id: 'tablet', name: 'Tab', push_token: 'push-1' },
    ]);

    const revoked = await sessions.revokeDevice(userId, 'tablet', 'device_signout');
    expect(revoked).toEqual({
      deviceId: expect.any(String),
      revokedSessionIds: [expect.any(String), expect.any(String)],
    });
    expect(await rows(userId)).toEqual([
      { revoke_reason: 'device_signout', external_id: 'tablet', device_revoked: true },
      { revoke_reason: 'device_signout', external_id: 'tablet', device_revoked: true },
      { revoke_reason: null, external_id: 'phone', device_revoked: false },
      { revoke_reason: null, external_id: null, device_revoked: false },
    ]);
    expect(await sessions.revokeDevice(userId, 'not-mine', 'device_signout')).toBeNull();
    expect(await sessions.revokeDevice('someone-else', 'phone', 'device_signout')).toBeNull();
  });

  it('re-activates a revoked device on the next sign-in from it', async () => {
    const userId = user();
    await sessions.createSession({ userId, deviceId: 'laptop' });
    await sessions.revokeDevice(userId, 'laptop', 'device_signout');
    await sessions.createSession({ userId, deviceId: 'laptop' });
    const [device] = await db.query('SELECT revoked_at FROM auth_devices WHERE user_id = $1', [userId]);
    expect(device).toEqual({ revoked_at: null });
  });

  it('revokes every active session of a user in one statement and leaves other users alone', async () => {
    const userId = user();
    const other = user();
    const ids = await Promise.all([1, 2, 3].map(() => sessions.createSession({ userId }).then((s) => s.sessionId)));
    await sessions.createSession({ userId: other });
    await sessions.revokeSession(ids[0], { reason: 'logout' });
    expect((await sessions.revokeUserSessions(userId, 'logout_all')).toSorted()).toEqual([ids[1], ids[2]].toSorted());
    expect((await rows(userId)).map((r) => r.revoke_reason).toSorted()).toEqual(['logout', 'logout_all', 'logout_all']);
    expect(await rows(other)).toEqual([{ revoke_reason: null, external_id: null, device_revoked: false }]);
  });

  it('ends every session of an account that ended (revokeUserSessions), with the reason given', async () => {
    const disabled = user();
    const deleted = user();
    const mine = await Promise.all(
      [1, 2].map(() => sessions.createSession({ userId: disabled, deviceId: 'pc' }).then((s) => s.sessionId)),
    );
    await sessions.createSession({ userId: deleted });
    expect((await sessions.revokeUserSessions(disabled, 'user_disabled')).toSorted()).toEqual(mine.toSorted());
    expect(await sessions.revokeUserSessions(deleted, 'user_deleted')).toHaveLength(1);
    expect((await rows(disabled)).map((r) => r.revoke_reason)).toEqual(['user_disabled', 'user_disabled']);
    expect((await rows(deleted)).map((r) => r.revoke_reason)).toEqual(['user_deleted']);
    // Nothing left to end.
    expect(await sessions.revokeUserSessions(disabled, 'user_disabled')).toEqual([]);
  });

  it('validates claims against the session row and the user store', async () => {
    const [{ id: userId }] = await db.query<{ id: string }>(
      `INSERT INTO host_accounts (email, password_sha256) VALUES ('v@example.com', 'x') RETURNING id`,
    );
    const { sessionId } = await sessions.createSession({ userId, deviceId: 'watch' });
    await expect(sessions.validateSession({ sub: userId, sid: sessionId, jti: 'j' })).resolves.toEqual({
      userId,
      sessionId,
      deviceId: 'watch',
      tokenId: 'j',
    });
    await sessions.revokeSession(sessionId, { reason: 'logout' });
    await expect(sessions.validateSession({ sub: userId, sid: sessionId, jti: 'j' })).rejects.toBeInstanceOf(
      SessionRevokedError,
    );
  });
});
