/**
 * The guard's variants side by side on one adapter and one key type: the stateless passport-jwt baseline, JwtGuard in
 * cached mode (with and without the verified-token cache, with metrics), with a revocation cache that always misses
 * and in strict mode (each with batched reads on and off, and a lone client's latency), each connection with a session
 * of its own.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type autocannon from 'autocannon';
import jwt from 'jsonwebtoken';
import type pg from 'pg';
import { DEMO_EMAIL, DEMO_PASSWORD, SECRET, startServer, type Adapter, type Mode } from './server.js';

export type KeyType = 'HS256' | 'RS256';

export interface GuardBench {
  connections: number;
  load(name: string, options: autocannon.Options): Promise<autocannon.Result>;
  record(adapter: Adapter, key: KeyType, scenario: string, result: autocannon.Result): void;
  /** What the batches of one run carried: statements, keys per statement on average, the largest bucket seen. */
  batches: Array<{ adapter: Adapter; key: KeyType; scenario: string; kind: string; statements: number; mean: number }>;
  log(message: string): void;
}

interface Variant {
  mode: Mode;
  env: Record<string, string>;
  scenarios: Array<{ scenario: string; path: string; connections?: number; batchSizes?: boolean }>;
}

const VARIANTS: Variant[] = [
  {
    mode: 'cached',
    env: {},
    scenarios: [
      { scenario: 'stateless passport-jwt guard', path: '/bench/stateless' },
      { scenario: 'JwtGuard, cached', path: '/auth/me' },
    ],
  },
  {
    mode: 'cached',
    env: { AUTH_VERIFIED_TOKEN_CACHE: 'false' },
    scenarios: [guarded('JwtGuard, cached, no token cache')],
  },
  { mode: 'cached', env: { METRICS: 'true' }, scenarios: [guarded('JwtGuard, cached, metrics on')] },
  {
    mode: 'cached',
    env: { AUTH_REVOCATION_CACHE_ENTRIES: '1', METRICS: 'true' },
    scenarios: [{ ...guarded('JwtGuard, cached, every lookup a miss, batched'), batchSizes: true }],
  },
  {
    mode: 'cached',
    env: { AUTH_REVOCATION_CACHE_ENTRIES: '1', AUTH_BATCH_READS: 'false', METRICS: 'true' },
    scenarios: [guarded('JwtGuard, cached, every lookup a miss, unbatched')],
  },
  {
    mode: 'strict',
    env: { METRICS: 'true' },
    scenarios: [
      { ...guarded('JwtGuard, strict, batched'), batchSizes: true },
      { ...guarded('JwtGuard, strict, batched, one client'), connections: 1 },
    ],
  },
  {
    mode: 'strict',
    env: { AUTH_BATCH_READS: 'false', METRICS: 'true' },
    scenarios: [
      guarded('JwtGuard, strict, unbatched'),
      { ...guarded('JwtGuard, strict, unbatched, one client'), connections: 1 },
    ],
  },
];

function guarded(scenario: string) {
  return { scenario, path: '/auth/me' };
}

/** An RSA key pair for the RS256 runs, and the demo's variables that make it sign with it. */
const rsa = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const KEY_ENV: Record<KeyType, Record<string, string>> = {
  HS256: {},
  RS256: {
    JWT_ALGORITHM: 'RS256',
    JWT_PRIVATE_KEY: rsa.privateKey.replaceAll('\n', '\\n'),
    JWT_PUBLIC_KEY: rsa.publicKey.replaceAll('\n', '\\n'),
  },
};

function sign(key: KeyType, userId: string, sessionId: string): string {
  return jwt.sign({ sub: userId, sid: sessionId, jti: randomUUID() }, key === 'HS256' ? SECRET : rsa.privateKey, {
    algorithm: key,
    expiresIn: 900,
    issuer: 'nest-signout',
    audience: 'nest-signout-api',
    header: { alg: key, typ: 'at+jwt' },
  });
}

async function userIdOf(base: string): Promise<string> {
  const login = await fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: DEMO_EMAIL, password: DEMO_PASSWORD }),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const me = await fetch(`${base}/auth/me`, { headers: { authorization: `Bearer ${accessToken}` } });
  return ((await me.json()) as { userId: string }).userId;
}

/** The `read_batch_size` histogram of a server's /metrics: statements and mean keys per statement, by kind. */
async function batchSizes(base: string): Promise<Array<{ kind: string; statements: number; mean: number }>> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const value = (name: string, kind: string) =>
    Number(new RegExp(`^nest_signout_read_batch_size_${name}\\{kind="${kind}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return ['session', 'user'].map((kind) => {
    const statements = value('count', kind);
    return { kind, statements, mean: statements ? Math.round((value('sum', kind) / statements) * 10) / 10 : 0 };
  });
}

export async function benchGuards(
  bench: GuardBench,
  databaseUrl: string,
  db: pg.Client,
  adapter: Adapter,
  key: KeyType,
): Promise<void> {
  for (const variant of VARIANTS) {
    const server = await startServer(databaseUrl, adapter, variant.mode, { env: { ...KEY_ENV[key], ...variant.env } });
    try {
      const userId = await userIdOf(server.base);
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO auth_sessions (user_id, expires_at)
         SELECT $1, now() + interval '1 day' FROM generate_series(1, $2) RETURNING id`,
        [userId, bench.connections],
      );
      const tokens = rows.map(({ id }) => sign(key, userId, id));
      for (const { scenario, path, connections, batchSizes: sizes } of variant.scenarios) {
        let next = 0;
        const result = await bench.load(`${key} ${scenario}`, {
          url: `${server.base}${path}`,
          ...(connections ? { connections } : {}),
          requests: [
            {
              // Each connection keeps one session's token.
              setupRequest: (request, context) => {
                const own = context as { token?: string };
                own.token ??= tokens[next++ % tokens.length];
                return { ...request, headers: { ...request.headers, authorization: `Bearer ${own.token}` } };
              },
            },
          ],
        });
        bench.record(adapter, key, scenario, result);
        if (sizes)
          for (const batch of await batchSizes(server.base)) bench.batches.push({ adapter, key, scenario, ...batch });
      }
    } finally {
      await server.stop();
    }
  }
}
