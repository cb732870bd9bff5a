import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ADAPTERS } from './support/constants.js';
import { createHost, useHost } from './support/host.js';
import { ROUTE_SPECS } from './support/logout-routes.js';
import { login } from './support/session-client.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { forgeToken } from './support/tokens.js';
import { authState, breakSessionWrites, deleteUser, disableUser, newUser } from './support/users.js';

const OTHER_SECRET = 'another-secret-that-is-at-least-32-bytes!!';

function expectAnswer(response: request.Response, [status, body]: [number, unknown]): void {
  expect({ status: response.status, body: response.body }).toEqual({ status, body });
  expect(response.headers['content-type']).toMatch(/^application\/json/);
}

describe.each(ADAPTERS)('documented logout routes over %s', (adapter) => {
  let db: TestDatabase;
  let app: INestApplication;
  const http = () => request(app.getHttpServer());
  const sessionRow = async (id: string) =>
    (
      await db.query('SELECT revoke_reason, revoked_at IS NOT NULL AS revoked FROM auth_sessions WHERE id = $1', [id])
    )[0];

  useHost(adapter, (opened) => ({ db, app } = opened));

  describe.each(ROUTE_SPECS)('$path', (route) => {
    it('200: the spec cURL sample (JSON content type, empty X-DeviceId, no body) logs this session out', async () => {
      const user = await newUser(app);
      const response = await http()
        .post(route.path)
        .set('Accept', 'application/json')
        .set('Authorization', user.bearer)
        .set('Content-Type', 'application/json')
        .set('X-DeviceId', '');
      expect(response.status).toBe(200);
      if (route.ok === undefined) {
        expect(response.text).toBe('');
        expect(response.headers['content-type']).toBeUndefined();
      } else {
        expect(response.body).toEqual(route.ok);
        expect(response.headers['content-type']).toMatch(/^application\/json/);
      }
      expect(await sessionRow(user.sessionId)).toEqual({ revoke_reason: 'logout', revoked: true });
      await http().get('/auth/me').set('Authorization', user.bearer).expect(401);
      expectAnswer(await http().post(route.path).set('Authorization', user.bearer), route.revoked);
    });

    it('401: no token', async () => {
      expectAnswer(await http().post(route.path), route.noToken);
    });

    it('sends Cache-Control: no-store on success and on refusal', async () => {
      const user = await newUser(app);
      const refused = await http().post(route.path);
      const ok = await http().post(route.path).set('Authorization', user.bearer);
      expect([ok.status, ok.headers['cache-control'], refused.status, refused.headers['cache-control']]).toEqual([
        200,
        'no-store',
        401,
        'no-store',
      ]);
    });

    it('401: a token that is not a JWT', async () => {
      expectAnswer(await http().post(route.path).set('Authorization', 'Bearer abc.def.ghi'), route.badToken);
    });

    it('a well-formed token with a signature that does not verify', async () => {
      const user = await newUser(app);
      const forged = forgeToken({ sub: user.userId, sid: user.sessionId }, { secret: OTHER_SECRET });
      expectAnswer(await http().post(route.path).set('Authorization', `Bearer ${forged}`), route.badSignature);
      expect(await sessionRow(user.sessionId)).toEqual({ revoke_reason: null, revoked: false });
    });

    it.each([
      ['a disabled user', 'disabled', disableUser, 'user_disabled'],
      ['a deleted user', 'deletedUser', deleteUser, 'user_deleted'],
    ] as const)(
      '%s: the route answers as its spec says, and every session of the account ends',
      async (_name, answer, endAccount, reason) => {
        const user = await newUser(app);
        const elsewhere = await login(app, { email: user.email, password: user.password, deviceId: 'other-device' });
        await endAccount(app, db, user.userId);
        expectAnswer(await http().post(route.path).set('Authorization', user.bearer), route[answer]);
        expect(await sessionRow(user.sessionId)).toEqual({ revoke_reason: reason, revoked: true });
        expect(await sessionRow(elsewhere.sessionId)).toEqual({ revoke_reason: reason, revoked: true });
      },
    );

    it('400: a body that is not valid JSON changes nothing', async () => {
      const user = await newUser(app);
      const before = await authState(db);
      expectAnswer(
        await http()
          .post(route.path)
          .set('Authorization', user.bearer)
          .set('Content-Type', 'application/json')
          .send('{"device_token":'),
        route.brokenJson,
      );
      expect(await authState(db)).toEqual(before);
    });

    it('415: a body that is not JSON changes nothing', async () => {
      const user = await newUser(app);
      const before = await authState(db);
      expectAnswer(
        await http()
          .post(route.path)
          .set('Authorization', user.bearer)
          .set('Content-Type', 'text/plain')
          .send('logout please'),
        route.notJson,
      );
      expect(await authState(db)).toEqual(before);
    });

    it('413: a body above the limit changes nothing', async () => {
      const user = await newUser(app);
      const before = await authState(db);
      const huge = JSON.stringify({ device_token: 'x'.repeat(2 * 1024 * 1024) });
      expectAnswer(
        await http()
          .post(route.path)
          .set('Authorization', user.bearer)
          .set('Content-Type', 'application/json')
          .send(huge),
        route.tooLarge,
      );
      expect(await authState(db)).toEqual(before);
    });

    it('500: the database fails inside the logout; the body says nothing of it', async () => {
      const user = await newUser(app);
      const restore = await breakSessionWrites(db);
      try {
        const response = await http().post(route.path).set('Authorization', user.bearer);
        expectAnswer(response, route.internal);
        expect(response.text).not.toMatch(/secret_internal_detail|simulated|at |\.ts:/);
      } finally {
        await restore();
      }
      expect(await sessionRow(user.sessionId)).toEqual({ revoke_reason: null, revoked: false });
    });
  });

  describe('per-route behaviour', () => {
    it('/signout with X-DeviceId of the user signs that device out, with all its sessions', async () => {
      const user = await newUser(app, { deviceId: 'tablet-1' });
      const onPhone = await http()
        .post('/auth/login')
        .send({ email: user.email, password: user.password, deviceId: 'phone-1' })
        .expect(200);
      const onTabletAgain = await http()
        .post('/auth/login')
        .send({ email: user.email, password: user.password, deviceId: 'tablet-1' })
        .expect(200);

      const response = await http()
        .post('/signout')
        .set('Authorization', `Bearer ${onPhone.body.accessToken}`)
        .set('X-DeviceId', 'tablet-1')
        .expect(200);
      expect(response.body).toEqual({ result: 'ok' });
      expect(await sessionRow(onPhone.body.sessionId)).toEqual({ revoke_reason: 'logout', revoked: true });
      expect(await sessionRow(user.sessionId)).toEqual({ revoke_reason: 'device_signout', revoked: true });
      expect(await sessionRow(onTabletAgain.body.sessionId)).toEqual({
        revoke_reason: 'device_signout',
        revoked: true,
      });
      const [device] = await db.query(
        `SELECT revoked_at IS NOT NULL AS revoked FROM auth_devices WHERE user_id = $1 AND external_id = 'tablet-1'`,
        [user.userId],
      );
      expect(device).toEqual({ revoked: true });
    });

    it('/signout reads the spec schema spelling X-DeviceIdD too', async () => {
      const user = await newUser(app, { deviceId: 'watch-1' });
      const other = await http().post('/auth/login').send({ email: user.email, password: user.password }).expect(200);
      await http()
        .post('/signout')
        .set('Authorization', `Bearer ${other.body.accessToken}`)
        .set('X-DeviceIdD', 'watch-1')
        .expect(200);
      expect(await sessionRow(user.sessionId)).toEqual({ revoke_reason: 'device_signout', revoked: true });
    });

    it.each([
      ['another user device', 'victim-device'],
      ['SQL text', "x' OR '1'='1"],
      ['a never-seen id', 'nope'],
    ])('/signout with X-DeviceId naming %s: 400 with field, nothing changes', async (_name, deviceId) => {
      await newUser(app, { deviceId: 'victim-device' });
      const user = await newUser(app);
      const before = await authState(db);
      const response = await http()
        .post('/signout')
        .set('Authorization', user.bearer)
        .set('X-DeviceId', deviceId)
        .expect(400);
      expect(response.body).toEqual({
        error: 'DEVICE_NOT_FOUND',
        errorId: 4,
        message: 'Device not found',
        systemId: 'core',
        field: 'X-DeviceId',
      });
      expect(await authState(db)).toEqual(before);
    });

    it('/auth/logout: a body field is a 422, nothing changes', async () => {
      const user = await newUser(app);
      const before = await authState(db);
      const response = await http()
        .post('/auth/logout')
        .set('Authorization', user.bearer)
        .send({ everywhere: true })
        .expect(422);
      expect(response.body).toEqual({
        message: 'Validation error',
        description: 'The request data failed validation rules',
        code: 'VALIDATION_ERROR',
      });
      expect(await authState(db)).toEqual(before);
    });

    it('FIB: the Authorization header may carry the bare token', async () => {
      const user = await newUser(app);
      const response = await http()
        .post('/auth/api/v1/authentication-management/logout')
        .set('Authorization', user.accessToken)
        .expect(200);
      expect(response.body).toEqual({
        status: { code: 200, name: 'OK', message: 'User has been successfully logged out.' },
        data: {},
      });
      expect(await sessionRow(user.sessionId)).toEqual({ revoke_reason: 'logout', revoked: true });
      // Other routes insist on the Bearer scheme.
      const other = await newUser(app);
      await http().post('/auth/logout').set('Authorization', other.accessToken).expect(401);
    });

    it('v3: device_token clears the push token of the matching device only', async () => {
      const user = await newUser(app, { deviceId: 'phone-a', pushToken: 'push-a' });
      await http()
        .post('/auth/login')
        .send({ email: user.email, password: user.password, deviceId: 'phone-b', pushToken: 'push-b' })
        .expect(200);
      const response = await http()
        .post('/v3/logout')
        .set('Authorization', user.bearer)
        .send({ device_token: 'push-a', ignored: 1 })
        .expect(200);
      expect(response.text).toBe('');
      const devices = await db.query(
        'SELECT external_id, push_token FROM auth_devices WHERE user_id = $1 ORDER BY external_id',
        [user.userId],
      );
      expect(devices).toEqual([
        { external_id: 'phone-a', push_token: null },
        { external_id: 'phone-b', push_token: 'push-b' },
      ]);
    });

    it('v3: a device_token that matches nothing, even SQL text, still logs out and injects nothing', async () => {
      const user = await newUser(app, { deviceId: 'phone-c', pushToken: 'push-c' });
      // A second session keeps the device signed in, so its push token stays unless the SQL text got through.
      await login(app, { email: user.email, password: user.password, deviceId: 'phone-c' });
      await http()
        .post('/v3/logout')
        .set('Authorization', user.bearer)
        .send({ device_token: "'; UPDATE auth_devices SET push_token = NULL; --" })
        .expect(200);
      expect(await sessionRow(user.sessionId)).toEqual({ revoke_reason: 'logout', revoked: true });
      const [device] = await db.query('SELECT push_token FROM auth_devices WHERE user_id = $1', [user.userId]);
      expect(device).toEqual({ push_token: 'push-c' });
    });

    it.each([
      ['a number', 42],
      ['an object', { a: 1 }],
      ['a string over 4096 characters', 'x'.repeat(4097)],
    ])('v3: device_token as %s is a 400, nothing changes', async (_name, value) => {
      const user = await newUser(app);
      const before = await authState(db);
      const response = await http()
        .post('/v3/logout')
        .set('Authorization', user.bearer)
        .send({ device_token: value })
        .expect(400);
      expect(response.body).toEqual({ Message: 'Invalid request body' });
      expect(await authState(db)).toEqual(before);
    });
  });
});

describe('exposeErrorDetails', () => {
  it('adds originalMessage and errorStackTrace to /signout errors only when switched on', async () => {
    const db = await createTestDatabase();
    const app = await createHost('fastify', db.url, { exposeErrorDetails: true });
    try {
      const user = await newUser(app);
      const restore = await breakSessionWrites(db);
      const response = await request(app.getHttpServer())
        .post('/signout')
        .set('Authorization', user.bearer)
        .expect(500);
      await restore();
      expect(response.body).toEqual({
        error: 'COMMON',
        errorId: 0,
        message: "Sorry for inconvenience. We're fixing the issue. If you have urgent questions, contact support",
        systemId: 'core',
        // The statement that failed, not PostgreSQL's text (which may quote the row's values).
        originalMessage: 'AuthModule: REVOKE_SESSION failed: PostgreSQL refused it (P0001)',
        errorStackTrace: expect.stringContaining('SessionStoreError'),
      });
      const unauthorized = await request(app.getHttpServer()).post('/signout').expect(401);
      expect(unauthorized.body).toEqual({
        error: 'UNAUTHORIZED',
        errorId: 1,
        message: 'Invalid, expired or missing access token',
        systemId: 'core',
        originalMessage: 'MissingTokenError',
        errorStackTrace: expect.stringContaining('MissingTokenError'),
      });
    } finally {
      await app.close();
      await db.drop();
    }
  });
});
