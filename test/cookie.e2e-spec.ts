import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { SessionService } from '../src/auth/index.js';
import {
  ACCESS_COOKIE,
  CLEARED_COOKIES,
  REFRESH_COOKIE,
  SAME_ORIGIN,
  answer,
  browserLogin,
  cookieHeaders,
  expectIssuedCookies,
} from './support/browser-session.js';
import { ADAPTERS } from './support/constants.js';
import { useHost } from './support/host.js';
import { ROUTE_SPECS } from './support/logout-routes.js';
import { login } from './support/session-client.js';
import type { TestDatabase } from './support/test-database.js';
import { addAccount, breakSessionWrites, disableUser, newUser, settled } from './support/users.js';

/** What logout routes ask a browser to forget by default: not "cookies", which would take the whole site's. */
const CLEAR_SITE_DATA = '"cache", "storage"';

const GENERIC_UNAUTHORIZED = {
  message: 'Unauthorized',
  description: 'Invalid, expired or missing bearer token',
  code: 'UNAUTHORIZED',
};
const INVALID_REFRESH = {
  message: 'Unauthorized',
  description: 'Invalid, expired or revoked refresh token',
  code: 'UNAUTHORIZED',
};

/** The routes that end the caller's session: the four documented ones and logout/all. */
const LOGOUT_ROUTES = [
  ...ROUTE_SPECS.map((route) => ({ ...route, ok: route.ok ?? '' })),
  {
    path: '/auth/logout/all',
    ok: { message: 'Logged out of all sessions', revokedSessions: 1 } as unknown,
    noToken: [401, GENERIC_UNAUTHORIZED] as [number, unknown],
    revoked: [401, GENERIC_UNAUTHORIZED] as [number, unknown],
    disabled: [403, { message: 'Forbidden', description: 'The account is disabled', code: 'FORBIDDEN' }] as [
      number,
      unknown,
    ],
    internal: [
      500,
      {
        message: 'Internal server error',
        description: 'The server could not complete the request',
        code: 'INTERNAL_ERROR',
      },
    ] as [number, unknown],
  },
];

describe.each(ADAPTERS)('cookie mode, over %s', (adapter) => {
  let app: INestApplication;
  let db: TestDatabase;
  // Strict rotation: a rotated token presented again at once is theft (the reuse interval is test/refresh-reuse's).
  useHost(adapter, (opened) => ({ app, db } = opened), { cookie: true, refreshReuseIntervalSeconds: 0 });
  const http = () => request(app.getHttpServer());
  const sessionRow = async (id: string) =>
    (
      await db.query('SELECT revoked_at IS NOT NULL AS revoked, revoke_reason FROM auth_sessions WHERE id = $1', [id])
    )[0];

  it('sign-in sets both HttpOnly cookies, no token in the body; the cookie alone authenticates', async () => {
    const { cookie, sessionId, userId } = await browserLogin(app);
    const me = await http().get('/auth/me').set('Cookie', cookie).expect(200).expect('Cache-Control', 'no-store');
    expect(me.body).toEqual({ userId, sessionId, deviceId: null });
    expect(await sessionRow(sessionId)).toEqual({ revoked: false, revoke_reason: null });
  });

  it('an Authorization header wins over the cookie: a bad header is refused even with a good cookie', async () => {
    const { cookie } = await browserLogin(app);
    await http().get('/auth/me').set('Cookie', cookie).set('Authorization', 'Bearer garbage').expect(401);
  });

  it.each([
    ['no body', undefined],
    ['an empty JSON object', {}],
  ])(
    'refresh with %s reads the refresh cookie, sets both successors, and the old refresh token is refused after',
    async (_name, body) => {
      const browser = await browserLogin(app);
      const call = http().post('/auth/refresh').set(SAME_ORIGIN).set('Cookie', browser.refreshCookies);
      const response = await (body === undefined ? call : call.send(body));
      expect(answer(response)).toEqual({
        status: 200,
        body: { tokenType: 'Bearer', expiresIn: 900, sessionId: browser.sessionId },
      });
      expect(response.headers['cache-control']).toBe('no-store');
      const successor = expectIssuedCookies(response.headers['set-cookie'] as unknown as string[]);
      expect(successor.refreshToken).not.toBe(browser.refreshToken);
      await http().get('/auth/me').set('Cookie', cookieHeaders(successor).cookie).expect(200);
      // The successor works once; the old token, presented again, is a reuse and ends the session.
      const reuse = await http().post('/auth/refresh').set(SAME_ORIGIN).set('Cookie', browser.refreshCookies);
      expect(answer(reuse)).toEqual({ status: 401, body: INVALID_REFRESH });
      expect(await sessionRow(browser.sessionId)).toEqual({ revoked: true, revoke_reason: 'refresh_token_reuse' });
    },
  );

  it('refresh with the token in the body still works, and answers with the cookies', async () => {
    const browser = await browserLogin(app);
    const response = await http().post('/auth/refresh').send({ refreshToken: browser.refreshToken }).expect(200);
    expect(response.body).toEqual({ tokenType: 'Bearer', expiresIn: 900, sessionId: browser.sessionId });
    expectIssuedCookies(response.headers['set-cookie'] as unknown as string[]);
  });

  it('a refused refresh cookie is cleared, with Clear-Site-Data; the session is left as it was', async () => {
    const browser = await browserLogin(app);
    const response = await http()
      .post('/auth/refresh')
      .set(SAME_ORIGIN)
      .set('Cookie', `${REFRESH_COOKIE}=${'x'.repeat(43)}`);
    expect(answer(response)).toEqual({ status: 401, body: INVALID_REFRESH });
    expect(response.headers['set-cookie']).toEqual(CLEARED_COOKIES);
    expect(response.headers['clear-site-data']).toBe(CLEAR_SITE_DATA);
    expect(await sessionRow(browser.sessionId)).toEqual({ revoked: false, revoke_reason: null });
  });

  it('a refresh without a token in the body or a cookie is the validation error, and clears nothing', async () => {
    const response = await http().post('/auth/refresh').send({});
    expect(answer(response)).toEqual({
      status: 422,
      body: {
        message: 'Validation error',
        description: 'The request data failed validation rules',
        code: 'VALIDATION_ERROR',
      },
    });
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it.each([
    ['text/plain', '{}'],
    ['application/x-www-form-urlencoded', 'a=b'],
    ['multipart/form-data; boundary=x', '--x--\r\n'],
  ])('refresh with the cookie and a %s body: 415, and the refresh token still works', async (contentType, body) => {
    const browser = await browserLogin(app);
    const response = await http()
      .post('/auth/refresh')
      .set(SAME_ORIGIN)
      .set('Cookie', browser.refreshCookies)
      .set('Content-Type', contentType)
      .send(body);
    expect(answer(response)).toEqual({
      status: 415,
      body: {
        message: 'Unsupported media type',
        description: 'The request body must be JSON',
        code: 'UNSUPPORTED_MEDIA_TYPE',
      },
    });
    expect(response.headers['set-cookie']).toBeUndefined();
    await http().post('/auth/refresh').set(SAME_ORIGIN).set('Cookie', browser.refreshCookies).expect(200);
  });

  it.each(LOGOUT_ROUTES)(
    '$path clears both cookies and sends Clear-Site-Data; the old cookie is refused after',
    async ({ path, ok }) => {
      const browser = await browserLogin(app);
      const response = await http().post(path).set(SAME_ORIGIN).set('Cookie', browser.cookie);
      expect(answer(response)).toEqual({ status: 200, body: ok });
      expect(response.headers['set-cookie']).toEqual(CLEARED_COOKIES);
      expect(response.headers['clear-site-data']).toBe(CLEAR_SITE_DATA);
      expect(response.headers['cache-control']).toBe('no-store');
      await http().get('/auth/me').set('Cookie', browser.cookie).expect(401);
      expect(await sessionRow(browser.sessionId)).toMatchObject({ revoked: true });
    },
  );

  it.each(LOGOUT_ROUTES)(
    '$path with the cookie of a session already ended elsewhere: its 401, and both cookies cleared',
    async ({ path, revoked: [status, body] }) => {
      const browser = await browserLogin(app);
      await app.get(SessionService).revokeSession(browser.sessionId);
      await settled(app);
      const response = await http().post(path).set(SAME_ORIGIN).set('Cookie', browser.refreshCookies);
      expect(answer(response)).toEqual({ status, body });
      expect(response.headers['set-cookie']).toEqual(CLEARED_COOKIES);
      expect(response.headers['clear-site-data']).toBe(CLEAR_SITE_DATA);
      expect(await sessionRow(browser.sessionId)).toMatchObject({ revoked: true });
    },
  );

  it.each(LOGOUT_ROUTES)(
    '$path with the cookie of a disabled user: its refusal, and both cookies cleared',
    async ({ path, disabled: [status, body] }) => {
      const browser = await browserLogin(app);
      await disableUser(app, db, browser.userId);
      const response = await http().post(path).set(SAME_ORIGIN).set('Cookie', browser.cookie);
      expect(answer(response)).toEqual({ status, body });
      expect(response.headers['set-cookie']).toEqual(CLEARED_COOKIES);
      expect(response.headers['clear-site-data']).toBe(CLEAR_SITE_DATA);
    },
  );

  it.each(LOGOUT_ROUTES)(
    '$path with the cookie while the database fails: its 500, the session stays, both cookies cleared',
    async ({ path, internal: [status, body] }) => {
      const browser = await browserLogin(app);
      const restore = await breakSessionWrites(db);
      try {
        const response = await http().post(path).set(SAME_ORIGIN).set('Cookie', browser.cookie);
        expect(answer(response)).toEqual({ status, body });
        expect(response.headers['set-cookie']).toEqual(CLEARED_COOKIES);
        expect(response.headers['clear-site-data']).toBe(CLEAR_SITE_DATA);
      } finally {
        await restore();
      }
      expect(await sessionRow(browser.sessionId)).toEqual({ revoked: false, revoke_reason: null });
    },
  );

  it('/auth/logout with the cookie and a body it refuses: its 422, the session stays, the cookies go', async () => {
    const browser = await browserLogin(app);
    const response = await http()
      .post('/auth/logout')
      .set(SAME_ORIGIN)
      .set('Cookie', browser.cookie)
      .send({ all: true });
    expect(answer(response)).toEqual({
      status: 422,
      body: {
        message: 'Validation error',
        description: 'The request data failed validation rules',
        code: 'VALIDATION_ERROR',
      },
    });
    expect(response.headers['set-cookie']).toEqual(CLEARED_COOKIES);
    expect(await sessionRow(browser.sessionId)).toEqual({ revoked: false, revoke_reason: null });
  });

  it.each(LOGOUT_ROUTES)('$path refused (no token): nothing is cleared', async ({ path, noToken: [status, body] }) => {
    const response = await http().post(path);
    expect(answer(response)).toEqual({ status, body });
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(response.headers['clear-site-data']).toBeUndefined();
  });

  it('logout/others keeps the caller signed in: nothing is cleared', async () => {
    const browser = await browserLogin(app);
    await request(app.getHttpServer()).post(`/sign-in/${browser.userId}`).expect(201);
    const response = await http()
      .post('/auth/logout/others')
      .set(SAME_ORIGIN)
      .set('Cookie', browser.cookie)
      .expect(200);
    expect(response.body).toEqual({ message: 'Logged out of all other sessions', revokedSessions: 1 });
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(response.headers['clear-site-data']).toBeUndefined();
  });

  it('DELETE /auth/sessions/<own id> ends the session and clears both cookies', async () => {
    const browser = await browserLogin(app);
    const response = await http()
      .delete(`/auth/sessions/${browser.sessionId}`)
      .set(SAME_ORIGIN)
      .set('Cookie', browser.cookie);
    expect(answer(response)).toEqual({ status: 200, body: { message: 'Session revoked', revokedSessions: 1 } });
    expect(response.headers['set-cookie']).toEqual(CLEARED_COOKIES);
    expect(response.headers['clear-site-data']).toBe(CLEAR_SITE_DATA);
    expect(await sessionRow(browser.sessionId)).toMatchObject({ revoked: true });
  });

  it('DELETE /auth/sessions/<own id> of a session already ended: 401, and both cookies cleared', async () => {
    const browser = await browserLogin(app);
    await app.get(SessionService).revokeSession(browser.sessionId);
    await settled(app);
    const response = await http()
      .delete(`/auth/sessions/${browser.sessionId}`)
      .set(SAME_ORIGIN)
      .set('Cookie', browser.cookie);
    expect(answer(response)).toEqual({ status: 401, body: GENERIC_UNAUTHORIZED });
    expect(response.headers['set-cookie']).toEqual(CLEARED_COOKIES);
  });

  it('DELETE /auth/sessions/<another own session> ends that one and keeps the cookies', async () => {
    const browser = await browserLogin(app);
    const { body: other } = await request(app.getHttpServer()).post(`/sign-in/${browser.userId}`).expect(201);
    const response = await http()
      .delete(`/auth/sessions/${other.sessionId}`)
      .set(SAME_ORIGIN)
      .set('Cookie', browser.cookie);
    expect(answer(response)).toEqual({ status: 200, body: { message: 'Session revoked', revokedSessions: 1 } });
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(response.headers['clear-site-data']).toBeUndefined();
    expect(await sessionRow(other.sessionId)).toMatchObject({ revoked: true });
    expect(await sessionRow(browser.sessionId)).toEqual({ revoked: false, revoke_reason: null });
    // An id that is no session of the user: its 404, the caller's cookies kept.
    const unknown = await http()
      .delete(`/auth/sessions/${other.sessionId}`)
      .set(SAME_ORIGIN)
      .set('Cookie', browser.cookie);
    expect(unknown.status).toBe(404);
    expect(unknown.headers['set-cookie']).toBeUndefined();
  });

  it("the host's password-less sign-in hands out the cookies too", async () => {
    const response = await request(app.getHttpServer()).post('/sign-in/cookie-user').expect(201);
    expect(response.body).toEqual({ tokenType: 'Bearer', expiresIn: 900, sessionId: expect.any(String) });
    expectIssuedCookies(response.headers['set-cookie'] as unknown as string[]);
  });
});

describe.each(ADAPTERS)('cookie mode with a rate limit, over %s', (adapter) => {
  let app: INestApplication;
  useHost(adapter, (opened) => ({ app } = opened), { cookie: true, rateLimit: { limit: 1 } });

  it('a logout past the limit with the cookie of an ended session: 429, and both cookies cleared', async () => {
    const browser = await browserLogin(app, 'signIn');
    await app.get(SessionService).revokeSession(browser.sessionId);
    await settled(app);
    const logout = () =>
      request(app.getHttpServer()).post('/auth/logout').set(SAME_ORIGIN).set('Cookie', browser.cookie);
    expect((await logout()).status).toBe(401);
    const limited = await logout();
    expect(answer(limited)).toEqual({
      status: 429,
      body: {
        message: 'Too many requests',
        description: 'Too many requests, try again later',
        code: 'TOO_MANY_REQUESTS',
      },
    });
    expect(limited.headers['set-cookie']).toEqual(CLEARED_COOKIES);
    expect(limited.headers['clear-site-data']).toBe(CLEAR_SITE_DATA);
  });
});

describe.each(ADAPTERS)('cookie mode with the refresh route moved, over %s', (adapter) => {
  let app: INestApplication;
  useHost(adapter, (opened) => ({ app } = opened), {
    cookie: true,
    prefix: 'api',
    routes: { refresh: { path: 'session/refresh' } },
  });

  it('the refresh cookie goes only to the mounted refresh path, global prefix included, and works there', async () => {
    const userId = await addAccount(app, 'moved-refresh@example.com', 'pw');
    const signIn = await request(app.getHttpServer()).post(`/api/sign-in/${userId}`).expect(201);
    const [access, refresh] = signIn.headers['set-cookie'] as unknown as string[];
    expect(access).toMatch(
      new RegExp(`^${ACCESS_COOKIE}=[\\w.-]+; Path=/; Max-Age=900; HttpOnly; Secure; SameSite=Strict$`),
    );
    expect(refresh).toMatch(
      new RegExp(
        `^${REFRESH_COOKIE}=[\\w-]{43}; Path=/api/session/refresh; Max-Age=\\d+; HttpOnly; Secure; SameSite=Strict$`,
      ),
    );
    const response = await request(app.getHttpServer())
      .post('/api/session/refresh')
      .set(SAME_ORIGIN)
      .set('Cookie', refresh.split(';')[0]);
    expect(answer(response)).toEqual({
      status: 200,
      body: { tokenType: 'Bearer', expiresIn: 900, sessionId: signIn.body.sessionId },
    });
    expect((response.headers['set-cookie'] as unknown as string[])[1]).toContain('; Path=/api/session/refresh;');
  });
});

describe.each(ADAPTERS)('cookie mode without the refresh route, over %s', (adapter) => {
  let app: INestApplication;
  useHost(adapter, (opened) => ({ app } = opened), { cookie: true, routes: { refresh: false } });

  it('sets the access cookie only: no route would ever receive a refresh cookie', async () => {
    const signIn = await request(app.getHttpServer()).post('/sign-in/no-refresh').expect(201);
    expect(signIn.body).toEqual({ tokenType: 'Bearer', expiresIn: 900, sessionId: expect.any(String) });
    expect(signIn.headers['set-cookie']).toEqual([expect.stringMatching(new RegExp(`^${ACCESS_COOKIE}=`))]);
  });
});

describe.each(ADAPTERS)('cookie mode with tokensInBody, over %s', (adapter) => {
  let app: INestApplication;
  useHost(adapter, (opened) => ({ app } = opened), { cookie: { tokensInBody: true } });
  const http = () => request(app.getHttpServer());

  it('login and refresh also put both tokens in the body, the ones the cookies hold', async () => {
    const user = await newUser(app);
    const response = await http().post('/auth/refresh').send({ refreshToken: user.refreshToken }).expect(200);
    const cookies = expectIssuedCookies(response.headers['set-cookie'] as unknown as string[]);
    expect(response.body).toEqual({
      tokenType: 'Bearer',
      expiresIn: 900,
      sessionId: user.sessionId,
      accessToken: cookies.accessToken,
      refreshToken: cookies.refreshToken,
    });
  });
});

describe.each(ADAPTERS)('cookie mode with clearSiteData, over %s', (adapter) => {
  describe.each([
    [false, undefined],
    [['cookies', 'cache'], '"cookies", "cache"'],
    [['*'], '"*"'],
  ] as const)('%j', (clearSiteData, header) => {
    let app: INestApplication;
    useHost(adapter, (opened) => ({ app } = opened), { cookie: { clearSiteData: [...(clearSiteData || [])] } });

    it(`logout sends Clear-Site-Data ${header ?? 'not at all'}, and expires both cookies`, async () => {
      const browser = await browserLogin(app);
      const response = await request(app.getHttpServer())
        .post('/auth/logout')
        .set(SAME_ORIGIN)
        .set('Cookie', browser.cookie)
        .expect(200);
      expect(response.headers['clear-site-data']).toBe(header);
      expect(response.headers['set-cookie']).toEqual(CLEARED_COOKIES);
    });
  });
});

describe.each(ADAPTERS)('cookie mode off (the default), over %s', (adapter) => {
  let app: INestApplication;
  useHost(adapter, (opened) => ({ app } = opened));
  const http = () => request(app.getHttpServer());

  it('sign-in sets no cookie, answers both tokens in the body, and a cookie does not authenticate', async () => {
    const user = await newUser(app);
    const response = await http().post('/auth/login').send({ email: user.email, password: user.password }).expect(200);
    expect(response.body).toEqual({
      accessToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: 900,
      sessionId: expect.any(String),
      refreshToken: expect.stringMatching(/^[\w-]{43}$/),
    });
    expect(response.headers['set-cookie']).toBeUndefined();
    await http().get('/auth/me').set('Cookie', `${ACCESS_COOKIE}=${response.body.accessToken}`).expect(401);
    // Nor does a refresh cookie stand in for the body's token.
    const refresh = await http().post('/auth/refresh').set('Cookie', `${REFRESH_COOKIE}=${response.body.refreshToken}`);
    expect(refresh.status).toBe(422);
  });

  it.each(LOGOUT_ROUTES)('$path sends neither Set-Cookie nor Clear-Site-Data', async ({ path, ok }) => {
    const user = await newUser(app);
    await login(app, { email: user.email, password: user.password });
    const response = await http().post(path).set('Authorization', user.bearer);
    expect(answer(response)).toEqual({
      status: 200,
      body: path === '/auth/logout/all' ? { ...(ok as object), revokedSessions: 2 } : ok,
    });
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(response.headers['clear-site-data']).toBeUndefined();
  });
});
