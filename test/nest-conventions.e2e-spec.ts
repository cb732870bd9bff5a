import type { INestApplication } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { ThrottlerStorageService, type ThrottlerStorage } from '@nestjs/throttler';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { conventionsHostModule, HostTicker, type ConventionsHost } from './apps/conventions-host.module.js';
import { startHost } from './support/host.js';
import { SESSION_CLEANUP_JOB } from './support/internals.js';
import { ADAPTERS } from './support/constants.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { within } from './support/within.js';

const UNAUTHORIZED = {
  message: 'Unauthorized',
  description: 'Invalid, expired or missing bearer token',
  code: 'UNAUTHORIZED',
};
const TOO_MANY = {
  message: 'Too many requests',
  description: 'Too many requests, try again later',
  code: 'TOO_MANY_REQUESTS',
};

/** A ThrottlerStorage that counts what the module asks of it. */
class CountingStorage implements ThrottlerStorage {
  readonly keys: string[] = [];
  private readonly inner = new ThrottlerStorageService();

  increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string) {
    this.keys.push(`${throttlerName}:${key}`);
    return this.inner.increment(key, ttl, limit, blockDuration, throttlerName);
  }
}

describe.each(ADAPTERS)('Nest conventions in a host app over %s', (adapter) => {
  let db: TestDatabase | undefined;
  let app: INestApplication | undefined;

  async function host(options: ConventionsHost): Promise<INestApplication> {
    db = await createTestDatabase();
    app = await startHost({ imports: [conventionsHostModule(db.url, options)] }, adapter);
    return app;
  }

  afterEach(async () => {
    await app?.close();
    await db?.drop();
    app = db = undefined;
  });

  it("leaves the host's ScheduleModule alone: its @Interval(500) runs 10 times in 5 s; the clean-up runs", async () => {
    const nest = await host({ schedule: true, auth: { cleanup: { intervalSeconds: 1 } } });
    const ticker = nest.get(HostTicker);
    const [ticksBefore, started] = [ticker.ticks, performance.now()];
    const registry = nest.get(SchedulerRegistry);
    expect(registry.getIntervals().toSorted()).toEqual(['host-ticker', SESSION_CLEANUP_JOB]);
    const { body: session } = await request(nest.getHttpServer()).post('/login/u-expired').expect(200);
    await db!.query(`UPDATE auth_sessions SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      session.sessionId,
    ]);
    const expired = async () =>
      (await db!.query('SELECT revoke_reason FROM auth_sessions WHERE id = $1', [session.sessionId]))[0];
    expect(await within(5000, async () => ((await expired()).revoke_reason === 'expired' ? true : undefined))).toBe(
      true,
    );
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 5000 - (performance.now() - started))));
    // 10 in 5 s; a second ScheduleModule (a second registry) inside AuthModule made it 20. A loaded machine
    // delays timers by a tick or so, never doubles them.
    const ticks = ticker.ticks - ticksBefore;
    expect(ticks).toBeGreaterThanOrEqual(8);
    expect(ticks).toBeLessThanOrEqual(11);
  });

  it('works as APP_GUARD: @Public() login, guarded host routes, public refresh, request.user', async () => {
    const nest = await host({ globalGuard: true });
    const http = () => request(nest.getHttpServer());
    const { body: login } = await http().post('/login/u-global').expect(200);
    expect((await http().get('/whoami')).body).toEqual(UNAUTHORIZED);
    await http().get('/whoami').expect(401);
    const whoami = await http().get('/whoami').set('Authorization', `Bearer ${login.accessToken}`).expect(200);
    const session = { userId: 'u-global', sessionId: login.sessionId, deviceId: null, tokenId: expect.any(String) };
    expect(whoami.body).toEqual({ user: session, session });
    expect(whoami.body.user).toEqual(whoami.body.session);
    const refreshed = await http().post('/auth/refresh').send({ refreshToken: login.refreshToken }).expect(200);
    expect(refreshed.body).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: 900,
      sessionId: login.sessionId,
    });
    const logout = await http().post('/auth/logout').set('Authorization', `Bearer ${refreshed.body.accessToken}`);
    expect({ status: logout.status, body: logout.body }).toEqual({
      status: 200,
      body: { message: 'Logged out successfully' },
    });
    const noToken = await http().post('/auth/logout');
    expect({ status: noToken.status, body: noToken.body }).toEqual({ status: 401, body: UNAUTHORIZED });
  });

  it("keeps the module's rate limit before the token check under a global JwtGuard", async () => {
    const nest = await host({ globalGuard: true, auth: { rateLimit: { limit: 1, ttlSeconds: 60 } } });
    const first = await request(nest.getHttpServer()).post('/auth/logout');
    const second = await request(nest.getHttpServer()).post('/auth/logout');
    expect([first.status, first.body, second.status, second.body]).toEqual([401, UNAUTHORIZED, 429, TOO_MANY]);
  });

  it("counts the module's routes in the host's own ThrottlerStorage", async () => {
    const storage = new CountingStorage();
    const nest = await host({ throttlerStorage: storage, auth: { rateLimit: { limit: 5, ttlSeconds: 60 } } });
    await request(nest.getHttpServer()).post('/auth/logout').expect(401);
    await request(nest.getHttpServer()).post('/signout').expect(401);
    expect(storage.keys).toEqual([
      expect.stringMatching(/^nest-signout:GenericLogoutController\.logout:/),
      expect.stringMatching(/^nest-signout:SignoutController\.signOut:/),
    ]);
  });

  it('counts them in the storage of the rateLimit option, before the host one', async () => {
    const hostStorage = new CountingStorage();
    const optionStorage = new CountingStorage();
    const nest = await host({
      throttlerStorage: hostStorage,
      auth: { rateLimit: { limit: 5, ttlSeconds: 60, storage: optionStorage } },
    });
    await request(nest.getHttpServer()).post('/auth/logout').expect(401);
    expect([hostStorage.keys.length, optionStorage.keys.length]).toEqual([0, 1]);
  });
});
