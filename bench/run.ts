/**
 * `npm run bench`: the demo app on real PostgreSQL (DATABASE_URL's server, else an embedded one), driven
 * by autocannon at fixed concurrency and duration, every scenario side by side in one run.
 *
 *   npm run bench                 full run (10 s per scenario)
 *   npm run bench -- --smoke      a few seconds in all, only to prove it works (CI)
 *   npm run bench -- --scale      also 1,000,000 sessions against 1,000, and logout/all of 10,000 sessions
 *   npm run bench -- --scale-only only that
 *   npm run bench -- --guards     only the guard's variants (bench/guards.ts), written to bench/results.guards.json
 *   npm run bench -- --listeners  only the NOTIFY fan-out: 0, 10, 50, 200 listening connections (bench/listeners.ts);
 *                                 with --smoke, 0, 2 and 5 for a second each (the plain --smoke runs that too);
 *                                 with --embedded, on an embedded PostgreSQL allowing 300 connections
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import autocannon from 'autocannon';
import jwt from 'jsonwebtoken';
import pg from 'pg';
import { benchGuards, type GuardBench, type KeyType } from './guards.js';
import { listenersTable, runListenersBench, type ListenersResult } from './listeners.js';
import {
  DEMO_EMAIL,
  DEMO_PASSWORD,
  SECRET,
  openBenchDatabase,
  startServer,
  type Adapter,
  type Server,
} from './server.js';

const args = new Set(process.argv.slice(2));
const SMOKE = args.has('--smoke');
const SCALE_ONLY = args.has('--scale-only');
const SCALE = SCALE_ONLY || args.has('--scale');
const LISTENERS_ONLY = args.has('--listeners');
const GUARDS_ONLY = args.has('--guards');
const EMBEDDED = args.has('--embedded');
const DURATION = SMOKE ? 1 : 10;
const WARMUP = SMOKE ? 0 : 2;
const CONNECTIONS = 32;
const PROPAGATION_SAMPLES = SMOKE ? 20 : 300;
const ISSUER = 'nest-signout';
const AUDIENCE = 'nest-signout-api';

interface Row {
  adapter: Adapter;
  /** How the access tokens are signed. */
  key: KeyType;
  scenario: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

const rows: Row[] = [];
const log = (message: string) => process.stderr.write(`${message}\n`);

async function login(base: string): Promise<{ accessToken: string; userId: string }> {
  const response = await fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: DEMO_EMAIL, password: DEMO_PASSWORD }),
  });
  const { accessToken } = (await response.json()) as { accessToken: string };
  const me = (await (
    await fetch(`${base}/auth/me`, { headers: { authorization: `Bearer ${accessToken}` } })
  ).json()) as { userId: string };
  return { accessToken, userId: me.userId };
}

/** Sessions inserted in one statement, with access tokens signed as the module signs them. */
async function seedSessions(db: pg.Client, userId: string, count: number): Promise<string[]> {
  const { rows: ids } = await db.query<{ id: string }>(
    `INSERT INTO auth_sessions (user_id, expires_at)
     SELECT $1, now() + interval '1 day' FROM generate_series(1, $2) RETURNING id`,
    [userId, count],
  );
  return ids.map(({ id }) => sign(userId, id));
}

function sign(userId: string, sessionId: string): string {
  return jwt.sign({ sub: userId, sid: sessionId, jti: randomUUID() }, SECRET, {
    algorithm: 'HS256',
    // The demo's accessTokenTtlSeconds (the default): the guard refuses a token claiming a longer lifetime.
    expiresIn: 900,
    issuer: ISSUER,
    audience: AUDIENCE,
    header: { alg: 'HS256', typ: 'at+jwt' },
  });
}

async function load(name: string, options: autocannon.Options): Promise<autocannon.Result> {
  if (WARMUP > 0 && !options.amount) await autocannon({ ...options, duration: WARMUP });
  const result = await autocannon({ connections: CONNECTIONS, duration: DURATION, ...options });
  log(
    `  ${name}: ${Math.round(perSecond(result))} req/s, p99 ${result.latency.p99} ms, ` +
      `non-2xx ${result.non2xx}, errors ${result.errors}`,
  );
  return result;
}

/** Requests per second over the whole run (also right for runs of a fixed number of requests). */
const perSecond = (result: autocannon.Result) => result.requests.total / result.duration;

function record(adapter: Adapter, scenario: string, result: autocannon.Result, key: KeyType = 'HS256'): void {
  rows.push({
    adapter,
    key,
    scenario,
    requestsPerSecond: Math.round(perSecond(result)),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors + result.timeouts,
  });
}

/** A GET with a keep-alive agent: the cheapest way to ask one instance one question. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
function status(url: string, token: string, method = 'GET'): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, agent, headers: { authorization: `Bearer ${token}` } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', reject);
    request.end();
  });
}

const percentile = (values: number[], p: number) => {
  const sorted = values.toSorted((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

async function benchAdapter(databaseUrl: string, db: pg.Client, adapter: Adapter): Promise<void> {
  for (const mode of ['cached', 'strict'] as const) {
    log(`${adapter}, revocation ${mode}`);
    const server = await startServer(databaseUrl, adapter, mode);
    try {
      const { userId } = await login(server.base);
      if (mode === 'cached')
        record(adapter, 'GET /ping (no guard)', await load('ping', { url: `${server.base}/ping` }));
      const amount = SMOKE ? 500 : 20_000;
      const tokens = await seedSessions(db, userId, amount);
      let next = 0;
      record(
        adapter,
        `POST /auth/logout, ${mode}`,
        await load(`logout ${mode}`, {
          url: `${server.base}/auth/logout`,
          method: 'POST',
          amount,
          requests: [
            {
              setupRequest: (request) => ({
                ...request,
                headers: { ...request.headers, authorization: `Bearer ${tokens[next++ % tokens.length]}` },
              }),
            },
          ],
        }),
      );
      if (mode === 'cached') {
        record(
          adapter,
          'login + logout cycle (argon2)',
          await load('login+logout', {
            url: server.base,
            requests: [
              {
                method: 'POST',
                path: '/auth/login',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ email: DEMO_EMAIL, password: DEMO_PASSWORD }),
                onResponse: (_status, body, context) => {
                  (context as { token?: string }).token = (JSON.parse(body) as { accessToken: string }).accessToken;
                },
              },
              {
                method: 'POST',
                path: '/auth/logout',
                setupRequest: (request, context) => ({
                  ...request,
                  headers: { ...request.headers, authorization: `Bearer ${(context as { token?: string }).token}` },
                }),
              },
            ],
          }),
        );
      }
    } finally {
      await server.stop();
    }
  }
}

/**
 * `count` requests from 8 concurrent clients; the i-th is `request(i)`. Latencies in ms, two decimals; every answer
 * must be 200.
 */
async function timedRequests(
  count: number,
  request: (i: number) => [string, string, string],
): Promise<{ p50: number; p99: number }> {
  const latencies: number[] = [];
  let next = 0;
  const client = async () => {
    while (next < count) {
      const [url, token, method] = request(next++);
      const start = performance.now();
      const code = await status(url, token, method);
      latencies.push(performance.now() - start);
      if (code !== 200) throw new Error(`${method} ${url} answered ${code}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, client));
  return { p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)) };
}

/** Logout on A, then ask B until it refuses: how long a revocation takes to reach another instance. */
async function benchPropagation(
  databaseUrl: string,
  db: pg.Client,
): Promise<{ p50: number; p99: number; max: number; samples: number }> {
  log('propagation A -> B (fastify, cached)');
  const a = await startServer(databaseUrl, 'fastify', 'cached');
  const b = await startServer(databaseUrl, 'fastify', 'cached');
  try {
    const { userId } = await login(a.base);
    const tokens = await seedSessions(db, userId, PROPAGATION_SAMPLES);
    const delays: number[] = [];
    for (const token of tokens) {
      if ((await status(`${b.base}/auth/me`, token)) !== 200) throw new Error('B refused a live session');
      if ((await status(`${a.base}/auth/logout`, token, 'POST')) !== 200) throw new Error('A did not log out');
      const start = performance.now();
      while ((await status(`${b.base}/auth/me`, token)) === 200) {
        if (performance.now() - start > 5000) throw new Error('B still accepts a revoked session after 5 s');
      }
      delays.push(performance.now() - start);
    }
    const result = {
      p50: round(percentile(delays, 50)),
      p99: round(percentile(delays, 99)),
      max: round(Math.max(...delays)),
      samples: delays.length,
    };
    log(`  propagation: p50 ${result.p50} ms, p99 ${result.p99} ms, max ${result.max} ms over ${result.samples}`);
    return result;
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
}

const round = (value: number) => Math.round(value * 100) / 100;

/**
 * Opens `GET /auth/sessions/events` with `token` on `base`; resolves once its headers are in, with when its first
 * event arrived (performance.now()), as a promise.
 */
function openSessionEvents(base: string, token: string): Promise<{ firstEvent: Promise<number>; close(): void }> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      `${base}/auth/sessions/events`,
      { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } },
      (response) => {
        if (response.statusCode !== 200) return reject(new Error(`the event stream answered ${response.statusCode}`));
        const firstEvent = new Promise<number>((arrived, failed) => {
          response.on('data', (chunk: Buffer) => {
            if (chunk.includes('data: ')) arrived(performance.now());
          });
          response.on('close', () => failed(new Error('the event stream ended without an event')));
        });
        firstEvent.catch(() => undefined);
        resolve({ firstEvent, close: () => request.destroy() });
      },
    );
    request.on('error', reject);
  });
}

interface StreamDelay {
  /** From the logout's request on A to the event on B's stream. */
  fromRequestP50: number;
  fromRequestP99: number;
  /** From the logout's answer on A to the event on B (0 when the event came first). */
  afterAnswerP50: number;
  afterAnswerP99: number;
  max: number;
  samples: number;
}

/**
 * A stream of B's (`GET /auth/sessions/events`) open for the session, the session logged out on A: how long until B's
 * subscriber has the event. One session at a time, each with its own stream.
 */
async function benchStreamDelay(databaseUrl: string, db: pg.Client): Promise<StreamDelay> {
  log('revocation stream A -> B (fastify, cached)');
  const a = await startServer(databaseUrl, 'fastify', 'cached');
  const b = await startServer(databaseUrl, 'fastify', 'cached');
  try {
    const { userId } = await login(a.base);
    const tokens = await seedSessions(db, userId, PROPAGATION_SAMPLES);
    const fromRequest: number[] = [];
    const afterAnswer: number[] = [];
    for (const token of tokens) {
      const stream = await openSessionEvents(b.base, token);
      try {
        const start = performance.now();
        if ((await status(`${a.base}/auth/logout`, token, 'POST')) !== 200) throw new Error('A did not log out');
        const answered = performance.now();
        let timer: NodeJS.Timeout | undefined;
        const arrived = await Promise.race([
          stream.firstEvent,
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error('no event on B within 5 s of a logout on A')), 5000);
          }),
        ]).finally(() => clearTimeout(timer));
        fromRequest.push(arrived - start);
        afterAnswer.push(Math.max(0, arrived - answered));
      } finally {
        stream.close();
      }
    }
    const result = {
      fromRequestP50: round(percentile(fromRequest, 50)),
      fromRequestP99: round(percentile(fromRequest, 99)),
      afterAnswerP50: round(percentile(afterAnswer, 50)),
      afterAnswerP99: round(percentile(afterAnswer, 99)),
      max: round(Math.max(...fromRequest)),
      samples: fromRequest.length,
    };
    log(`  stream: ${JSON.stringify(result)}`);
    return result;
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
}

/**
 * Guard (strict) and logout p99 with 1,000 sessions, then with 1,000,000; logout/all of a 10,000-session user; query
 * plans.
 */
async function benchScale(databaseUrl: string, db: pg.Client) {
  log('scale (fastify, strict)');
  const server = await startServer(databaseUrl, 'fastify', 'strict');
  // Latency at a steady, moderate load (8 clients in a loop), timed here to the microsecond: under
  // saturation p99 is queueing, and autocannon rounds to whole milliseconds.
  const measure = async (label: string) => {
    const { accessToken, userId } = await login(server.base);
    await timedRequests(SMOKE ? 200 : 2000, () => [`${server.base}/auth/me`, accessToken, 'GET']);
    const guard = await timedRequests(SMOKE ? 1000 : 20_000, () => [`${server.base}/auth/me`, accessToken, 'GET']);
    const warmup = await seedSessions(db, userId, SMOKE ? 100 : 1000);
    await timedRequests(warmup.length, (i) => [`${server.base}/auth/logout`, warmup[i], 'POST']);
    const tokens = await seedSessions(db, userId, SMOKE ? 500 : 5000);
    const logout = await timedRequests(tokens.length, (i) => [`${server.base}/auth/logout`, tokens[i], 'POST']);
    const summary = {
      sessions: label,
      guardP50: guard.p50,
      guardP99: guard.p99,
      logoutP50: logout.p50,
      logoutP99: logout.p99,
    };
    log(`  ${label}: ${JSON.stringify(summary)}`);
    return summary;
  };
  try {
    await db.query('TRUNCATE auth_sessions CASCADE');
    await db.query(
      `INSERT INTO auth_sessions (user_id, expires_at)
       SELECT 'seed-' || (i % 100000), now() + interval '1 day' FROM generate_series(1, 1000) i`,
    );
    await db.query('ANALYZE auth_sessions');
    const small = await measure('1,000 sessions');
    log('  seeding 1,000,000 sessions');
    await db.query(`INSERT INTO auth_sessions (user_id, expires_at, revoked_at, revoke_reason)
      SELECT 'seed-' || (i % 100000), now() + interval '1 day',
             CASE WHEN i % 3 = 0 THEN now() END, CASE WHEN i % 3 = 0 THEN 'logout' END
      FROM generate_series(1, 1000000) i`);
    await db.query('ANALYZE auth_sessions');
    const large = await measure('1,000,000 sessions');
    const timings: number[] = [];
    for (let i = 0; i < (SMOKE ? 1 : 5); i++) {
      const { accessToken, userId } = await login(server.base);
      await seedSessions(db, userId, 10_000 - 1);
      const start = performance.now();
      const code = await status(`${server.base}/auth/logout/all`, accessToken, 'POST');
      timings.push(performance.now() - start);
      log(`  logout/all of 10,000 sessions: ${round(performance.now() - start)} ms`);
      if (code !== 200) throw new Error(`logout/all answered ${code}`);
    }
    const plans = await explainHotStatements(db);
    return {
      small,
      large,
      logoutAll10k: { medianMs: round(percentile(timings, 50)), maxMs: round(Math.max(...timings)) },
      plans,
    };
  } finally {
    await server.stop();
  }
}

async function explainHotStatements(db: pg.Client): Promise<Record<string, string>> {
  const {
    rows: [one],
  } = await db.query<{ id: string; user_id: string }>('SELECT id, user_id FROM auth_sessions LIMIT 1');
  const statements: Record<string, [string, unknown[]]> = {
    'guard: session by id': [
      'SELECT s.user_id FROM auth_sessions s LEFT JOIN auth_devices d ON d.id = s.device_id WHERE s.id = $1',
      [one.id],
    ],
    'logout: revoke by id': [
      `UPDATE auth_sessions SET revoked_at = now(), revoke_reason = 'x' WHERE id = $1 AND revoked_at IS NULL`,
      [one.id],
    ],
    'logout/all: revoke by user': [
      `UPDATE auth_sessions SET revoked_at = now(), revoke_reason = 'x' WHERE user_id = $1 AND revoked_at IS NULL`,
      [one.user_id],
    ],
    'session list': [
      'SELECT id FROM auth_sessions WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()',
      [one.user_id],
    ],
  };
  const plans: Record<string, string> = {};
  for (const [name, [text, params]] of Object.entries(statements)) {
    await db.query('BEGIN');
    const { rows: plan } = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, params);
    await db.query('ROLLBACK');
    plans[name] =
      plan.map((line) => line['QUERY PLAN'].trim()).find((line) => /Scan/.test(line)) ?? plan[0]['QUERY PLAN'];
  }
  return plans;
}

/** Throughput of a row over its adapter's baseline scenario (with the same key type when it has one). */
function ratio(row: Row, base: string, sameKey: boolean): string {
  const baseline = rows.find(
    (r) => r.adapter === row.adapter && r.scenario === base && (!sameKey || r.key === row.key),
  );
  return baseline ? (row.requestsPerSecond / baseline.requestsPerSecond).toFixed(2) : '';
}

function table(): string {
  const lines = [
    '| adapter | key | scenario | req/s | p50 ms | p99 ms | errors | / stateless | / ping |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.adapter} | ${row.key} | ${row.scenario} | ${row.requestsPerSecond} | ${row.p50} | ${row.p99} ` +
        `| ${row.errors} | ${ratio(row, 'stateless passport-jwt guard', true)} ` +
        `| ${ratio(row, 'GET /ping (no guard)', false)} |`,
    );
  }
  return lines.join('\n');
}

/** The batch sizes the batched rows saw. */
function batchTable(): string {
  const lines = [
    '| adapter | key | scenario | reads of | statements | keys per statement |',
    '|---|---|---|---|---:|---:|',
  ];
  for (const b of guardBench.batches)
    lines.push(`| ${b.adapter} | ${b.key} | ${b.scenario} | ${b.kind} | ${b.statements} | ${b.mean} |`);
  return lines.join('\n');
}

const guardBench: GuardBench = {
  connections: CONNECTIONS,
  load,
  record: (adapter, key, scenario, result) => record(adapter, scenario, result, key),
  batches: [],
  log,
};

/** The guard's variants: Fastify with HS256 and RS256 keys, Express with HS256. */
async function benchAllGuards(databaseUrl: string, db: pg.Client): Promise<void> {
  for (const [adapter, key] of [
    ['fastify', 'HS256'],
    ['fastify', 'RS256'],
    ['express', 'HS256'],
  ] as const) {
    log(`${adapter}, ${key}: guards`);
    await benchGuards(guardBench, databaseUrl, db, adapter, key);
  }
}

/** The NOTIFY fan-out on a database of its own, its table printed; the full run also writes its results file. */
async function benchListeners(): Promise<ListenersResult> {
  log(`listeners (${SMOKE ? 'smoke' : 'full'})`);
  // A server of the bench's own can allow 200 listeners; the machine's keeps its max_connections.
  const database = await openBenchDatabase({ embedded: EMBEDDED, postgresFlags: ['-c', 'max_connections=300'] });
  try {
    const result = await runListenersBench(
      {
        databaseUrl: database.url,
        counts: SMOKE ? [0, 2, 5] : [0, 10, 50, 200],
        seconds: SMOKE ? 1 : 5,
        concurrency: 8,
        // Other work shares the server: never take its last connections.
        headroom: 20,
      },
      log,
    );
    process.stdout.write(
      `\nNOTIFY fan-out (PostgreSQL ${result.postgres}, max_connections ${result.maxConnections}, ` +
        `8 revokes in flight):\n${listenersTable(result)}\n`,
    );
    if (!SMOKE) {
      const machine = { cpus: `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'unknown'}`, node: process.version };
      writeFileSync(
        EMBEDDED ? 'bench/results.listeners-embedded.json' : 'bench/results.listeners.json',
        `${JSON.stringify({ date: new Date().toISOString(), machine, ...result }, null, 2)}\n`,
      );
    }
    if (result.rows.some((row) => row.lost > 0)) throw new Error('some listener missed a notification');
    return result;
  } finally {
    await database.close();
  }
}

async function main(): Promise<void> {
  if (LISTENERS_ONLY) {
    await benchListeners();
    return;
  }
  const database = await openBenchDatabase();
  let migrated: Server | null = null;
  const db = new pg.Client(database.url);
  try {
    // The first start migrates the database; later ones find it ready.
    migrated = await startServer(database.url, 'fastify', 'cached');
    await migrated.stop();
    await db.connect();
    const {
      rows: [{ server_version: postgres }],
    } = await db.query<{ server_version: string }>('SHOW server_version');
    if (GUARDS_ONLY) {
      await benchAllGuards(database.url, db);
      const date = new Date().toISOString();
      writeFileSync(
        'bench/results.guards.json',
        `${JSON.stringify({ date, rows, batches: guardBench.batches }, null, 2)}\n`,
      );
      process.stdout.write(`\n${table()}\n\nBatched reads:\n${batchTable()}\n`);
      return;
    }
    if (!SCALE_ONLY)
      for (const adapter of ['fastify', 'express'] as const) await benchAdapter(database.url, db, adapter);
    if (!SCALE_ONLY) await benchAllGuards(database.url, db);
    const propagation = SCALE_ONLY ? null : await benchPropagation(database.url, db);
    const streamDelay = SCALE_ONLY ? null : await benchStreamDelay(database.url, db);
    const scale = SCALE ? await benchScale(database.url, db) : null;
    const machine = {
      cpus: `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'unknown'}`,
      memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
      node: process.version,
      postgres,
      platform: `${os.platform()} ${os.release()}`,
    };
    const results = {
      date: new Date().toISOString(),
      smoke: SMOKE,
      connections: CONNECTIONS,
      durationSeconds: DURATION,
      machine,
      rows,
      batches: guardBench.batches,
      propagation,
      streamDelay,
      scale,
    };
    mkdirSync('bench', { recursive: true });
    if (!SCALE_ONLY)
      writeFileSync(SMOKE ? 'bench/results.smoke.json' : 'bench/results.json', `${JSON.stringify(results, null, 2)}\n`);
    if (propagation) {
      process.stdout.write(
        `\n${table()}\n\nBatched reads:\n${batchTable()}\n\n` +
          `Revocation propagation to another instance: p50 ${propagation.p50} ms, ` +
          `p99 ${propagation.p99} ms, max ${propagation.max} ms (${propagation.samples} logouts)\n`,
      );
    }
    if (streamDelay) {
      process.stdout.write(
        `Revocation stream, logout on A to the event on B's subscriber: p50 ${streamDelay.fromRequestP50} ms, ` +
          `p99 ${streamDelay.fromRequestP99} ms from the logout's request; p50 ${streamDelay.afterAnswerP50} ms, ` +
          `p99 ${streamDelay.afterAnswerP99} ms after its answer; max ${streamDelay.max} ms ` +
          `(${streamDelay.samples} logouts)\n`,
      );
    }
    if (scale) {
      const p99Ratio = (key: 'guardP99' | 'logoutP99') => (scale.large[key] / scale.small[key]).toFixed(2);
      process.stdout.write(
        `\nScale (fastify, strict, 8 clients): ${JSON.stringify(scale.small)}\n` +
          `                                    ${JSON.stringify(scale.large)}\n` +
          `p99 at 1,000,000 / at 1,000 sessions: guard ${p99Ratio('guardP99')}, logout ${p99Ratio('logoutP99')}\n` +
          `logout/all of 10,000 sessions: median ${scale.logoutAll10k.medianMs} ms, ` +
          `max ${scale.logoutAll10k.maxMs} ms\n` +
          `Plans: ${JSON.stringify(scale.plans, null, 2)}\n`,
      );
    }
    process.stdout.write(`\nMachine: ${JSON.stringify(machine)}\n`);
    if (rows.some((row) => row.errors > 0)) throw new Error('some requests failed: see the errors column');
  } finally {
    await db.end().catch(() => undefined);
    await database.close();
  }
  if (SMOKE) await benchListeners();
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
