import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AUTH_OPTIONS, type ResolvedAuthOptions } from '../options/resolve-options.js';
import { SessionService } from './session.service.js';
import type { SessionCleanupResult } from './session.types.js';

/** Name of the job in @nestjs/schedule's SchedulerRegistry, when the host has one. */
export const SESSION_CLEANUP_JOB = 'nest-signout:session-cleanup';

/** What the schedule needs of @nestjs/schedule's SchedulerRegistry. */
interface IntervalRegistry {
  addInterval(name: string, timer: NodeJS.Timeout): void;
  deleteInterval(name: string): void;
  doesExist(type: 'interval', name: string): boolean;
}

/**
 * Runs `SessionService.deleteExpiredSessions` every `cleanup.intervalSeconds` (the first run one
 * interval after start). The module owns no one else's root: it never calls
 * `ScheduleModule.forRoot()`. When the host has imported ScheduleModule, the job is registered in
 * the host's own SchedulerRegistry (so the host sees and can stop it); otherwise it is a plain timer.
 */
@Injectable()
export class SessionCleanupService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('SessionCleanup');
  private running: Promise<SessionCleanupResult> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private registry: IntervalRegistry | null = null;

  constructor(
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
    private readonly sessions: SessionService,
    private readonly moduleRef: ModuleRef,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const cleanup = this.options.cleanup;
    if (!cleanup) return;
    this.timer = setInterval(() => void this.scheduledRun(), cleanup.intervalSeconds * 1000);
    this.timer.unref();
    this.registry = await this.hostRegistry();
    this.registry?.addInterval(SESSION_CLEANUP_JOB, this.timer);
  }

  /** Stops the schedule and lets a run under way finish before the connection closes. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.registry?.doesExist('interval', SESSION_CLEANUP_JOB)) this.registry.deleteInterval(SESSION_CLEANUP_JOB);
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** The host's SchedulerRegistry, if @nestjs/schedule is installed and the host imported ScheduleModule. */
  private async hostRegistry(): Promise<IntervalRegistry | null> {
    const schedule = await import('@nestjs/schedule').catch(() => null);
    if (!schedule) return null;
    try {
      return this.moduleRef.get(schedule.SchedulerRegistry, { strict: false });
    } catch {
      return null;
    }
  }

  private async scheduledRun(): Promise<void> {
    if (this.running) return;
    this.running = this.sessions.deleteExpiredSessions();
    try {
      const result = await this.running;
      if (Object.values(result).some((count) => count > 0)) {
        this.logger.log(`Clean-up: ${JSON.stringify(result)}`);
      }
    } catch (error) {
      this.logger.error(`Clean-up failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.running = null;
    }
  }
}
