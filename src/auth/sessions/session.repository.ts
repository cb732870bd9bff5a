import { Inject, Injectable, Optional } from '@nestjs/common';
import { AuthMetrics, NOOP_AUTH_METRICS } from '../metrics/auth-metrics.js';
import type pg from 'pg';
import type { DataSource } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { AUTH_DATA_SOURCE, LAST_USED_RESOLUTION_MS } from '../auth.constants.js';
import { driverErrorCode, isDatabaseUnavailable, SessionStoreError } from '../errors/session-store.errors.js';
import { AUTH_OPTIONS, type ResolvedAuthOptions } from '../options/resolve-options.js';
import type { RequestDeadline } from './database-deadline.js';
import { dataSourceSchema } from './db-schema.js';
import { ReadBatcher } from './read-batcher.js';
import { sessionSql, type SessionSql } from './session.sql.js';

/** A statement inside a transaction: its rows. */
export type TransactionQuery = <T>(sql: string, params: unknown[]) => Promise<T[]>;

/** What the guard reads of a session on every request that the cache cannot answer. */
export interface SessionRow {
  user_id: string;
  revoked: boolean;
  expired: boolean;
  /** Milliseconds left until `expires_at` by the database's clock (negative once past). */
  expires_in_ms: number;
  /** Unused for longer than its idle timeout. */
  idle: boolean;
  /** Null: no idle limit. */
  idle_timeout_seconds: number | null;
  /** Milliseconds left until the idle timeout runs out, from the recorded last use (null: no idle limit). */
  idle_in_ms: number | null;
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

/** The request's (or the call's) time ran out before `statement` had its answer: as good as unreachable. */
const outOfTime = (statement: string) => new SessionStoreError(statement, 'ETIMEDOUT', true);

/** How stale a session's recorded last use may get before a read records it again, in seconds. */
const LAST_USED_RESOLUTION_SECONDS = LAST_USED_RESOLUTION_MS / 1000;

/** `promise`, or `timedOut()` thrown once `ms` have passed. */
function withinMs<T>(promise: Promise<T>, ms: number, timedOut: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(timedOut()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A pooled connection lent to one call, and the failure that makes it unfit to go back to the pool, if any. */
interface Lease {
  client: pg.PoolClient;
  broken?: SessionStoreError;
  onError: (error: unknown) => void;
}

/**
 * Every database access of the module: the statements of session.sql.ts, run on the pg pool under the
 * host's TypeORM data source (the default one or the named one). Each statement gets what is left of the
 * request's deadline (`databaseTimeoutMs`, see database-deadline.ts) in a view made by `withDeadline`, or the whole
 * timeout alone outside a request, the wait for a connection included.
 * A failure leaves as a SessionStoreError that names the statement.
 */
@Injectable()
export class SessionRepository {
  /** The statements, qualified with the data source's schema. */
  readonly sql: SessionSql;

  /** Each statement's name in session.sql.ts, by its text. */
  private readonly names: ReadonlyMap<string, string>;

  /** Batches the guard's session reads; null when `batchReads` is off. */
  readonly sessionReads: ReadBatcher<string, SessionRow> | null;

  /** The request whose time the statements share; none outside a request. */
  private readonly deadline: RequestDeadline | undefined;

  constructor(
    @Inject(AUTH_DATA_SOURCE) private readonly db: DataSource,
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
    @Optional() @Inject(AuthMetrics) metrics: AuthMetrics = NOOP_AUTH_METRICS,
  ) {
    this.sql = sessionSql(dataSourceSchema(db));
    this.names = new Map(Object.entries(this.sql).map(([name, text]) => [text, name]));
    // Shared by every request's view of this repository (withDeadline); its statements run on the module's timeout.
    this.sessionReads =
      options.batchReads &&
      new ReadBatcher(
        (ids) => this.findSessions(ids),
        options.batchReads,
        (size) => metrics.readBatch('session', size),
      );
  }

  /** This repository with every statement within what is left of `deadline`. */
  withDeadline(deadline: RequestDeadline): SessionRepository {
    return Object.create(this, { deadline: { value: deadline } }) as SessionRepository;
  }

  /** One statement on a pooled connection: the rows it returned. */
  async rows<T>(text: string, params: unknown[]): Promise<T[]> {
    return (await this.once(this.nameOf(text), { text, values: params })).rows as T[];
  }

  /** One statement on a pooled connection: how many rows it changed. */
  async affected(text: string, params: unknown[]): Promise<number> {
    return (await this.once(this.nameOf(text), { text, values: params })).rowCount ?? 0;
  }

  /**
   * Runs `work` in one transaction, rolled back when it throws. When time runs out mid-way the connection is closed
   * instead, so PostgreSQL rolls back what was not committed: the transaction never ends half-done.
   */
  async transaction(work: (query: TransactionQuery) => Promise<void>): Promise<void> {
    const startedAt = performance.now();
    let lease: Lease;
    try {
      lease = await this.lease('transaction');
    } catch (error) {
      this.waited(startedAt);
      throw error;
    }
    try {
      await this.send(lease, 'transaction', { text: 'BEGIN' });
      await work(
        async <T>(text: string, params: unknown[]) =>
          (await this.send(lease, this.nameOf(text), { text, values: params })).rows as T[],
      );
      await this.send(lease, 'transaction', { text: 'COMMIT' });
    } catch (error) {
      if (!lease.broken) await this.send(lease, 'transaction', { text: 'ROLLBACK' }).catch(() => undefined);
      throw error;
    } finally {
      this.giveBack(lease);
      this.waited(startedAt);
    }
  }

  /**
   * The hot path: one primary-key read on the pg pool, no ORM in between; a named prepared statement only when the
   * host enabled them, since a transaction pooler hands a name to server connections that never parsed it.
   */
  async findSession(sessionId: string): Promise<SessionRow | undefined> {
    if (!this.sessionReads) return this.findOneSession(sessionId);
    const remaining = this.remainingMs();
    if (remaining <= 0) throw outOfTime('FIND_SESSIONS');
    // The batch runs on its own time; each request waits no longer than its own deadline.
    const startedAt = performance.now();
    try {
      return await withinMs(this.sessionReads.load(sessionId), remaining, () => outOfTime('FIND_SESSIONS'));
    } finally {
      this.waited(startedAt);
    }
  }

  private async findOneSession(sessionId: string): Promise<SessionRow | undefined> {
    const { rows } = await this.once('FIND_SESSION', {
      ...(this.options.preparedStatements && { name: 'nest_signout_find_session' }),
      text: this.sql.FIND_SESSION,
      values: [sessionId, LAST_USED_RESOLUTION_SECONDS],
    });
    return rows[0] as SessionRow | undefined;
  }

  /** The rows of these sessions, by id, in one statement. */
  private async findSessions(sessionIds: string[]): Promise<Map<string, SessionRow>> {
    const { rows } = await this.once('FIND_SESSIONS', {
      ...(this.options.preparedStatements && { name: 'nest_signout_find_sessions' }),
      text: this.sql.FIND_SESSIONS,
      values: [sessionIds, LAST_USED_RESOLUTION_SECONDS],
    });
    return new Map((rows as Array<SessionRow & { id: string }>).map((row) => [row.id, row]));
  }

  /** The database's `now()`. */
  async databaseNow(): Promise<Date> {
    const { rows } = await this.once('DATABASE_NOW', { text: this.sql.DATABASE_NOW });
    return (rows[0] as { now: Date }).now;
  }

  /** `pg_notify` on the pool. */
  async notify(channel: string, payload: string): Promise<void> {
    await this.once('pg_notify', { text: 'SELECT pg_notify($1, $2)', values: [channel, payload] });
  }

  /** Whether a pooled connection answers `SELECT 1` within the timeout. */
  async reachable(): Promise<boolean> {
    return this.once('ping', { text: 'SELECT 1' }).then(
      () => true,
      () => false,
    );
  }

  /** The host connection's own settings, so a dedicated connection reaches the same database the same way. */
  connectionOptions(): pg.PoolConfig {
    return this.pool().options;
  }

  private async once(statement: string, config: pg.QueryConfig): Promise<pg.QueryResult> {
    const startedAt = performance.now();
    try {
      const lease = await this.lease(statement);
      try {
        return await this.send(lease, statement, config);
      } finally {
        this.giveBack(lease);
      }
    } finally {
      this.waited(startedAt);
    }
  }

  /** Adds the time since `startedAt` to the request's database wait (read by the metrics); none outside a request. */
  private waited(startedAt: number): void {
    if (this.deadline) this.deadline.waitedMs += performance.now() - startedAt;
  }

  /** A pooled connection within the time left; one that arrives after the caller gave up goes back unused. */
  private async lease(statement: string): Promise<Lease> {
    const remaining = this.remainingMs();
    if (remaining <= 0) throw outOfTime(statement);
    const pending = this.pool().connect();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(outOfTime(statement)), remaining);
    });
    try {
      const client = await Promise.race([pending, timeout]);
      const lease: Lease = { client, onError: (error) => (lease.broken ??= storeError(statement, error)) };
      // Checked out, the pool no longer listens for the connection's errors: a socket error must not crash the app.
      client.on('error', lease.onError);
      return lease;
    } catch (error) {
      pending.then(
        (client) => client.release(),
        () => undefined,
      );
      throw storeError(statement, error);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * One statement within the time left. pg's `query_timeout` gives up on the answer but leaves the connection waiting
   * for it, so such a connection is marked broken.
   */
  private async send(lease: Lease, statement: string, config: pg.QueryConfig): Promise<pg.QueryResult> {
    const remaining = this.remainingMs();
    try {
      if (lease.broken) throw lease.broken;
      if (remaining <= 0) throw outOfTime(statement);
      // pg reads a per-query `query_timeout` (client.js) that its types leave out.
      const timed: pg.QueryConfig = Object.assign({ query_timeout: Math.ceil(remaining) }, config);
      return await lease.client.query(timed);
    } catch (error) {
      const failure = storeError(statement, error);
      if (failure.unavailable) lease.broken ??= failure;
      throw failure;
    }
  }

  /** Back to the pool, or closed when it failed: a connection stuck on a silent socket is never lent again. */
  private giveBack(lease: Lease): void {
    lease.client.removeListener('error', lease.onError);
    lease.client.release(lease.broken);
  }

  private remainingMs(): number {
    const timeoutMs = this.options.databaseTimeoutMs;
    return this.deadline?.remainingMs(timeoutMs) ?? timeoutMs;
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
