import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, type JWTHeaderParameters, SignJWT } from 'jose';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SessionService, SessionsRevokedEvent, type IdentityProviderSession } from '../src/auth/index.js';
import { UNAUTHORIZED } from './support/bodies.js';
import { ADAPTERS } from './support/constants.js';
import { createHost } from './support/host.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { addAccount, breakSessionWrites } from './support/users.js';
import { within } from './support/within.js';

const FORM = 'application/x-www-form-urlencoded';
const EVENT = 'http://schemas.openid.net/event/backchannel-logout';
const CLIENT_ID = 'nest-signout-app';
const invalid = (description: string) => ({ error: 'invalid_request', error_description: description });

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

/**
 * The provider side: two issuers on one small HTTP server. Issuer `a` is found by discovery
 * (`/a/.well-known/openid-configuration`), issuer `b` by its configured `jwksUri`; `/evil/jwks` serves an attacker's
 * keys, which only a verifier that follows a token's `jku` would ever fetch.
 */
interface Provider {
  server: Server;
  issuerA: string;
  issuerB: string;
  keyA: KeyPair;
  keyB: KeyPair;
  attacker: KeyPair;
  attackerJwk: JWK;
  fetched: string[];
}

const jwkOf = async (pair: KeyPair, kid: string, alg: string) => ({
  ...(await exportJWK(pair.publicKey)),
  kid,
  alg,
  use: 'sig',
});

const now = () => Math.floor(Date.now() / 1000);

/** An unsigned JWT (`alg: none`). */
const unsigned = (payload: object) =>
  [{ alg: 'none', typ: 'logout+jwt' }, payload]
    .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
    .join('.') + '.';

async function startProvider(): Promise<Provider> {
  const [keyA, keyB, attacker] = await Promise.all(
    ['RS256', 'ES256', 'RS256'].map((alg) => generateKeyPair(alg, { extractable: true })),
  );
  const sets: Record<string, { keys: JWK[] }> = {
    '/a/jwks': { keys: [await jwkOf(keyA, 'a-1', 'RS256')] },
    '/b/jwks': { keys: [await jwkOf(keyB, 'b-1', 'ES256')] },
    '/evil/jwks': { keys: [await jwkOf(attacker, 'evil', 'RS256')] },
  };
  const fetched: string[] = [];
  let base = '';
  const server = createServer((req, res) => {
    fetched.push(req.url ?? '');
    const body =
      req.url === '/a/.well-known/openid-configuration'
        ? { issuer: `${base}/a`, jwks_uri: `${base}/a/jwks` }
        : sets[req.url ?? ''];
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? {}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const attackerJwk = await exportJWK(attacker.publicKey);
  return { server, issuerA: `${base}/a`, issuerB: `${base}/b`, keyA, keyB, attacker, attackerJwk, fetched };
}

describe.each(ADAPTERS)('POST /auth/backchannel-logout (OpenID Connect Back-Channel Logout) over %s', (adapter) => {
  let provider: Provider;
  let db: TestDatabase;
  let app: INestApplication;
  let events: Array<[string, unknown]>;

  beforeAll(async () => {
    provider = await startProvider();
    db = await createTestDatabase();
    app = await createHost(adapter, db.url, {
      backchannelLogout: {
        providers: [
          { issuer: provider.issuerA, clientId: CLIENT_ID },
          { issuer: provider.issuerB, clientId: CLIENT_ID, jwksUri: `${provider.issuerB}/jwks` },
        ],
      },
    });
    app.get(EventEmitter2).onAny((name, payload) => events.push([String(name), payload]));
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
    await new Promise((resolve) => provider?.server.close(resolve));
  });
  beforeEach(() => {
    events = [];
  });

  const http = () => request(app.getHttpServer());
  const logout = (form: string) => http().post('/auth/backchannel-logout').set('Content-Type', FORM).send(form);
  const sendToken = (token: string) => logout(`logout_token=${encodeURIComponent(token)}`);
  const me = (accessToken: string) => http().get('/auth/me').set('Authorization', `Bearer ${accessToken}`);
  const sessionRow = async (id: string) =>
    (
      await db.query('SELECT revoke_reason, revoked_at IS NOT NULL AS revoked FROM auth_sessions WHERE id = $1', [id])
    )[0];
  const LIVE = { revoke_reason: null, revoked: false };
  const ENDED = { revoke_reason: 'backchannel_logout', revoked: true };

  /** A user of the host signed in through a provider (or through none). */
  async function signIn(identityProvider?: IdentityProviderSession, userId?: string) {
    const id = userId ?? (await addAccount(app, `u-${randomUUID()}@example.com`, 'pw'));
    const created = await app.get(SessionService).createSession({ userId: id, identityProvider });
    return { userId: id, sessionId: created.sessionId, accessToken: created.accessToken };
  }

  /** A logout token of issuer `a` with these claims changed (`undefined` leaves one out), signed as `sign` says. */
  async function logoutToken(
    claims: Record<string, unknown> = {},
    sign: { key?: KeyPair['privateKey'] | Uint8Array; header?: Partial<JWTHeaderParameters> } = {},
  ): Promise<string> {
    const payload = Object.fromEntries(
      Object.entries({
        iss: provider.issuerA,
        aud: CLIENT_ID,
        iat: now(),
        exp: now() + 120,
        jti: randomUUID(),
        events: { [EVENT]: {} },
        ...claims,
      }).filter(([, value]) => value !== undefined),
    ) as JWTPayload;
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', kid: 'a-1', typ: 'logout+jwt', ...sign.header })
      .sign(sign.key ?? provider.keyA.privateKey);
  }

  it('a token with sid ends exactly that session: 200, empty body, no-store', async () => {
    const sub = randomUUID();
    const target = await signIn({ issuer: provider.issuerA, sid: 'sid-1', sub });
    const sameUser = await signIn({ issuer: provider.issuerA, sid: 'sid-2', sub }, target.userId);
    const response = await sendToken(await logoutToken({ sid: 'sid-1', sub }))
      .expect(200)
      .expect('Cache-Control', 'no-store');
    expect(response.text).toBe('');
    expect(await sessionRow(target.sessionId)).toEqual(ENDED);
    expect((await me(target.accessToken).expect(401)).body).toEqual(UNAUTHORIZED);
    expect(await sessionRow(sameUser.sessionId)).toEqual(LIVE);
    await me(sameUser.accessToken).expect(200);
    expect(events.filter(([name]) => name === 'auth.session.revoked')).toEqual([
      [
        'auth.session.revoked',
        new SessionsRevokedEvent(target.userId, [target.sessionId], 'backchannel_logout', expect.any(Date)),
      ],
    ]);
  });

  it('a token with only sub ends every session of that user from that issuer, and no other', async () => {
    const sub = randomUUID();
    const first = await signIn({ issuer: provider.issuerA, sid: 'sid-a', sub });
    const second = await signIn({ issuer: provider.issuerA, sub }, first.userId);
    const otherIssuer = await signIn({ issuer: provider.issuerB, sid: 'sid-a', sub }, first.userId);
    const local = await signIn(undefined, first.userId);
    const otherUser = await signIn({ issuer: provider.issuerA, sid: 'sid-x', sub: randomUUID() });
    const response = await sendToken(await logoutToken({ sub })).expect(200);
    expect(response.text).toBe('');
    for (const ended of [first, second]) {
      expect(await sessionRow(ended.sessionId)).toEqual(ENDED);
      await me(ended.accessToken).expect(401);
    }
    for (const kept of [otherIssuer, local, otherUser]) {
      expect(await sessionRow(kept.sessionId)).toEqual(LIVE);
      await me(kept.accessToken).expect(200);
    }
  });

  it('with sid and sub, both must match', async () => {
    const sub = randomUUID();
    const session = await signIn({ issuer: provider.issuerA, sid: 'sid-both', sub });
    await sendToken(await logoutToken({ sid: 'sid-both', sub: randomUUID() })).expect(200);
    expect(await sessionRow(session.sessionId)).toEqual(LIVE);
    await sendToken(await logoutToken({ sid: 'sid-both', sub })).expect(200);
    expect(await sessionRow(session.sessionId)).toEqual(ENDED);
  });

  it('the other provider, found by its configured jwksUri, signs out its own sessions', async () => {
    const sub = randomUUID();
    const session = await signIn({ issuer: provider.issuerB, sid: 'b-sid', sub });
    const token = await logoutToken(
      { iss: provider.issuerB, sid: 'b-sid' },
      { key: provider.keyB.privateKey, header: { alg: 'ES256', kid: 'b-1' } },
    );
    await sendToken(token).expect(200);
    expect(await sessionRow(session.sessionId)).toEqual(ENDED);
  });

  it('a valid token that matches no session: 200, nothing ends', async () => {
    const session = await signIn({ issuer: provider.issuerA, sid: 'sid-kept', sub: randomUUID() });
    const response = await sendToken(await logoutToken({ sid: 'no-such-sid', sub: randomUUID() })).expect(200);
    expect(response.text).toBe('');
    expect(await sessionRow(session.sessionId)).toEqual(LIVE);
    expect(events.filter(([name]) => name === 'auth.session.revoked')).toEqual([]);
  });

  it.each<[string, (target: { sid: string; sub: string }) => Promise<string>, string]>([
    [
      'signed with another key under the provider key id',
      (t) => logoutToken(t, { key: provider.attacker.privateKey }),
      'logout_token is not signed by a key of its issuer',
    ],
    [
      'signed with a key the token brings in its own jwk header',
      (t) =>
        logoutToken(t, { key: provider.attacker.privateKey, header: { kid: undefined, jwk: provider.attackerJwk } }),
      'logout_token is not signed by a key of its issuer',
    ],
    [
      'signed with a key the token points to with jku',
      (t) =>
        logoutToken(t, {
          key: provider.attacker.privateKey,
          header: { kid: 'evil', jku: provider.issuerA.replace(/\/a$/, '/evil/jwks') },
        }),
      'logout_token is not signed by a key of its issuer',
    ],
    [
      'from an issuer that is not configured',
      (t) => logoutToken({ ...t, iss: provider.issuerA.replace(/\/a$/, '/c') }),
      'logout_token is not from a known issuer',
    ],
    [
      'for another audience',
      (t) => logoutToken({ ...t, aud: 'another-client' }),
      'logout_token has an invalid aud claim',
    ],
    [
      'without events',
      (t) => logoutToken({ ...t, events: undefined }),
      'logout_token has no back-channel logout event',
    ],
    [
      'with events but not the back-channel logout member',
      (t) => logoutToken({ ...t, events: { 'http://schemas.openid.net/event/other': {} } }),
      'logout_token has no back-channel logout event',
    ],
    ['with a nonce', (t) => logoutToken({ ...t, nonce: 'n-1' }), 'logout_token must not have a nonce'],
    [
      'with neither sid nor sub',
      () => logoutToken({ sid: undefined, sub: undefined }),
      'logout_token has neither sid nor sub',
    ],
    ['without a jti', (t) => logoutToken({ ...t, jti: undefined }), 'logout_token has an invalid jti claim'],
    ['expired', (t) => logoutToken({ ...t, iat: now() - 100, exp: now() - 60 }), 'logout_token has expired'],
    [
      'issued far in the future',
      (t) => logoutToken({ ...t, iat: now() + 3600, exp: now() + 3700 }),
      'logout_token has an invalid iat claim',
    ],
    [
      'issued longer ago than the longest age',
      (t) => logoutToken({ ...t, iat: now() - 900, exp: now() + 60 }),
      'logout_token was issued too long ago',
    ],
    [
      'unsigned (alg none)',
      async (t) =>
        unsigned({
          iss: provider.issuerA,
          aud: CLIENT_ID,
          iat: now(),
          jti: randomUUID(),
          events: { [EVENT]: {} },
          ...t,
        }),
      'logout_token is not signed with an allowed algorithm',
    ],
    [
      'signed with HS256',
      (t) => logoutToken(t, { key: new TextEncoder().encode('s'.repeat(32)), header: { alg: 'HS256' } }),
      'logout_token is not signed with an allowed algorithm',
    ],
    ['not a JWT', async () => 'not-a-jwt', 'logout_token is not a JWT'],
  ])('refuses a token %s: 400 invalid_request, nothing ends', async (_name, token, description) => {
    const target = { sid: `sid-${randomUUID()}`, sub: randomUUID() };
    const session = await signIn({ issuer: provider.issuerA, ...target });
    const response = await sendToken(await token(target))
      .expect(400)
      .expect('Cache-Control', 'no-store');
    expect(response.body).toEqual(invalid(description));
    expect(await sessionRow(session.sessionId)).toEqual(LIVE);
    await me(session.accessToken).expect(200);
  });

  it('never fetches the keys a token points to', async () => {
    provider.fetched.length = 0;
    const token = await logoutToken(
      { sid: 'x', sub: 'y' },
      {
        key: provider.attacker.privateKey,
        header: { kid: 'evil', jku: provider.issuerA.replace(/\/a$/, '/evil/jwks') },
      },
    );
    await sendToken(token).expect(400);
    expect(provider.fetched.filter((url) => url.startsWith('/evil'))).toEqual([]);
  });

  it('refuses a replayed jti: the second delivery ends nothing', async () => {
    const [sub, jti, exp] = [randomUUID(), randomUUID(), now() + 120];
    const token = await logoutToken({ sub, jti, exp });
    const before = await signIn({ issuer: provider.issuerA, sub });
    await sendToken(token).expect(200);
    expect(await sessionRow(before.sessionId)).toEqual(ENDED);
    const after = await signIn({ issuer: provider.issuerA, sub }, before.userId);
    expect((await sendToken(token).expect(400)).body).toEqual(invalid('logout_token was used before'));
    expect(await sessionRow(after.sessionId)).toEqual(LIVE);
    // Kept until the token could no longer be accepted: its exp, earlier than its iat plus the longest age.
    expect(await db.query('SELECT issuer, jti, expires_at FROM auth_logout_tokens WHERE jti = $1', [jti])).toEqual([
      { issuer: provider.issuerA, jti, expires_at: new Date(exp * 1000) },
    ]);
  });

  it('a failed write: 500 without internals, nothing recorded, the same token works once it is back', async () => {
    const sub = randomUUID();
    const session = await signIn({ issuer: provider.issuerA, sid: 'sid-fail', sub });
    const token = await logoutToken({ sid: 'sid-fail', sub });
    const restore = await breakSessionWrites(db);
    try {
      const response = await sendToken(token).expect(500).expect('Cache-Control', 'no-store');
      expect(response.body).toEqual({
        error: 'server_error',
        error_description: 'The server could not complete the request',
      });
    } finally {
      await restore();
    }
    expect(await sessionRow(session.sessionId)).toEqual(LIVE);
    await sendToken(token).expect(200);
    expect(await sessionRow(session.sessionId)).toEqual(ENDED);
  });

  it.each([
    ['no logout_token', '', 'logout_token is required'],
    ['an empty logout_token', 'logout_token=', 'logout_token is required'],
    ['a repeated logout_token', 'logout_token=a&logout_token=b', 'logout_token must be sent once, as a string'],
  ])('refuses %s: 400 invalid_request', async (_name, form, description) => {
    const response = await logout(form).expect(400).expect('Cache-Control', 'no-store');
    expect(response.body).toEqual(invalid(description));
  });
});

describe.each(ADAPTERS)('POST /auth/backchannel-logout while the database is unreachable over %s', (adapter) => {
  let provider: Provider;
  let db: TestDatabase;
  let proxy: TcpProxy;
  let app: INestApplication;
  beforeAll(async () => {
    provider = await startProvider();
    db = await createTestDatabase();
    proxy = await startTcpProxy(db.url);
    app = await createHost(adapter, proxy.url, {
      dbTimeoutMs: 1000,
      backchannelLogout: { providers: [{ issuer: provider.issuerA, clientId: CLIENT_ID }] },
    });
  });
  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await db?.drop();
    await new Promise((resolve) => provider?.server.close(resolve));
  });
  const sendToken = (token: string) =>
    request(app.getHttpServer()).post('/auth/backchannel-logout').type('form').send({ logout_token: token });
  const reason = async (sessionId: string) =>
    (await db.query('SELECT revoke_reason FROM auth_sessions WHERE id = $1', [sessionId]))[0];

  it('503 temporarily_unavailable without internals, and the same token ends the session once it is back', async () => {
    const sub = randomUUID();
    const userId = await addAccount(app, `u-${sub}@example.com`, 'pw');
    const identityProvider = { issuer: provider.issuerA, sid: 'sid-outage', sub };
    const { sessionId } = await app.get(SessionService).createSession({ userId, identityProvider });
    const token = await new SignJWT({ sid: 'sid-outage', sub, jti: randomUUID(), events: { [EVENT]: {} } })
      .setProtectedHeader({ alg: 'RS256', kid: 'a-1' })
      .setIssuer(provider.issuerA)
      .setAudience(CLIENT_ID)
      .setIssuedAt()
      .setExpirationTime('2m')
      .sign(provider.keyA.privateKey);
    proxy.cut();
    try {
      const response = await sendToken(token).expect(503).expect('Cache-Control', 'no-store');
      expect(response.body).toEqual({
        error: 'temporarily_unavailable',
        error_description: 'The service is temporarily unavailable, try again later',
      });
    } finally {
      proxy.restore();
    }
    expect(await reason(sessionId)).toEqual({ revoke_reason: null });
    const retried = await within(10_000, async () => ((await sendToken(token)).status === 200 ? true : undefined));
    expect(retried).toBe(true);
    expect(await reason(sessionId)).toEqual({ revoke_reason: 'backchannel_logout' });
  });
});
