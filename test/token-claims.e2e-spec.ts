import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ADAPTERS } from './support/constants.js';
import { useHost } from './support/host.js';
import { ROUTE_SPECS } from './support/logout-routes.js';
import type { TestDatabase } from './support/test-database.js';
import { forgeToken } from './support/tokens.js';
import { authState, newUser } from './support/users.js';

const now = () => Math.floor(Date.now() / 1000);
const TEN_YEARS = 10 * 365 * 24 * 60 * 60;
const YEAR_3000 = Date.UTC(3000, 0, 1) / 1000;
/** The test host's access-token lifetime (the default) and clock tolerance (the default). */
const TTL = 900;
const TOLERANCE = 5;

const UNAUTHORIZED = {
  message: 'Unauthorized',
  description: 'Invalid, expired or missing bearer token',
  code: 'UNAUTHORIZED',
};

/** The four logout routes and the host's own route behind JwtGuard, each with its answer to a bad token. */
const ROUTES = [
  ...ROUTE_SPECS.map((route) => ({ method: 'post' as const, path: route.path, badToken: route.badToken })),
  { method: 'get' as const, path: '/auth/me', badToken: [401, UNAUTHORIZED] as [number, unknown] },
];

/**
 * Correctly signed tokens (our key, our algorithm, iss, aud, typ, sub and sid of a live session) that claim what the
 * module never issues (RFC 9068 section 2.2, RFC 8725 section 3.10). Each overrides the claims of a good token.
 */
const BROKEN_PROMISES: Array<[string, () => Record<string, unknown>]> = [
  ['no exp', () => ({ exp: undefined })],
  ['no iat', () => ({ iat: undefined })],
  ['iat as a string', () => ({ iat: String(now()) })],
  ['iat ten years ahead', () => ({ iat: now() + TEN_YEARS })],
  ['exp in the year 3000', () => ({ exp: YEAR_3000 })],
  ['a lifetime above accessTokenTtlSeconds', () => ({ iat: now() - 60, exp: now() + TTL })],
  ['a jti of 5,000 characters', () => ({ jti: 'j'.repeat(5_000) })],
];

describe.each(ADAPTERS)('tokens keep their promises, over %s', (adapter) => {
  let db: TestDatabase;
  let app: INestApplication;
  useHost(adapter, (opened) => ({ db, app } = opened));
  const http = () => request(app.getHttpServer());

  describe.each(ROUTES)('$method $path', (route) => {
    it.each(BROKEN_PROMISES)('%s: refused in the route body, nothing changes', async (_name, claims) => {
      const user = await newUser(app);
      const token = forgeToken({ sub: user.userId, sid: user.sessionId }, { claims: claims() });
      const before = await authState(db);
      const response = await http()[route.method](route.path).set('Authorization', `Bearer ${token}`);
      const [status, body] = route.badToken;
      expect({ status: response.status, body: response.body }).toEqual({ status, body });
      expect(await authState(db)).toEqual(before);
    });
  });

  /** So that each refusal above is the claim, not the rest of the token. */
  it.each<[string, () => Record<string, unknown>]>([
    ['iat a little ahead, within the clock tolerance', () => ({ iat: now() + TOLERANCE - 2 })],
    ['exp just passed, within the clock tolerance', () => ({ iat: now() - 60, exp: now() - 2 })],
    ['a lifetime of exactly accessTokenTtlSeconds', () => ({ iat: now(), exp: now() + TTL })],
    ['a lifetime within the tolerance above it', () => ({ iat: now(), exp: now() + TTL + TOLERANCE })],
    ['a jti of 128 characters', () => ({ jti: 'j'.repeat(128) })],
  ])('accepts %s on GET /auth/me', async (_name, claims) => {
    const user = await newUser(app);
    const token = forgeToken({ sub: user.userId, sid: user.sessionId }, { claims: claims() });
    const response = await http().get('/auth/me').set('Authorization', `Bearer ${token}`);
    expect({ status: response.status, body: response.body }).toEqual({
      status: 200,
      body: { userId: user.userId, sessionId: user.sessionId, deviceId: null },
    });
  });
});

describe.each(ADAPTERS)('clockToleranceSeconds: 0, over %s', (adapter) => {
  let db: TestDatabase;
  let app: INestApplication;
  useHost(adapter, (opened) => ({ db, app } = opened), { clockToleranceSeconds: 0 });

  it.each<[string, () => Record<string, unknown>]>([
    ['iat 3 seconds ahead', () => ({ iat: now() + 3 })],
    ['exp 2 seconds ago', () => ({ iat: now() - 60, exp: now() - 2 })],
    ['a lifetime one second above accessTokenTtlSeconds', () => ({ iat: now(), exp: now() + TTL + 1 })],
  ])('refuses %s on GET /auth/me, and nothing changes', async (_name, claims) => {
    const user = await newUser(app);
    const token = forgeToken({ sub: user.userId, sid: user.sessionId }, { claims: claims() });
    const before = await authState(db);
    const response = await request(app.getHttpServer()).get('/auth/me').set('Authorization', `Bearer ${token}`);
    expect({ status: response.status, body: response.body }).toEqual({ status: 401, body: UNAUTHORIZED });
    expect(await authState(db)).toEqual(before);
  });
});
