import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { freePort } from './free-port.js';

/** A PgBouncer of one test's own in front of the test database's server. */
export interface PgBouncer {
  /** `databaseUrl` with PgBouncer's host and port: every connection through it shares its few server connections. */
  url: string;
  /** A statement on the admin console (`RECONNECT`, `SHOW POOLS`): its rows. */
  admin(command: string): Promise<Record<string, unknown>[]>;
  stop(): Promise<void>;
}

export type PoolMode = 'transaction' | 'session';

/** Whether `pgbouncer` is installed (`.ci/run` installs Debian's). */
export function pgbouncerInstalled(): boolean {
  try {
    execFileSync('pgbouncer', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts PgBouncer (Debian's 1.18 in CI) in `poolMode` between the app and the server of `databaseUrl`, on a free
 * port, with its ini, pidfile and log in a temporary directory, and waits until its admin console answers. It refuses
 * to run as root, so as root it runs as the `postgres` user. The pool is small (5 server connections per database),
 * as poolers are sized in production: many clients share few server connections.
 */
export async function startPgBouncer(databaseUrl: string, poolMode: PoolMode = 'transaction'): Promise<PgBouncer> {
  const target = new URL(databaseUrl);
  const dir = mkdtempSync(join(tmpdir(), 'nest-signout-pgbouncer-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(dir, idOf('-u'), idOf('-g'));
  const port = await freePort();
  const server = [
    `host=${target.hostname}`,
    `port=${target.port || 5432}`,
    `user=${decodeURIComponent(target.username || 'postgres')}`,
    ...(target.password ? [`password=${decodeURIComponent(target.password)}`] : []),
  ].join(' ');
  const ini = join(dir, 'pgbouncer.ini');
  writeFileSync(
    ini,
    [
      '[databases]',
      `* = ${server}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      // The server's login is in [databases]; clients are not checked (the test server trusts them too).
      'auth_type = any',
      `pool_mode = ${poolMode}`,
      'default_pool_size = 5',
      'max_client_conn = 1000',
      // node-postgres sends these when asked to; PgBouncer refuses a start-up parameter it does not know.
      'ignore_startup_parameters = extra_float_digits,options,statement_timeout,idle_in_transaction_session_timeout',
      `pidfile = ${join(dir, 'pgbouncer.pid')}`,
      `logfile = ${join(dir, 'pgbouncer.log')}`,
      '',
    ].join('\n'),
  );
  if (asRoot) chownSync(ini, idOf('-u'), idOf('-g'));
  const child = asRoot
    ? spawn('runuser', ['-u', 'postgres', '--', 'pgbouncer', ini], { stdio: ['ignore', 'ignore', 'pipe'] })
    : spawn('pgbouncer', [ini], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  const adminUrl = new URL(url);
  adminUrl.pathname = '/pgbouncer';
  const admin = async (command: string) => {
    const client = new pg.Client({ connectionString: adminUrl.toString() });
    client.on('error', () => undefined);
    await client.connect();
    try {
      // The admin console speaks only the simple query protocol: no parameters.
      return (await client.query(command)).rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  };
  const stop = async () => {
    await terminate(child, dir, exited);
    rmSync(dir, { recursive: true, force: true });
  };

  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const log = readLog(dir);
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`pgbouncer exited at start: ${stderr}${log}`);
    }
    try {
      await admin('SHOW VERSION');
      break;
    } catch (error) {
      if (attempt >= 100) {
        const log = readLog(dir);
        await stop();
        throw new Error(`pgbouncer did not answer on port ${port}\n${stderr}${log}`, { cause: error });
      }
      await sleep(50);
    }
  }
  return { url: url.toString(), admin, stop };
}

/** SIGTERM to PgBouncer itself (runuser may not pass it on), then to its launcher. */
async function terminate(child: ChildProcess, dir: string, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(Number(readFileSync(join(dir, 'pgbouncer.pid'), 'utf8').trim()), 'SIGTERM');
  } catch {
    // No pidfile yet: the launcher's signal below ends it.
  }
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(5000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

function readLog(dir: string): string {
  try {
    return readFileSync(join(dir, 'pgbouncer.log'), 'utf8');
  } catch {
    return '';
  }
}

function idOf(flag: '-u' | '-g'): number {
  return Number(execFileSync('id', [flag, 'postgres']).toString().trim());
}
