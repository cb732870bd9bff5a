import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ADAPTERS } from './support/constants.js';
import { useHost } from './support/host.js';
import type { TestDatabase } from './support/test-database.js';
import { disableUser, newUser } from './support/users.js';

const INVALID_REFRESH = {
  message: 'Unauthorized',
  description: 'Invalid, expired or revoked refresh token',
  code: 'UNAUTHORIZED',
};
const UNAUTHORIZED = {
  message: 'Unauthorized',
  description: 'Invalid, expired or missing bearer token',
  code: 'UNAUTHORIZED',
};

describe.each(ADAPTERS)('POST /auth/refresh over %s', (adapter) => {
  let db: TestDatabase;
  let app: INestApplication;
  // Strict rotation: a rotated token presented again at once is theft (the reuse interval is test/refresh-reuse's).
  useHost(adapter, (opened) => ({ db, app } = opened), { refreshReuseIntervalSeconds: 0 });
  const http = () => request(app.getHttpServer());
  const refresh = (refreshToken: unknown) => http().post('/auth/refresh').send({ refreshToken });
  const sessionRow = async (id: string) =>
    (await db.query('SELECT revoke_reason FROM auth_sessions WHERE id = $1', [id]))[0];

  it('rotates: a new pair for the same session, and the old refresh token stops working', async () => {
    const user = await newUser(app);
    const response = await refresh(user.refreshToken).expect(200).expect('Cache-Control', 'no-store');
    expect(response.body).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      tokenType: 'Bearer',
      expiresIn: 900,
      sessionId: user.sessionId,
    });
    expect(response.body.refreshToken).not.toBe(user.refreshToken);
    const me = await http().get('/auth/me').set('Authorization', `Bearer ${response.body.accessToken}`).expect(200);
    expect(me.body).toEqual({ userId: user.userId, sessionId: user.sessionId, deviceId: null });
    // The next rotation works with the successor.
    await refresh(response.body.refreshToken).expect(200);
  });

  it('takes a rotated token presented again as theft: the whole session ends', async () => {
    const user = await newUser(app);
    const rotated = await refresh(user.refreshToken).expect(200);
    const reuse = await refresh(user.refreshToken).expect(401);
    expect(reuse.body).toEqual(INVALID_REFRESH);
    expect(await sessionRow(user.sessionId)).toEqual({ revoke_reason: 'refresh_token_reuse' });
    // Neither the thief's nor the victim's tokens work any more.
    expect(
      (await http().get('/auth/me').set('Authorization', `Bearer ${rotated.body.accessToken}`).expect(401)).body,
    ).toEqual(UNAUTHORIZED);
    expect((await refresh(rotated.body.refreshToken).expect(401)).body).toEqual(INVALID_REFRESH);
  });

  it.each(['/auth/logout', '/signout', '/v3/logout', '/auth/api/v1/authentication-management/logout'])(
    'refuses the refresh token after %s',
    async (path) => {
      const user = await newUser(app);
      await http().post(path).set('Authorization', user.bearer).expect(200);
      expect((await refresh(user.refreshToken).expect(401)).body).toEqual(INVALID_REFRESH);
      expect(await sessionRow(user.sessionId)).toEqual({ revoke_reason: 'logout' });
    },
  );

  it('refuses an unknown token and keeps the hash only', async () => {
    const user = await newUser(app);
    expect((await refresh('not-a-token').expect(401)).body).toEqual(INVALID_REFRESH);
    const stored = await db.query(
      `SELECT encode(token_hash, 'hex') AS hash FROM auth_refresh_tokens WHERE session_id = $1`,
      [user.sessionId],
    );
    expect(stored).toEqual([{ hash: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    expect(JSON.stringify(await db.query('SELECT * FROM auth_refresh_tokens'))).not.toContain(user.refreshToken);
  });

  it('refuses a disabled user and ends the session', async () => {
    const user = await newUser(app);
    await disableUser(app, db, user.userId);
    expect((await refresh(user.refreshToken).expect(403)).body).toEqual({
      message: 'Forbidden',
      description: 'The account is disabled',
      code: 'FORBIDDEN',
    });
    expect(await db.query('SELECT revoke_reason FROM auth_sessions WHERE id = $1', [user.sessionId])).toEqual([
      { revoke_reason: 'user_disabled' },
    ]);
  });

  it.each([
    ['no body', undefined, 422],
    ['a number', 5, 422],
    ['an empty string', '', 422],
  ])('answers a refresh token that is %s with a generic error', async (_name, value, status) => {
    const response = await (value === undefined ? http().post('/auth/refresh') : refresh(value));
    expect(response.status).toBe(status);
    expect(response.body).toEqual({
      message: 'Validation error',
      description: 'The request data failed validation rules',
      code: 'VALIDATION_ERROR',
    });
  });

  it('answers broken JSON with 400 in the generic body', async () => {
    const response = await http()
      .post('/auth/refresh')
      .set('Content-Type', 'application/json')
      .send('{"refreshToken":')
      .expect(400);
    expect(response.body).toEqual({
      message: 'Invalid input data',
      description: 'The request data did not pass validation',
      code: 'INVALID_INPUT',
    });
  });
});
