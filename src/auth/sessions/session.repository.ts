import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import type { DataSource } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { AUTH_DATA_SOURCE } from '../auth.constants.js';
import { driverErrorCode, isDatabaseUnavailable, SessionStoreError } from '../errors/session-store.errors.js';
import { dataSourceSchema } from './db-schema.js';
import { sessionSql, type SessionSql } from './session.sql.js';

/** A statement inside a transaction: its rows. */
export type TransactionQuery = <T>(sql: string, params: unknown[]) => Promise<T[]>;

/** What the guard reads of a session on every request that the cache cannot answer. */
export interface SessionRow {
  user_id: string;
  revoked: boolean;
  expired: boolean;
  expires_at: Date;
  stale: boolean;
  device_external_id: string | null;
}

/**
 * What a failure of `statement` is thrown (and so logged) as: a SessionStoreError naming it, without the driver's
 * error, whose TypeORM form carries the query and its parameters and whose pg form the database's address.
 */
function storeError(statement: string, error: unknown): SessionStoreError {
  if (error instanceof SessionStoreError) return error;
  return new SessionStoreError(statement, driverErrorCode(error), isDatabaseUnavailable(error));
}

/**
 * Every database access of the module: the statements of session.sql.ts, run on the host's TypeORM
 * data source (the default one or the named one), and the pg pool under it for the hot path. A failure
 * leaves as a SessionStoreError that names the statement.
 */
@Injectable()
export class SessionRepository {
  /** The statements, qualified with the data source's schema. */
  readonly sql: SessionSql;

  /** Each statement's name in session.sql.ts, by its text. */
  private readonly names: ReadonlyMap<string, string>;

  constructor(@Inject(AUTH_DATA_SOURCE) private readonly db: DataSource) {
    this.sql = sessionSql(dataSourceSchema(db));
    this.names = new Map(Object.entries(this.sql).map(([name, text]) => [text, name]));
  }

  /** One statement on a pooled connection: the rows it returned. */
  async rows<T>(text: string, params: unknown[]): Promise<T[]> {
    return (await this.run<T>(text, params)).records;
  }

  /** One statement on a pooled connection: how many rows it changed. */
  async affected(text: string, params: unknown[]): Promise<number> {
    return (await this.run(text, params)).affected;
  }

  /** Runs `work` in one transaction, rolled back when it throws. */
  async transaction(work: (query: TransactionQuery) => Promise<void>): Promise<void> {
    const runner = this.db.createQueryRunner();
    try {
      await runner.startTransaction().catch((error: unknown) => Promise.reject(storeError('transaction', error)));
      await work(async (query, params) => {
        try {
          return (await runner.query(query, params, true)).records;
        } catch (error) {
          throw storeError(this.nameOf(query), error);
        }
      });
      await runner.commitTransaction().catch((error: unknown) => Promise.reject(storeError('transaction', error)));
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /** The hot path: one primary-key read as a prepared statement on the pg pool, no ORM in between. */
  async findSession(sessionId: string, lastUsedResolutionSeconds: number): Promise<SessionRow | undefined> {
    const pool = this.pool();
    try {
      const { rows } = await pool.query<SessionRow>({
        name: 'nest_signout_find_session',
        text: this.sql.FIND_SESSION,
        values: [sessionId, lastUsedResolutionSeconds],
      });
      return rows[0];
    } catch (error) {
      throw storeError('FIND_SESSION', error);
    }
  }

  /** `pg_notify` on the pool. */
  async notify(channel: string, payload: string): Promise<void> {
    const pool = this.pool();
    try {
      await pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
    } catch (error) {
      throw storeError('pg_notify', error);
    }
  }

  /** The host connection's own settings, so a dedicated connection reaches the same database the same way. */
  connectionOptions(): pg.PoolConfig {
    return this.pool().options;
  }

  private async run<T>(text: string, params: unknown[]): Promise<{ records: T[]; affected: number }> {
    const runner = this.db.createQueryRunner();
    try {
      const result = await runner.query(text, params, true);
      return { records: result.records as T[], affected: result.affected ?? 0 };
    } catch (error) {
      throw storeError(this.nameOf(text), error);
    } finally {
      await runner.release();
    }
  }

  private nameOf(text: string): string {
    return this.names.get(text) ?? 'a statement';
  }

  /** The pg pool under the TypeORM PostgreSQL driver (its public `master`). */
  private pool(): pg.Pool & { options: pg.PoolConfig } {
    const driver = this.db.driver;
    if (!(driver instanceof PostgresDriver) || !driver.master?.options) {
      throw new Error('AuthModule: the data source is not a connected PostgreSQL data source');
    }
    return driver.master;
  }
}
