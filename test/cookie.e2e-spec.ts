import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ADAPTERS } from './support/constants.js';
import { useHost } from './support/host.js';
import { ROUTE_SPECS } from './support/logout-routes.js';
import { login } from './support/session-client.js';
import { newUser } from './support/users.js';

const COOKIE = '__Host-access_token';
const CLEARED = [
  `${COOKIE}=`,
  'Path=/',
  'Max-Age=0',
  'Expires=Thu, 01 Jan 1970 00:00:00 GMT',
  'HttpOnly',
  'Secure',
  'SameSite=Strict',
].join('; ');
const CLEAR_SITE_DATA = '"cache", "cookies", "storage"';

/** The routes that end the caller's session: the four documented ones and logout/all. */
const LOGOUT_ROUTES = [
  ...ROUTE_SPECS.map((route) => ({ path: route.path, ok: route.ok, noToken: route.noToken })),
  {
    path: '/auth/logout/all',
    ok: { message: 'Logged out of all sessions', revokedSessions: 2 },
    noToken: [
      401,
      { message: 'Unauthorized', description: 'Invalid, expired or missing bearer token', code: 'UNAUTHORIZED' },
    ] as [number, unknown],
  },
];
/** Status and body, the body as text when it is empty (`/v3/logout`'s 200). */
const answer = (response: { status: number; body: unknown; text: string }) => ({
  status: response.status,
  body: response.text === '' ? '' : response.body,
});

describe.each(ADAPTERS)('access-token cookie on, over %s', (adapter) => {
  let app: INestApplication;
  useHost(adapter, (opened) => ({ app } = opened), { cookie: true });
  const http = () => request(app.getHttpServer());

  /** Signs in (a second session of a new user) and returns the cookie the browser would store. */
  async function browserLogin() {
    const user = await newUser(app);
    const response = await http().post('/auth/login').send({ email: user.email, password: user.password }).expect(200);
    expect(response.headers['set-cookie']).toEqual([
      `${COOKIE}=${response.body.accessToken}; Path=/; Max-Age=900; HttpOnly; Secure; SameSite=Strict`,
    ]);
    return { cookie: `${COOKIE}=${response.body.accessToken}`, refreshToken: response.body.refreshToken as string };
  }

  it('sign-in sets the HttpOnly cookie, and the cookie alone authenticates', async () => {
    const { cookie } = await browserLogin();
    await http().get('/auth/me').set('Cookie', cookie).expect(200);
  });

  it('an Authorization header wins over the cookie: a bad header is refused even with a good cookie', async () => {
    const { cookie } = await browserLogin();
    await http().get('/auth/me').set('Cookie', cookie).set('Authorization', 'Bearer garbage').expect(401);
  });

  it('refresh sets a new cookie', async () => {
    const { refreshToken } = await browserLogin();
    const response = await http().post('/auth/refresh').send({ refreshToken }).expect(200);
    expect(response.headers['set-cookie']).toEqual([
      `${COOKIE}=${response.body.accessToken}; Path=/; Max-Age=900; HttpOnly; Secure; SameSite=Strict`,
    ]);
  });

  it.each(LOGOUT_ROUTES)(
    '$path clears the cookie and sends Clear-Site-Data; the old cookie is refused after',
    async ({ path, ok }) => {
      const { cookie } = await browserLogin();
      const response = await http().post(path).set('Cookie', cookie);
      expect(answer(response)).toEqual({ status: 200, body: ok ?? '' });
      expect(response.headers['set-cookie']).toEqual([CLEARED]);
      expect(response.headers['clear-site-data']).toBe(CLEAR_SITE_DATA);
      await http().get('/auth/me').set('Cookie', cookie).expect(401);
    },
  );

  it.each(LOGOUT_ROUTES)('$path refused (no token): nothing is cleared', async ({ path, noToken: [status, body] }) => {
    const response = await http().post(path);
    expect(answer(response)).toEqual({ status, body });
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(response.headers['clear-site-data']).toBeUndefined();
  });

  it('logout/others keeps the caller signed in: nothing is cleared', async () => {
    const { cookie } = await browserLogin();
    const response = await http().post('/auth/logout/others').set('Cookie', cookie).expect(200);
    expect(response.body).toEqual({ message: 'Logged out of all other sessions', revokedSessions: 1 });
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(response.headers['clear-site-data']).toBeUndefined();
  });
});

describe.each(ADAPTERS)('access-token cookie off (the default), over %s', (adapter) => {
  let app: INestApplication;
  useHost(adapter, (opened) => ({ app } = opened));
  const http = () => request(app.getHttpServer());

  it('sign-in sets no cookie, and a cookie does not authenticate', async () => {
    const user = await newUser(app);
    const response = await http().post('/auth/login').send({ email: user.email, password: user.password }).expect(200);
    expect(response.headers['set-cookie']).toBeUndefined();
    await http().get('/auth/me').set('Cookie', `${COOKIE}=${response.body.accessToken}`).expect(401);
  });

  it.each(LOGOUT_ROUTES)('$path sends neither Set-Cookie nor Clear-Site-Data', async ({ path, ok }) => {
    const user = await newUser(app);
    await login(app, { email: user.email, password: user.password });
    const response = await http().post(path).set('Authorization', user.bearer);
    expect(answer(response)).toEqual({ status: 200, body: ok ?? '' });
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(response.headers['clear-site-data']).toBeUndefined();
  });
});
