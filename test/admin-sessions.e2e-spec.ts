import { randomUUID } from 'node:crypto';
import {
  ForbiddenException,
  Injectable,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
  type Type,
} from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { of, type Observable } from 'rxjs';
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { SessionsRevokedEvent, type AuthenticatedSession } from '../src/auth/index.js';
import { allowListAdminGuard } from './apps/host-admin.guard.js';
import { ADAPTERS } from './support/constants.js';
import { useHost } from './support/host.js';
import { login } from './support/session-client.js';
import type { TestDatabase } from './support/test-database.js';
import { authState, newUser } from './support/users.js';

const NOT_FOUND = {
  message: 'Resource not found',
  description: 'The requested resource could not be found',
  code: 'NOT_FOUND',
};
const UNAUTHORIZED = {
  message: 'Unauthorized',
  description: 'Invalid, expired or missing bearer token',
  code: 'UNAUTHORIZED',
};
const ADMIN_REQUIRED = { message: 'Forbidden', description: 'Administrator rights are required', code: 'FORBIDDEN' };
const VALIDATION_ERROR = {
  message: 'Validation error',
  description: 'The request data failed validation rules',
  code: 'VALIDATION_ERROR',
};

const ADMIN_PATHS = ['/auth/admin/users/{userId}/sessions', '/auth/admin/users/{userId}/sessions/{sessionId}'];

/** The three admin routes for a user (and a session of it). */
const adminRoutes = (userId: string, sessionId: string) =>
  [
    ['GET', `/auth/admin/users/${userId}/sessions`],
    ['DELETE', `/auth/admin/users/${userId}/sessions/${sessionId}`],
    ['DELETE', `/auth/admin/users/${userId}/sessions`],
  ] as const;

const send = (app: INestApplication, method: 'GET' | 'DELETE', path: string) =>
  method === 'GET' ? request(app.getHttpServer()).get(path) : request(app.getHttpServer()).delete(path);

/** The operations and their methods of the app's OpenAPI document under the admin paths. */
function documentedAdminOperations(app: INestApplication): Record<string, string[]> {
  const document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
  return Object.fromEntries(
    Object.entries(document.paths)
      .filter(([path]) => path.startsWith('/auth/admin'))
      .map(([path, item]) => [path, Object.keys(item).toSorted()]),
  );
}

describe.each(ADAPTERS)('admin sign-out over %s', (adapter) => {
  const admins = new Set<string>();
  let db: TestDatabase;
  let app: INestApplication;
  let events: Array<[string, unknown]>;
  useHost(
    adapter,
    (opened) => {
      ({ db, app } = opened);
      app.get(EventEmitter2).onAny((name, payload) => events.push([String(name), payload]));
    },
    { admin: { guard: allowListAdminGuard(admins) } },
  );
  beforeEach(() => {
    events = [];
  });
  const http = () => request(app.getHttpServer());
  const times = async (sessionId: string) => {
    const [row] = await db.query<{ created_at: Date; last_used_at: Date; expires_at: Date }>(
      'SELECT created_at, last_used_at, expires_at FROM auth_sessions WHERE id = $1',
      [sessionId],
    );
    return {
      createdAt: row.created_at.toISOString(),
      lastUsedAt: row.last_used_at.toISOString(),
      expiresAt: row.expires_at.toISOString(),
    };
  };
  const revocations = (sessionIds: string[]) =>
    db.query('SELECT id, revoke_reason, revoked_at IS NOT NULL AS revoked FROM auth_sessions WHERE id = ANY($1)', [
      sessionIds,
    ]);

  /** An administrator; a user with two live sessions (one on a named laptop), one revoked; another user. */
  async function scene() {
    const admin = await newUser(app);
    admins.add(admin.userId);
    const phone = await newUser(app);
    await db.query(`UPDATE auth_sessions SET last_used_at = now() - interval '1 hour' WHERE id = $1`, [
      phone.sessionId,
    ]);
    const laptop = await login(app, {
      email: phone.email,
      password: phone.password,
      deviceId: 'laptop-1',
      deviceName: 'Work laptop',
      userAgent: 'Firefox/140',
    });
    const revoked = await login(app, { email: phone.email, password: phone.password });
    await db.query(`UPDATE auth_sessions SET revoked_at = now(), revoke_reason = 'logout' WHERE id = $1`, [
      revoked.sessionId,
    ]);
    const stranger = await newUser(app);
    events = [];
    return { admin, phone, laptop, revoked, stranger };
  }

  it("GET /auth/admin/users/:userId/sessions lists another user's live sessions, latest used first", async () => {
    const { admin, phone, laptop } = await scene();
    const response = await http()
      .get(`/auth/admin/users/${phone.userId}/sessions`)
      .set('Authorization', admin.bearer)
      .expect(200)
      .expect('Cache-Control', 'no-store');
    expect(response.body).toEqual({
      sessions: [
        {
          id: laptop.sessionId,
          current: false,
          deviceId: 'laptop-1',
          deviceName: 'Work laptop',
          ip: expect.stringMatching(/127\.0\.0\.1$/),
          userAgent: 'Firefox/140',
          ...(await times(laptop.sessionId)),
        },
        {
          id: phone.sessionId,
          current: false,
          deviceId: null,
          deviceName: null,
          ip: expect.stringMatching(/127\.0\.0\.1$/),
          userAgent: null,
          ...(await times(phone.sessionId)),
        },
      ],
    });
  });

  it('lists nothing for a user without sessions, and marks the caller current in its own list', async () => {
    const { admin } = await scene();
    expect(
      (await http().get(`/auth/admin/users/${randomUUID()}/sessions`).set('Authorization', admin.bearer).expect(200))
        .body,
    ).toEqual({ sessions: [] });
    expect(
      (await http().get(`/auth/admin/users/${admin.userId}/sessions`).set('Authorization', admin.bearer).expect(200))
        .body,
    ).toEqual({
      sessions: [
        {
          id: admin.sessionId,
          current: true,
          deviceId: null,
          deviceName: null,
          ip: expect.stringMatching(/127\.0\.0\.1$/),
          userAgent: null,
          ...(await times(admin.sessionId)),
        },
      ],
    });
  });

  it('DELETE .../sessions/:sessionId ends that session (admin): its token is refused, the others work', async () => {
    const { admin, phone, laptop } = await scene();
    const response = await http()
      .delete(`/auth/admin/users/${phone.userId}/sessions/${laptop.sessionId}`)
      .set('Authorization', admin.bearer)
      .expect(200)
      .expect('Cache-Control', 'no-store');
    expect(response.body).toEqual({ message: 'Session revoked', revokedSessions: 1 });
    expect(await revocations([laptop.sessionId, phone.sessionId])).toEqual(
      expect.arrayContaining([
        { id: laptop.sessionId, revoke_reason: 'admin', revoked: true },
        { id: phone.sessionId, revoke_reason: null, revoked: false },
      ]),
    );
    expect(events).toEqual([
      ['auth.session.revoked', new SessionsRevokedEvent(phone.userId, [laptop.sessionId], 'admin', expect.any(Date))],
    ]);
    expect((await http().get('/auth/me').set('Authorization', laptop.bearer).expect(401)).body).toEqual(UNAUTHORIZED);
    await http().get('/auth/me').set('Authorization', phone.bearer).expect(200);
    await http().get('/auth/me').set('Authorization', admin.bearer).expect(200);
  });

  it('DELETE .../sessions ends every session of the user (admin), and answers how many', async () => {
    const { admin, phone, laptop, revoked, stranger } = await scene();
    const response = await http()
      .delete(`/auth/admin/users/${phone.userId}/sessions`)
      .set('Authorization', admin.bearer)
      .expect(200)
      .expect('Cache-Control', 'no-store');
    expect(response.body).toEqual({ message: 'Sessions revoked', revokedSessions: 2 });
    expect(await revocations([phone.sessionId, laptop.sessionId, revoked.sessionId])).toEqual(
      expect.arrayContaining([
        { id: phone.sessionId, revoke_reason: 'admin', revoked: true },
        { id: laptop.sessionId, revoke_reason: 'admin', revoked: true },
        { id: revoked.sessionId, revoke_reason: 'logout', revoked: true },
      ]),
    );
    expect(events).toHaveLength(1);
    const [name, payload] = events[0] as [string, SessionsRevokedEvent];
    expect([name, { ...payload, sessionIds: payload.sessionIds.toSorted() }]).toEqual([
      'auth.session.revoked',
      {
        userId: phone.userId,
        sessionIds: [phone.sessionId, laptop.sessionId].toSorted(),
        reason: 'admin',
        at: expect.any(Date),
      },
    ]);
    for (const ended of [phone, laptop])
      expect((await http().get('/auth/me').set('Authorization', ended.bearer).expect(401)).body).toEqual(UNAUTHORIZED);
    await http().get('/auth/me').set('Authorization', stranger.bearer).expect(200);
    await http().get('/auth/me').set('Authorization', admin.bearer).expect(200);
    expect(
      (await http().delete(`/auth/admin/users/${phone.userId}/sessions`).set('Authorization', admin.bearer).expect(200))
        .body,
    ).toEqual({ message: 'Sessions revoked', revokedSessions: 0 });
  });

  it.each([
    ["another user's session", (s: Awaited<ReturnType<typeof scene>>) => s.stranger.sessionId],
    ['an ended session', (s: Awaited<ReturnType<typeof scene>>) => s.revoked.sessionId],
    ['an id of no session', () => randomUUID()],
    ['an id that is not a UUID', () => 'not-a-uuid'],
  ])('DELETE .../sessions/:sessionId of %s: 404 in the generic body, and nothing changes', async (_name, pick) => {
    const sessions = await scene();
    const before = await authState(db);
    const response = await http()
      .delete(`/auth/admin/users/${sessions.phone.userId}/sessions/${pick(sessions)}`)
      .set('Authorization', sessions.admin.bearer)
      .expect(404);
    expect(response.body).toEqual(NOT_FOUND);
    expect(await authState(db)).toEqual(before);
    expect(events).toEqual([]);
    await http().get('/auth/me').set('Authorization', sessions.stranger.bearer).expect(200);
  });

  it('a caller the admin guard refuses: 403 in the generic body on each admin route; nothing changes', async () => {
    const { phone, laptop, stranger } = await scene();
    const before = await authState(db);
    for (const [method, path] of adminRoutes(phone.userId, laptop.sessionId)) {
      const response = await send(app, method, path).set('Authorization', stranger.bearer);
      expect({ route: `${method} ${path}`, status: response.status, body: response.body }).toEqual({
        route: `${method} ${path}`,
        status: 403,
        body: ADMIN_REQUIRED,
      });
    }
    expect(await authState(db)).toEqual(before);
    expect(events).toEqual([]);
    await http().get('/auth/me').set('Authorization', laptop.bearer).expect(200);
  });

  it('no token, or an ended one: 401 in the generic body on every admin route', async () => {
    const { admin, phone, laptop } = await scene();
    const routes = adminRoutes(phone.userId, laptop.sessionId);
    for (const [method, path] of routes) {
      const response = await send(app, method, path);
      expect({ route: `${method} ${path}`, status: response.status, body: response.body }).toEqual({
        route: `${method} ${path}`,
        status: 401,
        body: UNAUTHORIZED,
      });
    }
    await http().post('/auth/logout').set('Authorization', admin.bearer).expect(200);
    const before = await authState(db);
    for (const [method, path] of routes) {
      const response = await send(app, method, path).set('Authorization', admin.bearer);
      expect({ route: `${method} ${path}`, status: response.status, body: response.body }).toEqual({
        route: `${method} ${path}`,
        status: 401,
        body: UNAUTHORIZED,
      });
    }
    expect(await authState(db)).toEqual(before);
  });

  it('a user id with a NUL: 422 in the generic body on every admin route, and nothing changes', async () => {
    const { admin, phone, laptop } = await scene();
    const before = await authState(db);
    for (const [method, path] of adminRoutes(`${phone.userId}%00`, laptop.sessionId)) {
      const response = await send(app, method, path).set('Authorization', admin.bearer);
      expect({ route: `${method} ${path}`, status: response.status, body: response.body }).toEqual({
        route: `${method} ${path}`,
        status: 422,
        body: VALIDATION_ERROR,
      });
    }
    expect(await authState(db)).toEqual(before);
    await http().get('/auth/me').set('Authorization', laptop.bearer).expect(200);
  });

  // Percent-encoding that is not UTF-8 (here a lone surrogate's CESU-8 bytes): Express hands the route a parameter it
  // cannot decode, answered in the route's body; Fastify's router refuses the URL before it routes anything.
  it('a user id whose percent-encoding is not UTF-8: 400, and nothing changes', async () => {
    const { admin, phone, laptop } = await scene();
    const before = await authState(db);
    for (const [method, path] of adminRoutes(`${phone.userId}%ED%A0%80`, laptop.sessionId)) {
      const response = await send(app, method, path).set('Authorization', admin.bearer);
      expect({ route: `${method} ${path}`, status: response.status, body: response.body }).toEqual({
        route: `${method} ${path}`,
        status: 400,
        body:
          adapter === 'express'
            ? {
                message: 'Invalid input data',
                description: 'The request data did not pass validation',
                code: 'INVALID_INPUT',
              }
            : {
                statusCode: 400,
                code: 'FST_ERR_BAD_URL',
                error: 'Bad Request',
                message: `'${path}' is not a valid url component`,
              },
      });
    }
    expect(await authState(db)).toEqual(before);
    await http().get('/auth/me').set('Authorization', laptop.bearer).expect(200);
  });

  it('a broken JSON body: 400 in the generic body; a trailing slash: an unknown path; nothing changes', async () => {
    const { admin, phone } = await scene();
    const before = await authState(db);
    const broken = await http()
      .delete(`/auth/admin/users/${phone.userId}/sessions`)
      .set('Authorization', admin.bearer)
      .set('Content-Type', 'application/json')
      .send('{"a":');
    expect({ status: broken.status, body: broken.body }).toEqual({
      status: 400,
      body: {
        message: 'Invalid input data',
        description: 'The request data did not pass validation',
        code: 'INVALID_INPUT',
      },
    });
    const path = `/auth/admin/users/${phone.userId}/sessions/`;
    const slashed = await http().delete(path).set('Authorization', admin.bearer);
    expect({ status: slashed.status, body: slashed.body }).toEqual({
      status: 404,
      body: { message: `Cannot DELETE ${path}`, error: 'Not Found', statusCode: 404 },
    });
    expect(await authState(db)).toEqual(before);
    await http().get('/auth/me').set('Authorization', phone.bearer).expect(200);
  });

  it('is in the OpenAPI document', () => {
    expect(documentedAdminOperations(app)).toEqual({
      [ADMIN_PATHS[0]]: ['delete', 'get'],
      [ADMIN_PATHS[1]]: ['delete'],
    });
  });
});

/** A guard answering with an Observable, and refusing by throwing Nest's ForbiddenException. */
function throwingAdminGuard(admins: ReadonlySet<string>): Type<CanActivate> {
  @Injectable()
  class ThrowingAdminGuard implements CanActivate {
    canActivate(context: ExecutionContext): Observable<boolean> {
      const { user } = context.switchToHttp().getRequest<{ user: AuthenticatedSession }>();
      if (!admins.has(user.userId)) throw new ForbiddenException('not an admin');
      return of(true);
    }
  }
  return ThrowingAdminGuard;
}

describe.each(ADAPTERS)('an admin guard that throws or answers an Observable, over %s', (adapter) => {
  const admins = new Set<string>();
  let app: INestApplication;
  useHost(adapter, (opened) => ({ app } = opened), { admin: { guard: throwingAdminGuard(admins) } });

  it("its ForbiddenException is the route's 403, its Observable<true> lets the caller through", async () => {
    const admin = await newUser(app);
    admins.add(admin.userId);
    const user = await newUser(app);
    const path = `/auth/admin/users/${user.userId}/sessions`;
    const refused = await request(app.getHttpServer()).delete(path).set('Authorization', user.bearer);
    expect({ status: refused.status, body: refused.body }).toEqual({ status: 403, body: ADMIN_REQUIRED });
    await request(app.getHttpServer()).get('/auth/me').set('Authorization', user.bearer).expect(200);
    const ended = await request(app.getHttpServer()).delete(path).set('Authorization', admin.bearer);
    expect({ status: ended.status, body: ended.body }).toEqual({
      status: 200,
      body: { message: 'Sessions revoked', revokedSessions: 1 },
    });
    await request(app.getHttpServer()).get('/auth/me').set('Authorization', user.bearer).expect(401);
  });
});

describe.each(ADAPTERS)('without the admin option, over %s', (adapter) => {
  let app: INestApplication;
  useHost(adapter, (opened) => ({ app } = opened));

  it('the admin routes are not mounted: 404 for an unknown path, even for a signed-in user', async () => {
    const user = await newUser(app);
    for (const [method, path] of adminRoutes(user.userId, user.sessionId)) {
      const response = await send(app, method, path).set('Authorization', user.bearer);
      expect({ status: response.status, body: response.body }).toEqual({
        status: 404,
        body: { message: `Cannot ${method} ${path}`, error: 'Not Found', statusCode: 404 },
      });
    }
  });

  it('and are not in the OpenAPI document', () => {
    expect(documentedAdminOperations(app)).toEqual({});
  });
});
