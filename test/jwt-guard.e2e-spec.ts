import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS } from './support/constants.js';
import { createHost } from './support/host.js';
import { login, type LoggedIn } from './support/session-client.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { forgeToken, unsignedToken } from './support/tokens.js';
import { addAccount, addDemoAccount } from './support/users.js';

const UNAUTHORIZED = {
  message: 'Unauthorized',
  description: 'Invalid, expired or missing bearer token',
  code: 'UNAUTHORIZED',
};
const OTHER_SECRET = 'another-secret-that-is-at-least-32-bytes!!';

describe.each(ADAPTERS)('JwtGuard on a host route (GET /auth/me) (%s)', (adapter) => {
  let db: TestDatabase;
  let app: INestApplication;
  let victim: LoggedIn;
  let other: LoggedIn;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createHost(adapter, db.url);
    await addDemoAccount(app);
    victim = await login(app);
    other = await login(app);
    // A session of another user, to try a sub/sid mismatch with.
    await addAccount(app, 'x@example.com', 'x');
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const mine = () => ({ sub: victim.userId, sid: victim.sessionId });
  const cases: Array<[string, () => string]> = [
    ['a valid-looking token signed with another key', () => forgeToken(mine(), { secret: OTHER_SECRET })],
    ['alg none', () => unsignedToken(mine())],
    ['alg NONE', () => unsignedToken(mine(), 'NONE')],
    ['HS384 with our own secret (algorithm not pinned)', () => forgeToken(mine(), { algorithm: 'HS384' })],
    ['typ JWT instead of at+jwt', () => forgeToken(mine(), { header: { typ: 'JWT' } })],
    ['no typ at all', () => forgeToken(mine(), { header: { typ: undefined } })],
    [
      'a kid naming another key, signed with that key',
      () => forgeToken(mine(), { secret: OTHER_SECRET, header: { kid: 'attacker' } }),
    ],
    [
      'a jku pointing elsewhere, signed with another key',
      () => forgeToken(mine(), { secret: OTHER_SECRET, header: { jku: 'http://127.0.0.1:1/jwks' } }),
    ],
    ['an unknown crit extension', () => forgeToken(mine(), { header: { crit: ['exp-ext'], 'exp-ext': 1 } })],
    ['an expired token', () => forgeToken(mine(), { claims: { iat: 1_000, exp: 2_000 } })],
    ['exp as a string', () => forgeToken(mine(), { claims: { exp: String(Math.floor(Date.now() / 1000) + 600) } })],
    ['nbf in the future', () => forgeToken(mine(), { claims: { nbf: Math.floor(Date.now() / 1000) + 3600 } })],
    ['the wrong issuer', () => forgeToken(mine(), { claims: { iss: 'someone-else' } })],
    ['the wrong audience', () => forgeToken(mine(), { claims: { aud: 'another-api' } })],
    ['no sid', () => forgeToken(mine(), { claims: { sid: undefined } })],
    ['a sid that is not a uuid', () => forgeToken(mine(), { claims: { sid: "1' OR '1'='1" } })],
    ['a sid of no session', () => forgeToken({ sub: victim.userId, sid: randomUUID() })],
    ['no sub', () => forgeToken(mine(), { claims: { sub: undefined } })],
    ["another user's sub on this session", () => forgeToken({ sub: randomUUID(), sid: victim.sessionId })],
    ["this user's sub on another session id", () => forgeToken({ sub: victim.userId, sid: randomUUID() })],
    ['no jti', () => forgeToken(mine(), { claims: { jti: undefined } })],
    ['three dots of garbage', () => 'a.b.c'],
    ['a huge token', () => 'x'.repeat(8_000)],
  ];

  it.each(cases)('refuses %s with 401 and changes nothing', async (_name, token) => {
    const before = await db.query('SELECT id, revoked_at, last_used_at FROM auth_sessions ORDER BY id');
    const response = await request(app.getHttpServer()).get('/auth/me').set('Authorization', `Bearer ${token()}`);
    expect(response.status).toBe(401);
    expect(response.body).toEqual(UNAUTHORIZED);
    expect(await db.query('SELECT id, revoked_at, last_used_at FROM auth_sessions ORDER BY id')).toEqual(before);
  });

  it('accepts our own token even when it carries a kid, and another session of the user stays valid', async () => {
    const withKid = forgeToken(mine(), { header: { kid: 'whatever' } });
    const response = await request(app.getHttpServer())
      .get('/auth/me')
      .set('Authorization', `Bearer ${withKid}`)
      .expect(200);
    expect(response.body).toEqual({ userId: victim.userId, sessionId: victim.sessionId, deviceId: null });
    await request(app.getHttpServer()).get('/auth/me').set('Authorization', other.bearer).expect(200);
  });

  it.each([
    ['no header', undefined],
    ['Bearer with nothing', 'Bearer '],
    ['Basic credentials', 'Basic dXNlcjpwYXNz'],
  ])('refuses %s with 401', async (_name, header) => {
    const call = request(app.getHttpServer()).get('/auth/me');
    const response = await (header === undefined ? call : call.set('Authorization', header));
    expect(response.status).toBe(401);
    expect(response.body).toEqual(UNAUTHORIZED);
  });
});
