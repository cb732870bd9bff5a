import { randomInt } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { ThrottlerStorage } from '@nestjs/throttler';
import { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ADAPTERS } from './support/constants.js';
import { createHost } from './support/host.js';
import { createTestApp } from './support/test-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

const LIMIT = 3;
const REDIS_URL = inject('redisUrl');
const TOO_MANY = {
  message: 'Too many requests',
  description: 'Too many requests, try again later',
  code: 'TOO_MANY_REQUESTS',
};

/** A client address of this run's own, so counts left in Redis by another run never meet this one's. */
const freshClient = () => `2001:db8:${randomInt(0xffff).toString(16)}:${randomInt(0xffff).toString(16)}::1`;

/** A token-less logout, from `client` as a trusted proxy names it. */
const logout = (app: INestApplication, client: string) =>
  request(app.getHttpServer()).post('/auth/logout').set('X-Forwarded-For', client);

describe.skipIf(!REDIS_URL).each(ADAPTERS)('rate limits shared by several instances over %s', (adapter) => {
  let db: TestDatabase;
  const apps: INestApplication[] = [];
  const clients: Redis[] = [];

  /** Two instances of one app; with `shared`, each counts in Redis through a connection of its own. */
  async function instances(shared: boolean): Promise<[INestApplication, INestApplication]> {
    const start = async () => {
      const redis = shared ? new Redis(REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 1 }) : undefined;
      if (redis) clients.push(redis);
      const storage = redis ? new ThrottlerStorageRedisService(redis) : undefined;
      const app = await createHost(adapter, db.url, {
        rateLimit: { limit: LIMIT, ttlSeconds: 60, ...(storage ? { storage } : {}) },
        trustProxy: true,
      });
      apps.push(app);
      return app;
    };
    return [await start(), await start()];
  }

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const redis of clients) redis.disconnect();
    await db?.drop();
  });

  it('with a Redis store, one client gets one budget across instances', async () => {
    const [a, b] = await instances(true);
    const client = freshClient();
    const statuses = [];
    for (const app of [a, b, a]) statuses.push((await logout(app, client)).status);
    const refused = await logout(b, client);
    expect({ statuses, status: refused.status, body: refused.body }).toEqual({
      statuses: [401, 401, 401],
      status: 429,
      body: TOO_MANY,
    });
  });

  it('with the in-memory store, each instance counts alone (why a shared store is needed)', async () => {
    const [a, b] = await instances(false);
    const client = freshClient();
    const statuses = [];
    for (const app of [a, b, a, b, a, b]) statuses.push((await logout(app, client)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401]);
  });
});

describe.skipIf(!REDIS_URL)("the demo's REDIS_URL", () => {
  let db: TestDatabase;
  let app: INestApplication | undefined;
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    db = await createTestDatabase();
    app = await createTestApp(db.url, 'fastify', { redisUrl: REDIS_URL, rateLimitPerMinute: LIMIT });
  });

  afterAll(async () => {
    await app?.close();
    redis?.disconnect();
    await db?.drop();
  });

  it("makes the module count in Redis, through the demo's own ThrottlerStorage", async () => {
    expect(app!.get(ThrottlerStorage)).toBeInstanceOf(ThrottlerStorageRedisService);
    const key = '{GenericLogoutController.logout:failed:127.0.0.1:nest-signout}:hits';
    const before = Number((await redis.get(key)) ?? 0);
    await request(app!.getHttpServer()).post('/auth/logout').expect(401);
    expect(Number(await redis.get(key))).toBe(before + 1);
    expect(await redis.pttl(key)).toBeGreaterThan(0);
  });
});
