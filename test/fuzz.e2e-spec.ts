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
/** Strings PostgreSQL text cannot hold: with NUL or a lone UTF-16 surrogate somewhere. */
const unstorableText = fc
  .array(fc.oneof(fc.constantFrom('\u0000', '\ud800', '\udbff', '\udc00', '\udfff'), fc.string({ maxLength: 8 })), {
    minLength: 1,
    maxLength: 12,
  })
  .map((parts) => parts.join(''))
  .filter((text) => /\0|[\ud800-\udfff]/.test(text));
/** Arrays or objects nested far deeper than any route reads, each under Express's 100 kB body limit. */
const deepJson = fc.oneof(
  fc.integer({ min: 20, max: 50_000 }).map((levels) => `${'['.repeat(levels)}${']'.repeat(levels)}`),
  fc.integer({ min: 20, max: 16_000 }).map((levels) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`),
);
const hugeNumber = fc.oneof(
  fc.constantFrom('1e400', '-1e400', '1e-400', '123456789012345678901234567890'),
  fc.integer({ min: 20, max: 5_000 }).map((digits) => '9'.repeat(digits)),
);
/** JSON bodies of the kinds that once answered 500, or that PostgreSQL cannot store. */
const hostileJson = fc.oneof(
  // JSON.stringify escapes NUL and lone surrogates (\u0000, \ud800); raw in the text, NUL is broken JSON.
  unstorableText.map((text) => JSON.stringify({ device_token: text })),
  unstorableText.map((text) => `{"device_token":"${text}"}`),
  deepJson,
  deepJson.map((value) => `{"device_token":${value}}`),
  hugeNumber.map((number) => `{"device_token":${number},"n":[${number}]}`),
  fc
    .tuple(fc.integer({ min: 1_000, max: 90_000 }), fc.jsonValue({ maxDepth: 1 }))
    .map(([length, value]) => JSON.stringify({ ['k'.repeat(length)]: value })),
);
const body = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 3 },
  { arbitrary: hostileJson, weight: 3 },
  { arbitrary: fc.json({ maxDepth: 6 }), weight: 4 },
  { arbitrary: fc.jsonValue({ maxDepth: 40 }).map((value) => JSON.stringify(value) ?? 'null'), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 2000 }), weight: 3 },
  { arbitrary: fc.uint8Array({ maxLength: 2000 }).map((bytes) => Buffer.from(bytes)), weight: 2 },
  {
    arbitrary: fc.integer({ min: 50_000, max: 1_500_000 }).map((size) => `{"device_token":"${'x'.repeat(size)}"}`),
    weight: 1,
  },
);
/** Three of these stay under Node's 16 KiB limit on all headers, so each request reaches the route. */
const longHeaderValue = fc.integer({ min: 1_000, max: 4_000 }).map((length) => 'd'.repeat(length));
const extraHeaders = fc.dictionary(
  fc.constantFrom('X-DeviceId', 'X-DeviceIdD', 'Accept', 'Content-Encoding', 'Cookie', 'X-Forwarded-For'),
  fc.oneof({ arbitrary: headerValue, weight: 4 }, { arbitrary: longHeaderValue, weight: 1 }),
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
