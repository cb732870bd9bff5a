import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS } from './support/constants.js';
import { useHost } from './support/host.js';
import { login } from './support/session-client.js';
import type { TestDatabase } from './support/test-database.js';
import { decodeToken } from './support/tokens.js';
import { addAccount, addDemoAccount, deleteUser, disableUser, newUser, settled } from './support/users.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const LOGGED_OUT = { message: 'Logged out successfully' };
const UNAUTHORIZED = {
  message: 'Unauthorized',
  description: 'Invalid, expired or missing bearer token',
  code: 'UNAUTHORIZED',
};
const FORBIDDEN = { message: 'Forbidden', description: 'The account is disabled', code: 'FORBIDDEN' };
const NOT_FOUND = {
  message: 'Resource not found',
  description: 'The requested resource could not be found',
  code: 'NOT_FOUND',
};
const CONFLICT = {
  message: 'Resource conflict',
  description: 'The session was revoked by another request',
  code: 'CONFLICT',
};

describe.each(ADAPTERS)('login, me and POST /auth/logout over %s', (adapter) => {
  let db: TestDatabase;
  let app: INestApplication;
  const http = () => request(app.getHttpServer());
  const sessionRow = async (id: string) =>
    (
      await db.query<{ revoked_at: Date | null; revoke_reason: string | null }>(
        'SELECT revoked_at, revoke_reason FROM auth_sessions WHERE id = $1',
        [id],
      )
    )[0];

  useHost(adapter, (opened) => ({ db, app } = opened));
  beforeAll(() => addDemoAccount(app));

  it('logs in with a token of our profile and a session row', async () => {
    const response = await http()
      .post('/auth/login')
      .send({ email: 'demo@example.com', password: 'demo-password', deviceId: 'phone-1', deviceName: 'Pixel' })
      .expect(200)
      .expect('Content-Type', /application\/json/)
      .expect('Cache-Control', 'no-store');
    expect(response.body).toEqual({
      accessToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: 900,
      sessionId: expect.stringMatching(UUID),
      refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    const { header, payload } = decodeToken(response.body.accessToken);
    expect(header).toEqual({ alg: 'HS256', typ: 'at+jwt' });
    expect(payload).toEqual({
      sub: expect.stringMatching(UUID),
      sid: response.body.sessionId,
      jti: expect.stringMatching(UUID),
      iat: expect.any(Number),
      exp: (payload.iat as number) + 900,
      iss: 'nest-signout',
      aud: 'nest-signout-api',
    });
    const [row] = await db.query(
      `SELECT s.user_id, s.revoked_at, s.expires_at - s.created_at AS lifetime, d.external_id, d.name
       FROM auth_sessions s JOIN auth_devices d ON d.id = s.device_id WHERE s.id = $1`,
      [response.body.sessionId],
    );
    expect(row).toEqual({
      user_id: payload.sub,
      revoked_at: null,
      lifetime: { days: 30 },
      external_id: 'phone-1',
      name: 'Pixel',
    });
  });

  it('walks login -> me 200 -> logout 200 -> me 401 -> logout 401, and revokes without deleting', async () => {
    const first = await login(app, { deviceId: 'walk-device' });
    const second = await login(app);

    const me = await http().get('/auth/me').set('Authorization', first.bearer).expect(200);
    expect(me.body).toEqual({ userId: first.userId, sessionId: first.sessionId, deviceId: 'walk-device' });

    const logout = await http()
      .post('/auth/logout')
      .set('Authorization', first.bearer)
      .expect(200)
      .expect('Content-Type', /application\/json/);
    expect(logout.body).toEqual(LOGGED_OUT);

    const meAfter = await http()
      .get('/auth/me')
      .set('Authorization', first.bearer)
      .expect(401)
      .expect('Content-Type', /application\/json/);
    expect(meAfter.body).toEqual(UNAUTHORIZED);
    const again = await http()
      .post('/auth/logout')
      .set('Authorization', first.bearer)
      .expect(401)
      .expect('Content-Type', /application\/json/);
    expect(again.body).toEqual(UNAUTHORIZED);

    expect(await sessionRow(first.sessionId)).toEqual({ revoked_at: expect.any(Date), revoke_reason: 'logout' });
    expect(await sessionRow(second.sessionId)).toEqual({ revoked_at: null, revoke_reason: null });
    const stillWorks = await http().get('/auth/me').set('Authorization', second.bearer).expect(200);
    expect(stillWorks.body).toEqual({ userId: second.userId, sessionId: second.sessionId, deviceId: null });
  });

  it('refuses bad credentials with 401 and a malformed login body with 400', async () => {
    const wrongPassword = await http()
      .post('/auth/login')
      .send({ email: 'demo@example.com', password: 'nope' })
      .expect(401);
    expect(wrongPassword.body).toEqual({
      message: 'Unauthorized',
      description: 'Invalid email or password',
      code: 'INVALID_CREDENTIALS',
    });
    const unknownUser = await http()
      .post('/auth/login')
      .send({ email: 'nobody@example.com', password: 'demo-password' })
      .expect(401);
    expect(unknownUser.body).toEqual(wrongPassword.body);
    const malformed = await http()
      .post('/auth/login')
      .send({ email: 42, password: ['x'] })
      .expect(400);
    expect(malformed.body).toEqual({
      message: 'Invalid input data',
      description: 'The request data did not pass validation',
      code: 'INVALID_INPUT',
    });
  });

  it('lets exactly one of 20 concurrent logouts of one session win', async () => {
    const session = await login(app);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => http().post('/auth/logout').set('Authorization', session.bearer)),
    );
    const ok = responses.filter((r) => r.status === 200);
    const refused = responses.filter((r) => r.status !== 200);
    expect(ok).toHaveLength(1);
    expect(ok[0].body).toEqual(LOGGED_OUT);
    expect(refused.map((r) => r.status)).toEqual(Array(19).fill(401));
    for (const r of refused) expect(r.body).toEqual(UNAUTHORIZED);
    const rows = await db.query('SELECT revoked_at, revoke_reason FROM auth_sessions WHERE id = $1', [
      session.sessionId,
    ]);
    expect(rows).toEqual([{ revoked_at: expect.any(Date), revoke_reason: 'logout' }]);
  });

  it('answers 401 without a token, with a garbage token and after the session expired', async () => {
    expect((await http().post('/auth/logout').expect(401)).body).toEqual(UNAUTHORIZED);
    expect((await http().post('/auth/logout').set('Authorization', 'Bearer not.a.jwt').expect(401)).body).toEqual(
      UNAUTHORIZED,
    );
    const session = await login(app);
    await db.query(`UPDATE auth_sessions SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      session.sessionId,
    ]);
    await settled(app);
    expect((await http().post('/auth/logout').set('Authorization', session.bearer).expect(401)).body).toEqual(
      UNAUTHORIZED,
    );
    expect(await sessionRow(session.sessionId)).toEqual({ revoked_at: null, revoke_reason: null });
  });

  it('answers 403 for a disabled user and 404 for a deleted one, and ends every session of that account', async () => {
    await addAccount(app, 'disabled@example.com', 'pw-disabled');
    await addAccount(app, 'deleted@example.com', 'pw-deleted');
    const disabled = await login(app, { email: 'disabled@example.com', password: 'pw-disabled' });
    const disabledElsewhere = await login(app, {
      email: 'disabled@example.com',
      password: 'pw-disabled',
      deviceId: 'tablet',
    });
    const deleted = await login(app, { email: 'deleted@example.com', password: 'pw-deleted' });
    const deletedElsewhere = await login(app, {
      email: 'deleted@example.com',
      password: 'pw-deleted',
      deviceId: 'tablet',
    });
    await disableUser(app, db, disabled.userId);
    await deleteUser(app, db, deleted.userId);

    expect((await http().post('/auth/logout').set('Authorization', disabled.bearer).expect(403)).body).toEqual(
      FORBIDDEN,
    );
    expect((await http().post('/auth/logout').set('Authorization', deleted.bearer).expect(404)).body).toEqual(
      NOT_FOUND,
    );
    for (const session of [disabled, disabledElsewhere])
      expect(await sessionRow(session.sessionId)).toEqual({
        revoked_at: expect.any(Date),
        revoke_reason: 'user_disabled',
      });
    for (const session of [deleted, deletedElsewhere])
      expect(await sessionRow(session.sessionId)).toEqual({
        revoked_at: expect.any(Date),
        revoke_reason: 'user_deleted',
      });
    // The account's other sessions are ended sessions now, wherever they are used.
    expect((await http().get('/auth/me').set('Authorization', disabledElsewhere.bearer).expect(401)).body).toEqual(
      UNAUTHORIZED,
    );
    expect((await http().get('/auth/me').set('Authorization', deletedElsewhere.bearer).expect(401)).body).toEqual(
      UNAUTHORIZED,
    );
  });

  it(
    "on the host's own routes: a missing user is an invalid token (401), " +
      'a disabled one 403, and their sessions end',
    async () => {
      const disabled = await newUser(app);
      const deleted = await newUser(app);
      await disableUser(app, db, disabled.userId);
      await deleteUser(app, db, deleted.userId);
      expect((await http().get('/auth/me').set('Authorization', deleted.bearer).expect(401)).body).toEqual(
        UNAUTHORIZED,
      );
      expect((await http().get('/auth/me').set('Authorization', disabled.bearer).expect(403)).body).toEqual(FORBIDDEN);
      expect(await sessionRow(disabled.sessionId)).toEqual({
        revoked_at: expect.any(Date),
        revoke_reason: 'user_disabled',
      });
      expect(await sessionRow(deleted.sessionId)).toEqual({
        revoked_at: expect.any(Date),
        revoke_reason: 'user_deleted',
      });
    },
  );

  it('answers 409 when another revocation wins the race after the token was checked', async () => {
    const session = await login(app);
    const blocker = new pg.Client(db.url);
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(`UPDATE auth_sessions SET revoked_at = now(), revoke_reason = 'admin' WHERE id = $1`, [
        session.sessionId,
      ]);
      // The guard still reads the committed (live) row; the logout's UPDATE waits on our row lock.
      const pending = http()
        .post('/auth/logout')
        .set('Authorization', session.bearer)
        .then((r) => r);
      await waitForLockWaiter(db, session.sessionId);
      await blocker.query('COMMIT');
      const response = await pending;
      expect(response.status).toBe(409);
      expect(response.body).toEqual(CONFLICT);
    } finally {
      await blocker.end();
    }
    expect(await sessionRow(session.sessionId)).toEqual({ revoked_at: expect.any(Date), revoke_reason: 'admin' });
  });
});

/** Waits until some backend is blocked on a lock: the logout's UPDATE is queued behind the test's transaction. */
async function waitForLockWaiter(db: TestDatabase, sessionId: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const rows = await db.query(
      `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
       AND query LIKE '%UPDATE auth_sessions%'`,
    );
    if (rows.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no request waited on the lock of session ${sessionId}`);
}
