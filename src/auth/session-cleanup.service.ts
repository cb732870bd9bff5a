import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { DataSource } from 'typeorm';
import { RevokeReason } from './auth.constants.js';
import { AuthEvent, AuthEventPublisher, SessionsPurgedEvent } from './auth.events.js';
import { AUTH_DEFAULTS, AUTH_OPTIONS, type ResolvedAuthOptions } from './auth-options.resolve.js';
import { AUTH_DATA_SOURCE } from './auth.tokens.js';
import { runQuery } from './db-query.js';
import { dataSourceSchema } from './db-schema.js';
import { sessionSql, type SessionSql } from './session.sql.js';

/** What one clean-up run did. */
export interface SessionCleanupResult {
  /** Live sessions found past their expiry and marked revoked (`expired`). */
  expiredSessions: number;
  /** Sessions deleted because they ended before the retention cut-off. */
  deletedSessions: number;
  /** Signed-out devices deleted because no session refers to them any more. */
  deletedDevices: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Name of the job in @nestjs/schedule's SchedulerRegistry. */
export const SESSION_CLEANUP_JOB = 'nest-signout:session-cleanup';

/**
 * The scheduled clean-up: marks live sessions past their expiry as revoked
 * (reason `expired`, as of their expiry), then deletes sessions (with their
 * refresh tokens) and signed-out devices that ended longer ago than the
 * retention period. Every statement touches at most `batchSize` rows and skips
 * rows a request holds, so a run never blocks logins or logouts for long.
 * Several instances may run it at once.
 */
@Injectable()
export class SessionCleanupService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('SessionCleanup');
  private running: Promise<SessionCleanupResult> | null = null;

  constructor(
    @Inject(AUTH_DATA_SOURCE) private readonly db: DataSource,
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
    private readonly events: AuthEventPublisher,
    private readonly scheduler: SchedulerRegistry,
  ) {
    this.sql = sessionSql(dataSourceSchema(db));
  }

  private readonly sql: SessionSql;

  onApplicationBootstrap(): void {
    const cleanup = this.options.cleanup;
    if (!cleanup) return;
    const timer = setInterval(() => void this.scheduledRun(), cleanup.intervalSeconds * 1000);
    timer.unref();
    this.scheduler.addInterval(SESSION_CLEANUP_JOB, timer);
  }

  /** Stops the schedule and lets a run under way finish before the connection closes. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.scheduler.doesExist('interval', SESSION_CLEANUP_JOB)) this.scheduler.deleteInterval(SESSION_CLEANUP_JOB);
    await this.running?.catch(() => undefined);
  }

  /**
   * One clean-up run, as of `now` (the job passes the current time; tests and
   * hosts may pass any). Uses the configured retention and batch size, or the
   * defaults when the schedule is off.
   */
  async run(now: Date = new Date()): Promise<SessionCleanupResult> {
    const { retentionDays, batchSize } = this.options.cleanup ?? AUTH_DEFAULTS.cleanup;
    const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
    let expiredSessions = 0;
    for (;;) {
      const marked = (
        await runQuery<{ id: string; user_id: string }>(this.db, this.sql.MARK_EXPIRED_SESSIONS, [now, batchSize])
      ).records;
      this.events.revoked(marked, RevokeReason.expired);
      expiredSessions += marked.length;
      if (marked.length < batchSize) break;
    }
    const deletedSessions = await this.deleteInBatches(this.sql.PURGE_SESSIONS, cutoff, batchSize);
    const deletedDevices = await this.deleteInBatches(this.sql.PURGE_DEVICES, cutoff, batchSize);
    if (deletedSessions > 0)
      this.events.emit(AuthEvent.sessionsPurged, new SessionsPurgedEvent(deletedSessions, cutoff, new Date()));
    return { expiredSessions, deletedSessions, deletedDevices };
  }

  private async deleteInBatches(statement: string, cutoff: Date, batchSize: number): Promise<number> {
    let total = 0;
    for (;;) {
      const { affected: deleted } = await runQuery(this.db, statement, [cutoff, batchSize]);
      total += deleted;
      if (deleted < batchSize) return total;
    }
  }

  private async scheduledRun(): Promise<void> {
    if (this.running) return;
    this.running = this.run();
    try {
      const result = await this.running;
      if (result.expiredSessions + result.deletedSessions + result.deletedDevices > 0)
        this.logger.log(`Clean-up: ${JSON.stringify(result)}`);
    } catch (error) {
      this.logger.error(`Clean-up failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.running = null;
    }
  }
}
