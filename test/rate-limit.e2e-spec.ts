import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ROUTE_SPECS } from './support/logout-routes.js';
import { ADAPTERS, useTestApp } from './support/test-app.js';
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

describe.each(ADAPTERS)('rate limits over %s', (adapter) => {
  let db: TestDatabase;
  let app: INestApplication;
  useTestApp(adapter, (opened) => ({ db, app } = opened), { rateLimitPerMinute: LIMIT });

  it.each([...ROUTE_SPECS.map((route) => route.path), '/auth/refresh', '/auth/login'])(
    '%s: the client past the limit gets 429 in the route body with Retry-After, and nothing changes',
    async (path) => {
      const before = await authState(db);
      for (let i = 0; i < LIMIT; i++)
        expect((await request(app.getHttpServer()).post(path).send({})).status).not.toBe(429);
      const refused = await request(app.getHttpServer()).post(path).send({});
      expect({ status: refused.status, body: refused.body }).toEqual({ status: 429, body: TOO_MANY[path] });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(await authState(db)).toEqual(before);
    },
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
