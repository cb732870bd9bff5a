import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  CLEARED_COOKIES,
  SAME_ORIGIN,
  SIBLING_PORT,
  answer,
  browserLogin,
  type BrowserSession,
} from './support/browser-session.js';
import { ADAPTERS, DEMO_EMAIL, DEMO_PASSWORD } from './support/constants.js';
import { useHost } from './support/host.js';
import { ROUTE_SPECS } from './support/logout-routes.js';
import type { TestDatabase } from './support/test-database.js';
import { useTestApp } from './support/test-app.js';
import { authState } from './support/users.js';

const FORBIDDEN_ORIGIN = {
  message: 'Forbidden',
  description: "The request's origin is not allowed",
  code: 'FORBIDDEN',
};

/** Every spec's answer to a cookie-authenticated state change from a page of another origin. */
const CROSS_ORIGIN: Record<string, unknown> = {
  '/signout': {
    error: 'CROSS_ORIGIN_REQUEST',
    errorId: 10,
    message: "The request's origin is not allowed",
    systemId: 'core',
  },
  '/auth/logout': FORBIDDEN_ORIGIN,
  '/auth/api/v1/authentication-management/logout': {
    status: { code: 403, name: 'FORBIDDEN', message: "The request's origin is not allowed." },
    data: {},
  },
  '/v3/logout': { Message: "The request's origin is not allowed" },
};

interface StateChange {
  name: string;
  method: 'post' | 'delete';
  path: (browser: BrowserSession) => string;
  /** The Cookie header a browser sends to it. */
  cookie: (browser: BrowserSession) => string;
  forbidden: unknown;
}

/** Every state-changing module route a cookie authenticates. */
const STATE_CHANGES: StateChange[] = [
  ...ROUTE_SPECS.map(({ path }) => ({
    name: path,
    method: 'post' as const,
    path: () => path,
    cookie: (browser: BrowserSession) => browser.cookie,
    forbidden: CROSS_ORIGIN[path],
  })),
  ...['/auth/logout/all', '/auth/logout/others'].map((path) => ({
    name: path,
    method: 'post' as const,
    path: () => path,
    cookie: (browser: BrowserSession) => browser.cookie,
    forbidden: FORBIDDEN_ORIGIN,
  })),
  {
    name: 'DELETE /auth/sessions/<own id>',
    method: 'delete',
    path: (browser) => `/auth/sessions/${browser.sessionId}`,
    cookie: (browser) => browser.cookie,
    forbidden: FORBIDDEN_ORIGIN,
  },
  {
    name: '/auth/refresh (the refresh cookie)',
    method: 'post',
    path: () => '/auth/refresh',
    cookie: (browser) => browser.refreshCookies,
    forbidden: FORBIDDEN_ORIGIN,
  },
];

describe.each(ADAPTERS)('cookie mode refuses cross-origin state changes, over %s', (adapter) => {
  let app: INestApplication;
  let db: TestDatabase;
  useHost(adapter, (opened) => ({ app, db } = opened), { cookie: true, rateLimit: { limit: 3 } });
  const http = () => request(app.getHttpServer());
  const send = (route: StateChange, browser: BrowserSession) =>
    http()[route.method](route.path(browser)).set('Cookie', route.cookie(browser));
  const isLive = async (sessionId: string) =>
    (await db.query('SELECT revoked_at IS NULL AS live FROM auth_sessions WHERE id = $1', [sessionId]))[0].live;

  it.each(STATE_CHANGES)(
    '$name from a page on another port (same-site): 403 in its body, nothing changes, nothing cleared',
    async (route) => {
      const browser = await browserLogin(app, 'signIn');
      const before = await authState(db);
      // More than the rate limit: a refused origin is not counted against the client either.
      for (let i = 0; i < 4; i++) {
        const response = await send(route, browser).set(SIBLING_PORT);
        expect(answer(response)).toEqual({ status: 403, body: route.forbidden });
        expect(response.headers['set-cookie']).toBeUndefined();
        expect(response.headers['clear-site-data']).toBeUndefined();
        expect(response.headers['cache-control']).toBe('no-store');
      }
      expect(await authState(db)).toEqual(before);
      expect(await isLive(browser.sessionId)).toBe(true);
      // The same request from the API's own origin goes through.
      expect((await send(route, browser).set(SAME_ORIGIN)).status).toBe(200);
    },
  );

  it.each(['text/plain', 'application/x-www-form-urlencoded'])(
    'a %s form posted to /auth/logout/all from another origin: 403, every session stays',
    async (contentType) => {
      const browser = await browserLogin(app, 'signIn');
      const response = await http()
        .post('/auth/logout/all')
        .set('Cookie', browser.cookie)
        .set('Origin', 'http://localhost:5555')
        .set('Content-Type', contentType)
        .send('a=b');
      expect(answer(response)).toEqual({ status: 403, body: FORBIDDEN_ORIGIN });
      expect(response.headers['set-cookie']).toBeUndefined();
      expect(await isLive(browser.sessionId)).toBe(true);
    },
  );

  it('a multipart form from another origin (Fastify refuses it before the route): nothing changes', async () => {
    const browser = await browserLogin(app, 'signIn');
    const post = () =>
      http()
        .post('/auth/logout/all')
        .set('Cookie', browser.cookie)
        .set('Content-Type', 'multipart/form-data; boundary=x')
        .send('--x--\r\n');
    const response = await post().set('Origin', 'http://localhost:5555');
    expect(response.status).toBe(adapter === 'fastify' ? 415 : 403);
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(response.headers['clear-site-data']).toBeUndefined();
    expect(await isLive(browser.sessionId)).toBe(true);
    // From the own origin the same refusal clears the cookie it came with.
    const own = await post().set(SAME_ORIGIN);
    expect(own.status).toBe(415);
    expect(own.headers['set-cookie']).toEqual(CLEARED_COOKIES);
  });

  it.each([
    ['neither Origin nor Sec-Fetch-Site', {}, 403],
    ['Origin "null" (a sandboxed page)', { Origin: 'null' }, 403],
    ['Sec-Fetch-Site: cross-site', { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' }, 403],
    ['Sec-Fetch-Site: none', { 'Sec-Fetch-Site': 'none' }, 403],
    [
      'the own origin in Origin (scheme and Host)',
      { Origin: 'http://api.example.test', Host: 'api.example.test' },
      200,
    ],
    ['the own origin on another port', { Origin: 'http://api.example.test:8080', Host: 'api.example.test' }, 403],
    ['the own origin in another scheme', { Origin: 'https://api.example.test', Host: 'api.example.test' }, 403],
    ['Sec-Fetch-Site: same-origin', SAME_ORIGIN, 200],
  ] as const)('/auth/logout with the cookie and %s (%j): %i', async (_name, headers, status) => {
    const browser = await browserLogin(app, 'signIn');
    const response = await http().post('/auth/logout').set('Cookie', browser.cookie).set(headers);
    expect(response.status).toBe(status);
    expect(await isLive(browser.sessionId)).toBe(status !== 200);
  });

  it('an Authorization header is not subject to the check, from any origin, cookie or not', async () => {
    const browser = await browserLogin(app, 'signIn');
    const response = await http()
      .post('/auth/logout')
      .set('Authorization', `Bearer ${browser.accessToken}`)
      .set('Cookie', browser.cookie)
      .set(SIBLING_PORT);
    expect(answer(response)).toEqual({ status: 200, body: { message: 'Logged out successfully' } });
    expect(await isLive(browser.sessionId)).toBe(false);
  });

  it('a refresh token in the body is not subject to the check (it is no ambient credential)', async () => {
    const browser = await browserLogin(app, 'signIn');
    const response = await http()
      .post('/auth/refresh')
      .set(SIBLING_PORT)
      .set('Cookie', browser.refreshCookies)
      .send({ refreshToken: browser.refreshToken });
    expect(response.status).toBe(200);
  });

  it('reading is not a state change: GET /auth/sessions with the cookie from another origin answers', async () => {
    const browser = await browserLogin(app, 'signIn');
    const response = await http().get('/auth/sessions').set('Cookie', browser.cookie).set(SIBLING_PORT);
    expect(response.status).toBe(200);
  });
});

describe.each(ADAPTERS)('cookie mode with allowedOrigins, over %s', (adapter) => {
  let app: INestApplication;
  let db: TestDatabase;
  useHost(adapter, (opened) => ({ app, db } = opened), { cookie: { allowedOrigins: ['http://localhost:5555'] } });
  const http = () => request(app.getHttpServer());

  it('a listed origin may log out with the cookie; another may not', async () => {
    const browser = await browserLogin(app);
    const refused = await http()
      .post('/auth/logout')
      .set('Cookie', browser.cookie)
      .set({ 'Sec-Fetch-Site': 'same-site', Origin: 'http://localhost:5556' });
    expect(answer(refused)).toEqual({ status: 403, body: FORBIDDEN_ORIGIN });
    const response = await http().post('/auth/logout').set('Cookie', browser.cookie).set(SIBLING_PORT);
    expect(answer(response)).toEqual({ status: 200, body: { message: 'Logged out successfully' } });
    expect(await db.query('SELECT revoke_reason FROM auth_sessions WHERE id = $1', [browser.sessionId])).toEqual([
      { revoke_reason: 'logout' },
    ]);
  });

  it('a listed origin may refresh with the cookie', async () => {
    const browser = await browserLogin(app);
    const response = await http().post('/auth/refresh').set('Cookie', browser.refreshCookies).set(SIBLING_PORT);
    expect(answer(response)).toEqual({
      status: 200,
      body: { tokenType: 'Bearer', expiresIn: 900, sessionId: browser.sessionId },
    });
  });
});

describe.each(ADAPTERS)('cookie mode behind a trusted proxy, over %s', (adapter) => {
  let app: INestApplication;
  useHost(adapter, (opened) => ({ app } = opened), { cookie: true, trustProxy: true });

  it('the own origin is the scheme the proxy names (X-Forwarded-Proto)', async () => {
    const browser = await browserLogin(app);
    const post = (origin: string) =>
      request(app.getHttpServer())
        .post('/auth/logout')
        .set('Cookie', browser.cookie)
        .set({ Host: 'api.example.test', 'X-Forwarded-Proto': 'https', Origin: origin });
    expect((await post('http://api.example.test')).status).toBe(403);
    expect((await post('https://api.example.test')).status).toBe(200);
  });
});

describe.each(ADAPTERS)("the demo's POST /auth/login over %s", (adapter) => {
  let app: INestApplication;
  let db: TestDatabase;
  useTestApp(adapter, (opened) => ({ app, db } = opened));

  it.each([
    ['application/x-www-form-urlencoded', `email=${encodeURIComponent(DEMO_EMAIL)}&password=${DEMO_PASSWORD}`],
    ['text/plain', JSON.stringify({ email: DEMO_EMAIL, password: DEMO_PASSWORD })],
    [
      'multipart/form-data; boundary=x',
      `--x\r\nContent-Disposition: form-data; name="email"\r\n\r\n${DEMO_EMAIL}\r\n--x--\r\n`,
    ],
  ])('refuses a %s body with 415 in its body (login CSRF), and opens no session', async (contentType, body) => {
    const before = await authState(db);
    const response = await request(app.getHttpServer())
      .post('/auth/login')
      .set('Content-Type', contentType)
      .set('Origin', 'http://localhost:5555')
      .send(body);
    expect(answer(response)).toEqual({
      status: 415,
      body: {
        message: 'Unsupported media type',
        description: 'The request body must be JSON',
        code: 'UNSUPPORTED_MEDIA_TYPE',
      },
    });
    expect(response.headers['cache-control']).toBe('no-store');
    expect(await authState(db)).toEqual(before);
  });

  it('takes JSON, with Cache-Control: no-store on the login and on /auth/me', async () => {
    const response = await request(app.getHttpServer())
      .post('/auth/login')
      .send({ email: DEMO_EMAIL, password: DEMO_PASSWORD })
      .expect(200)
      .expect('Cache-Control', 'no-store');
    await request(app.getHttpServer())
      .get('/auth/me')
      .set('Authorization', `Bearer ${response.body.accessToken}`)
      .expect(200)
      .expect('Cache-Control', 'no-store');
  });
});

describe.each(ADAPTERS)("the demo's AUTH_COOKIE with AUTH_ALLOWED_ORIGINS, over %s", (adapter) => {
  let app: INestApplication;
  useTestApp(adapter, (opened) => ({ app } = opened), {
    accessTokenCookie: true,
    allowedOrigins: ['http://localhost:5555'],
  });
  const http = () => request(app.getHttpServer());

  it('answers CORS with credentials to the listed origin only, and takes its cookie-authenticated logout', async () => {
    const preflight = await http()
      .options('/auth/logout')
      .set({ Origin: 'http://localhost:5555', 'Access-Control-Request-Method': 'POST' });
    expect(preflight.headers['access-control-allow-origin']).toBe('http://localhost:5555');
    expect(preflight.headers['access-control-allow-credentials']).toBe('true');
    const foreign = await http()
      .options('/auth/logout')
      .set({ Origin: 'http://localhost:5556', 'Access-Control-Request-Method': 'POST' });
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();

    const login = await http().post('/auth/login').send({ email: DEMO_EMAIL, password: DEMO_PASSWORD }).expect(200);
    expect(login.body).toEqual({ tokenType: 'Bearer', expiresIn: 900, sessionId: expect.any(String) });
    const cookie = (login.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
    const refused = await http()
      .post('/auth/logout')
      .set('Cookie', cookie)
      .set({ 'Sec-Fetch-Site': 'same-site', Origin: 'http://localhost:5556' });
    expect(answer(refused)).toEqual({ status: 403, body: FORBIDDEN_ORIGIN });
    const response = await http().post('/auth/logout').set('Cookie', cookie).set(SIBLING_PORT);
    expect(answer(response)).toEqual({ status: 200, body: { message: 'Logged out successfully' } });
    expect(response.headers['access-control-allow-origin']).toBe('http://localhost:5555');
  });
});
