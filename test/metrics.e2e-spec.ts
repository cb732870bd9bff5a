import type { INestApplication } from '@nestjs/common';
import { Registry } from 'prom-client';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNAUTHORIZED } from './support/bodies.js';
import { ADAPTERS } from './support/constants.js';
import { createHost } from './support/host.js';
import { PROM_CLIENT_LOADER } from './support/internals.js';
import { newUser, settled } from './support/users.js';
import { login, type LoggedIn } from './support/session-client.js';
import { metricTypes, parseSamples, sampleValue, type Sample } from './support/prometheus-text.js';
import { createTestApp } from './support/test-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

const LIMIT = 3;

/** Every metric the module registers, with its type. */
const METRIC_TYPES = {
  nest_signout_guard_decisions_total: 'counter',
  nest_signout_revocation_cache_lookups_total: 'counter',
  nest_signout_revocation_listener_up: 'gauge',
  nest_signout_revocation_delivery_seconds: 'histogram',
  nest_signout_revocations_total: 'counter',
  nest_signout_guard_database_seconds: 'histogram',
  nest_signout_route_database_seconds: 'histogram',
  nest_signout_rate_limited_total: 'counter',
  nest_signout_read_batch_size: 'histogram',
};

async function scrape(app: INestApplication): Promise<{ text: string; samples: Sample[] }> {
  const response = await request(app.getHttpServer()).get('/metrics').expect(200);
  expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return { text: response.text, samples: parseSamples(response.text) };
}

const decisions = (samples: Sample[], outcome: string, reason: string) =>
  sampleValue(samples, 'nest_signout_guard_decisions_total', { outcome, reason });

const lookups = (samples: Sample[], result: string) =>
  sampleValue(samples, 'nest_signout_revocation_cache_lookups_total', { result });

const me = (app: INestApplication, bearer?: string) => {
  const call = request(app.getHttpServer()).get('/auth/me');
  return bearer ? call.set('Authorization', bearer) : call;
};

/**
 * Two demo instances on one database, both in cached mode, A with the rate limit on: a short run of real requests,
 * then each instance's GET /metrics.
 */
describe.each(ADAPTERS)('metrics over %s', (adapter) => {
  let db: TestDatabase;
  let a: INestApplication;
  let b: INestApplication;
  let session: LoggedIn;
  let scrapedA: Sample[];
  let scrapedB: Sample[];
  let textA: string;
  let textB: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    a = await createTestApp(db.url, adapter, { rateLimitPerMinute: LIMIT });
    b = await createTestApp(db.url, adapter);
    // Both listeners proven, so the caches answer from the first request.
    await Promise.all([settled(a), settled(b)]);

    session = await login(a); // A: allowed, a cache miss (its GET /auth/me)
    await me(a, session.bearer).expect(200); // A: allowed, a hit
    await me(b, session.bearer).expect(200); // B: allowed, a miss
    await me(b, session.bearer).expect(200); // B: allowed, a hit
    await me(a).expect(401); // A: refused, missing_token
    // A's logout route counts failed authentications: LIMIT refused, then 429.
    for (let i = 0; i < LIMIT; i++) await request(a.getHttpServer()).post('/auth/logout').send({}).expect(401);
    await request(a.getHttpServer()).post('/auth/logout').send({}).expect(429);
    await request(a.getHttpServer()).post('/auth/logout').set('Authorization', session.bearer).send({}).expect(200);
    // Every revocation committed so far has reached B (and A's own listener).
    await Promise.all([settled(a), settled(b)]);
    await me(b, session.bearer).expect(401); // B: refused, session_revoked, after a miss
    ({ text: textA, samples: scrapedA } = await scrape(a));
    ({ text: textB, samples: scrapedB } = await scrape(b));
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it('lists every metric with its type, on both instances', () => {
    expect(Object.fromEntries(Object.entries(metricTypes(textA)).toSorted())).toEqual(
      Object.fromEntries(Object.entries(METRIC_TYPES).toSorted()),
    );
    expect(metricTypes(textB)).toEqual(metricTypes(textA));
  });

  it('counts guard decisions by outcome and by the domain error kind that refused', () => {
    // A: its two GET /auth/me and the logout let through; a missing token on /auth/me and on LIMIT + 1 logouts.
    expect(decisions(scrapedA, 'allowed', 'none')).toBe(3);
    expect(decisions(scrapedA, 'refused', 'missing_token')).toBe(1 + LIMIT + 1);
    expect(decisions(scrapedA, 'refused', 'session_revoked')).toBe(0);
    expect(decisions(scrapedB, 'allowed', 'none')).toBe(2);
    expect(decisions(scrapedB, 'refused', 'session_revoked')).toBe(1);
    expect(decisions(scrapedB, 'refused', 'missing_token')).toBe(0);
    // Never a user or a session in a label.
    for (const sample of [...scrapedA, ...scrapedB])
      expect(JSON.stringify(sample.labels)).not.toMatch(new RegExp(`${session.userId}|${session.sessionId}`));
  });

  it('counts the revocation cache’s hits and misses', () => {
    expect([lookups(scrapedA, 'hit'), lookups(scrapedA, 'miss'), lookups(scrapedA, 'unavailable')]).toEqual([2, 1, 0]);
    expect([lookups(scrapedB, 'hit'), lookups(scrapedB, 'miss'), lookups(scrapedB, 'unavailable')]).toEqual([1, 2, 0]);
  });

  it('shows the listener up, and the delay of the revocation from its commit to each instance', () => {
    expect(sampleValue(scrapedA, 'nest_signout_revocation_listener_up')).toBe(1);
    expect(sampleValue(scrapedB, 'nest_signout_revocation_listener_up')).toBe(1);
    for (const samples of [scrapedA, scrapedB]) {
      expect(sampleValue(samples, 'nest_signout_revocation_delivery_seconds_count')).toBe(1);
      const seconds = sampleValue(samples, 'nest_signout_revocation_delivery_seconds_sum')!;
      expect(seconds).toBeGreaterThanOrEqual(0);
      expect(seconds).toBeLessThan(2);
      expect(sampleValue(samples, 'nest_signout_revocation_delivery_seconds_bucket', { le: '+Inf' })).toBe(1);
    }
  });

  it('counts revocations by reason where they happen', () => {
    expect(sampleValue(scrapedA, 'nest_signout_revocations_total', { reason: 'logout' })).toBe(1);
    expect(scrapedB.filter((sample) => sample.name === 'nest_signout_revocations_total')).toEqual([]);
  });

  it('observes the database wait of each guard check that read PostgreSQL, and of the logout route', () => {
    // A read the session once (its first GET /auth/me); B twice (before it was cached, and after the revocation).
    expect(sampleValue(scrapedA, 'nest_signout_guard_database_seconds_count')).toBe(1);
    expect(sampleValue(scrapedB, 'nest_signout_guard_database_seconds_count')).toBe(2);
    const logout = { route: 'authLogout' };
    expect(sampleValue(scrapedA, 'nest_signout_route_database_seconds_count', logout)).toBe(1);
    const seconds = sampleValue(scrapedA, 'nest_signout_route_database_seconds_sum', logout)!;
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(5);
    expect(scrapedB.filter((sample) => sample.name.startsWith('nest_signout_route_database_seconds'))).toEqual([]);
  });

  it('counts rate-limit refusals by the route table’s name', () => {
    expect(
      scrapedA
        .filter((sample) => sample.name === 'nest_signout_rate_limited_total')
        .map(({ labels, value }) => ({
          labels,
          value,
        })),
    ).toEqual([{ labels: { route: 'authLogout' }, value: 1 }]);
  });
});

/** A package that is not installed: importing it fails as importing prom-client does where it is missing. */
const MISSING_PACKAGE = 'nest-signout-no-such-package';

describe.each(ADAPTERS)('metrics without prom-client, in strict mode, and switched off, over %s', (adapter) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('the module answers as ever and registers nothing; with prom-client, the same host registers them', async () => {
    const missing = new Registry();
    const present = new Registry();
    const without = await createHost(adapter, db.url, {
      metrics: { registry: missing },
      prepare: (builder) =>
        builder.overrideProvider(PROM_CLIENT_LOADER).useValue(() => import(/* @vite-ignore */ MISSING_PACKAGE)),
    });
    const withIt = await createHost(adapter, db.url, { metrics: { registry: present } });
    try {
      const user = await newUser(without);
      await request(without.getHttpServer())
        .post('/auth/logout')
        .set('Authorization', user.bearer)
        .send({})
        .expect(200, { message: 'Logged out successfully' });
      await request(without.getHttpServer())
        .get('/auth/me')
        .set('Authorization', user.bearer)
        .expect(401, UNAUTHORIZED);
      expect(await missing.getMetricsAsJSON()).toEqual([]);
      expect((await present.getMetricsAsJSON()).map((metric) => metric.name).toSorted()).toEqual(
        Object.keys(METRIC_TYPES).toSorted(),
      );
    } finally {
      await without.close();
      await withIt.close();
    }
  });

  it('in strict mode: no listener (0), no cache lookups, a database read on every check', async () => {
    const app = await createTestApp(db.url, adapter, { revocationMode: 'strict' });
    try {
      const user = await login(app);
      await me(app, user.bearer).expect(200);
      const { samples } = await scrape(app);
      expect(sampleValue(samples, 'nest_signout_revocation_listener_up')).toBe(0);
      expect([lookups(samples, 'hit'), lookups(samples, 'miss'), lookups(samples, 'unavailable')]).toEqual([0, 0, 0]);
      expect(decisions(samples, 'allowed', 'none')).toBe(2);
      expect(sampleValue(samples, 'nest_signout_guard_database_seconds_count')).toBe(2);
    } finally {
      await app.close();
    }
  });

  it('the demo with METRICS=false mounts no GET /metrics', async () => {
    const app = await createTestApp(db.url, adapter, { metrics: false });
    try {
      await request(app.getHttpServer()).get('/metrics').expect(404);
    } finally {
      await app.close();
    }
  });
});
