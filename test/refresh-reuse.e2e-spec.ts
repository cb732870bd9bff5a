import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ADAPTERS } from './support/constants.js';
import { useHost } from './support/host.js';
import type { TestDatabase } from './support/test-database.js';
import { newUser } from './support/users.js';
import { INVALID_REFRESH } from './support/bodies.js';

/**
 * Refresh that survives two tabs: within `refreshReuseIntervalSeconds` (default 10) a just-rotated token presented
 * again is answered with the same successor while that successor is unused; after it, or once the successor was used,
 * it is theft as with strict rotation.
 */
describe.each(ADAPTERS)('refresh reuse interval over %s', (adapter) => {
  let db: TestDatabase;
  let app: INestApplication;
  useHost(adapter, (opened) => ({ db, app } = opened));
  const http = () => request(app.getHttpServer());
  const refresh = (refreshToken: string) => http().post('/auth/refresh').send({ refreshToken });
  const reason = async (sessionId: string) =>
    (await db.query<{ r: string | null }>('SELECT revoke_reason AS r FROM auth_sessions WHERE id = $1', [sessionId]))[0]
      .r;

  it('10 parallel refreshes with one token all succeed with the same successor, and the session lives', async () => {
    const user = await newUser(app);
    const answers = await Promise.all(Array.from({ length: 10 }, () => refresh(user.refreshToken)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    const successors = new Set(answers.map((answer) => answer.body.refreshToken));
    expect(successors.size).toBe(1);
    const [successor] = successors;
    expect(successor).not.toBe(user.refreshToken);
    for (const answer of answers) {
      expect(answer.body).toEqual({
        accessToken: expect.any(String),
        refreshToken: successor,
        tokenType: 'Bearer',
        expiresIn: 900,
        sessionId: user.sessionId,
      });
      await http().get('/auth/me').set('Authorization', `Bearer ${answer.body.accessToken}`).expect(200);
    }
    expect(await reason(user.sessionId)).toBeNull();
    // One successor row, unused; the next rotation works from it.
    expect(
      await db.query(
        'SELECT count(*)::int AS n FROM auth_refresh_tokens WHERE session_id = $1 AND rotated_at IS NULL',
        [user.sessionId],
      ),
    ).toEqual([{ n: 1 }]);
    await refresh(successor as string).expect(200);
  });

  it('once the successor was used, the old token presented again is theft: the session ends', async () => {
    const user = await newUser(app);
    const first = await refresh(user.refreshToken).expect(200);
    await refresh(first.body.refreshToken).expect(200);
    const reuse = await refresh(user.refreshToken);
    expect({ status: reuse.status, body: reuse.body }).toEqual({ status: 401, body: INVALID_REFRESH });
    expect(await reason(user.sessionId)).toBe('refresh_token_reuse');
  });

  it('after the interval, the old token presented again is theft: the session ends', async () => {
    const user = await newUser(app);
    await refresh(user.refreshToken).expect(200);
    await db.query(
      `UPDATE auth_refresh_tokens SET rotated_at = now() - interval '11 seconds'
       WHERE session_id = $1 AND rotated_at IS NOT NULL`,
      [user.sessionId],
    );
    const reuse = await refresh(user.refreshToken);
    expect({ status: reuse.status, body: reuse.body }).toEqual({ status: 401, body: INVALID_REFRESH });
    expect(await reason(user.sessionId)).toBe('refresh_token_reuse');
  });

  it('a token of an ended session is refused within the interval too, and nothing changes', async () => {
    const user = await newUser(app);
    const first = await refresh(user.refreshToken).expect(200);
    await http().post('/auth/logout').set('Authorization', `Bearer ${first.body.accessToken}`).expect(200);
    const reuse = await refresh(user.refreshToken);
    expect({ status: reuse.status, body: reuse.body }).toEqual({ status: 401, body: INVALID_REFRESH });
    expect(await reason(user.sessionId)).toBe('logout');
  });
});

describe.each(ADAPTERS)('refreshReuseIntervalSeconds: 0 over %s', (adapter) => {
  let db: TestDatabase;
  let app: INestApplication;
  useHost(adapter, (opened) => ({ db, app } = opened), { refreshReuseIntervalSeconds: 0 });

  it('restores strict rotation: of 10 parallel refreshes one succeeds, and the others end the session', async () => {
    const user = await newUser(app);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        request(app.getHttpServer()).post('/auth/refresh').send({ refreshToken: user.refreshToken }),
      ),
    );
    expect(answers.map((answer) => answer.status).toSorted()).toEqual([200, ...Array(9).fill(401)]);
    expect(await db.query('SELECT revoke_reason FROM auth_sessions WHERE id = $1', [user.sessionId])).toEqual([
      { revoke_reason: 'refresh_token_reuse' },
    ]);
  });
});
