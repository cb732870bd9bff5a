import { generateKeyPairSync } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthError,
  MissingTokenError,
  type AuthModuleExtras,
  type AuthModuleOptions,
  type ErrorMapper,
  type SigningOptions,
} from '../src/auth/index.js';
import { ADAPTERS, type Adapter } from './support/constants.js';
import { createHost } from './support/host.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { decodeToken, signHmac } from './support/tokens.js';

const UNAUTHORIZED = {
  message: 'Unauthorized',
  description: 'Invalid, expired or missing bearer token',
  code: 'UNAUTHORIZED',
};

/** The host app of these tests: no user store, prefix v1, its own issuer, audience, key and routes. */
const createHostApp = (
  adapter: Adapter,
  url: string,
  signing: SigningOptions,
  routes: AuthModuleExtras['routes'],
  extra: Partial<AuthModuleOptions> = {},
): Promise<INestApplication> =>
  createHost(adapter, url, {
    signing,
    issuer: 'host',
    audience: 'host-api',
    accessTokenTtlSeconds: 60,
    routes,
    userStore: false,
    prefix: 'v1',
    ...extra,
  });

/** The host's own body for JwtGuard's refusals on its routes: one message without a token, one for the rest. */
const hostGuardErrors: ErrorMapper<{ Message: string }> = (error) => {
  if (error instanceof MissingTokenError) return { status: 401, body: { Message: 'User authentication required' } };
  if (error instanceof AuthError) return { status: 401, body: { Message: 'Request authorization denied' } };
  return { status: 500, body: { Message: 'Internal error' } };
};

/**
 * The message the runtime's JSON.parse gives for `text` (Express's body parser passes it on as is; it
 * differs between Node versions).
 */
function jsonParseMessage(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as SyntaxError).message;
  }
  throw new Error(`${text} is valid JSON`);
}
/**
 * A host route's own answer to the broken body `{oops`, which the module leaves alone: each framework's
 * default, under Nest.
 */
const HOST_BROKEN_JSON: Record<Adapter, unknown> = {
  fastify: { statusCode: 400, message: "Body is not valid JSON but content-type is set to 'application/json'" },
  express: { statusCode: 400, message: jsonParseMessage('{oops'), error: 'Bad Request' },
};

const rsa = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const ec = generateKeyPairSync('ec', {
  namedCurve: 'P-256',
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});

describe.each(ADAPTERS)('module options (%s)', (adapter) => {
  describe.each([
    ['RS256', { algorithm: 'RS256', privateKey: rsa.privateKey, publicKey: rsa.publicKey }],
    ['ES256', { algorithm: 'ES256', privateKey: ec.privateKey, publicKey: ec.publicKey }],
  ] as const)('a host app signing with %s, logout moved under its prefix', (algorithm, signing) => {
    let db: TestDatabase;
    let app: INestApplication;
    const http = () => request(app.getHttpServer());

    beforeAll(async () => {
      db = await createTestDatabase();
      app = await createHostApp(adapter, db.url, signing, { authLogout: { path: 'api/session/logout' } });
    });

    afterAll(async () => {
      await app?.close();
      await db?.drop();
    });

    it('signs with the key pair, verifies, and logs out at the moved path', async () => {
      const { body } = await http().post('/v1/sign-in/user-1').expect(201);
      const { header, payload } = decodeToken(body.accessToken);
      expect(header).toEqual({ alg: algorithm, typ: 'at+jwt' });
      expect(payload).toMatchObject({ sub: 'user-1', sid: body.sessionId, iss: 'host', aud: 'host-api' });
      expect((payload.exp as number) - (payload.iat as number)).toBe(60);

      const bearer = `Bearer ${body.accessToken}`;
      expect((await http().get('/v1/profile').set('Authorization', bearer).expect(200)).body).toEqual({
        user: 'user-1',
      });
      await http().post('/v1/auth/logout').set('Authorization', bearer).expect(404);
      expect((await http().post('/v1/api/session/logout').set('Authorization', bearer).expect(200)).body).toEqual({
        message: 'Logged out successfully',
      });
      expect((await http().get('/v1/profile').set('Authorization', bearer).expect(401)).body).toEqual(UNAUTHORIZED);
    });

    it('refuses HS256 signed with the public key (algorithm confusion)', async () => {
      const { body } = await http().post('/v1/sign-in/user-2').expect(201);
      const { payload } = decodeToken(body.accessToken);
      const forged = signHmac({ alg: 'HS256', typ: 'at+jwt' }, payload, signing.publicKey);
      expect((await http().get('/v1/profile').set('Authorization', `Bearer ${forged}`).expect(401)).body).toEqual(
        UNAUTHORIZED,
      );
    });
  });

  describe('routes: false', () => {
    it('mounts no logout route', async () => {
      const db = await createTestDatabase();
      const app = await createHostApp(
        adapter,
        db.url,
        { algorithm: 'HS256', secret: 's'.repeat(32) },
        { authLogout: false },
      );
      try {
        const { body } = await request(app.getHttpServer()).post('/v1/sign-in/user-3').expect(201);
        await request(app.getHttpServer())
          .post('/v1/auth/logout')
          .set('Authorization', `Bearer ${body.accessToken}`)
          .expect(404);
        await request(app.getHttpServer())
          .get('/v1/profile')
          .set('Authorization', `Bearer ${body.accessToken}`)
          .expect(200);
      } finally {
        await app.close();
        await db.drop();
      }
    });
  });

  describe("under a global prefix, with the host's own body for the host routes", () => {
    let db: TestDatabase;
    let app: INestApplication;
    const http = () => request(app.getHttpServer());

    beforeAll(async () => {
      db = await createTestDatabase();
      app = await createHostApp(
        adapter,
        db.url,
        { algorithm: 'HS256', secret: 's'.repeat(32) },
        {},
        { guardErrorMapper: hostGuardErrors, systemId: 'wallet' },
      );
    });

    afterAll(async () => {
      await app?.close();
      await db?.drop();
    });

    it('answers JwtGuard refusals on host routes with the configured mapper', async () => {
      expect((await http().get('/v1/profile').expect(401)).body).toEqual({ Message: 'User authentication required' });
      expect((await http().get('/v1/profile').set('Authorization', 'Bearer x.y.z').expect(401)).body).toEqual({
        Message: 'Request authorization denied',
      });
    });

    it.each([
      ['/v1/signout', { result: 'ok' }],
      ['/v1/auth/logout', { message: 'Logged out successfully' }],
      [
        '/v1/auth/api/v1/authentication-management/logout',
        { status: { code: 200, name: 'OK', message: 'User has been successfully logged out.' }, data: {} },
      ],
      ['/v1/v3/logout', undefined],
    ])('mounts %s under the prefix, empty JSON body accepted', async (path, body) => {
      const { body: session } = await http().post('/v1/sign-in/prefixed').expect(201);
      const response = await http()
        .post(path)
        .set('Authorization', `Bearer ${session.accessToken}`)
        .set('Content-Type', 'application/json')
        .expect(200);
      if (body === undefined) expect(response.text).toBe('');
      else expect(response.body).toEqual(body);
    });

    it('answers pre-route errors under the prefix in the route spec, with the configured systemId', async () => {
      const response = await http()
        .post('/v1/signout')
        .set('Content-Type', 'application/json')
        .send('{oops')
        .expect(400);
      expect(response.body).toEqual({
        error: 'BAD_REQUEST',
        errorId: 5,
        message: 'Malformed request',
        systemId: 'wallet',
      });
    });

    it('leaves the host routes own errors alone', async () => {
      const response = await http()
        .post('/v1/sign-in/x')
        .set('Content-Type', 'application/json')
        .send('{oops')
        .expect(400);
      expect(response.body).toEqual(HOST_BROKEN_JSON[adapter]);
    });
  });
});
