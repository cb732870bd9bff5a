import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS } from './support/constants.js';
import { createHost } from './support/host.js';
import { ROUTE_SPECS, type RouteSpec } from './support/logout-routes.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { signHmac } from './support/tokens.js';
import { authState, settled } from './support/users.js';

const keyPair = () =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
const ours = keyPair();
const attacker = keyPair();
const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

/** RS256 over any header and payload, without a library's checks on claim types. */
function signRs256(header: Record<string, unknown>, payload: Record<string, unknown>, privateKey: string): string {
  const input = `${encode({ alg: 'RS256', typ: 'at+jwt', ...header })}.${encode(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), createPrivateKey(privateKey)).toString('base64url')}`;
}

interface Victim {
  userId: string;
  sessionId: string;
}
type Answer = 'badToken' | 'badSignature' | 'revoked';
interface Attack {
  name: string;
  answer: Answer;
  token: (victim: Victim, other: Victim) => string;
  prepare?: (db: TestDatabase, victim: Victim) => Promise<unknown>;
}

const claims = (victim: Victim, extra: Record<string, unknown> = {}) => {
  const base: Record<string, unknown> = {
    sub: victim.userId,
    sid: victim.sessionId,
    jti: randomUUID(),
    iat: now(),
    exp: now() + 600,
    iss: 'nest-signout',
    aud: 'nest-signout-api',
    ...extra,
  };
  for (const [key, value] of Object.entries(base)) if (value === undefined) delete base[key];
  return base;
};
const unsigned = (alg: string) => (victim: Victim) => `${encode({ alg, typ: 'at+jwt' })}.${encode(claims(victim))}.`;
const attackerJwk = createPublicKey(attacker.publicKey).export({ format: 'jwk' });

const ATTACKS: Attack[] = [
  { name: 'alg none', answer: 'badSignature', token: unsigned('none') },
  { name: 'alg None', answer: 'badSignature', token: unsigned('None') },
  { name: 'alg NONE', answer: 'badSignature', token: unsigned('NONE') },
  {
    name: 'HS256 signed with our RS256 public key (algorithm confusion)',
    answer: 'badSignature',
    token: (v) => signHmac({ alg: 'HS256', typ: 'at+jwt' }, claims(v), ours.publicKey),
  },
  {
    name: "the attacker's key, named by kid",
    answer: 'badSignature',
    token: (v) => signRs256({ kid: 'attacker-key' }, claims(v), attacker.privateKey),
  },
  {
    name: "the attacker's key, behind jku",
    answer: 'badSignature',
    token: (v) => signRs256({ jku: 'http://127.0.0.1:9/jwks.json' }, claims(v), attacker.privateKey),
  },
  {
    name: "the attacker's key, behind x5u",
    answer: 'badSignature',
    token: (v) => signRs256({ x5u: 'http://127.0.0.1:9/cert.pem' }, claims(v), attacker.privateKey),
  },
  {
    name: "the attacker's key, embedded as jwk",
    answer: 'badSignature',
    token: (v) => signRs256({ jwk: attackerJwk }, claims(v), attacker.privateKey),
  },
  {
    name: 'crit with an unknown extension',
    answer: 'badToken',
    token: (v) => signRs256({ crit: ['x-unknown'], 'x-unknown': 1 }, claims(v), ours.privateKey),
  },
  {
    name: "sid of another user's session (sub/sid mismatch)",
    answer: 'badToken',
    token: (v, other) => signRs256({}, claims(v, { sid: other.sessionId }), ours.privateKey),
  },
  { name: 'no sid', answer: 'badToken', token: (v) => signRs256({}, claims(v, { sid: undefined }), ours.privateKey) },
  { name: 'no sub', answer: 'badToken', token: (v) => signRs256({}, claims(v, { sub: undefined }), ours.privateKey) },
  {
    name: 'exp as a string',
    answer: 'badToken',
    token: (v) => signRs256({}, claims(v, { exp: String(now() + 600) }), ours.privateKey),
  },
  {
    name: 'nbf in the future',
    answer: 'badToken',
    token: (v) => signRs256({}, claims(v, { nbf: now() + 3600 }), ours.privateKey),
  },
  {
    name: 'our signature, wrong iss',
    answer: 'badToken',
    token: (v) => signRs256({}, claims(v, { iss: 'elsewhere' }), ours.privateKey),
  },
  {
    name: 'our signature, wrong aud',
    answer: 'badToken',
    token: (v) => signRs256({}, claims(v, { aud: 'elsewhere' }), ours.privateKey),
  },
  {
    name: 'our signature, a session that has expired',
    answer: 'revoked',
    token: (v) => signRs256({}, claims(v), ours.privateKey),
    prepare: (db, v) =>
      db.query(`UPDATE auth_sessions SET expires_at = now() - interval '1 minute' WHERE id = $1`, [v.sessionId]),
  },
];

const HOST_ROUTE: Pick<RouteSpec, 'path'> & Record<Answer, [number, unknown]> = {
  path: '/profile',
  badToken: [
    401,
    { message: 'Unauthorized', description: 'Invalid, expired or missing bearer token', code: 'UNAUTHORIZED' },
  ],
  badSignature: [
    401,
    { message: 'Unauthorized', description: 'Invalid, expired or missing bearer token', code: 'UNAUTHORIZED' },
  ],
  revoked: [
    401,
    { message: 'Unauthorized', description: 'Invalid, expired or missing bearer token', code: 'UNAUTHORIZED' },
  ],
};

const CACHE_MODES = [
  { cache: 'on', verifiedTokenCache: undefined },
  { cache: 'off', verifiedTokenCache: false },
] as const;

describe.each(ADAPTERS)('JWT attacks against an RS256 host app (%s)', (adapter) => {
  describe.each(CACHE_MODES)('verified-token cache $cache', ({ cache, verifiedTokenCache }) => {
    let db: TestDatabase;
    let app: INestApplication;

    beforeAll(async () => {
      db = await createTestDatabase();
      // Its users live elsewhere (no user store): it signs anyone in by id.
      app = await createHost(adapter, db.url, {
        signing: { algorithm: 'RS256', privateKey: ours.privateKey, publicKey: ours.publicKey },
        userStore: false,
        ...(verifiedTokenCache === false ? { verifiedTokenCache } : {}),
      });
    });
    afterAll(async () => {
      await app?.close();
      await db?.drop();
    });

    const signIn = async (userId: string): Promise<Victim> => ({
      userId,
      sessionId: (await request(app.getHttpServer()).post(`/sign-in/${userId}`).expect(201)).body.sessionId,
    });
    /** A genuine token of the victim, used once: with the cache on, it is remembered before the attack comes. */
    const genuine = async (victim: Victim) => {
      const token = signRs256({}, claims(victim), ours.privateKey);
      await request(app.getHttpServer()).get('/profile').set('Authorization', `Bearer ${token}`).expect(200);
      return token;
    };

    it('a token of ours is accepted, so each refusal below is the attack', async () => {
      const victim = await signIn(`u-${randomUUID()}`);
      await genuine(victim);
    });

    it("a remembered token's header and payload with another signature, or a character changed: refused", async () => {
      const victim = await signIn(`u-${randomUUID()}`);
      const token = await genuine(victim);
      const [header, payload] = token.split('.');
      const forged = signRs256({}, JSON.parse(Buffer.from(payload, 'base64url').toString()), attacker.privateKey);
      const variants = [
        `${header}.${payload}.${forged.split('.')[2]}`,
        `${header}.${payload}.`,
        `${token}A`,
        // A character inside the signature (the last one may only carry padding bits, which decode the same).
        `${token.slice(0, -10)}${token.at(-10) === 'A' ? 'B' : 'A'}${token.slice(-9)}`,
      ];
      for (const variant of variants) {
        const response = await request(app.getHttpServer()).get('/profile').set('Authorization', `Bearer ${variant}`);
        expect({ variant, status: response.status, body: response.body }).toEqual({
          variant,
          status: 401,
          body: HOST_ROUTE.badSignature[1],
        });
      }
      // The genuine token still passes, and a revoked session is refused even though its token is remembered.
      await request(app.getHttpServer()).get('/profile').set('Authorization', `Bearer ${token}`).expect(200);
      await db.query(`UPDATE auth_sessions SET revoked_at = now(), revoke_reason = 'logout' WHERE id = $1`, [
        victim.sessionId,
      ]);
      await settled(app);
      await request(app.getHttpServer()).get('/profile').set('Authorization', `Bearer ${token}`).expect(401);
      expect(cache).toMatch(/^(on|off)$/);
    });

    describe.each([...ROUTE_SPECS, HOST_ROUTE])('$path', (route) => {
      it.each(ATTACKS)('$name: refused in the route body, never 5xx, nothing changes', async (attack) => {
        const victim = await signIn(`u-${randomUUID()}`);
        const other = await signIn(`u-${randomUUID()}`);
        await genuine(victim);
        await attack.prepare?.(db, victim);
        const before = await authState(db);
        const method = route.path === '/profile' ? 'get' : 'post';
        const server = request(app.getHttpServer());
        const response = await server[method](route.path).set('Authorization', `Bearer ${attack.token(victim, other)}`);
        const [status, body] = route[attack.answer];
        expect({ status: response.status, body: response.body }).toEqual({ status, body });
        expect(await authState(db)).toEqual(before);
      });
    });
  });
});
