import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { DemoUsersService } from '../src/demo/users/demo-users.service.js';
import { ADAPTERS, DEMO_EMAIL, DEMO_PASSWORD } from './support/constants.js';
import { useHost } from './support/host.js';
import { ROUTE_SPECS } from './support/logout-routes.js';
import { login } from './support/session-client.js';
import { useTestApp } from './support/test-app.js';
import type { TestDatabase } from './support/test-database.js';
import { authState } from './support/users.js';

const LIMIT = 3;

/** 429 in each documented route's own body. */
const TOO_MANY: Record<string, unknown> = {
  '/signout': {
    error: 'TOO_MANY_REQUESTS',
    errorId: 9,
    message: 'Too many requests, try again later',
    systemId: 'core',
  },
  '/auth/logout': {
    message: 'Too many requests',
    description: 'Too many requests, try again later',
    code: 'TOO_MANY_REQUESTS',
  },
  '/auth/api/v1/authentication-management/logout': {
    status: { code: 429, name: 'TOO_MANY_REQUESTS', message: 'Too many requests, try again later.' },
    data: {},
  },
  '/v3/logout': { Message: 'Too many requests' },
  '/auth/refresh': {
    message: 'Too many requests',
    description: 'Too many requests, try again later',
    code: 'TOO_MANY_REQUESTS',
  },
  '/auth/revoke': { error: 'temporarily_unavailable', error_description: 'Too many requests, try again later' },
  '/auth/login': {
    message: 'Too many requests',
    description: 'Too many requests, try again later',
    code: 'TOO_MANY_REQUESTS',
  },
};

/** LIMIT requests of one client pass, the next one is refused with 429 in the route's body; nothing changes. */
async function expectLimited(app: INestApplication, db: TestDatabase, path: string): Promise<void> {
  const before = await authState(db);
  for (let i = 0; i < LIMIT; i++) expect((await request(app.getHttpServer()).post(path).send({})).status).not.toBe(429);
  const refused = await request(app.getHttpServer()).post(path).send({});
  expect({ status: refused.status, body: refused.body }).toEqual({ status: 429, body: TOO_MANY[path] });
  expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  expect(await authState(db)).toEqual(before);
}

describe.each(ADAPTERS)('rate limits over %s', (adapter) => {
  let db: TestDatabase;
  let app: INestApplication;
  useHost(adapter, (opened) => ({ db, app } = opened), { rateLimit: { limit: LIMIT, ttlSeconds: 60 } });

  // The module's routes, and the host's login behind AuthRateLimitGuard.
  it.each([...ROUTE_SPECS.map((route) => route.path), '/auth/refresh', '/auth/revoke', '/auth/login'])(
    '%s: the client past the limit gets 429 in the route body with Retry-After, and nothing changes',
    (path) => expectLimited(app, db, path),
  );

  it('counts each route apart: a route past its limit leaves the others open', async () => {
    for (let i = 0; i <= LIMIT; i++) await request(app.getHttpServer()).get('/auth/sessions');
    const limited = await request(app.getHttpServer()).get('/auth/sessions');
    expect({ status: limited.status, body: limited.body }).toEqual({ status: 429, body: TOO_MANY['/auth/logout'] });
    const open = await request(app.getHttpServer()).post('/auth/logout/others');
    expect({ status: open.status, body: open.body }).toEqual({
      status: 401,
      body: { message: 'Unauthorized', description: 'Invalid, expired or missing bearer token', code: 'UNAUTHORIZED' },
    });
  });
});

/** The module's routes that take an access token (`:session` stands for the caller's session id). */
const GUARDED_ROUTES: Array<[method: 'post' | 'get' | 'delete', path: string]> = [
  ...ROUTE_SPECS.map((route): ['post', string] => ['post', route.path]),
  ['post', '/auth/logout/all'],
  ['post', '/auth/logout/others'],
  ['get', '/auth/sessions'],
  ['delete', '/auth/sessions/:session'],
];

describe.each(ADAPTERS)('signing out through a flood from the same address over %s', (adapter) => {
  let db: TestDatabase;
  let app: INestApplication;
  // Users from the host's password-less sign-in (not rate limited), so the flood is the only traffic counted.
  useHost(adapter, (opened) => ({ db, app } = opened), {
    rateLimit: { limit: LIMIT, ttlSeconds: 60 },
    userStore: false,
  });

  async function victim(): Promise<{ sessionId: string; bearer: string; refreshToken: string }> {
    const { body } = await request(app.getHttpServer()).post(`/sign-in/u-${randomUUID()}`).expect(201);
    return { sessionId: body.sessionId, bearer: `Bearer ${body.accessToken}`, refreshToken: body.refreshToken };
  }

  it.each(GUARDED_ROUTES)(
    '%s %s: past the limit, token-less requests get 429 and a request with a valid token still passes',
    async (method, path) => {
      const user = await victim();
      const url = path.replace(':session', user.sessionId);
      for (let i = 0; i < LIMIT; i++) expect((await request(app.getHttpServer())[method](url)).status).toBe(401);
      expect((await request(app.getHttpServer())[method](url)).status).toBe(429);
      expect((await request(app.getHttpServer())[method](url).set('Authorization', user.bearer)).status).toBe(200);
    },
  );

  it("a flood leaves the victim's logout effective: the session ends, its refresh token stops working", async () => {
    const user = await victim();
    for (let i = 0; i <= LIMIT; i++) await request(app.getHttpServer()).post('/auth/logout');
    const logout = await request(app.getHttpServer()).post('/auth/logout').set('Authorization', user.bearer);
    expect({ status: logout.status, body: logout.body }).toEqual({
      status: 200,
      body: { message: 'Logged out successfully' },
    });
    expect(await db.query('SELECT revoke_reason FROM auth_sessions WHERE id = $1', [user.sessionId])).toEqual([
      { revoke_reason: 'logout' },
    ]);
    const refresh = await request(app.getHttpServer()).post('/auth/refresh').send({ refreshToken: user.refreshToken });
    expect({ status: refresh.status, body: refresh.body }).toEqual({
      status: 401,
      body: { message: 'Unauthorized', description: 'Invalid, expired or revoked refresh token', code: 'UNAUTHORIZED' },
    });
  });
});

describe.each(ADAPTERS)('client addresses behind a trusted proxy over %s', (adapter) => {
  let app: INestApplication;
  useHost(adapter, (opened) => ({ app } = opened), {
    rateLimit: { limit: LIMIT, ttlSeconds: 60 },
    trustProxy: true,
  });

  const post = (forwardedFor: string) =>
    request(app.getHttpServer()).post('/auth/logout').set('X-Forwarded-For', forwardedFor);

  it('keys IPv6 clients by /64: other addresses of the same network share one budget', async () => {
    for (let i = 1; i <= LIMIT; i++) expect((await post(`2001:db8:7:7::${i}`)).status).toBe(401);
    const refused = await post('2001:db8:7:7:ffff::1');
    expect({ status: refused.status, body: refused.body }).toEqual({ status: 429, body: TOO_MANY['/auth/logout'] });
    expect((await post('2001:db8:7:8::1')).status).toBe(401);
  });

  it('keys each forwarded IPv4 client apart, and an IPv4-mapped address as its IPv4 one', async () => {
    for (let i = 0; i < LIMIT; i++) expect((await post('198.51.100.9')).status).toBe(401);
    expect((await post('::ffff:198.51.100.9')).status).toBe(429);
    expect((await post('198.51.100.10')).status).toBe(401);
  });
});

describe.each(ADAPTERS)("the demo's POST /auth/login over %s", (adapter) => {
  describe('with the rate limit on', () => {
    let db: TestDatabase;
    let app: INestApplication;
    useTestApp(adapter, (opened) => ({ db, app } = opened), { rateLimitPerMinute: LIMIT });

    it('the client past the limit gets 429 in the generic body with Retry-After, and nothing changes', () =>
      expectLimited(app, db, '/auth/login'));
  });

  describe('with the rate limit off', () => {
    let db: TestDatabase;
    let app: INestApplication;
    useTestApp(adapter, (opened) => ({ db, app } = opened));

    it('answers 401 to a wrong password, an unknown email or a disabled account, 400 to a malformed body', async () => {
      await app.get(DemoUsersService).upsertUser('disabled@example.com', 'pw-disabled');
      await db.query(`UPDATE users SET disabled = true WHERE email = 'disabled@example.com'`);
      const refused = [];
      for (const credentials of [
        { email: DEMO_EMAIL, password: 'nope' },
        { email: 'nobody@example.com', password: DEMO_PASSWORD },
        { email: 'disabled@example.com', password: 'pw-disabled' },
      ]) {
        const response = await request(app.getHttpServer()).post('/auth/login').send(credentials);
        refused.push({ status: response.status, body: response.body });
      }
      expect(refused).toEqual(
        Array.from({ length: 3 }, () => ({
          status: 401,
          body: { message: 'Unauthorized', description: 'Invalid email or password', code: 'INVALID_CREDENTIALS' },
        })),
      );
      const malformed = await request(app.getHttpServer())
        .post('/auth/login')
        .send({ email: 42, password: ['x'] });
      expect({ status: malformed.status, body: malformed.body }).toEqual({
        status: 400,
        body: {
          message: 'Invalid input data',
          description: 'The request data did not pass validation',
          code: 'INVALID_INPUT',
        },
      });
      // The seeded demo user signs in.
      expect((await login(app)).userId).toMatch(/^[0-9a-f-]{36}$/);
    });
  });
});

describe.each(ADAPTERS)("the demo's TRUST_PROXY=1 over %s", (adapter) => {
  let app: INestApplication;
  useTestApp(adapter, (opened) => ({ app } = opened), { rateLimitPerMinute: 1, trustProxy: 1 });

  const post = (forwardedFor: string) =>
    request(app.getHttpServer()).post('/auth/logout').set('X-Forwarded-For', forwardedFor);

  it('trusts one hop: the client is the address the proxy appended, whatever the client wrote before it', async () => {
    expect((await post('203.0.113.1, 198.51.100.20')).status).toBe(401);
    const refused = await post('203.0.113.2, 198.51.100.20');
    expect({ status: refused.status, body: refused.body }).toEqual({ status: 429, body: TOO_MANY['/auth/logout'] });
    expect((await post('203.0.113.1, 198.51.100.21')).status).toBe(401);
  });
});
