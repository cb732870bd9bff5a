import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ADAPTERS } from './support/constants.js';
import { useHost } from './support/host.js';
import { ROUTE_SPECS, type RouteName, type RouteSpec } from './support/logout-routes.js';
import type { LoggedIn } from './support/session-client.js';
import type { TestDatabase } from './support/test-database.js';
import { forgeToken, unsignedToken } from './support/tokens.js';
import { authState, newUser, settled } from './support/users.js';

const OTHER_SECRET = 'another-secret-that-is-at-least-32-bytes!!';
const now = () => Math.floor(Date.now() / 1000);

type Answer =
  | keyof Pick<
      RouteSpec,
      'noToken' | 'badToken' | 'badSignature' | 'sessionGone' | 'revoked' | 'brokenJson' | 'notJson'
    >
  | 'badField';

interface Context {
  app: INestApplication;
  db: TestDatabase;
  user: LoggedIn;
  other: LoggedIn;
}

interface BadInput {
  name: string;
  answer: Answer;
  /** Only for the routes that read what this case breaks. */
  routes?: RouteName[];
  prepare?: (context: Context) => Promise<unknown>;
  authorization?: (context: Context) => string | undefined;
  headers?: Record<string, string>;
  contentType?: string;
  body?: string;
  query?: string;
}

const mine = ({ user }: Context) => ({ sub: user.userId, sid: user.sessionId });
const bearer = (token: (context: Context) => string) => (context: Context) => `Bearer ${token(context)}`;

const CASES: BadInput[] = [
  { name: 'no Authorization header', answer: 'noToken', authorization: () => undefined },
  // A header that is there but holds no token: credentials were sent, and they are refused like a bad token.
  { name: 'Bearer with nothing', answer: 'badToken', authorization: () => 'Bearer' },
  { name: 'Bearer and spaces', answer: 'badToken', authorization: () => 'Bearer    ' },
  { name: 'Basic credentials', answer: 'badToken', authorization: () => 'Basic ZGVtbzpkZW1v' },
  {
    name: 'two bearer tokens',
    answer: 'badToken',
    authorization: ({ user }) => `Bearer ${user.accessToken} Bearer ${user.accessToken}`,
  },
  { name: 'SQL in the Authorization header', answer: 'badToken', authorization: () => "Bearer ' OR '1'='1'; --" },
  {
    name: 'our token without Bearer, where the route wants Bearer',
    answer: 'badToken',
    routes: ['signout', 'authLogout', 'v3Logout'],
    authorization: ({ user }) => user.accessToken,
  },
  {
    name: 'the token in the query string only',
    answer: 'noToken',
    authorization: () => undefined,
    query: '?access_token=x',
  },
  { name: 'garbage', answer: 'badToken', authorization: () => 'Bearer garbage' },
  { name: 'three empty segments', answer: 'badToken', authorization: () => 'Bearer ..' },
  {
    name: 'three parts of empty JSON objects (no alg, bad signature)',
    answer: 'badSignature',
    authorization: () => 'Bearer e30.e30.e30',
  },
  { name: 'a huge header', answer: 'badToken', authorization: () => `Bearer ${'x'.repeat(12_000)}` },
  {
    name: 'a JWT signed with another key',
    answer: 'badSignature',
    authorization: bearer((c) => forgeToken(mine(c), { secret: OTHER_SECRET })),
  },
  { name: 'alg none', answer: 'badSignature', authorization: bearer((c) => unsignedToken(mine(c))) },
  { name: 'alg None', answer: 'badSignature', authorization: bearer((c) => unsignedToken(mine(c), 'None')) },
  {
    name: 'HS384 instead of the pinned HS256',
    answer: 'badSignature',
    authorization: bearer((c) => forgeToken(mine(c), { algorithm: 'HS384' })),
  },
  {
    name: 'kid and jku pointing elsewhere, signed with their key',
    answer: 'badSignature',
    authorization: bearer((c) =>
      forgeToken(mine(c), { secret: OTHER_SECRET, header: { kid: 'k1', jku: 'http://127.0.0.1:9/jwks.json' } }),
    ),
  },
  {
    name: 'typ JWT instead of at+jwt',
    answer: 'badToken',
    authorization: bearer((c) => forgeToken(mine(c), { header: { typ: 'JWT' } })),
  },
  {
    name: 'an unknown crit extension',
    answer: 'badToken',
    authorization: bearer((c) => forgeToken(mine(c), { header: { crit: ['x-ext'] } })),
  },
  {
    name: 'expired',
    answer: 'badToken',
    authorization: bearer((c) => forgeToken(mine(c), { claims: { iat: now() - 7200, exp: now() - 3600 } })),
  },
  {
    name: 'nbf in the future',
    answer: 'badToken',
    authorization: bearer((c) => forgeToken(mine(c), { claims: { nbf: now() + 3600 } })),
  },
  {
    name: 'exp as a string',
    answer: 'badToken',
    authorization: bearer((c) => forgeToken(mine(c), { claims: { exp: String(now() + 600) } })),
  },
  {
    name: 'the wrong iss',
    answer: 'badToken',
    authorization: bearer((c) => forgeToken(mine(c), { claims: { iss: 'elsewhere' } })),
  },
  {
    name: 'the wrong aud',
    answer: 'badToken',
    authorization: bearer((c) => forgeToken(mine(c), { claims: { aud: 'elsewhere' } })),
  },
  {
    name: "sub of another user on this user's session",
    answer: 'badToken',
    authorization: bearer((c) => forgeToken({ sub: c.other.userId, sid: c.user.sessionId })),
  },
  {
    name: "this user's sub on another user's session",
    answer: 'badToken',
    authorization: bearer((c) => forgeToken({ sub: c.user.userId, sid: c.other.sessionId })),
  },
  {
    name: 'no sid',
    answer: 'badToken',
    authorization: bearer((c) => forgeToken(mine(c), { claims: { sid: undefined } })),
  },
  {
    name: 'SQL in sid',
    answer: 'badToken',
    authorization: bearer((c) => forgeToken(mine(c), { claims: { sid: "' OR 1=1 --" } })),
  },
  {
    name: 'a sid of no session',
    answer: 'sessionGone',
    authorization: bearer((c) => forgeToken({ sub: c.user.userId, sid: randomUUID() })),
  },
  {
    name: 'the token of a revoked session',
    answer: 'revoked',
    prepare: ({ app, db, user }) =>
      db
        .query(`UPDATE auth_sessions SET revoked_at = now(), revoke_reason = 'admin' WHERE id = $1`, [user.sessionId])
        .then(() => settled(app)),
    authorization: ({ user }) => user.bearer,
  },
  {
    name: 'the token of an expired session',
    answer: 'revoked',
    prepare: ({ app, db, user }) =>
      db
        .query(`UPDATE auth_sessions SET expires_at = now() - interval '1 minute' WHERE id = $1`, [user.sessionId])
        .then(() => settled(app)),
    authorization: ({ user }) => user.bearer,
  },
  {
    name: 'broken JSON',
    answer: 'brokenJson',
    authorization: ({ user }) => user.bearer,
    contentType: 'application/json',
    body: '{"a":',
  },
  {
    name: 'a JSON array',
    answer: 'brokenJson',
    authorization: ({ user }) => user.bearer,
    contentType: 'application/json',
    body: '[1,2]',
  },
  {
    name: 'a JSON string',
    answer: 'brokenJson',
    authorization: ({ user }) => user.bearer,
    contentType: 'application/json',
    body: '"logout"',
  },
  {
    name: 'JSON null',
    answer: 'brokenJson',
    authorization: ({ user }) => user.bearer,
    contentType: 'application/json',
    body: 'null',
  },
  {
    name: 'a text/plain body',
    answer: 'notJson',
    authorization: ({ user }) => user.bearer,
    contentType: 'text/plain',
    body: 'device_token=x',
  },
  {
    name: 'an XML body',
    answer: 'notJson',
    authorization: ({ user }) => user.bearer,
    contentType: 'application/xml',
    body: '<logout/>',
  },
  {
    name: 'a form body',
    answer: 'notJson',
    authorization: ({ user }) => user.bearer,
    contentType: 'application/x-www-form-urlencoded',
    body: 'device_token=x',
  },
  {
    name: 'device_token as a number',
    answer: 'badField',
    routes: ['v3Logout'],
    authorization: ({ user }) => user.bearer,
    contentType: 'application/json',
    body: '{"device_token":5}',
  },
  {
    name: 'device_token as an array',
    answer: 'badField',
    routes: ['v3Logout'],
    authorization: ({ user }) => user.bearer,
    contentType: 'application/json',
    body: '{"device_token":["a"]}',
  },
  {
    name: 'an unknown field',
    answer: 'badField',
    routes: ['authLogout'],
    authorization: ({ user }) => user.bearer,
    contentType: 'application/json',
    body: '{"all":true}',
  },
  {
    name: 'an X-DeviceId of 10,000 characters',
    answer: 'badField',
    routes: ['signout'],
    authorization: ({ user }) => user.bearer,
    headers: { 'X-DeviceId': 'd'.repeat(10_000) },
  },
  {
    name: 'an X-DeviceIdD of 10,000 characters',
    answer: 'badField',
    routes: ['signout'],
    authorization: ({ user }) => user.bearer,
    headers: { 'X-DeviceIdD': 'd'.repeat(10_000) },
  },
  {
    name: 'a NUL in device_token',
    answer: 'badField',
    routes: ['v3Logout'],
    authorization: ({ user }) => user.bearer,
    contentType: 'application/json',
    body: String.raw`{"device_token":"x\u0000y"}`,
  },
  {
    name: 'a lone surrogate in device_token',
    answer: 'badField',
    routes: ['v3Logout'],
    authorization: ({ user }) => user.bearer,
    contentType: 'application/json',
    body: String.raw`{"device_token":"x\ud800y"}`,
  },
  {
    // About 100 kB, under the body limit of both adapters, so the route itself reads it.
    name: 'a body nested 50,000 levels deep',
    answer: 'brokenJson',
    authorization: ({ user }) => user.bearer,
    contentType: 'application/json',
    body: `{"device_token":${'['.repeat(50_000)}${']'.repeat(50_000)}}`,
  },
  {
    name: 'a body nested 33 levels deep',
    answer: 'brokenJson',
    authorization: ({ user }) => user.bearer,
    contentType: 'application/json',
    body: `{"a":${'{"a":'.repeat(32)}1${'}'.repeat(33)}`,
  },
];

const BAD_FIELD: Partial<Record<RouteName, [number, unknown]>> = {
  signout: [
    400,
    { error: 'DEVICE_NOT_FOUND', errorId: 4, message: 'Device not found', systemId: 'core', field: 'X-DeviceId' },
  ],
  authLogout: [
    422,
    { message: 'Validation error', description: 'The request data failed validation rules', code: 'VALIDATION_ERROR' },
  ],
  v3Logout: [400, { Message: 'Invalid request body' }],
};

describe.each(ADAPTERS)('bad input over %s', (adapter) => {
  let db: TestDatabase;
  let app: INestApplication;

  useHost(adapter, (opened) => ({ db, app } = opened));

  describe.each(ROUTE_SPECS)('$path', (route) => {
    const cases = CASES.filter((c) => !c.routes || c.routes.includes(route.name));

    it('has at least 30 cases', () => {
      expect(cases.length).toBeGreaterThanOrEqual(30);
    });

    it.each(cases)('$name: the route error body with a 4xx, and nothing changes', async (badInput) => {
      const context: Context = { app, db, user: await newUser(app), other: await newUser(app) };
      await badInput.prepare?.(context);
      const before = await authState(db);

      let call = request(app.getHttpServer()).post(route.path + (badInput.query ?? ''));
      const authorization = badInput.authorization?.(context);
      if (authorization !== undefined) call = call.set('Authorization', authorization);
      for (const [name, value] of Object.entries(badInput.headers ?? {})) call = call.set(name, value);
      if (badInput.contentType) call = call.set('Content-Type', badInput.contentType);
      const response = await (badInput.body === undefined ? call : call.send(badInput.body));

      const [status, body] = badInput.answer === 'badField' ? BAD_FIELD[route.name]! : route[badInput.answer];
      expect({ status: response.status, body: response.body }).toEqual({ status, body });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(await authState(db)).toEqual(before);
    });
  });
});
