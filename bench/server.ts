import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/demo/embedded-database.js';

/** What `npm run bench` and `npm run soak` share: a database of their own and demo server processes. */
export type Adapter = 'fastify' | 'express';
export type Mode = 'cached' | 'strict';
export const SECRET = randomBytes(32).toString('base64url');
export const DEMO_EMAIL = 'bench@example.com';
export const DEMO_PASSWORD = 'bench-password';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The benchmark's own database on DATABASE_URL's server (else, or when `embedded`, on an embedded one started with
 * `postgresFlags`), dropped at the end.
 */
export async function openBenchDatabase(
  options: { embedded?: boolean; postgresFlags?: string[] } = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const embedded =
    process.env.DATABASE_URL && !options.embedded
      ? null
      : await startEmbeddedPostgres('.data/bench-postgres', {
          persistent: false,
          postgresFlags: options.postgresFlags,
        });
  const adminUrl = embedded?.adminUrl ?? process.env.DATABASE_URL!;
  const name = `nest_signout_bench_${process.pid}`;
  const admin = new pg.Client(adminUrl);
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    close: async () => {
      const dropper = new pg.Client(adminUrl);
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
      await embedded?.stop();
    },
  };
}

export interface Server {
  base: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** One demo server process: the same `dist/src/main.js` that `npm start` runs. */
export async function startServer(
  databaseUrl: string,
  adapter: Adapter,
  mode: Mode,
  options: { memoryProbe?: boolean; env?: Record<string, string> } = {},
): Promise<Server> {
  const port = await freePort();
  const probe = options.memoryProbe ? ['--expose-gc', '--import', './dist/bench/memory-probe.js'] : [];
  const child = spawn(process.execPath, [...probe, 'dist/src/main.js'], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HTTP_ADAPTER: adapter,
      AUTH_REVOCATION: mode,
      BENCH_ROUTES: 'true',
      AUDIT_LOG: 'false',
      AUTH_CLEANUP_INTERVAL_SECONDS: '0',
      AUTH_RATE_LIMIT_PER_MINUTE: '0',
      JWT_SECRET: SECRET,
      DEMO_USER_EMAIL: DEMO_EMAIL,
      DEMO_USER_PASSWORD: DEMO_PASSWORD,
      // The module's default; the rows that read batch sizes turn them on.
      METRICS: 'false',
      // API clients with bearer tokens, as the module's default.
      AUTH_COOKIE: 'false',
      ...options.env,
    },
    stdio: options.memoryProbe ? ['ignore', 'ignore', 'pipe', 'ipc'] : ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`the demo server exited: ${stderr}`);
    if ((await fetch(`${base}/ping`).catch(() => null))?.ok) break;
    await sleep(100);
  }
  return {
    base,
    process: child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
