import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { SIBLING_PORT, browserLogin } from './support/browser-session.js';
import { UNAUTHORIZED } from './support/bodies.js';
import { ADAPTERS } from './support/constants.js';
import { useHost } from './support/host.js';
import { useTestApp } from './support/test-app.js';
import { ROUTE_SPECS } from './support/logout-routes.js';
import { login } from './support/session-client.js';
import type { TestDatabase } from './support/test-database.js';
import { authState, breakSessionWrites, disableUser, newUser } from './support/users.js';

const APP = 'http://localhost:5555';
const STRANGER = 'http://localhost:5556';
const CORS = { origins: [APP], credentials: true };

const FORBIDDEN_ORIGIN = {
  message: 'Forbidden',
  description: "The request's origin is not allowed",
  code: 'FORBIDDEN',
};
const generic = (route: 'authLogout', situation: 'disabled' | 'brokenJson' | 'tooLarge' | 'internal') =>
  ROUTE_SPECS.find(({ name }) => name === route)![situation];

/** Every CORS header of an answer, and its Vary. */
const corsHeaders = (response: request.Response) =>
  Object.fromEntries(
    Object.entries(response.headers).filter(([name]) => name.startsWith('access-control-') || name === 'vary'),
  );
const answer = (response: request.Response) => ({
  status: response.status,
  body: response.text === '' ? '' : (response.body as unknown),
  cors: corsHeaders(response),
});

/** What an answer to a request of the allowed origin carries. */
const READABLE = {
  'access-control-allow-origin': APP,
  'access-control-allow-credentials': 'true',
  'access-control-expose-headers': 'Retry-After, WWW-Authenticate, Provider-Logout-Location',
  vary: 'Origin',
};
const preflightAnswer = (methods: string) => ({
  status: 204,
  body: '',
  cors: {
    'access-control-allow-origin': APP,
    'access-control-allow-credentials': 'true',
    'access-control-allow-methods': methods,
    'access-control-allow-headers': 'Authorization, Content-Type, X-DeviceId, X-DeviceIdD',
    'access-control-max-age': '600',
    vary: 'Origin',
  },
});
const preflight = (app: INestApplication, path: string, origin: string, method = 'POST') =>
  request(app.getHttpServer()).options(path).set({
    Origin: origin,
    'Access-Control-Request-Method': method,
    'Access-Control-Request-Headers': 'authorization',
  });
const nestNotFound = (method: string, path: string) => ({
  status: 404,
  body: { message: `Cannot ${method} ${path}`, error: 'Not Found', statusCode: 404 },
  cors: {},
});

describe.each(ADAPTERS)('CORS on the module routes, over %s', (adapter) => {
  let db: TestDatabase;
  let app: INestApplication;
  useHost(adapter, (opened) => ({ db, app } = opened), { cors: CORS });
  const http = () => request(app.getHttpServer());

  it.each([
    ['/auth/logout', 'POST', 'POST'],
    ['/signout', 'POST', 'POST'],
    ['/auth/logout/all', 'POST', 'POST'],
    ['/auth/refresh', 'POST', 'POST'],
    ['/auth/sessions', 'GET', 'GET'],
    ['/auth/sessions/0b8e6c86-6a2f-4d6b-9a53-2f1f6d0b5a11', 'DELETE', 'DELETE'],
  ])('a preflight of the allowed origin for %s (%s): 204 with the CORS headers', async (path, method, methods) => {
    expect(answer(await preflight(app, path, APP, method))).toEqual(preflightAnswer(methods));
  });

  it.each([
    ['/auth/logout', FORBIDDEN_ORIGIN],
    [
      '/signout',
      { error: 'CROSS_ORIGIN_REQUEST', errorId: 10, message: "The request's origin is not allowed", systemId: 'core' },
    ],
    ['/v3/logout', { Message: "The request's origin is not allowed" }],
  ])("a preflight of another origin for %s: the route's 403, no CORS header, nothing changes", async (path, body) => {
    await newUser(app);
    const before = await authState(db);
    expect(answer(await preflight(app, path, STRANGER))).toEqual({ status: 403, body, cors: { vary: 'Origin' } });
    expect(await authState(db)).toEqual(before);
  });

  it('a preflight for a method no module route serves at the path is left to the router', async () => {
    expect(answer(await preflight(app, '/auth/logout', APP, 'PUT'))).toEqual(nestNotFound('OPTIONS', '/auth/logout'));
  });

  it('a logout from the allowed origin: 200 readable by its page, the session ended', async () => {
    const user = await newUser(app);
    const response = await http().post('/auth/logout').set('Authorization', user.bearer).set('Origin', APP);
    expect(answer(response)).toEqual({ status: 200, body: { message: 'Logged out successfully' }, cors: READABLE });
    expect(await db.query('SELECT revoke_reason FROM auth_sessions WHERE id = $1', [user.sessionId])).toEqual([
      { revoke_reason: 'logout' },
    ]);
  });

  it('the session list from the allowed origin is readable; from another origin only Vary', async () => {
    const user = await newUser(app);
    const allowed = await http().get('/auth/sessions').set('Authorization', user.bearer).set('Origin', APP);
    expect(allowed.status).toBe(200);
    expect(corsHeaders(allowed)).toEqual(READABLE);
    const other = await http().get('/auth/sessions').set('Authorization', user.bearer).set('Origin', STRANGER);
    expect(answer(other)).toEqual({ status: 200, body: allowed.body, cors: { vary: 'Origin' } });
    const sameOrigin = await http().get('/auth/sessions').set('Authorization', user.bearer);
    expect(answer(sameOrigin)).toEqual({ status: 200, body: allowed.body, cors: { vary: 'Origin' } });
  });

  it('error answers carry the CORS headers: 401 (with its challenge readable), 403, 400, 413 and 500', async () => {
    const noToken = await http().post('/auth/logout').set('Origin', APP);
    expect({ ...answer(noToken), challenge: noToken.headers['www-authenticate'] }).toEqual({
      status: 401,
      body: UNAUTHORIZED,
      cors: READABLE,
      challenge: 'Bearer',
    });

    const disabled = await newUser(app);
    await disableUser(app, db, disabled.userId);
    const [disabledStatus, disabledBody] = generic('authLogout', 'disabled');
    expect(answer(await http().post('/auth/logout').set('Authorization', disabled.bearer).set('Origin', APP))).toEqual({
      status: disabledStatus,
      body: disabledBody,
      cors: READABLE,
    });

    const user = await newUser(app);
    const [brokenStatus, brokenBody] = generic('authLogout', 'brokenJson');
    const broken = await http()
      .post('/auth/logout')
      .set({ Authorization: user.bearer, Origin: APP, 'Content-Type': 'application/json' })
      .send('{"a":');
    expect(answer(broken)).toEqual({ status: brokenStatus, body: brokenBody, cors: READABLE });
    const [largeStatus, largeBody] = generic('authLogout', 'tooLarge');
    const large = await http()
      .post('/auth/logout')
      .set({ Authorization: user.bearer, Origin: APP, 'Content-Type': 'application/json' })
      .send(JSON.stringify({ pad: 'x'.repeat(2_000_000) }));
    expect(answer(large)).toEqual({ status: largeStatus, body: largeBody, cors: READABLE });

    const [internalStatus, internalBody] = generic('authLogout', 'internal');
    const restore = await breakSessionWrites(db);
    try {
      const failed = await http().post('/auth/logout').set('Authorization', user.bearer).set('Origin', APP);
      expect(answer(failed)).toEqual({ status: internalStatus, body: internalBody, cors: READABLE });
    } finally {
      await restore();
    }
  });

  it("the host's own routes are untouched: no CORS header, no Vary, their preflight the router's 404", async () => {
    const user = await login(app, await credentials());
    const me = await http().get('/auth/me').set('Authorization', user.bearer).set('Origin', APP);
    expect({ status: me.status, cors: corsHeaders(me) }).toEqual({ status: 200, cors: {} });
    // JwtGuard's refusal on a host route goes through the module's renderer too: still no CORS header.
    const refused = await http().get('/auth/me').set('Origin', APP);
    expect(answer(refused)).toEqual({ status: 401, body: UNAUTHORIZED, cors: {} });
    expect(answer(await preflight(app, '/auth/me', APP, 'GET'))).toEqual(nestNotFound('OPTIONS', '/auth/me'));
  });

  /** A fresh account's credentials for the host's login. */
  async function credentials() {
    const { email, password } = await newUser(app);
    return { email, password };
  }
});

describe.each(ADAPTERS)('CORS with more headers, a shorter preflight cache and the rate limit, over %s', (adapter) => {
  let app: INestApplication;
  useHost(adapter, (opened) => ({ app } = opened), {
    cors: { ...CORS, maxAgeSeconds: 60, allowedHeaders: ['traceparent'] },
    rateLimit: { limit: 1, ttlSeconds: 60 },
  });

  it('a preflight allows the extra header and says the shorter time; preflights are not counted', async () => {
    const expected = preflightAnswer('POST');
    for (let i = 0; i < 3; i++)
      expect(answer(await preflight(app, '/auth/logout', APP))).toEqual({
        ...expected,
        cors: {
          ...expected.cors,
          'access-control-allow-headers': 'Authorization, Content-Type, X-DeviceId, X-DeviceIdD, traceparent',
          'access-control-max-age': '60',
        },
      });
  });

  it('a 429 carries the CORS headers, so the page can read Retry-After', async () => {
    await request(app.getHttpServer()).post('/auth/logout').set('Origin', APP).expect(401);
    const limited = await request(app.getHttpServer()).post('/auth/logout').set('Origin', APP);
    expect({ ...answer(limited), retryAfter: limited.headers['retry-after'] }).toEqual({
      status: 429,
      body: {
        message: 'Too many requests',
        description: 'Too many requests, try again later',
        code: 'TOO_MANY_REQUESTS',
      },
      cors: READABLE,
      retryAfter: expect.stringMatching(/^\d+$/),
    });
  });
});

describe.each(ADAPTERS)('without the cors option, over %s', (adapter) => {
  let app: INestApplication;
  useHost(adapter, (opened) => ({ app } = opened));

  it("a preflight is the router's 404, and answers carry no CORS header", async () => {
    expect(answer(await preflight(app, '/auth/logout', APP))).toEqual(nestNotFound('OPTIONS', '/auth/logout'));
    const response = await request(app.getHttpServer()).post('/auth/logout').set('Origin', APP);
    expect(answer(response)).toEqual({ status: 401, body: UNAUTHORIZED, cors: {} });
  });
});

describe.each(ADAPTERS)('cors with credentials in cookie mode, over %s', (adapter) => {
  let app: INestApplication;
  useHost(adapter, (opened) => ({ app } = opened), { cookie: true, cors: CORS });

  it("the allowed origin's page may log out with the cookie; another origin's is still refused", async () => {
    const browser = await browserLogin(app);
    const refused = await request(app.getHttpServer())
      .post('/auth/logout')
      .set('Cookie', browser.cookie)
      .set({ 'Sec-Fetch-Site': 'same-site', Origin: STRANGER });
    expect(answer(refused)).toEqual({ status: 403, body: FORBIDDEN_ORIGIN, cors: { vary: 'Origin' } });
    const response = await request(app.getHttpServer())
      .post('/auth/logout')
      .set('Cookie', browser.cookie)
      .set(SIBLING_PORT);
    expect(answer(response)).toEqual({ status: 200, body: { message: 'Logged out successfully' }, cors: READABLE });
  });
});

describe.each(ADAPTERS)("the demo's AUTH_ALLOWED_ORIGINS, over %s", (adapter) => {
  let app: INestApplication;
  useTestApp(adapter, (opened) => ({ app } = opened), { allowedOrigins: [APP] });

  it("the module's routes answer with the module's CORS, the demo's own with Nest's", async () => {
    expect(answer(await preflight(app, '/auth/logout', APP))).toEqual(preflightAnswer('POST'));
    expect(answer(await preflight(app, '/auth/logout', STRANGER))).toEqual({
      status: 403,
      body: FORBIDDEN_ORIGIN,
      cors: { vary: 'Origin' },
    });
    const demoLogin = await preflight(app, '/auth/login', APP);
    expect({ status: demoLogin.status, cors: corsHeaders(demoLogin) }).toEqual({
      status: 204,
      cors: {
        'access-control-allow-origin': APP,
        'access-control-allow-credentials': 'true',
        // Each adapter's CORS library has its own default list.
        'access-control-allow-methods': expect.stringContaining('POST'),
        'access-control-allow-headers': 'authorization',
        vary: expect.stringMatching(/^Origin/),
      },
    });
    const refused = await request(app.getHttpServer()).post('/auth/logout').set('Origin', APP);
    expect(answer(refused)).toEqual({ status: 401, body: UNAUTHORIZED, cors: READABLE });
  });
});
