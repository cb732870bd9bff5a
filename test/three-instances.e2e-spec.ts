import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS } from './support/constants.js';
import { createHost } from './support/host.js';
import { RevocationCache } from './support/internals.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { newUser } from './support/users.js';
import { within } from './support/within.js';

const ROUNDS = 40;

const me = (app: INestApplication, bearer: string) =>
  request(app.getHttpServer()).get('/auth/me').set('Authorization', bearer);

/**
 * Three cached instances on one database, as behind a load balancer: every session is cached on all three, each
 * logout goes to a random one, and the two others are asked right after its answer, then until they refuse.
 */
describe.each(ADAPTERS)('three cached instances over %s', (adapter) => {
  let db: TestDatabase;
  let apps: INestApplication[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    apps = await Promise.all([0, 1, 2].map(() => createHost(adapter, db.url)));
    for (const app of apps) await within(5000, () => (app.get(RevocationCache).listening ? true : undefined));
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await db?.drop();
  });

  it(`${ROUNDS} logouts on random instances: the others refuse within 100 ms and never accept it again`, async () => {
    const refusedAfterMs: number[] = [];
    const acceptedAfterRefusal: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const user = await newUser(apps[0]);
      for (const app of apps) await me(app, user.bearer).expect(200);
      for (const app of apps) expect(app.get(RevocationCache).get(user.sessionId)).toBeDefined();

      const at = Math.floor(Math.random() * apps.length);
      const others = apps.filter((_, i) => i !== at);
      const logout = await request(apps[at].getHttpServer()).post('/auth/logout').set('Authorization', user.bearer);
      expect({ status: logout.status, body: logout.body }).toEqual({
        status: 200,
        body: { message: 'Logged out successfully' },
      });
      const answeredAt = performance.now();
      expect((await me(apps[at], user.bearer)).status).toBe(401);
      for (const other of others) {
        const refused = await within(1000, async () => (await me(other, user.bearer)).status === 401 || undefined, 2);
        expect(refused).toBe(true);
        refusedAfterMs.push(performance.now() - answeredAt);
      }
      // Once refused, refused everywhere, every time.
      for (const app of apps) {
        for (let again = 0; again < 3; again++) {
          const { status } = await me(app, user.bearer);
          if (status !== 401) acceptedAfterRefusal.push(`round ${round}: ${status}`);
        }
      }
    }
    expect(acceptedAfterRefusal).toEqual([]);
    refusedAfterMs.sort((x, y) => x - y);
    const p99 = refusedAfterMs[Math.ceil(refusedAfterMs.length * 0.99) - 1];
    expect(p99).toBeLessThan(100);
  });
});
