import { existsSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_APPLICATION_NAME } from '../src/app.module.js';
import { ADAPTERS, TEST_SECRET } from './support/constants.js';
import { spawnDemo, type DemoProcess } from './support/demo-process.js';
import { LISTENER_APPLICATION_NAME } from './support/internals.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { holdsWithin } from './support/within.js';

const SLOW_MS = 2000;
/**
 * From the in-flight request's answer to the process's exit: keep-alive connections (72 s on Fastify)
 * must not count.
 */
const EXIT_WITHIN_MS = 3000;
const APP_CONNECTIONS = [DEMO_APPLICATION_NAME, LISTENER_APPLICATION_NAME];

interface Answer {
  status: number;
  body: unknown;
  atMs: number;
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A GET over a keep-alive agent: its connection stays open after the answer, as a browser's or a proxy's would. */
function get(port: number, path: string, agent: http.Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode!, body: parsed(text), atMs: Date.now() }));
      })
      .on('error', reject);
  });
}

/** The backends of the demo on `database`, by application_name. */
async function appBackends(admin: pg.Client, database: string): Promise<string[]> {
  const { rows } = await admin.query<{ application_name: string }>(
    `SELECT application_name FROM pg_stat_activity WHERE datname = $1 AND application_name = ANY($2)
     ORDER BY application_name`,
    [database, APP_CONNECTIONS],
  );
  return [...new Set(rows.map((row) => row.application_name))];
}

const sleepingRequest = (admin: pg.Client, database: string) => async () =>
  (
    await admin.query(
      `SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND application_name = $2
       AND query LIKE '%pg_sleep%' AND state = 'active'`,
      [database, DEMO_APPLICATION_NAME],
    )
  ).rowCount === 1;

const portIsClosed = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

/**
 * Sends SIGTERM while `GET /bench/slow` is inside PostgreSQL, with another keep-alive connection idle,
 * and returns the slow request's answer and the exit. Both connections stay open on the client's side
 * until the server closes them.
 */
async function terminateDuringRequest(demo: DemoProcess, port: number, inFlight: () => Promise<boolean>) {
  const idle = new http.Agent({ keepAlive: true });
  const busy = new http.Agent({ keepAlive: true });
  try {
    expect((await get(port, '/health', idle)).status).toBe(200);
    const slow = get(port, `/bench/slow?ms=${SLOW_MS}`, busy);
    expect(await holdsWithin(5000, inFlight)).toBe(true);
    const signalledAtMs = Date.now();
    demo.child.kill('SIGTERM');
    const answer = await slow;
    const exit = await demo.exited;
    return { answer, exit, signalledAtMs };
  } finally {
    idle.destroy();
    busy.destroy();
  }
}

const order = (output: string, lines: string[]) => lines.map((line) => output.indexOf(line));

describe('SIGTERM with an embedded PostgreSQL (no DATABASE_URL)', () => {
  let demo: DemoProcess | undefined;
  afterEach(async () => demo?.dispose());

  it(
    'finishes the request in flight, closes everything, stops the embedded PostgreSQL and exits 0',
    { timeout: 120_000 },
    async () => {
      demo = spawnDemo({
        EMBEDDED_POSTGRES_DIR: 'postgres-data',
        PORT: '0',
        BENCH_ROUTES: 'true',
        AUDIT_LOG: 'false',
        AUTH_RATE_LIMIT_PER_MINUTE: '0',
      });
      const port = await demo.listening(90_000);
      const databasePort = Number((await demo.waitFor(/Embedded PostgreSQL listening on 127\.0\.0\.1:(\d+)/))[1]);
      const dataDir = join(demo.workDir, 'postgres-data');
      expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(true);

      const admin = new pg.Client(`postgres://postgres:postgres@127.0.0.1:${databasePort}/postgres`);
      // The embedded PostgreSQL ends this connection when it stops.
      admin.on('error', () => undefined);
      await admin.connect();
      let backendsBefore: string[];
      let result: Awaited<ReturnType<typeof terminateDuringRequest>>;
      try {
        backendsBefore = await appBackends(admin, 'nest_signout');
        result = await terminateDuringRequest(demo, port, sleepingRequest(admin, 'nest_signout'));
      } finally {
        await admin.end().catch(() => undefined);
      }
      const { answer, exit, signalledAtMs } = result;

      expect(backendsBefore).toEqual(APP_CONNECTIONS.toSorted());
      expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body: { slept: SLOW_MS } });
      expect(answer.atMs).toBeGreaterThan(signalledAtMs);
      expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
      expect(exit.atMs - answer.atMs).toBeLessThan(EXIT_WITHIN_MS);
      expect(await portIsClosed(databasePort)).toBe(true);
      expect(await portIsClosed(port)).toBe(true);
      expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);

      const output = demo.output();
      expect(output).toContain('WARN [Demo] JWT_SECRET is not set: using a random one for this run');
      const steps = order(output, [
        'SIGTERM received: finishing requests in flight, then closing',
        'Closed the HTTP server, the revocation listener and the database pool',
        'Embedded PostgreSQL stopped',
      ]);
      expect(steps.every((at) => at >= 0)).toBe(true);
      expect(steps).toEqual(steps.toSorted((a, b) => a - b));
      expect(output).not.toMatch(/still holds the process|Shutdown failed|still in flight/);
    },
  );
});

describe.each(ADAPTERS)('SIGTERM over %s with DATABASE_URL, NODE_ENV=production', (adapter) => {
  let db: TestDatabase | undefined;
  let demo: DemoProcess | undefined;
  let admin: pg.Client | undefined;
  afterEach(async () => {
    await demo?.dispose();
    await admin?.end();
    await db?.drop();
  });

  it(
    'finishes the request in flight, exits 0, and leaves no backend of the app or of the revocation listener',
    { timeout: 60_000 },
    async () => {
      db = await createTestDatabase();
      const database = new URL(db.url).pathname.slice(1);
      admin = new pg.Client(db.url);
      await admin.connect();
      demo = spawnDemo({
        NODE_ENV: 'production',
        JWT_SECRET: TEST_SECRET,
        DATABASE_URL: db.url,
        HTTP_ADAPTER: adapter,
        PORT: '0',
        BENCH_ROUTES: 'true',
        AUDIT_LOG: 'false',
        AUTH_RATE_LIMIT_PER_MINUTE: '0',
      });
      const port = await demo.listening();
      expect(await appBackends(admin, database)).toEqual(APP_CONNECTIONS.toSorted());

      const { answer, exit, signalledAtMs } = await terminateDuringRequest(
        demo,
        port,
        sleepingRequest(admin, database),
      );

      expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body: { slept: SLOW_MS } });
      expect(answer.atMs).toBeGreaterThan(signalledAtMs);
      expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
      expect(exit.atMs - answer.atMs).toBeLessThan(EXIT_WITHIN_MS);
      expect(await holdsWithin(1000, async () => (await appBackends(admin!, database)).length === 0)).toBe(true);
      expect(demo.output()).not.toMatch(
        /JWT_SECRET|still holds the process|Shutdown failed|still in flight|Embedded PostgreSQL/,
      );
      expect(demo.output()).toContain(`Listening on http://localhost:${port} (${adapter})`);
    },
  );
});
