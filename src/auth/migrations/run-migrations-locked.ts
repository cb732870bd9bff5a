import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import type pg from 'pg';
import { MigrationExecutor, type DataSource, type Migration } from 'typeorm';

/** What the default lock key is derived from. */
export const MIGRATION_LOCK_NAME = 'nest-signout:migrations';

/**
 * The default advisory lock key: the first 8 bytes of SHA-256(`nest-signout:migrations`) as a signed 64-bit
 * integer, so that it is the same in every instance and every version without a number to keep in sync.
 */
export const DEFAULT_MIGRATION_LOCK_KEY = createHash('sha256').update(MIGRATION_LOCK_NAME).digest().readBigInt64BE(0);

// Polling pg_try_advisory_lock rather than blocking in pg_advisory_lock: a blocking wait would be one
// statement as long as the other instance's migrations, and the pool's query_timeout would cut it.
const POLL_INTERVAL_MS = 100;

/** How `runMigrationsLocked` runs. */
export interface MigrationLockOptions {
  /** Advisory lock key shared by the instances that migrate this database (default: DEFAULT_MIGRATION_LOCK_KEY). */
  lockKey?: bigint;
  /** TypeORM's transaction mode (default: the data source's `migrationsTransactionMode`, else `'all'`). */
  transaction?: 'all' | 'each' | 'none';
}

const logger = new Logger('Migrations');

/**
 * Runs the data source's pending migrations while holding a PostgreSQL session-level advisory lock, so that
 * instances starting together migrate one after the other: the first runs them, the others wait, then find
 * nothing pending. The lock and the migrations share one session (one connection of the data source's pool,
 * held for the whole run); the lock goes with that session if the process dies.
 *
 * A transaction pooler (PgBouncer or Supavisor in transaction mode) hands each transaction to any server
 * connection and cannot hold a session's lock: behind one, pass a data source on a direct connection.
 */
export async function runMigrationsLocked(
  dataSource: DataSource,
  options: MigrationLockOptions = {},
): Promise<Migration[]> {
  const key = (options.lockKey ?? DEFAULT_MIGRATION_LOCK_KEY).toString();
  const session = dataSource.createQueryRunner();
  try {
    const connection = (await session.connect()) as pg.PoolClient;
    await waitForLock(session.query.bind(session), key);
    try {
      const executor = new MigrationExecutor(dataSource, session);
      executor.transaction = options.transaction ?? dataSource.options.migrationsTransactionMode ?? 'all';
      return await executor.executePendingMigrations();
    } finally {
      await session.query('SELECT pg_advisory_unlock($1::bigint)', [key]).catch(async (error: unknown) => {
        // Back in the pool still holding the lock, this connection would keep every later start waiting:
        // ending the session is what releases it then.
        await connection.end();
        throw error;
      });
    }
  } finally {
    await session.release();
  }
}

async function waitForLock(query: (sql: string, parameters: unknown[]) => Promise<unknown>, key: string) {
  for (let attempt = 0; ; attempt++) {
    const [{ locked }] = (await query('SELECT pg_try_advisory_lock($1::bigint) AS locked', [key])) as [
      { locked: boolean },
    ];
    if (locked) return;
    if (attempt === 0) logger.log(`Waiting for the migration lock (${key}): another instance is migrating`);
    await sleep(POLL_INTERVAL_MS);
  }
}
