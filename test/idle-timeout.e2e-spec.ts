import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { SessionService } from '../src/auth/index.js';
import { ADAPTERS } from './support/constants.js';
import { useHost } from './support/host.js';
import type { TestDatabase } from './support/test-database.js';
import { newUser } from './support/users.js';
import { INVALID_REFRESH, UNAUTHORIZED } from './support/bodies.js';

const IDLE_SECONDS = 1800;
const DAY = 86_400;

/** Idle timeouts (ASVS 3.3.2): a session unused for longer than its own idle timeout ends, whoever finds it. */
describe.each(ADAPTERS)('idle timeout over %s', (adapter) => {
  let db: TestDatabase;
  let app: INestApplication;
  useHost(adapter, (opened) => ({ db, app } = opened), {
    idleTimeoutSeconds: IDLE_SECONDS,
    sessionTtlSeconds: DAY,
    rememberMe: { sessionTtlSeconds: 90 * DAY, idleTimeoutSeconds: false },
  });
  const http = () => request(app.getHttpServer());
  const me = (bearer: string) => http().get('/auth/me').set('Authorization', bearer);
  const refresh = (refreshToken: string) => http().post('/auth/refresh').send({ refreshToken });
  /** Moves the session's last recorded use back by `seconds` (its sign-in too, which is a use). */
  const unusedFor = (sessionId: string, seconds: number) =>
    db.query(`UPDATE auth_sessions SET last_used_at = now() - make_interval(secs => $2) WHERE id = $1`, [
      sessionId,
      seconds,
    ]);
  const row = async (sessionId: string) =>
    (
      await db.query<{ reason: string | null; ended_at_idle_end: boolean | null; idle: number | null }>(
        `SELECT revoke_reason AS reason, idle_timeout_seconds AS idle,
                revoked_at = last_used_at + make_interval(secs => idle_timeout_seconds) AS ended_at_idle_end
         FROM auth_sessions WHERE id = $1`,
        [sessionId],
      )
    )[0];

  it('the guard refuses a session unused for longer than the timeout, and ends it as of the timeout', async () => {
    const user = await newUser(app);
    // A session of its own, never read by the guard yet (newUser's request cached its own: this instance is told
    // nothing of a last use changed by SQL).
    const other = await newUser(app);
    const fresh = await http().post('/auth/login').send({ email: other.email, password: other.password });
    const bearer = `Bearer ${fresh.body.accessToken}`;
    await unusedFor(fresh.body.sessionId, IDLE_SECONDS + 1);
    const refused = await me(bearer);
    expect({ status: refused.status, body: refused.body }).toEqual({ status: 401, body: UNAUTHORIZED });
    expect(await row(fresh.body.sessionId)).toEqual({
      reason: 'idle_timeout',
      idle: IDLE_SECONDS,
      ended_at_idle_end: true,
    });
    // A session in use is untouched.
    await me(user.bearer).expect(200);
  });

  it('a use slides the window: a session unused for just under the timeout is accepted, its use recorded', async () => {
    const user = await newUser(app);
    const signIn = await http().post('/auth/login').send({ email: user.email, password: user.password });
    await unusedFor(signIn.body.sessionId, IDLE_SECONDS - 60);
    await me(`Bearer ${signIn.body.accessToken}`).expect(200);
    const [used] = await db.query<{ seconds_ago: number; reason: string | null }>(
      `SELECT EXTRACT(EPOCH FROM now() - last_used_at)::float8 AS seconds_ago, revoke_reason AS reason
       FROM auth_sessions WHERE id = $1`,
      [signIn.body.sessionId],
    );
    expect(used.reason).toBeNull();
    expect(used.seconds_ago).toBeLessThan(5);
  });

  it('refresh slides the window, never the absolute expiry; past the timeout it ends the session', async () => {
    const user = await newUser(app);
    const [before] = await db.query<{ expires_at: Date }>('SELECT expires_at FROM auth_sessions WHERE id = $1', [
      user.sessionId,
    ]);
    await unusedFor(user.sessionId, IDLE_SECONDS - 60);
    const slid = await refresh(user.refreshToken).expect(200);
    const [after] = await db.query<{ expires_at: Date; seconds_ago: number }>(
      `SELECT expires_at, EXTRACT(EPOCH FROM now() - last_used_at)::float8 AS seconds_ago
       FROM auth_sessions WHERE id = $1`,
      [user.sessionId],
    );
    expect(after.expires_at).toEqual(before.expires_at);
    expect(after.seconds_ago).toBeLessThan(5);

    await unusedFor(user.sessionId, IDLE_SECONDS + 1);
    const refused = await refresh(slid.body.refreshToken);
    expect({ status: refused.status, body: refused.body }).toEqual({ status: 401, body: INVALID_REFRESH });
    expect(await row(user.sessionId)).toEqual({ reason: 'idle_timeout', idle: IDLE_SECONDS, ended_at_idle_end: true });
  });

  it('the clean-up ends idle sessions as of their timeout, and leaves the others', async () => {
    const idle = await newUser(app);
    const busy = await newUser(app);
    await unusedFor(idle.sessionId, IDLE_SECONDS + 1);
    expect(await app.get(SessionService).deleteExpiredSessions()).toEqual({
      expiredSessions: 0,
      idleSessions: 1,
      deletedSessions: 0,
      deletedDevices: 0,
    });
    expect(await row(idle.sessionId)).toEqual({ reason: 'idle_timeout', idle: IDLE_SECONDS, ended_at_idle_end: true });
    expect(await row(busy.sessionId)).toEqual({ reason: null, idle: IDLE_SECONDS, ended_at_idle_end: null });
  });

  it('"remember me" takes its own lifetimes: no idle limit here, a longer absolute one', async () => {
    const user = await newUser(app);
    const remembered = await http()
      .post('/auth/login')
      .send({ email: user.email, password: user.password, rememberMe: true })
      .expect(200);
    const [session] = await db.query<{ idle: number | null; days: number }>(
      `SELECT idle_timeout_seconds AS idle, round(EXTRACT(EPOCH FROM expires_at - created_at) / 86400)::int AS days
       FROM auth_sessions WHERE id = $1`,
      [remembered.body.sessionId],
    );
    expect(session).toEqual({ idle: null, days: 90 });
    await unusedFor(remembered.body.sessionId, IDLE_SECONDS * 10);
    await me(`Bearer ${remembered.body.accessToken}`).expect(200);
    expect(await row(remembered.body.sessionId)).toEqual({ reason: null, idle: null, ended_at_idle_end: null });
    // Without it: the default profile.
    const [plain] = await db.query<{ idle: number | null; days: number }>(
      `SELECT idle_timeout_seconds AS idle, round(EXTRACT(EPOCH FROM expires_at - created_at) / 86400)::int AS days
       FROM auth_sessions WHERE id = $1`,
      [user.sessionId],
    );
    expect(plain).toEqual({ idle: IDLE_SECONDS, days: 1 });
  });
});

/** With a timeout of 1 s the cache's entry must end with the idle window, since cache hits record no use. */
describe.each(ADAPTERS)('a 1-second idle timeout in cached mode over %s', (adapter) => {
  let db: TestDatabase;
  let app: INestApplication;
  useHost(adapter, (opened) => ({ db, app } = opened), { idleTimeoutSeconds: 1 });

  it('a session cached as live is refused once it has been idle for the timeout, and ended', async () => {
    const user = await newUser(app);
    const me = () => request(app.getHttpServer()).get('/auth/me').set('Authorization', user.bearer);
    await me().expect(200);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const refused = await me();
    expect({ status: refused.status, body: refused.body }).toEqual({ status: 401, body: UNAUTHORIZED });
    expect(await db.query('SELECT revoke_reason FROM auth_sessions WHERE id = $1', [user.sessionId])).toEqual([
      { revoke_reason: 'idle_timeout' },
    ]);
  });
});
