import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { RequestValidationError, SessionService } from '../src/auth/index.js';
import { ADAPTERS, DEMO_EMAIL, DEMO_PASSWORD } from './support/constants.js';
import { useHost } from './support/host.js';
import { useTestApp } from './support/test-app.js';
import type { TestDatabase } from './support/test-database.js';
import { addAccount, authState, newUser } from './support/users.js';

/** Text PostgreSQL cannot hold: NUL fails the statement, a lone surrogate has no UTF-8 form. */
const UNSTORABLE = [
  { name: 'a NUL', value: 'x\u0000y' },
  { name: 'a lone high surrogate', value: 'x\ud800y' },
  { name: 'a lone low surrogate', value: 'x\udc00y' },
];
const LOGIN_FIELDS = ['deviceId', 'deviceName', 'pushToken'] as const;
const LOGIN_CASES = LOGIN_FIELDS.flatMap((field) => UNSTORABLE.map((text) => ({ field, ...text })));

/** About 100 kB, under the body limit of both adapters, so the route itself reads it. */
const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

const INVALID_INPUT = {
  message: 'Invalid input data',
  description: 'The request data did not pass validation',
  code: 'INVALID_INPUT',
};
const VALIDATION_ERROR = {
  message: 'Validation error',
  description: 'The request data failed validation rules',
  code: 'VALIDATION_ERROR',
};

const answer = (response: request.Response) => ({ status: response.status, body: response.body });
const newEmail = () => `h-${randomBytes(5).toString('hex')}@example.com`;

describe.each(ADAPTERS)('hostile input on the test host over %s', (adapter) => {
  let db: TestDatabase;
  let app: INestApplication;
  const server = () => app.getHttpServer();

  useHost(adapter, (opened) => ({ db, app } = opened));

  it.each(UNSTORABLE)(
    '/v3/logout with $name in device_token: 400, nothing ends, and a valid logout still works',
    async ({ value }) => {
      const user = await newUser(app, { deviceId: 'phone', pushToken: 'push-live' });
      const before = await authState(db);

      const refused = await request(server())
        .post('/v3/logout')
        .set('Authorization', user.bearer)
        .send({ device_token: value });
      expect(answer(refused)).toEqual({ status: 400, body: { Message: 'Invalid request body' } });
      expect(await authState(db)).toEqual(before);

      const me = await request(server()).get('/auth/me').set('Authorization', user.bearer);
      expect(answer(me)).toEqual({
        status: 200,
        body: { userId: user.userId, sessionId: user.sessionId, deviceId: 'phone' },
      });

      const done = await request(server())
        .post('/v3/logout')
        .set('Authorization', user.bearer)
        .send({ device_token: 'push-live' });
      expect({ status: done.status, text: done.text }).toEqual({ status: 200, text: '' });
      expect(await db.query('SELECT revoke_reason FROM auth_sessions WHERE id = $1', [user.sessionId])).toEqual([
        { revoke_reason: 'logout' },
      ]);
      expect(await db.query('SELECT push_token FROM auth_devices WHERE user_id = $1', [user.userId])).toEqual([
        { push_token: null },
      ]);
    },
  );

  it('/v3/logout with a body nested 32 levels deep (the limit): logged out, the extra field ignored', async () => {
    const user = await newUser(app);
    const body = `{"a":${'{"a":'.repeat(31)}1${'}'.repeat(32)}`;
    const response = await request(server())
      .post('/v3/logout')
      .set('Authorization', user.bearer)
      .set('Content-Type', 'application/json')
      .send(body);
    expect({ status: response.status, text: response.text }).toEqual({ status: 200, text: '' });
    expect(await db.query('SELECT revoke_reason FROM auth_sessions WHERE id = $1', [user.sessionId])).toEqual([
      { revoke_reason: 'logout' },
    ]);
  });

  it.each(LOGIN_CASES)("the host's login with $name in $field: its 400, no session", async ({ field, value }) => {
    const email = newEmail();
    await addAccount(app, email, 'pw');
    const before = await authState(db);
    const response = await request(server())
      .post('/auth/login')
      .send({ email, password: 'pw', deviceId: 'phone', [field]: value });
    expect(answer(response)).toEqual({ status: 400, body: INVALID_INPUT });
    expect(await authState(db)).toEqual(before);
  });

  it("the host's login with a body nested 50,000 levels deep: its 400, no session", async () => {
    const email = newEmail();
    await addAccount(app, email, 'pw');
    const before = await authState(db);
    const response = await request(server())
      .post('/auth/login')
      .set('Content-Type', 'application/json')
      .send(`{"email":"${email}","password":"pw","deviceName":${nested(50_000)}}`);
    expect(answer(response)).toEqual({ status: 400, body: INVALID_INPUT });
    expect(await authState(db)).toEqual(before);
  });

  it('/auth/refresh with a body nested 50,000 levels deep: 400, and the refresh token still works', async () => {
    const user = await newUser(app);
    const before = await authState(db);
    const response = await request(server())
      .post('/auth/refresh')
      .set('Content-Type', 'application/json')
      .send(`{"refreshToken":${nested(50_000)}}`);
    expect(answer(response)).toEqual({ status: 400, body: INVALID_INPUT });
    expect(await authState(db)).toEqual(before);
    const refreshed = await request(server()).post('/auth/refresh').send({ refreshToken: user.refreshToken });
    expect({ status: refreshed.status, sessionId: refreshed.body.sessionId }).toEqual({
      status: 200,
      sessionId: user.sessionId,
    });
  });

  it.each(UNSTORABLE)('/auth/refresh with $name in refreshToken: 422, and nothing changes', async ({ value }) => {
    const user = await newUser(app);
    const before = await authState(db);
    const response = await request(server())
      .post('/auth/refresh')
      .send({ refreshToken: `${user.refreshToken}${value}` });
    expect(answer(response)).toEqual({ status: 422, body: VALIDATION_ERROR });
    expect(await authState(db)).toEqual(before);
  });

  it("a host route that passes a NUL to createSession unchecked: the module's 422, no session", async () => {
    const before = await authState(db);
    const response = await request(server()).post('/sign-in/a%00b');
    expect(answer(response)).toEqual({ status: 422, body: VALIDATION_ERROR });
    expect(await authState(db)).toEqual(before);
  });

  it.each([...LOGIN_FIELDS, 'userId', 'userAgent'] as const)(
    'SessionService.createSession with a NUL in %s: RequestValidationError naming it, nothing written',
    async (field) => {
      const before = await authState(db);
      const input = { userId: `user-${randomBytes(4).toString('hex')}`, deviceId: 'phone', [field]: 'x\u0000y' };
      const created = app.get(SessionService).createSession(input);
      await expect(created).rejects.toBeInstanceOf(RequestValidationError);
      await expect(created).rejects.toMatchObject({
        field,
        message: `${field} must not contain NUL or unpaired surrogates`,
      });
      expect(await authState(db)).toEqual(before);
    },
  );

  it.each(['deviceId', 'pushToken'] as const)(
    'SessionService.signOut with a NUL in %s: RequestValidationError, the session stays live',
    async (field) => {
      const user = await newUser(app, { deviceId: 'phone' });
      const before = await authState(db);
      const session = { userId: user.userId, sessionId: user.sessionId, deviceId: 'phone', tokenId: 'jti' };
      const signedOut = app.get(SessionService).signOut(session, { [field]: 'phone\u0000' });
      await expect(signedOut).rejects.toMatchObject({ kind: 'request_validation', field });
      expect(await authState(db)).toEqual(before);
      const me = await request(server()).get('/auth/me').set('Authorization', user.bearer);
      expect(answer(me)).toEqual({
        status: 200,
        body: { userId: user.userId, sessionId: user.sessionId, deviceId: 'phone' },
      });
    },
  );
});

describe.each(ADAPTERS)("hostile input on the demo's login over %s", (adapter) => {
  let db: TestDatabase;
  let app: INestApplication;

  useTestApp(adapter, (opened) => ({ db, app } = opened));

  it.each(LOGIN_CASES)("$name in $field: the demo's 400, no session", async ({ field, value }) => {
    const before = await authState(db);
    const response = await request(app.getHttpServer())
      .post('/auth/login')
      .send({ email: DEMO_EMAIL, password: DEMO_PASSWORD, deviceId: 'phone', [field]: value });
    expect(answer(response)).toEqual({ status: 400, body: INVALID_INPUT });
    expect(await authState(db)).toEqual(before);
  });

  it("a body nested 50,000 levels deep: the demo's 400, no session", async () => {
    const before = await authState(db);
    const response = await request(app.getHttpServer())
      .post('/auth/login')
      .set('Content-Type', 'application/json')
      .send(`{"email":"${DEMO_EMAIL}","password":"${DEMO_PASSWORD}","deviceName":${nested(50_000)}}`);
    expect(answer(response)).toEqual({ status: 400, body: INVALID_INPUT });
    expect(await authState(db)).toEqual(before);
  });
});
