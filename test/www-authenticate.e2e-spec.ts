import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ADAPTERS } from './support/constants.js';
import { useHost } from './support/host.js';
import { ROUTE_SPECS, type RouteSpec } from './support/logout-routes.js';
import type { LoggedIn } from './support/session-client.js';
import type { TestDatabase } from './support/test-database.js';
import { forgeToken } from './support/tokens.js';
import { disableUser, newUser, settled } from './support/users.js';

/** RFC 6750 section 3: the scheme alone without a token, `invalid_token` when one was sent and refused. */
const NO_TOKEN = 'Bearer';
const INVALID_TOKEN = 'Bearer error="invalid_token"';
const OTHER_SECRET = 'another-secret-that-is-at-least-32-bytes!!';

const UNAUTHORIZED = {
  message: 'Unauthorized',
  description: 'Invalid, expired or missing bearer token',
  code: 'UNAUTHORIZED',
};

type Answer = [status: number, body: unknown, challenge: string | undefined];
interface ChallengedRoute {
  method: 'get' | 'post';
  path: string;
  /** The 200 body for this user's own token; undefined for an empty body. */
  ok: (user: LoggedIn) => unknown;
  noToken: Answer;
  badToken: Answer;
  badSignature: Answer;
  revoked: Answer;
  disabled: Answer;
}

/** A logout route's answers from ROUTE_SPECS, with the challenge each carries. */
const logoutRoute = (
  spec: RouteSpec,
  challenges: { badSignature: string | undefined; disabled: string | undefined },
): ChallengedRoute => ({
  method: 'post',
  path: spec.path,
  ok: () => spec.ok,
  noToken: [...spec.noToken, NO_TOKEN],
  badToken: [...spec.badToken, INVALID_TOKEN],
  badSignature: [...spec.badSignature, challenges.badSignature],
  revoked: [...spec.revoked, INVALID_TOKEN],
  disabled: [...spec.disabled, challenges.disabled],
});
const spec = (name: RouteSpec['name']) => ROUTE_SPECS.find((route) => route.name === name)!;

const ROUTES: ChallengedRoute[] = [
  logoutRoute(spec('signout'), { badSignature: INVALID_TOKEN, disabled: undefined }),
  logoutRoute(spec('authLogout'), { badSignature: INVALID_TOKEN, disabled: undefined }),
  // FIB answers a bad signature with its 422 and a disabled account with its 401.
  logoutRoute(spec('fibLogout'), { badSignature: undefined, disabled: INVALID_TOKEN }),
  logoutRoute(spec('v3Logout'), { badSignature: INVALID_TOKEN, disabled: undefined }),
  {
    method: 'get',
    path: '/auth/me',
    ok: (user) => ({ userId: user.userId, sessionId: user.sessionId, deviceId: null }),
    noToken: [401, UNAUTHORIZED, NO_TOKEN],
    badToken: [401, UNAUTHORIZED, INVALID_TOKEN],
    badSignature: [401, UNAUTHORIZED, INVALID_TOKEN],
    revoked: [401, UNAUTHORIZED, INVALID_TOKEN],
    disabled: [403, { message: 'Forbidden', description: 'The account is disabled', code: 'FORBIDDEN' }, undefined],
  },
];

describe.each(ADAPTERS)('WWW-Authenticate (RFC 6750 section 3), over %s', (adapter) => {
  let db: TestDatabase;
  let app: INestApplication;
  useHost(adapter, (opened) => ({ db, app } = opened));

  const send = (route: ChallengedRoute, authorization?: string) => {
    const call = request(app.getHttpServer())[route.method](route.path);
    return authorization === undefined ? call : call.set('Authorization', authorization);
  };

  describe.each(ROUTES)('$method $path', (route) => {
    it('no token: 401 with the scheme and no error code', async () => {
      expect(answer(await send(route))).toEqual(route.noToken);
    });

    it.each<[string, (user: LoggedIn) => string]>([
      ['an Authorization header without a token in it', () => "Bearer ' OR '1'='1'; --"],
      ['Basic credentials', () => 'Basic ZGVtbzpkZW1v'],
      ['a token that is not a JWT', () => 'Bearer abc.def.ghi'],
      ['a token without exp', (user) => `Bearer ${forgeToken(mine(user), { claims: { exp: undefined } })}`],
    ])('%s: 401 with invalid_token', async (_name, authorization) => {
      expect(answer(await send(route, authorization(await newUser(app))))).toEqual(route.badToken);
    });

    it('a signature that does not verify: invalid_token only where the answer is a 401', async () => {
      const forged = forgeToken(mine(await newUser(app)), { secret: OTHER_SECRET });
      expect(answer(await send(route, `Bearer ${forged}`))).toEqual(route.badSignature);
    });

    it('the token of a revoked session: 401 with invalid_token', async () => {
      const user = await newUser(app);
      await db.query(`UPDATE auth_sessions SET revoked_at = now(), revoke_reason = 'admin' WHERE id = $1`, [
        user.sessionId,
      ]);
      await settled(app);
      expect(answer(await send(route, user.bearer))).toEqual(route.revoked);
    });

    it('a disabled account: invalid_token only where the answer is a 401', async () => {
      const user = await newUser(app);
      await disableUser(app, db, user.userId);
      expect(answer(await send(route, user.bearer))).toEqual(route.disabled);
    });

    it('a request that succeeds carries no WWW-Authenticate', async () => {
      const user = await newUser(app);
      expect(answer(await send(route, user.bearer))).toEqual([200, route.ok(user), undefined]);
    });
  });

  it.each(ROUTE_SPECS)('$path: a body that is not valid JSON (400) carries no WWW-Authenticate', async (route) => {
    const user = await newUser(app);
    const response = await request(app.getHttpServer())
      .post(route.path)
      .set('Authorization', user.bearer)
      .set('Content-Type', 'application/json')
      .send('{"device_token":');
    expect(answer(response)).toEqual([...route.brokenJson, undefined]);
  });
});

/** Status, body (undefined when empty) and the challenge of an answer. */
function answer(response: request.Response): Answer {
  return [response.status, response.text === '' ? undefined : response.body, response.headers['www-authenticate']];
}

function mine(user: LoggedIn): { sub: string; sid: string } {
  return { sub: user.userId, sid: user.sessionId };
}
