import type { INestApplication } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SessionsRevokedEvent } from '../src/auth/index.js';
import { INVALID_REFRESH, UNAUTHORIZED } from './support/bodies.js';
import { ADAPTERS } from './support/constants.js';
import { createHost, useHost } from './support/host.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';
import { createTestDatabase } from './support/test-database.js';
import { within } from './support/within.js';
import type { TestDatabase } from './support/test-database.js';
import { forgeToken } from './support/tokens.js';
import { authState, breakSessionWrites, newUser } from './support/users.js';

const FORM = 'application/x-www-form-urlencoded';
const TOKEN_REQUIRED = { error: 'invalid_request', error_description: 'token is required' };

describe.each(ADAPTERS)('POST /auth/revoke (RFC 7009) over %s', (adapter) => {
  let db: TestDatabase;
  let app: INestApplication;
  let events: Array<[string, unknown]>;
  useHost(adapter, (opened) => {
    ({ db, app } = opened);
    app.get(EventEmitter2).onAny((name, payload) => events.push([String(name), payload]));
  });
  beforeEach(() => {
    events = [];
  });
  const http = () => request(app.getHttpServer());
  const revoke = (form: string) => http().post('/auth/revoke').set('Content-Type', FORM).send(form);
  const sessionRow = async (id: string) =>
    (
      await db.query('SELECT revoke_reason, revoked_at IS NOT NULL AS revoked FROM auth_sessions WHERE id = $1', [id])
    )[0];
  const me = (accessToken: string) => http().get('/auth/me').set('Authorization', `Bearer ${accessToken}`);
  const refresh = (refreshToken: string) => http().post('/auth/refresh').send({ refreshToken });

  /** The session is over for both its tokens, and the audit event said why. */
  async function expectRevoked(user: Awaited<ReturnType<typeof newUser>>) {
    expect(await sessionRow(user.sessionId)).toEqual({ revoke_reason: 'token_revoked', revoked: true });
    expect((await me(user.accessToken).expect(401)).body).toEqual(UNAUTHORIZED);
    expect((await refresh(user.refreshToken).expect(401)).body).toEqual(INVALID_REFRESH);
    expect(events.filter(([name]) => name === 'auth.session.revoked')).toEqual([
      [
        'auth.session.revoked',
        new SessionsRevokedEvent(user.userId, [user.sessionId], 'token_revoked', expect.any(Date)),
      ],
    ]);
  }

  it.each([
    ['without a hint', ''],
    ['with its own hint', '&token_type_hint=refresh_token'],
    ['with the other hint (the search goes on)', '&token_type_hint=access_token'],
    ['with a hint this server does not know (ignored)', '&token_type_hint=device_code'],
  ])('a refresh token %s ends its session: 200, empty body, no-store', async (_name, hint) => {
    const user = await newUser(app);
    const other = await newUser(app);
    events = [];
    const response = await revoke(`token=${user.refreshToken}${hint}`).expect(200).expect('Cache-Control', 'no-store');
    expect(response.text).toBe('');
    await expectRevoked(user);
    expect(await sessionRow(other.sessionId)).toEqual({ revoke_reason: null, revoked: false });
    await me(other.accessToken).expect(200);
  });

  it.each([
    ['without a hint', ''],
    ['with its own hint', '&token_type_hint=access_token'],
    ['with the other hint (the search goes on)', '&token_type_hint=refresh_token'],
  ])('an access token %s ends its session', async (_name, hint) => {
    const user = await newUser(app);
    const response = await revoke(`token=${user.accessToken}${hint}`).expect(200).expect('Cache-Control', 'no-store');
    expect(response.text).toBe('');
    await expectRevoked(user);
  });

  it('takes a JSON body the same way', async () => {
    const user = await newUser(app);
    const response = await http().post('/auth/revoke').send({ token: user.refreshToken }).expect(200);
    expect(response.text).toBe('');
    await expectRevoked(user);
  });

  it('a rotated refresh token still names its session: it ends', async () => {
    const user = await newUser(app);
    const rotated = await refresh(user.refreshToken).expect(200);
    await revoke(`token=${user.refreshToken}`).expect(200);
    expect(await sessionRow(user.sessionId)).toEqual({ revoke_reason: 'token_revoked', revoked: true });
    expect((await refresh(rotated.body.refreshToken).expect(401)).body).toEqual(INVALID_REFRESH);
  });

  it.each([
    ['an unknown token', () => 'not-a-token'],
    ['a token with a NUL', () => 'not\u0000a-token'],
    ['a refresh-token-shaped unknown token', () => 'A'.repeat(43)],
    [
      'an access token signed with another key',
      (u: { userId: string; sessionId: string }) =>
        forgeToken({ sub: u.userId, sid: u.sessionId }, { secret: 'x'.repeat(40) }),
    ],
    [
      'an expired access token',
      (u: { userId: string; sessionId: string }) =>
        forgeToken({ sub: u.userId, sid: u.sessionId }, { claims: { iat: 1_000, exp: 1_600 } }),
    ],
    [
      'an access token of another audience',
      (u: { userId: string; sessionId: string }) =>
        forgeToken({ sub: u.userId, sid: u.sessionId }, { claims: { aud: 'someone-else' } }),
    ],
    [
      'an access token of another typ',
      (u: { userId: string; sessionId: string }) =>
        forgeToken({ sub: u.userId, sid: u.sessionId }, { header: { typ: 'JWT' } }),
    ],
    [
      'an access token whose sub does not own its sid',
      (u: { userId: string; sessionId: string }) => forgeToken({ sub: 'someone-else', sid: u.sessionId }),
    ],
  ])('%s: 200 and nothing changes', async (_name, token) => {
    const user = await newUser(app);
    const before = await authState(db);
    events = [];
    const response = await revoke(`token=${encodeURIComponent(token(user))}`).expect(200);
    expect(response.text).toBe('');
    expect(await authState(db)).toEqual(before);
    expect(events).toEqual([]);
    await me(user.accessToken).expect(200);
  });

  it('a token of an ended session: 200, and the first reason stays', async () => {
    const user = await newUser(app);
    await http().post('/auth/logout').set('Authorization', user.bearer).expect(200);
    events = [];
    await revoke(`token=${user.refreshToken}`).expect(200);
    await revoke(`token=${user.accessToken}`).expect(200);
    expect(await sessionRow(user.sessionId)).toEqual({ revoke_reason: 'logout', revoked: true });
    expect(events).toEqual([]);
  });

  it.each([
    ['no body', () => http().post('/auth/revoke')],
    ['an empty form', () => revoke('')],
    ['an empty token', () => revoke('token=&token_type_hint=refresh_token')],
    ['only a hint', () => revoke('token_type_hint=access_token')],
    ['an empty JSON object', () => http().post('/auth/revoke').send({})],
  ])('%s: 400 invalid_request', async (_name, send) => {
    const response = await send().expect(400).expect('Cache-Control', 'no-store');
    expect(response.body).toEqual(TOKEN_REQUIRED);
  });

  it('a repeated token: 400 invalid_request, and nothing changes', async () => {
    const user = await newUser(app);
    const before = await authState(db);
    const response = await revoke(`token=${user.refreshToken}&token=${user.accessToken}`).expect(400);
    expect(response.body).toEqual({
      error: 'invalid_request',
      error_description: 'token must be sent once, as a string',
    });
    expect(await authState(db)).toEqual(before);
  });

  it('a token that is not a string in JSON: 400 invalid_request', async () => {
    const response = await http().post('/auth/revoke').send({ token: 5 }).expect(400);
    expect(response.body).toEqual({
      error: 'invalid_request',
      error_description: 'token must be sent once, as a string',
    });
  });

  it('broken JSON: 400 invalid_request', async () => {
    const response = await http()
      .post('/auth/revoke')
      .set('Content-Type', 'application/json')
      .send('{"token":')
      .expect(400);
    expect(response.body).toEqual({
      error: 'invalid_request',
      error_description: 'The request body could not be read',
    });
  });

  it('another content type: 415 invalid_request', async () => {
    const user = await newUser(app);
    const response = await http()
      .post('/auth/revoke')
      .set('Content-Type', 'text/plain')
      .send(`token=${user.refreshToken}`)
      .expect(415);
    expect(response.body).toEqual({
      error: 'invalid_request',
      error_description: 'The request body must be application/x-www-form-urlencoded or JSON',
    });
    expect(await sessionRow(user.sessionId)).toEqual({ revoke_reason: null, revoked: false });
  });

  it('a statement that fails: 500 server_error, and nothing changes', async () => {
    const user = await newUser(app);
    const restore = await breakSessionWrites(db);
    try {
      const response = await revoke(`token=${user.refreshToken}`).expect(500);
      expect(response.body).toEqual({
        error: 'server_error',
        error_description: 'The server could not complete the request',
      });
    } finally {
      await restore();
    }
    expect(await sessionRow(user.sessionId)).toEqual({ revoke_reason: null, revoked: false });
  });
});

describe.each(ADAPTERS)('POST /auth/revoke moved by the routes option over %s', (adapter) => {
  let app: INestApplication;
  useHost(adapter, (opened) => ({ app } = opened), { routes: { revokeToken: { path: 'oauth/revoke' } } });

  it('answers at its new path only', async () => {
    const user = await newUser(app);
    await request(app.getHttpServer())
      .post('/oauth/revoke')
      .type('form')
      .send({ token: user.refreshToken })
      .expect(200);
    await request(app.getHttpServer()).post('/auth/revoke').type('form').send({ token: 'x' }).expect(404);
    await request(app.getHttpServer()).get('/auth/me').set('Authorization', user.bearer).expect(401);
  });
});

describe.each(ADAPTERS)('POST /auth/revoke while the database is unreachable over %s', (adapter) => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let app: INestApplication;
  beforeAll(async () => {
    db = await createTestDatabase();
    proxy = await startTcpProxy(db.url);
    app = await createHost(adapter, proxy.url, { dbTimeoutMs: 1000 });
  });
  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await db?.drop();
  });
  const revoke = (token: string) => request(app.getHttpServer()).post('/auth/revoke').type('form').send({ token });

  it('503 temporarily_unavailable (RFC 7009 2.2.1), and the revocation works once it is back', async () => {
    const user = await newUser(app);
    proxy.cut();
    try {
      const response = await revoke(user.refreshToken).expect(503).expect('Cache-Control', 'no-store');
      expect(response.body).toEqual({
        error: 'temporarily_unavailable',
        error_description: 'The service is temporarily unavailable, try again later',
      });
    } finally {
      proxy.restore();
    }
    expect(await db.query('SELECT revoke_reason FROM auth_sessions WHERE id = $1', [user.sessionId])).toEqual([
      { revoke_reason: null },
    ]);
    const retried = await within(10_000, async () =>
      (await revoke(user.refreshToken)).status === 200 ? true : undefined,
    );
    expect(retried).toBe(true);
    expect(await db.query('SELECT revoke_reason FROM auth_sessions WHERE id = $1', [user.sessionId])).toEqual([
      { revoke_reason: 'token_revoked' },
    ]);
  });
});
