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
  it.each([...ROUTE_SPECS.map((route) => route.path), '/auth/refresh', '/auth/login'])(
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
