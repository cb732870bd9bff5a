import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NAMED_CONNECTION_SCHEMA as SCHEMA, namedConnectionHost } from './apps/named-connection-host.js';
import { ADAPTERS } from './support/constants.js';
import { createHash } from 'node:crypto';
import { SessionService, SignInThrottle } from '../src/auth/index.js';
import { startHost } from './support/host.js';
import { ROUTE_SPECS } from './support/logout-routes.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

describe('a named host connection with its own schema', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({ empty: true });
    await db.query(`CREATE SCHEMA ${SCHEMA}`);
  });
  afterAll(() => db.drop());

  describe.each(ADAPTERS)('on %s', (adapter) => {
    let app: INestApplication;
    const http = () => request(app.getHttpServer());
    const signIn = async (userId: string) => {
      const { body } = await http().post(`/sign-in/${userId}`).expect(201);
      return body as { accessToken: string; refreshToken: string; sessionId: string };
    };

    beforeAll(async () => {
      app = await startHost(namedConnectionHost(db.url), adapter);
    });
    afterAll(() => app?.close());

    it('migrates the module into the schema of that connection, not public', async () => {
      const tables = await db.query<{ schema: string; name: string }>(
        `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
         WHERE table_name LIKE 'auth\\_%' OR table_name = 'migrations' ORDER BY table_schema, table_name`,
      );
      expect(tables).toEqual([
        { schema: SCHEMA, name: 'auth_devices' },
        { schema: SCHEMA, name: 'auth_logout_tokens' },
        { schema: SCHEMA, name: 'auth_refresh_tokens' },
        { schema: SCHEMA, name: 'auth_sessions' },
        { schema: SCHEMA, name: 'auth_sign_in_attempts' },
        { schema: SCHEMA, name: 'migrations' },
      ]);
      const [trigger] = await db.query<{ function: string }>(
        `SELECT p.oid::regprocedure::text AS function FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
         WHERE t.tgname = 'auth_sessions_revoked_notify'`,
      );
      expect(trigger).toEqual({ function: `${SCHEMA}.auth_sessions_notify_revoked()` });
    });

    it('counts failed sign-ins in that schema: past 5 the account is refused, a success forgets it', async () => {
      const throttle = app.get(SignInThrottle);
      const account = `named-${adapter}@example.com`;
      const client = { ip: adapter === 'fastify' ? '192.0.2.10' : '192.0.2.11' };
      for (let i = 0; i < 5; i++) {
        await throttle.assertMayTry(account, client);
        await throttle.recordFailure(account, client);
      }
      await expect(throttle.assertMayTry(account, client)).rejects.toMatchObject({
        kind: 'too_many_requests',
        retryAfterSeconds: 1,
      });
      const hash = createHash('sha256').update(account).digest('hex');
      const keys = `SELECT key, points FROM ${SCHEMA}.auth_sign_in_attempts WHERE key LIKE $1 OR key = $2 ORDER BY key`;
      expect(await db.query(keys, [`%${hash}`, `client:${client.ip}`])).toEqual([
        { key: `account-wait:${hash}`, points: expect.any(Number) },
        { key: `account:${hash}`, points: 5 },
        { key: `client:${client.ip}`, points: 5 },
      ]);
      await throttle.recordSuccess(account);
      expect(await db.query(keys, [`%${hash}`, `client:${client.ip}`])).toEqual([
        { key: `client:${client.ip}`, points: 5 },
      ]);
    });

    it.each(ROUTE_SPECS)('$path logs the session out; the token is refused after', async (route) => {
      const session = await signIn(`named-${adapter}-${route.name}`);
      await http()
        .get('/profile')
        .set('Authorization', `Bearer ${session.accessToken}`)
        .expect(200, { user: `named-${adapter}-${route.name}` });
      const response = await http().post(route.path).set('Authorization', `Bearer ${session.accessToken}`);
      expect({ status: response.status, body: route.ok === undefined ? response.text : response.body }).toEqual({
        status: 200,
        body: route.ok ?? '',
      });
      const [row] = await db.query(`SELECT revoke_reason FROM ${SCHEMA}.auth_sessions WHERE id = $1`, [
        session.sessionId,
      ]);
      expect(row).toEqual({ revoke_reason: 'logout' });
      const refused = await http().get('/profile').set('Authorization', `Bearer ${session.accessToken}`);
      expect({ status: refused.status, body: refused.body }).toEqual({
        status: 401,
        body: {
          message: 'Unauthorized',
          description: 'Invalid, expired or missing bearer token',
          code: 'UNAUTHORIZED',
        },
      });
    });

    it('refreshes, lists and ends sessions, and cleans up, all in that schema', async () => {
      const userId = `named-${adapter}-lifecycle`;
      const first = await signIn(userId);
      const second = await signIn(userId);
      const refreshed = await http().post('/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200);
      const listed = await http()
        .get('/auth/sessions')
        .set('Authorization', `Bearer ${refreshed.body.accessToken}`)
        .expect(200);
      expect(
        (listed.body as { sessions: Array<{ id: string; current: boolean }> }).sessions
          .map(({ id, current }) => ({ id, current }))
          .toSorted((a, b) => a.id.localeCompare(b.id)),
      ).toEqual(
        [
          { id: first.sessionId, current: true },
          { id: second.sessionId, current: false },
        ].toSorted((a, b) => a.id.localeCompare(b.id)),
      );
      await http()
        .post('/auth/logout/all')
        .set('Authorization', `Bearer ${second.accessToken}`)
        .expect(200, { message: 'Logged out of all sessions', revokedSessions: 2 });
      expect(await db.query(`SELECT revoke_reason FROM ${SCHEMA}.auth_sessions WHERE user_id = $1`, [userId])).toEqual([
        { revoke_reason: 'logout_all' },
        { revoke_reason: 'logout_all' },
      ]);
      const cleanup = await app
        .get(SessionService)
        .deleteExpiredSessions(new Date(Date.now() + 400 * 24 * 3600 * 1000));
      // Every session of this adapter's run has ended (four logouts, two ended by logout/all); the other
      // adapter's went with its own run.
      expect(cleanup).toEqual({ expiredSessions: 0, idleSessions: 0, deletedSessions: 6, deletedDevices: 0 });
      expect(await db.query(`SELECT id FROM ${SCHEMA}.auth_sessions WHERE user_id = $1`, [userId])).toEqual([]);
    });
  });
});
