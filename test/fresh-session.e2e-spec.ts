import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { SessionsRevokedEvent } from '../src/auth/index.js';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { FRESH_SESSION_MAX_AGE_SECONDS } from './apps/host-account-security.controller.js';
import { ADAPTERS } from './support/constants.js';
import { useHost } from './support/host.js';
import type { TestDatabase } from './support/test-database.js';
import { newUser } from './support/users.js';
import { UNAUTHORIZED } from './support/bodies.js';

const NOT_FRESH = {
  message: 'Unauthorized',
  description: 'A more recent sign-in is required for this action',
  code: 'SESSION_NOT_FRESH',
};

/**
 * Fresh sessions for sensitive actions (`@RequireFreshSession`, `SessionService.reauthenticate`), and ending the other
 * sessions when credentials change (`endSessionsAfterCredentialChange`), through the test host's routes.
 */
describe.each(ADAPTERS)('fresh sessions and credential changes over %s', (adapter) => {
  let db: TestDatabase;
  let app: INestApplication;
  let revoked: SessionsRevokedEvent[];
  useHost(adapter, (opened) => {
    ({ db, app } = opened);
    revoked = [];
    app.get(EventEmitter2).on('auth.session.revoked', (event: SessionsRevokedEvent) => revoked.push(event));
  });
  const http = () => request(app.getHttpServer());
  const sensitive = (bearer: string) => http().post('/auth/sensitive').set('Authorization', bearer);
  const authenticatedAgo = (sessionId: string, seconds: number) =>
    db.query(`UPDATE auth_sessions SET authenticated_at = now() - make_interval(secs => $2) WHERE id = $1`, [
      sessionId,
      seconds,
    ]);

  it('a session signed in now passes; an older one gets 401 SESSION_NOT_FRESH, a step-up challenge', async () => {
    const user = await newUser(app);
    expect((await sensitive(user.bearer).expect(200)).body).toEqual({ done: true, sessionId: user.sessionId });
    await authenticatedAgo(user.sessionId, FRESH_SESSION_MAX_AGE_SECONDS + 1);
    const refused = await sensitive(user.bearer);
    expect({ status: refused.status, body: refused.body }).toEqual({ status: 401, body: NOT_FRESH });
    expect(refused.headers['www-authenticate']).toBe(
      'Bearer error="insufficient_user_authentication", ' +
        `error_description="A more recent authentication is required", max_age=${FRESH_SESSION_MAX_AGE_SECONDS}`,
    );
    // Other routes do not ask: the session itself is live.
    await http().get('/auth/me').set('Authorization', user.bearer).expect(200);
  });

  it('re-authenticating makes the session fresh again; a wrong password changes nothing', async () => {
    const user = await newUser(app);
    await authenticatedAgo(user.sessionId, 3600);
    await http()
      .post('/auth/reauthenticate')
      .set('Authorization', user.bearer)
      .send({ email: user.email, password: 'wrong' })
      .expect(401);
    expect((await sensitive(user.bearer)).status).toBe(401);
    const again = await http()
      .post('/auth/reauthenticate')
      .set('Authorization', user.bearer)
      .send({ email: user.email, password: user.password })
      .expect(200);
    expect(again.body).toEqual({ reauthenticated: true });
    await sensitive(user.bearer).expect(200);
  });

  it('a session from before the column existed counts from its creation', async () => {
    const user = await newUser(app);
    await db.query(
      `UPDATE auth_sessions SET authenticated_at = NULL, created_at = now() - interval '1 hour' WHERE id = $1`,
      [user.sessionId],
    );
    expect((await sensitive(user.bearer)).body).toEqual(NOT_FRESH);
  });

  it("a password change ends the user's other sessions (credentials_changed) and keeps this one, fresh", async () => {
    const user = await newUser(app);
    const signIn = () => http().post('/auth/login').send({ email: user.email, password: user.password }).expect(200);
    const others = [await signIn(), await signIn()];
    const stranger = await newUser(app);
    await authenticatedAgo(user.sessionId, 3600);
    revoked.length = 0;
    const changed = await http()
      .post('/auth/password')
      .set('Authorization', user.bearer)
      .send({ email: user.email, password: user.password, newPassword: 'a-new-password' })
      .expect(200);
    expect(changed.body).toEqual({ endedSessions: 2 });
    for (const other of others) {
      const refused = await http().get('/auth/me').set('Authorization', `Bearer ${other.body.accessToken}`);
      expect({ status: refused.status, body: refused.body }).toEqual({ status: 401, body: UNAUTHORIZED });
    }
    expect(
      await db.query(
        `SELECT revoke_reason AS reason, count(*)::int AS n FROM auth_sessions
         WHERE user_id = $1 GROUP BY 1 ORDER BY 1`,
        [user.userId],
      ),
    ).toEqual([
      { reason: 'credentials_changed', n: 2 },
      { reason: null, n: 1 },
    ]);
    expect(revoked).toEqual([
      new SessionsRevokedEvent(
        user.userId,
        expect.arrayContaining(others.map((other) => other.body.sessionId)),
        'credentials_changed',
        expect.any(Date),
      ),
    ]);
    // This session stays, and counts as freshly authenticated; another user is untouched.
    await sensitive(user.bearer).expect(200);
    await http().get('/auth/me').set('Authorization', stranger.bearer).expect(200);
  });
});
