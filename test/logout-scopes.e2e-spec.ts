import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ADAPTERS } from './support/constants.js';
import { useHost } from './support/host.js';
import { login } from './support/session-client.js';
import type { TestDatabase } from './support/test-database.js';
import { newUser } from './support/users.js';

describe.each(ADAPTERS)('logout scopes over %s', (adapter) => {
  let db: TestDatabase;
  let app: INestApplication;
  useHost(adapter, (opened) => ({ db, app } = opened));
  const http = () => request(app.getHttpServer());
  const reasons = async (userId: string) =>
    Object.fromEntries(
      (
        await db.query<{ id: string; revoke_reason: string | null }>(
          'SELECT id, revoke_reason FROM auth_sessions WHERE user_id = $1',
          [userId],
        )
      ).map((r) => [r.id, r.revoke_reason]),
    );

  /** A user with three sessions on two devices, plus a bystander user. */
  async function threeSessions() {
    const phone = await newUser(app, { deviceId: 'phone' });
    const laptop = await login(app, { email: phone.email, password: phone.password, deviceId: 'laptop' });
    const phoneAgain = await login(app, { email: phone.email, password: phone.password, deviceId: 'phone' });
    const bystander = await newUser(app, { deviceId: 'phone' });
    return { phone, laptop, phoneAgain, bystander };
  }

  it('POST /auth/logout/all ends every session of the user, this one included, and no one else', async () => {
    const { phone, laptop, phoneAgain, bystander } = await threeSessions();
    const response = await http()
      .post('/auth/logout/all')
      .set('Authorization', laptop.bearer)
      .expect(200)
      .expect('Cache-Control', 'no-store');
    expect(response.body).toEqual({ message: 'Logged out of all sessions', revokedSessions: 3 });
    expect(await reasons(phone.userId)).toEqual({
      [phone.sessionId]: 'logout_all',
      [laptop.sessionId]: 'logout_all',
      [phoneAgain.sessionId]: 'logout_all',
    });
    for (const session of [phone, laptop, phoneAgain])
      await http().get('/auth/me').set('Authorization', session.bearer).expect(401);
    await http().get('/auth/me').set('Authorization', bystander.bearer).expect(200);
    expect(await reasons(bystander.userId)).toEqual({ [bystander.sessionId]: null });
  });

  it('POST /auth/logout/others ends every other session and keeps this one', async () => {
    const { phone, laptop, phoneAgain, bystander } = await threeSessions();
    const response = await http().post('/auth/logout/others').set('Authorization', phoneAgain.bearer).expect(200);
    expect(response.body).toEqual({ message: 'Logged out of all other sessions', revokedSessions: 2 });
    expect(await reasons(phone.userId)).toEqual({
      [phone.sessionId]: 'logout_others',
      [laptop.sessionId]: 'logout_others',
      [phoneAgain.sessionId]: null,
    });
    await http().get('/auth/me').set('Authorization', phoneAgain.bearer).expect(200);
    await http().get('/auth/me').set('Authorization', phone.bearer).expect(401);
    await http().get('/auth/me').set('Authorization', laptop.bearer).expect(401);
    await http().get('/auth/me').set('Authorization', bystander.bearer).expect(200);
    // Nothing else left to end.
    expect((await http().post('/auth/logout/others').set('Authorization', phoneAgain.bearer).expect(200)).body).toEqual(
      { message: 'Logged out of all other sessions', revokedSessions: 0 },
    );
  });

  it.each(['/auth/logout/all', '/auth/logout/others'])('%s without a token: 401 in the generic body', async (path) => {
    expect((await http().post(path).expect(401)).body).toEqual({
      message: 'Unauthorized',
      description: 'Invalid, expired or missing bearer token',
      code: 'UNAUTHORIZED',
    });
  });
});
