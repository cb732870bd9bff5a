import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS } from './support/constants.js';
import { createHost } from './support/host.js';
import { LISTENER_APPLICATION_NAME, RevocationCache } from './support/internals.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { newUser } from './support/users.js';
import { within } from './support/within.js';

/** The event loop and one request of a loaded machine; the bound itself is the requirement. */
const MARGIN_MS = 700;
const UNAUTHORIZED = {
  message: 'Unauthorized',
  description: 'Invalid, expired or missing bearer token',
  code: 'UNAUTHORIZED',
};

/**
 * Two instances of one database in cached mode. Instance B reaches PostgreSQL through a proxy that partitions only
 * B's LISTEN connection (its requests' connections go on): B hears no revocation, and must stop trusting its cache
 * within `revocation.listenerDeadlineMs`.
 */
describe.each(ADAPTERS)('a partition of only the listener (%s)', (adapter) => {
  describe.each([
    ['the default deadline (1000 ms)', undefined],
    ['listenerDeadlineMs 300', 300],
  ] as const)('%s', (_title, listenerDeadlineMs) => {
    let db: TestDatabase;
    let proxy: TcpProxy;
    let a: INestApplication;
    let b: INestApplication;
    const boundMs = (listenerDeadlineMs ?? 1000) + MARGIN_MS;

    beforeAll(async () => {
      db = await createTestDatabase();
      proxy = await startTcpProxy(db.url);
      a = await createHost(adapter, db.url);
      b = await createHost(adapter, proxy.url, {
        revocation: listenerDeadlineMs === undefined ? {} : { listenerDeadlineMs },
      });
      // B's cache answers once its first marker has come back.
      await within(2000, async () => (b.get(RevocationCache).listening ? true : undefined));
    });
    afterAll(async () => {
      await b?.close();
      await a?.close();
      await proxy?.close();
      await db?.drop();
    });

    it(`another instance's revocation is refused within the bound plus a margin (${boundMs} ms)`, async () => {
      const user = await newUser(a);
      await request(b.getHttpServer()).get('/auth/me').set('Authorization', user.bearer).expect(200);
      expect(b.get(RevocationCache).get(user.sessionId)).toMatchObject({ userId: user.userId });
      proxy.cut(LISTENER_APPLICATION_NAME);
      const partitioned = performance.now();
      await request(a.getHttpServer()).post('/auth/logout').set('Authorization', user.bearer).expect(200);
      const refused = await within(boundMs * 2, async () => {
        const response = await request(b.getHttpServer()).get('/auth/me').set('Authorization', user.bearer);
        return response.status === 200 ? undefined : { response, after: performance.now() - partitioned };
      });
      expect({ status: refused?.response.status, body: refused?.response.body }).toEqual({
        status: 401,
        body: UNAUTHORIZED,
      });
      expect({ withinBound: (refused?.after ?? Infinity) < boundMs, after: refused?.after }).toMatchObject({
        withinBound: true,
      });
      // Refused because B reads every session from PostgreSQL now, not because it heard of the revocation.
      expect(b.get(RevocationCache).listening).toBe(false);
    });
  });
});
