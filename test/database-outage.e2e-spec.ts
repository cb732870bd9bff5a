import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS } from './support/constants.js';
import { createHost } from './support/host.js';
import { RevocationCache } from './support/internals.js';
import { outageAnswer, ROUTE_SPECS, UNAVAILABLE } from './support/logout-routes.js';
import type { LoggedIn } from './support/session-client.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { newUser } from './support/users.js';
import { within } from './support/within.js';

const TIMEOUT_MS = 1000;
/** A loose bound: this suite checks the answers; database-deadline checks that one deadline covers a request. */
const LONGEST_MS = 3 * TIMEOUT_MS + 1000;

describe.each(ADAPTERS)('database outage (%s)', (adapter) => {
  describe.each(['strict', 'cached'] as const)('revocation %s', (revocationMode) => {
    let db: TestDatabase;
    let proxy: TcpProxy;
    let app: INestApplication;

    beforeAll(async () => {
      db = await createTestDatabase();
      proxy = await startTcpProxy(db.url);
      app = await createHost(adapter, proxy.url, { revocation: { mode: revocationMode }, dbTimeoutMs: TIMEOUT_MS });
    });
    afterAll(async () => {
      await app?.close();
      await proxy?.close();
      await db?.drop();
    });
    const http = () => request(app.getHttpServer());
    const sessionRow = async (id: string) =>
      (await db.query('SELECT revoke_reason FROM auth_sessions WHERE id = $1', [id]))[0];
    /** Forget what the login helper's /auth/me cached, so these tokens need PostgreSQL. */
    const uncached = () => app.get(RevocationCache).clear();

    it(
      'while cut: every logout route and guarded route fails closed in its own body within the timeout; ' +
        'restored, the same instance serves again and nothing was lost',
      async () => {
        const users: LoggedIn[] = [];
        for (let i = 0; i < ROUTE_SPECS.length + 1; i++) users.push(await newUser(app));
        uncached();
        proxy.cut();
        try {
          for (const [i, route] of ROUTE_SPECS.entries()) {
            const started = Date.now();
            const response = await http().post(route.path).set('Authorization', users[i].bearer);
            const [status, body] = outageAnswer(route);
            expect({
              path: route.path,
              status: response.status,
              body: route.ok === undefined && response.status < 300 ? response.text : response.body,
            }).toEqual({ path: route.path, status, body });
            expect(Date.now() - started).toBeLessThan(LONGEST_MS);
          }
          const started = Date.now();
          const guarded = await http().get('/auth/me').set('Authorization', users[ROUTE_SPECS.length].bearer);
          expect({ status: guarded.status, body: guarded.body }).toEqual({ status: 503, body: UNAVAILABLE });
          expect(Date.now() - started).toBeLessThan(LONGEST_MS);
        } finally {
          proxy.restore();
        }
        // Restored: no restart, the sessions whose logout failed are intact and usable, and their logouts now work.
        const back = await within(10_000, async () =>
          (await http().get('/auth/me').set('Authorization', users[0].bearer)).status === 200 ? true : undefined,
        );
        expect(back).toBe(true);
        for (const [i, route] of ROUTE_SPECS.entries()) {
          expect(await sessionRow(users[i].sessionId)).toEqual({ revoke_reason: null });
          expect((await http().post(route.path).set('Authorization', users[i].bearer)).status).toBe(200);
          expect(await sessionRow(users[i].sessionId)).toEqual({ revoke_reason: 'logout' });
        }
      },
    );

    it(
      'a logout that answered 200 was committed before the answer: ' +
        'cutting every connection right after it loses nothing',
      async () => {
        const user = await newUser(app);
        await http().post('/auth/logout').set('Authorization', user.bearer).expect(200);
        proxy.restore();
        expect(await sessionRow(user.sessionId)).toEqual({ revoke_reason: 'logout' });
        await within(10_000, async () =>
          (await http().get('/auth/me').set('Authorization', user.bearer)).status === 401 ? true : undefined,
        );
      },
    );

    if (revocationMode === 'cached') {
      it(
        'a session validated just before the cut is served from the cache ' +
          'until the listener is found lost, then refused with 503',
        async () => {
          const user = await newUser(app);
          await http().get('/auth/me').set('Authorization', user.bearer).expect(200);
          const cache = app.get(RevocationCache);
          proxy.cut();
          try {
            // No revocation can commit while the database is unreachable, so the cached session is still live.
            expect(await within(5000, async () => (cache.listening ? undefined : true))).toBe(true);
            const response = await http().get('/auth/me').set('Authorization', user.bearer);
            expect({ status: response.status, body: response.body }).toEqual({ status: 503, body: UNAVAILABLE });
          } finally {
            proxy.restore();
          }
          expect(await within(10_000, async () => (cache.listening ? true : undefined))).toBe(true);
        },
      );
    }
  });
});
