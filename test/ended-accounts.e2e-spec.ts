import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { allowListAdminGuard } from './apps/host-admin.guard.js';
import { INVALID_REFRESH, UNAUTHORIZED } from './support/bodies.js';
import { ADAPTERS } from './support/constants.js';
import { useHost } from './support/host.js';
import { login } from './support/session-client.js';
import type { TestDatabase } from './support/test-database.js';
import { deleteUser, disableUser, newUser, settled } from './support/users.js';

const FORBIDDEN = { message: 'Forbidden', description: 'The account is disabled', code: 'FORBIDDEN' };

type Method = 'GET' | 'POST' | 'DELETE';

const answer = (response: request.Response) => ({
  status: response.status,
  body: response.body as unknown,
  challenge: response.headers['www-authenticate'] as unknown,
});

/**
 * The module's routes beyond the four specs that take an access token, for a caller with the given session; admin
 * routes name the caller's own user.
 */
const sessionRoutes = (userId: string, sessionId: string): Array<[Method, string]> => [
  ['GET', '/auth/sessions'],
  ['DELETE', `/auth/sessions/${sessionId}`],
  ['POST', '/auth/logout/all'],
  ['POST', '/auth/logout/others'],
  ['GET', `/auth/admin/users/${userId}/sessions`],
  ['DELETE', `/auth/admin/users/${userId}/sessions/${sessionId}`],
  ['DELETE', `/auth/admin/users/${userId}/sessions`],
];

describe.each(ADAPTERS)('an account that ended, on the session and admin routes, over %s', (adapter) => {
  let db: TestDatabase;
  let app: INestApplication;
  const admins = new Set<string>();
  useHost(adapter, (opened) => ({ db, app } = opened), { admin: { guard: allowListAdminGuard(admins) } });
  const http = () => request(app.getHttpServer());
  const send = (method: Method, path: string) =>
    method === 'GET' ? http().get(path) : method === 'POST' ? http().post(path) : http().delete(path);
  const rows = (userId: string) =>
    db.query<{ id: string; revoked: boolean; revoke_reason: string | null }>(
      'SELECT id, revoked_at IS NOT NULL AS revoked, revoke_reason FROM auth_sessions WHERE user_id = $1',
      [userId],
    );

  /** An administrator with two sessions, one of them on a tablet, and a bystander. */
  async function twoSessions() {
    const user = await newUser(app);
    admins.add(user.userId);
    const tablet = await login(app, { email: user.email, password: user.password, deviceId: 'tablet' });
    const bystander = await newUser(app);
    return { user, tablet, bystander };
  }

  it.each(sessionRoutes('{userId}', '{sessionId}').map(([method, path]) => [method, path] as const))(
    '%s %s with the token of a deleted user: 401 as any ended session, and every session of the user ends',
    async (method, template) => {
      const { user, tablet, bystander } = await twoSessions();
      await deleteUser(app, db, user.userId);
      const path = template.replace('{userId}', user.userId).replace('{sessionId}', tablet.sessionId);
      expect(answer(await send(method, path).set('Authorization', user.bearer))).toEqual({
        status: 401,
        body: UNAUTHORIZED,
        challenge: 'Bearer error="invalid_token"',
      });
      expect((await rows(user.userId)).toSorted((a, b) => a.id.localeCompare(b.id))).toEqual(
        [user.sessionId, tablet.sessionId]
          .toSorted()
          .map((id) => ({ id, revoked: true, revoke_reason: 'user_deleted' })),
      );
      expect(await rows(bystander.userId)).toEqual([{ id: bystander.sessionId, revoked: false, revoke_reason: null }]);
      // Later requests meet an ended session: the same answer.
      expect(answer(await send(method, path).set('Authorization', tablet.bearer))).toEqual({
        status: 401,
        body: UNAUTHORIZED,
        challenge: 'Bearer error="invalid_token"',
      });
    },
  );

  it.each(sessionRoutes('{userId}', '{sessionId}').map(([method, path]) => [method, path] as const))(
    '%s %s with the token of a session whose row is gone: 401, and nothing else changes',
    async (method, template) => {
      const { user, tablet } = await twoSessions();
      await db.query('DELETE FROM auth_sessions WHERE id = $1', [user.sessionId]);
      await settled(app);
      const path = template.replace('{userId}', user.userId).replace('{sessionId}', tablet.sessionId);
      expect(answer(await send(method, path).set('Authorization', user.bearer))).toEqual({
        status: 401,
        body: UNAUTHORIZED,
        challenge: 'Bearer error="invalid_token"',
      });
      expect(await rows(user.userId)).toEqual([{ id: tablet.sessionId, revoked: false, revoke_reason: null }]);
    },
  );

  it('a disabled user is still 403 there, and every session of the user ends', async () => {
    const { user, tablet } = await twoSessions();
    await disableUser(app, db, user.userId);
    const response = await http().get('/auth/sessions').set('Authorization', user.bearer);
    expect(answer(response)).toEqual({ status: 403, body: FORBIDDEN, challenge: undefined });
    expect((await rows(user.userId)).toSorted((a, b) => a.id.localeCompare(b.id))).toEqual(
      [user.sessionId, tablet.sessionId]
        .toSorted()
        .map((id) => ({ id, revoked: true, revoke_reason: 'user_disabled' })),
    );
  });

  it("POST /auth/refresh with a deleted user's refresh token: 401, a refused refresh token", async () => {
    const { user, tablet } = await twoSessions();
    await deleteUser(app, db, user.userId);
    const response = await http().post('/auth/refresh').send({ refreshToken: user.refreshToken });
    expect(answer(response)).toEqual({
      status: 401,
      body: INVALID_REFRESH,
      challenge: 'Bearer error="invalid_token"',
    });
    expect((await rows(user.userId)).map((row) => row.revoke_reason)).toEqual(['user_deleted', 'user_deleted']);
    expect(answer(await http().post('/auth/refresh').send({ refreshToken: tablet.refreshToken })).body).toEqual(
      INVALID_REFRESH,
    );
  });
});
