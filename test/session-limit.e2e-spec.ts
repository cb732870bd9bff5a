import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { SessionLimitPolicy } from '../src/auth/index.js';
import { ADAPTERS } from './support/constants.js';
import { useHost } from './support/host.js';
import type { TestDatabase } from './support/test-database.js';
import { newUser } from './support/users.js';
import { UNAUTHORIZED } from './support/bodies.js';

const MAX = 3;
const PARALLEL = 20;

const LIMIT_REACHED = {
  message: 'Forbidden',
  description: 'The account has as many sessions as it may hold; sign out of another one first',
  code: 'SESSION_LIMIT_REACHED',
};

/** Concurrent session limits: enforced in the transaction that opens the session, so parallel sign-ins cannot pass. */
describe.each(ADAPTERS)('session limit over %s', (adapter) => {
  describe.each<SessionLimitPolicy>(['refuse', 'evict-oldest', 'evict-idle'])('policy %s', (policy) => {
    let db: TestDatabase;
    let app: INestApplication;
    useHost(adapter, (opened) => ({ db, app } = opened), { sessionLimit: { max: MAX, policy } });
    const http = () => request(app.getHttpServer());
    const liveSessions = async (userId: string) =>
      (
        await db.query<{ id: string }>(
          `SELECT id FROM auth_sessions WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at`,
          [userId],
        )
      ).map((row) => row.id);
    const reasons = async (userId: string) =>
      db.query<{ reason: string | null; n: number }>(
        `SELECT revoke_reason AS reason, count(*)::int AS n FROM auth_sessions WHERE user_id = $1
         GROUP BY 1 ORDER BY 1 NULLS FIRST`,
        [userId],
      );

    it(`${PARALLEL} parallel sign-ins with a limit of ${MAX} leave exactly ${MAX} live sessions`, async () => {
      const user = await newUser(app);
      await http().post('/auth/logout').set('Authorization', user.bearer).expect(200);
      const answers = await Promise.all(
        Array.from({ length: PARALLEL }, () =>
          http().post('/auth/login').send({ email: user.email, password: user.password }),
        ),
      );
      const statuses = answers.map((answer) => answer.status).toSorted();
      expect(await liveSessions(user.userId)).toHaveLength(MAX);
      if (policy === 'refuse') {
        expect(statuses).toEqual([...Array(MAX).fill(200), ...Array(PARALLEL - MAX).fill(403)]);
        for (const refused of answers.filter((answer) => answer.status === 403))
          expect(refused.body).toEqual(LIMIT_REACHED);
        expect(await reasons(user.userId)).toEqual([
          { reason: null, n: MAX },
          { reason: 'logout', n: 1 },
        ]);
      } else {
        expect(statuses).toEqual(Array(PARALLEL).fill(200));
        expect(await reasons(user.userId)).toEqual([
          { reason: null, n: MAX },
          { reason: 'logout', n: 1 },
          { reason: 'session_limit', n: PARALLEL - MAX },
        ]);
        // The sessions left are ones this burst opened, and their tokens work; the evicted ones' are refused.
        const live = await liveSessions(user.userId);
        for (const answer of answers) {
          const me = await http().get('/auth/me').set('Authorization', `Bearer ${answer.body.accessToken}`);
          expect(me.status).toBe(live.includes(answer.body.sessionId) ? 200 : 401);
        }
      }
    });

    it('at the limit, a sign-in does what the policy says, and an ended session is refused at once', async () => {
      const user = await newUser(app);
      const signIn = () => http().post('/auth/login').send({ email: user.email, password: user.password });
      const second = await signIn().expect(200);
      const third = await signIn().expect(200);
      // The first session is the oldest, the second the least recently used.
      await db.query(`UPDATE auth_sessions SET last_used_at = now() - interval '1 hour' WHERE id = $1`, [
        second.body.sessionId,
      ]);
      const fourth = await signIn();
      if (policy === 'refuse') {
        expect({ status: fourth.status, body: fourth.body }).toEqual({ status: 403, body: LIMIT_REACHED });
        expect(await liveSessions(user.userId)).toEqual([user.sessionId, second.body.sessionId, third.body.sessionId]);
        return;
      }
      expect(fourth.status).toBe(200);
      const ended = policy === 'evict-oldest' ? user.sessionId : second.body.sessionId;
      const endedBearer = policy === 'evict-oldest' ? user.bearer : `Bearer ${second.body.accessToken}`;
      expect(await liveSessions(user.userId)).toEqual(
        [user.sessionId, second.body.sessionId, third.body.sessionId, fourth.body.sessionId].filter(
          (id) => id !== ended,
        ),
      );
      expect(await db.query('SELECT revoke_reason FROM auth_sessions WHERE id = $1', [ended])).toEqual([
        { revoke_reason: 'session_limit' },
      ]);
      const refused = await http().get('/auth/me').set('Authorization', endedBearer);
      expect({ status: refused.status, body: refused.body }).toEqual({ status: 401, body: UNAUTHORIZED });
    });
  });
});
