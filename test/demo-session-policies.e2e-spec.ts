import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { DemoUsersService } from '../src/demo/users/demo-users.service.js';
import { login } from './support/session-client.js';
import { ADAPTERS, DEMO_EMAIL, DEMO_PASSWORD, useTestApp } from './support/test-app.js';
import type { TestDatabase } from './support/test-database.js';
import { INVALID_INPUT, UNAUTHORIZED } from './support/bodies.js';

/** The demo's session policies with its defaults: idle timeout 1800 s, "remember me" without one, reuse 10 s. */
describe.each(ADAPTERS)('the demo session policies, over %s', (adapter) => {
  let db: TestDatabase;
  let app: INestApplication;
  useTestApp(adapter, (opened) => ({ db, app } = opened));
  const http = () => request(app.getHttpServer());
  const idleOf = async (sessionId: string) =>
    (
      await db.query<{ idle: number | null }>('SELECT idle_timeout_seconds AS idle FROM auth_sessions WHERE id = $1', [
        sessionId,
      ])
    )[0].idle;

  it('a sign-in has the idle timeout of AUTH_IDLE_TIMEOUT_SECONDS; with "rememberMe": true it has none', async () => {
    const plain = await http().post('/auth/login').send({ email: DEMO_EMAIL, password: DEMO_PASSWORD }).expect(200);
    expect(await idleOf(plain.body.sessionId)).toBe(1800);
    const remembered = await http()
      .post('/auth/login')
      .send({ email: DEMO_EMAIL, password: DEMO_PASSWORD, rememberMe: true })
      .expect(200);
    expect(await idleOf(remembered.body.sessionId)).toBeNull();
  });

  it('"rememberMe" that is not a boolean is the generic 400, and no session opens', async () => {
    const [{ before }] = await db.query<{ before: number }>('SELECT count(*)::int AS before FROM auth_sessions');
    const refused = await http()
      .post('/auth/login')
      .send({ email: DEMO_EMAIL, password: DEMO_PASSWORD, rememberMe: 'yes' });
    expect({ status: refused.status, body: refused.body }).toEqual({ status: 400, body: INVALID_INPUT });
    expect(await db.query('SELECT count(*)::int AS n FROM auth_sessions')).toEqual([{ n: before }]);
  });

  it('POST /auth/password ends the other sessions (credentials_changed), keeps this one, sets it', async () => {
    const email = 'changer@example.com';
    await app.get(DemoUsersService).upsertUser(email, 'old-password');
    const current = await login(app, { email, password: 'old-password' });
    const other = await login(app, { email, password: 'old-password' });

    const wrong = await http()
      .post('/auth/password')
      .set('Authorization', current.bearer)
      .send({ currentPassword: 'not-it', newPassword: 'new-password' });
    expect({ status: wrong.status, body: wrong.body }).toEqual({
      status: 401,
      body: { message: 'Unauthorized', description: 'The current password is wrong', code: 'INVALID_CREDENTIALS' },
    });
    await http().get('/auth/me').set('Authorization', other.bearer).expect(200);

    const changed = await http()
      .post('/auth/password')
      .set('Authorization', current.bearer)
      .send({ currentPassword: 'old-password', newPassword: 'new-password' });
    expect({ status: changed.status, body: changed.body }).toEqual({
      status: 200,
      body: { message: 'Password changed', endedSessions: 1 },
    });
    const refused = await http().get('/auth/me').set('Authorization', other.bearer);
    expect({ status: refused.status, body: refused.body }).toEqual({ status: 401, body: UNAUTHORIZED });
    await http().get('/auth/me').set('Authorization', current.bearer).expect(200);
    expect(await db.query('SELECT revoke_reason FROM auth_sessions WHERE id = $1', [other.sessionId])).toEqual([
      { revoke_reason: 'credentials_changed' },
    ]);
    await http().post('/auth/login').send({ email, password: 'old-password' }).expect(401);
    await http().post('/auth/login').send({ email, password: 'new-password' }).expect(200);
  });

  it('POST /auth/password with a short new password is the generic 400 and changes nothing', async () => {
    const user = await login(app);
    const refused = await http()
      .post('/auth/password')
      .set('Authorization', user.bearer)
      .send({ currentPassword: DEMO_PASSWORD, newPassword: 'short' });
    expect({ status: refused.status, body: refused.body }).toEqual({ status: 400, body: INVALID_INPUT });
    await http().post('/auth/login').send({ email: DEMO_EMAIL, password: DEMO_PASSWORD }).expect(200);
  });
});

describe.each(ADAPTERS)('the demo with AUTH_MAX_SESSIONS_PER_USER=1 and the refuse policy, over %s', (adapter) => {
  let app: INestApplication;
  useTestApp(adapter, (opened) => ({ app } = opened), { maxSessionsPerUser: 1, sessionLimitPolicy: 'refuse' });

  it('a second sign-in is refused with 403 SESSION_LIMIT_REACHED until the first signs out', async () => {
    const first = await login(app);
    const refused = await request(app.getHttpServer())
      .post('/auth/login')
      .send({ email: DEMO_EMAIL, password: DEMO_PASSWORD });
    expect({ status: refused.status, body: refused.body }).toEqual({
      status: 403,
      body: {
        message: 'Forbidden',
        description: 'The account has as many sessions as it may hold; sign out of another one first',
        code: 'SESSION_LIMIT_REACHED',
      },
    });
    await request(app.getHttpServer()).post('/auth/logout').set('Authorization', first.bearer).expect(200);
    await login(app);
  });
});
