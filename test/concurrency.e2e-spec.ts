import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ADAPTERS } from './support/constants.js';
import { useHost } from './support/host.js';
import { login } from './support/session-client.js';
import type { TestDatabase } from './support/test-database.js';
import { newUser } from './support/users.js';

describe.each(ADAPTERS)('concurrency over %s', (adapter) => {
  let db: TestDatabase;
  let app: INestApplication;
  useHost(adapter, (opened) => ({ db, app } = opened));
  const http = () => request(app.getHttpServer());

  it.each(['/auth/logout', '/signout', '/auth/api/v1/authentication-management/logout', '/v3/logout'])(
    '200 parallel logouts of one session on %s: exactly one succeeds',
    async (path) => {
      const user = await newUser(app);
      const responses = await Promise.all(
        Array.from({ length: 200 }, () => http().post(path).set('Authorization', user.bearer)),
      );
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s !== 200 && s !== 401)).toEqual([]);
      expect(await db.query('SELECT revoke_reason FROM auth_sessions WHERE id = $1', [user.sessionId])).toEqual([
        { revoke_reason: 'logout' },
      ]);
    },
  );

  it('200 guarded requests racing a logout: none started after the logout answered accepts the token', async () => {
    const user = await newUser(app);
    const results: Array<{ startedAt: number; status: number }> = [];
    let loggedOutAt = Number.POSITIVE_INFINITY;
    let logout: Promise<void> | undefined;
    // 10 clients, 20 requests each, back to back; the logout goes out once 50 have been answered.
    const client = async () => {
      for (let i = 0; i < 20; i++) {
        const startedAt = performance.now();
        const { status } = await http().get('/auth/me').set('Authorization', user.bearer);
        results.push({ startedAt, status });
        if (results.length === 50) {
          logout = http()
            .post('/auth/logout')
            .set('Authorization', user.bearer)
            .expect(200)
            .then(() => {
              loggedOutAt = performance.now();
            });
        }
      }
    };
    await Promise.all(Array.from({ length: 10 }, client));
    await logout;
    const after = results.filter((r) => r.startedAt > loggedOutAt);
    expect(after.length).toBeGreaterThan(0);
    expect(after.filter((r) => r.status !== 401)).toEqual([]);
    expect(results.filter((r) => r.status !== 200 && r.status !== 401)).toEqual([]);
  });

  it(
    'logout/all racing logins of the same user: every earlier session ends, ' +
      'every new one is recorded, none is lost',
    async () => {
      const user = await newUser(app);
      const earlier = await Promise.all(
        Array.from({ length: 5 }, () => login(app, { email: user.email, password: user.password })),
      );
      const [all, ...racing] = await Promise.all([
        http().post('/auth/logout/all').set('Authorization', user.bearer),
        ...Array.from({ length: 10 }, () =>
          http().post('/auth/login').send({ email: user.email, password: user.password }),
        ),
      ]);
      expect(all.status).toBe(200);
      expect(racing.map((r) => r.status)).toEqual(Array(10).fill(200));
      const rows = new Map(
        (
          await db.query<{ id: string; revoke_reason: string | null }>(
            'SELECT id, revoke_reason FROM auth_sessions WHERE user_id = $1',
            [user.userId],
          )
        ).map((r) => [r.id, r.revoke_reason]),
      );
      for (const session of [user, ...earlier]) expect(rows.get(session.sessionId)).toBe('logout_all');
      expect(all.body).toEqual({
        message: 'Logged out of all sessions',
        revokedSessions: [...rows.values()].filter((reason) => reason === 'logout_all').length,
      });
      // Each racing login's session exists; it was either ended by logout/all or is live, and its token agrees.
      for (const response of racing) {
        const reason = rows.get(response.body.sessionId);
        expect([null, 'logout_all']).toContain(reason);
        expect((await http().get('/auth/me').set('Authorization', `Bearer ${response.body.accessToken}`)).status).toBe(
          reason === null ? 200 : 401,
        );
      }
      expect(rows.size).toBe(1 + earlier.length + racing.length);
    },
  );
});
