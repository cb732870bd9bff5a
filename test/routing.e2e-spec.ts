import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ADAPTERS } from './support/constants.js';
import { useHost } from './support/host.js';
import { ROUTE_SPECS } from './support/logout-routes.js';
import type { TestDatabase } from './support/test-database.js';
import { authState } from './support/users.js';

interface RoutingCase {
  method: 'post' | 'get';
  path: string;
  /** The exact path's answer to a live token: status and whole body (undefined: an empty body; GET: the list). */
  ok: [number, unknown];
  /** Whether that answer ends the caller's session. */
  endsSession: boolean;
}

const ROUTES: RoutingCase[] = [
  ...ROUTE_SPECS.map((route): RoutingCase => ({
    method: 'post',
    path: route.path,
    ok: [200, route.ok],
    endsSession: true,
  })),
  {
    method: 'post',
    path: '/auth/logout/all',
    ok: [200, { message: 'Logged out of all sessions', revokedSessions: 1 }],
    endsSession: true,
  },
  { method: 'get', path: '/auth/sessions', ok: [200, undefined], endsSession: false },
];

/** Paths a lenient router would take for `path`; none of them is the module's route. */
const NEAR_MISSES: Array<[string, (path: string) => string]> = [
  ['a trailing slash', (path) => `${path}/`],
  ['upper case', (path) => path.toUpperCase()],
  ['a doubled leading slash', (path) => `/${path}`],
  ['a doubled inner slash', (path) => path.replace(/\/(?=[^/]+$)/, '//')],
  ['a percent-encoded letter', (path) => `${path.slice(0, -1)}%${path.charCodeAt(path.length - 1).toString(16)}`],
];

/** What Nest answers, on either adapter, for a path no route serves. */
const notFound = (method: string, path: string) => ({
  message: `Cannot ${method.toUpperCase()} ${path}`,
  error: 'Not Found',
  statusCode: 404,
});

describe.each(ADAPTERS)('the module routes match exact paths only, over %s', (adapter) => {
  describe.each(['', '/v1'])('global prefix "%s"', (prefix) => {
    let db: TestDatabase;
    let app: INestApplication;
    const http = () => request(app.getHttpServer());
    useHost(adapter, (opened) => ({ db, app } = opened), { userStore: false, ...(prefix ? { prefix: 'v1' } : {}) });

    const signIn = async () => {
      const { body } = await http().post(`${prefix}/sign-in/user-${randomUUID()}`).expect(201);
      return { bearer: `Bearer ${body.accessToken as string}`, sessionId: body.sessionId as string };
    };

    describe.each(ROUTES)('$method $path', (route) => {
      const exact = `${prefix}${route.path}`;

      it.each(NEAR_MISSES)('%s is a 404 that changes nothing, with or without a broken body', async (_, nearMiss) => {
        const { bearer } = await signIn();
        const path = nearMiss(exact);
        expect(path).not.toBe(exact);
        const before = await authState(db);

        const plain = await http()[route.method](path).set('Authorization', bearer);
        const send = http()[route.method](path);
        const broken = await send.set('Authorization', bearer).set('Content-Type', 'application/json').send('{oops');

        const answer = { status: 404, body: notFound(route.method, path) };
        expect({ status: plain.status, body: plain.body }).toEqual(answer);
        expect({ status: broken.status, body: broken.body }).toEqual(answer);
        expect(await authState(db)).toEqual(before);
        expect((await http().get(`${prefix}/profile`).set('Authorization', bearer)).status).toBe(200);
      });

      it('the exact path still answers as the route', async () => {
        const { bearer, sessionId } = await signIn();
        for (const [, nearMiss] of NEAR_MISSES) {
          await http()[route.method](nearMiss(exact)).set('Authorization', bearer).expect(404);
        }
        const response = await http()[route.method](exact).set('Authorization', bearer);
        const [status, body] = route.ok;
        expect(response.status).toBe(status);
        if (route.method === 'get') {
          expect(response.body.sessions.map((session: { id: string }) => session.id)).toEqual([sessionId]);
        } else if (body === undefined) {
          expect(response.text).toBe('');
        } else {
          expect(response.body).toEqual(body);
        }
        const [sessions] = await authState(db);
        const row = sessions.find((session) => session.id === sessionId);
        expect(row).toBeDefined();
        expect(row?.revoked_at !== null).toBe(route.endsSession);
        expect((await http().get(`${prefix}/profile`).set('Authorization', bearer)).status).toBe(
          route.endsSession ? 401 : 200,
        );
      });
    });

    it("a broken body on the exact path is still answered in the route's spec", async () => {
      const { bearer } = await signIn();
      const response = await http()
        .post(`${prefix}/auth/logout`)
        .set('Authorization', bearer)
        .set('Content-Type', 'application/json')
        .send('{oops');
      expect({ status: response.status, body: response.body }).toEqual({
        status: 400,
        body: {
          message: 'Invalid input data',
          description: 'The request data did not pass validation',
          code: 'INVALID_INPUT',
        },
      });
    });
  });
});
