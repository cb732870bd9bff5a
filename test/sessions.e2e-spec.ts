import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ADAPTERS } from './support/constants.js';
import { useHost } from './support/host.js';
import { login } from './support/session-client.js';
import type { TestDatabase } from './support/test-database.js';
import { authState, newUser } from './support/users.js';

const NOT_FOUND = {
  message: 'Resource not found',
  description: 'The requested resource could not be found',
  code: 'NOT_FOUND',
};
const UNAUTHORIZED = {
  message: 'Unauthorized',
  description: 'Invalid, expired or missing bearer token',
  code: 'UNAUTHORIZED',
};

describe.each(ADAPTERS)('session list over %s', (adapter) => {
  let db: TestDatabase;
  let app: INestApplication;
  useHost(adapter, (opened) => ({ db, app } = opened));
  const http = () => request(app.getHttpServer());
  const iso = async (sessionId: string) =>
    (
      await db.query<{ created_at: Date; last_used_at: Date; expires_at: Date }>(
        'SELECT created_at, last_used_at, expires_at FROM auth_sessions WHERE id = $1',
        [sessionId],
      )
    ).map((r) => ({
      createdAt: r.created_at.toISOString(),
      lastUsedAt: r.last_used_at.toISOString(),
      expiresAt: r.expires_at.toISOString(),
    }))[0];

  /** A user with two live sessions (one on a named device), one revoked, one expired; and another user. */
  async function userWithSessions() {
    const phone = await newUser(app);
    await db.query(`UPDATE auth_sessions SET last_used_at = now() - interval '1 hour' WHERE id = $1`, [
      phone.sessionId,
    ]);
    const laptop = await login(app, {
      email: phone.email,
      password: phone.password,
      deviceId: 'laptop-1',
      deviceName: 'Work laptop',
      userAgent: 'Firefox/140',
    });
    const revoked = await login(app, { email: phone.email, password: phone.password });
    const expired = await login(app, { email: phone.email, password: phone.password });
    await db.query(`UPDATE auth_sessions SET revoked_at = now(), revoke_reason = 'admin' WHERE id = $1`, [
      revoked.sessionId,
    ]);
    await db.query(`UPDATE auth_sessions SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      expired.sessionId,
    ]);
    const stranger = await newUser(app);
    return { phone, laptop, revoked, expired, stranger };
  }

  it('GET /auth/sessions lists the live sessions, most recently used first, the caller marked current', async () => {
    const { phone, laptop } = await userWithSessions();
    const response = await http()
      .get('/auth/sessions')
      .set('Authorization', laptop.bearer)
      .expect(200)
      .expect('Cache-Control', 'no-store');
    expect(response.body).toEqual({
      sessions: [
        {
          id: laptop.sessionId,
          current: true,
          deviceId: 'laptop-1',
          deviceName: 'Work laptop',
          ip: expect.stringMatching(/127\.0\.0\.1$/),
          userAgent: 'Firefox/140',
          ...(await iso(laptop.sessionId)),
        },
        {
          id: phone.sessionId,
          current: false,
          deviceId: null,
          deviceName: null,
          ip: expect.stringMatching(/127\.0\.0\.1$/),
          userAgent: null,
          ...(await iso(phone.sessionId)),
        },
      ],
    });
  });

  it("DELETE /auth/sessions/:id ends one of the user's other sessions; its token stops working at once", async () => {
    const { phone, laptop } = await userWithSessions();
    const response = await http()
      .delete(`/auth/sessions/${phone.sessionId}`)
      .set('Authorization', laptop.bearer)
      .expect(200)
      .expect('Cache-Control', 'no-store');
    expect(response.body).toEqual({ message: 'Session revoked', revokedSessions: 1 });
    expect(await db.query('SELECT revoke_reason FROM auth_sessions WHERE id = $1', [phone.sessionId])).toEqual([
      { revoke_reason: 'session_revoked' },
    ]);
    expect((await http().get('/auth/me').set('Authorization', phone.bearer).expect(401)).body).toEqual(UNAUTHORIZED);
    await http().get('/auth/me').set('Authorization', laptop.bearer).expect(200);
    expect(
      (await http().get('/auth/sessions').set('Authorization', laptop.bearer).expect(200)).body.sessions.map(
        (s: { id: string }) => s.id,
      ),
    ).toEqual([laptop.sessionId]);
  });

  it("DELETE of the caller's own session is a logout", async () => {
    const { laptop } = await userWithSessions();
    expect(
      (await http().delete(`/auth/sessions/${laptop.sessionId}`).set('Authorization', laptop.bearer).expect(200)).body,
    ).toEqual({ message: 'Session revoked', revokedSessions: 1 });
    await http().get('/auth/me').set('Authorization', laptop.bearer).expect(401);
  });

  it.each([
    ["another user's session", (s: Awaited<ReturnType<typeof userWithSessions>>) => s.stranger.sessionId],
    ['a revoked session', (s: Awaited<ReturnType<typeof userWithSessions>>) => s.revoked.sessionId],
    ['an expired session', (s: Awaited<ReturnType<typeof userWithSessions>>) => s.expired.sessionId],
    ['an id of no session', () => randomUUID()],
    ['an id that is not a UUID', () => 'not-a-uuid'],
  ])('DELETE of %s: 404 in the generic body, and nothing changes', async (_name, pick) => {
    const sessions = await userWithSessions();
    const before = await authState(db);
    const response = await http()
      .delete(`/auth/sessions/${pick(sessions)}`)
      .set('Authorization', sessions.laptop.bearer)
      .expect(404);
    expect(response.body).toEqual(NOT_FOUND);
    expect(await authState(db)).toEqual(before);
    await http().get('/auth/me').set('Authorization', sessions.stranger.bearer).expect(200);
  });

  it.each([
    ['GET', '/auth/sessions'],
    ['DELETE', `/auth/sessions/${randomUUID()}`],
  ])('%s %s without a token: 401 in the generic body', async (method, path) => {
    const response = await (method === 'GET' ? http().get(path) : http().delete(path)).expect(401);
    expect(response.body).toEqual(UNAUTHORIZED);
  });

  it('DELETE with a broken JSON body: 400 in the generic body, nothing changes', async () => {
    const { phone, laptop } = await userWithSessions();
    const before = await authState(db);
    const response = await http()
      .delete(`/auth/sessions/${phone.sessionId}`)
      .set('Authorization', laptop.bearer)
      .set('Content-Type', 'application/json')
      .send('{"a":');
    expect({ status: response.status, body: response.body }).toEqual({
      status: 400,
      body: {
        message: 'Invalid input data',
        description: 'The request data did not pass validation',
        code: 'INVALID_INPUT',
      },
    });
    expect(await authState(db)).toEqual(before);
  });
});
