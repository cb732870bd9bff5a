import type { INestApplication, LoggerService } from '@nestjs/common';
import pg from 'pg';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MIGRATION_LOCK_KEY } from '../src/auth/index.js';
import { demoMigrations } from '../src/demo/demo-migrations.js';
import { login } from './support/session-client.js';
import { ADAPTERS, createTestApp } from './support/test-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

/**
 * Instances of the demo starting at the same moment on a database nobody has migrated yet, as a rolling
 * deploy or a scale-out does: each migrates through the demo's own start-up path.
 */
const ROUNDS = Array.from({ length: 10 }, (_, index) => index + 1);
const WAITING = /Waiting for the migration lock/;

/** Every line any of the apps logs (Nest's logger is one per process: the apps of a test share it). */
class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  private keep(level: string, message: unknown, params: unknown[]) {
    this.lines.push([level, message, ...params].map((part) => String(part)).join(' '));
  }
  log = (message: unknown, ...params: unknown[]) => this.keep('log', message, params);
  error = (message: unknown, ...params: unknown[]) => this.keep('error', message, params);
  warn = (message: unknown, ...params: unknown[]) => this.keep('warn', message, params);
  debug = (message: unknown, ...params: unknown[]) => this.keep('debug', message, params);
  verbose = (message: unknown, ...params: unknown[]) => this.keep('verbose', message, params);
  fatal = (message: unknown, ...params: unknown[]) => this.keep('fatal', message, params);
}

/** What a failed migration or a retried start leaves in the log. */
const failures = (logger: CapturingLogger) =>
  logger.lines.filter((line) => /migration.*failed|failed.*migration|Unable to connect|Retrying/i.test(line));

async function serves(app: INestApplication): Promise<void> {
  const session = await login(app);
  const logout = await request(app.getHttpServer()).post('/auth/logout').set('Authorization', session.bearer);
  expect({ status: logout.status, body: logout.body }).toEqual({
    status: 200,
    body: { message: 'Logged out successfully' },
  });
}

const migrationRows = (db: TestDatabase) =>
  db.query<{ name: string; runs: number }>(
    'SELECT name, count(*)::int AS runs FROM migrations GROUP BY name ORDER BY name COLLATE "C"',
  );
const everyMigrationOnce = () =>
  demoMigrations
    .map((migration) => ({ name: migration.name, runs: 1 }))
    // Code-unit order, as PostgreSQL's "C" collation sorts.
    .toSorted((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
const advisoryLocks = (db: TestDatabase) =>
  db.query(
    `SELECT pid FROM pg_locks
     WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );

describe.each(ADAPTERS)('parallel start on a fresh database (%s)', (adapter) => {
  let db: TestDatabase | undefined;
  let apps: INestApplication[] = [];
  let holder: pg.Client | undefined;

  afterEach(async () => {
    await holder?.end();
    holder = undefined;
    await Promise.all(apps.map((app) => app.close()));
    apps = [];
    await db?.drop();
    db = undefined;
  });

  it.each(ROUNDS)(
    'round %i: two instances started at once both come up without a failed migration, each migration runs once',
    async () => {
      db = await createTestDatabase({ empty: true });
      const logger = new CapturingLogger();
      apps = await Promise.all([
        createTestApp(db.url, adapter, {}, logger),
        createTestApp(db.url, adapter, {}, logger),
      ]);

      expect(failures(logger)).toEqual([]);
      for (const app of apps) await serves(app);
      expect(await migrationRows(db)).toEqual(everyMigrationOnce());
    },
    60_000,
  );

  it('releases the lock once migrated: a third start afterwards does not wait', async () => {
    db = await createTestDatabase({ empty: true });
    const logger = new CapturingLogger();
    apps = await Promise.all([createTestApp(db.url, adapter, {}, logger), createTestApp(db.url, adapter, {}, logger)]);
    expect(await advisoryLocks(db)).toEqual([]);

    const third = new CapturingLogger();
    apps.push(await createTestApp(db.url, adapter, {}, third));
    expect(third.lines.filter((line) => WAITING.test(line))).toEqual([]);
    expect(failures(third)).toEqual([]);
    await serves(apps[2]);
    expect(await advisoryLocks(db)).toEqual([]);
    expect(await migrationRows(db)).toEqual(everyMigrationOnce());
  });

  it('waits while another session holds the lock, then migrates and serves once it is released', async () => {
    db = await createTestDatabase({ empty: true });
    holder = new pg.Client(db.url);
    await holder.connect();
    await holder.query('SELECT pg_advisory_lock($1::bigint)', [DEFAULT_MIGRATION_LOCK_KEY.toString()]);

    const logger = new CapturingLogger();
    let ready = false;
    const starting = createTestApp(db.url, adapter, { dbTimeoutMs: 1000 }, logger).then((app) => {
      ready = true;
      apps.push(app);
      return app;
    });
    // Longer than its statement timeout (dbTimeoutMs): a single blocking wait for the lock would have failed.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(ready).toBe(false);
    expect(logger.lines.filter((line) => WAITING.test(line))).toHaveLength(1);
    expect(await db.query(`SELECT to_regclass('public.migrations') AS migrations`)).toEqual([{ migrations: null }]);

    await holder.query('SELECT pg_advisory_unlock($1::bigint)', [DEFAULT_MIGRATION_LOCK_KEY.toString()]);
    const app = await starting;
    expect(failures(logger)).toEqual([]);
    await serves(app);
    expect(await migrationRows(db)).toEqual(everyMigrationOnce());
  });
});
