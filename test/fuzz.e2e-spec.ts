import type { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_SCHEMAS, schemaErrors, type RoutePath } from './schemas/route-schemas.js';
import { ADAPTERS } from './support/constants.js';
import { createHost } from './support/host.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { forgeToken } from './support/tokens.js';
import { newUser } from './support/users.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const OTHER_SECRET = 'a-secret-that-is-not-the-app-secret-at-all!';

/** What Node lets through as a header value: latin-1 without control characters (CR, LF, NUL never). */
const headerValue = fc
  .string({ unit: 'binary', maxLength: 400 })
  .map((value) => value.replace(/[^\t\x20-\x7e\x80-\xff]/g, ''));
const base64url = fc.string({
  unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
  maxLength: 120,
});

/** Anything but a valid token of ours: so no fuzzed request may change anything. */
const authorization = fc.oneof(
  fc.constant(undefined),
  headerValue,
  headerValue.map((value) => `Bearer ${value}`),
  fc.tuple(base64url, base64url, base64url).map((parts) => `Bearer ${parts.join('.')}`),
  fc
    .record({
      sub: fc.string({ maxLength: 40 }),
      sid: fc.oneof(fc.uuid(), fc.string({ maxLength: 40 })),
      extra: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 })),
    })
    .map(({ sub, sid, extra }) => `Bearer ${forgeToken({ sub, sid }, { secret: OTHER_SECRET, claims: extra })}`),
);
const contentType = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/vnd.api+json',
    'text/plain',
    'application/x-www-form-urlencoded',
    'application/xml',
    'multipart/form-data',
  ),
  headerValue,
);
const body = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 3 },
  { arbitrary: fc.json({ maxDepth: 6 }), weight: 4 },
  { arbitrary: fc.jsonValue({ maxDepth: 40 }).map((value) => JSON.stringify(value) ?? 'null'), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 2000 }), weight: 3 },
  { arbitrary: fc.uint8Array({ maxLength: 2000 }).map((bytes) => Buffer.from(bytes)), weight: 2 },
  {
    arbitrary: fc.integer({ min: 50_000, max: 1_500_000 }).map((size) => `{"device_token":"${'x'.repeat(size)}"}`),
    weight: 1,
  },
);
const extraHeaders = fc.dictionary(
  fc.constantFrom('X-DeviceId', 'X-DeviceIdD', 'Accept', 'Content-Encoding', 'Cookie', 'X-Forwarded-For'),
  headerValue,
  { maxKeys: 3 },
);

describe.each(ADAPTERS)('fuzzing the four routes over %s', (adapter) => {
  let db: TestDatabase;
  let app: INestApplication;
  const fingerprint = async () =>
    (
      await db.query<{ state: string }>(`SELECT md5(
        (SELECT coalesce(string_agg(s::text, ',' ORDER BY s.id), '') FROM auth_sessions s) ||
        (SELECT coalesce(string_agg(d::text, ',' ORDER BY d.id), '') FROM auth_devices d) ||
        (SELECT coalesce(string_agg(r::text, ',' ORDER BY r.token_hash), '') FROM auth_refresh_tokens r)) AS state`)
    )[0].state;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createHost(adapter, db.url);
    await app.listen(0, '127.0.0.1');
    // Some live sessions and devices for fuzzed ids to aim at.
    for (let i = 0; i < 3; i++) await newUser(app, { deviceId: `device-${i}`, pushToken: `push-${i}` });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it.each(Object.keys(ROUTE_SCHEMAS) as RoutePath[])(
    `%s: ${RUNS} arbitrary requests, each answered below 500 in the spec's schema, none changing anything`,
    async (path) => {
      const before = await fingerprint();
      await fc.assert(
        fc.asyncProperty(authorization, contentType, body, extraHeaders, async (auth, type, payload, headers) => {
          let call = request(app.getHttpServer()).post(path);
          if (auth !== undefined) call = call.set('Authorization', auth);
          for (const [name, value] of Object.entries(headers)) call = call.set(name, value);
          if (type !== undefined) call = call.set('Content-Type', type);
          const response = await (payload === undefined ? call : call.send(payload));
          expect(response.status).toBeLessThan(500);
          expect(response.status).toBeGreaterThanOrEqual(400);
          expect(schemaErrors(path, response.status, response.body, response.text)).toBeNull();
          expect(await fingerprint()).toBe(before);
        }),
        { numRuns: RUNS },
      );
    },
  );
});
