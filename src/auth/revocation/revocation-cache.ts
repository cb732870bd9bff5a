import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import pg from 'pg';
import { AUTH_OPTIONS, type ResolvedAuthOptions } from '../options/resolve-options.js';
import { SessionRepository } from '../sessions/session.repository.js';
import { LISTENER_APPLICATION_NAME, PAYLOAD, REVOCATION_CHANNEL, parseRevocation } from './revocation-protocol.js';

/** What the guard needs of a session it validated recently. */
export interface CachedSession {
  userId: string;
  deviceId: string | null;
  /**
   * When the session expires, on this process's monotonic clock (`performance.now()`): the time the database said
   * was left, counted from before it was asked. The wall clock of an instance may be minutes off the database's.
   */
  expiresAtMs: number;
}

const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5000;

/**
 * The `cached` revocation mode: validated sessions in a size-bounded LRU, each
 * trusted for at most `maxEntryAgeMs`, evicted on every instance by the
 * revocation trigger's NOTIFY. It answers only while its LISTEN connection is
 * up and was heard from within `listenerDeadlineMs`: when that drops (or a
 * check fails) the cache is emptied and stays empty, so the guard reads
 * PostgreSQL on every request until it listens again.
 *
 * Loads race with revocations: see getOrLoad.
 */
@Injectable()
export class RevocationCache implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('RevocationCache');
  private readonly entries: LRUCache<string, CachedSession>;
  private currentEpoch = 0;
  private client: pg.Client | null = null;
  private stopped = false;
  private reconnectDelay = RECONNECT_MIN_MS;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  /**
   * When the last check that the listener answered was sent: every revocation committed before then has arrived
   * (PostgreSQL answers on the connection in order), so only the time since then can hide one.
   */
  private heardAt = 0;
  private readonly enabled: boolean;
  private readonly waiting = new Map<string, () => void>();

  constructor(
    private readonly repository: SessionRepository,
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
  ) {
    const { mode, maxEntries, maxEntryAgeMs } = options.revocation;
    this.enabled = mode === 'cached';
    this.entries = new LRUCache({ max: maxEntries, ttl: maxEntryAgeMs, ttlAutopurge: false, updateAgeOnGet: false });
  }

  /**
   * True while revocations from other instances reach this one, as of at most `listenerDeadlineMs` ago: only then does
   * the cache answer. Measured here, not by a timer, so a late timer on a busy event loop never stretches it.
   */
  get listening(): boolean {
    return this.client !== null && performance.now() - this.heardAt <= this.options.revocation.listenerDeadlineMs;
  }

  get size(): number {
    return this.entries.size;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.enabled) await this.listen();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.drop();
    await client?.end().catch(() => undefined);
  }

  /** A live cached session, or undefined (not cached, too old, or not listening). */
  get(sessionId: string): CachedSession | undefined {
    if (!this.listening) return undefined;
    const entry = this.entries.get(sessionId);
    return entry && entry.expiresAtMs > performance.now() ? entry : undefined;
  }

  /**
   * The session from the cache, or from `load` (the database), cached when it is live. A load carries
   * the epoch read before it started, and any eviction in between (local or notified) moves the
   * epoch: then the loaded session is returned but not cached, since it may already be revoked.
   * `load` returns null for what must not be cached (a session it refused).
   */
  async getOrLoad(sessionId: string, load: () => Promise<CachedSession | null>): Promise<CachedSession | null> {
    const cached = this.get(sessionId);
    if (cached) return cached;
    const epoch = this.currentEpoch;
    const loaded = await load();
    if (loaded && this.listening && epoch === this.currentEpoch) this.entries.set(sessionId, loaded);
    return loaded;
  }

  evictSession(sessionId: string): void {
    this.currentEpoch++;
    this.entries.delete(sessionId);
  }

  evictUser(userId: string): void {
    this.currentEpoch++;
    for (const [sessionId, entry] of this.entries.entries())
      if (entry.userId === userId) this.entries.delete(sessionId);
  }

  clear(): void {
    this.currentEpoch++;
    this.entries.clear();
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({
      ...this.connectionOptions(),
      application_name: LISTENER_APPLICATION_NAME,
      keepAlive: true,
    });
    client.on('notification', (message) => this.onNotification(message.payload));
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    let listenedAt: number;
    try {
      await client.connect();
      listenedAt = performance.now();
      await client.query(`LISTEN ${REVOCATION_CHANNEL}`);
    } catch (error) {
      this.logger.warn(
        `Cannot listen for revocations (${error instanceof Error ? error.message : String(error)}); ` +
          'the guard reads PostgreSQL on every request until it can',
      );
      await client.end().catch(() => undefined);
      this.scheduleReconnect();
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.clear();
    this.client = client;
    this.heardAt = listenedAt;
    this.reconnectDelay = RECONNECT_MIN_MS;
    this.startHeartbeat(client);
  }

  /**
   * Resolves once every revocation committed before the call has reached this
   * instance: it sends a marker through the same channel, and PostgreSQL
   * delivers notifications in commit order. Without a listener there is
   * nothing cached to wait for.
   */
  async sync(): Promise<void> {
    if (!this.client) return;
    const marker = `${PAYLOAD.marker}${randomUUID()}`;
    const arrived = new Promise<void>((resolve) => this.waiting.set(marker, resolve));
    await this.repository.notify(REVOCATION_CHANNEL, marker);
    await arrived;
  }

  private onNotification(payload: string | undefined): void {
    const message = parseRevocation(payload);
    if (message.kind === 'marker') {
      this.waiting.get(message.marker)?.();
      this.waiting.delete(message.marker);
    } else if (message.kind === 'session') this.evictSession(message.sessionId);
    else if (message.kind === 'user') this.evictUser(message.userId);
    else this.clear();
  }

  /**
   * Every half of `listenerDeadlineMs` a `SELECT 1` on the listening connection, which must answer within the other
   * half: one that fails or hangs means notifications may not arrive, so the connection is dropped and the cache
   * emptied. `listening` stops trusting the cache at the deadline even before that.
   */
  private startHeartbeat(client: pg.Client): void {
    const { listenerDeadlineMs } = this.options.revocation;
    const intervalMs = Math.max(1, Math.floor(listenerDeadlineMs / 2));
    const check = () => {
      const sentAt = performance.now();
      const failed = () => {
        clearTimeout(timer);
        this.lost(client);
        void client.end().catch(() => undefined);
      };
      const timer = setTimeout(failed, Math.max(1, listenerDeadlineMs - intervalMs));
      timer.unref();
      client.query('SELECT 1').then(() => {
        clearTimeout(timer);
        if (this.client !== client) return;
        this.heardAt = sentAt;
        this.schedule(check, sentAt + intervalMs - performance.now());
      }, failed);
    };
    this.schedule(check, intervalMs);
  }

  private schedule(check: () => void, delayMs: number): void {
    this.heartbeat = setTimeout(check, Math.max(0, delayMs));
    this.heartbeat.unref();
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.logger.warn(
      'Lost the revocation listener; the guard reads PostgreSQL on every request until it listens again',
    );
    this.drop();
    this.scheduleReconnect();
  }

  private drop(): void {
    this.client = null;
    // Nothing is cached any more, so whoever waits for a sync has nothing to wait for.
    for (const resolve of this.waiting.values()) resolve();
    this.waiting.clear();
    if (this.heartbeat) clearTimeout(this.heartbeat);
    this.heartbeat = null;
    this.clear();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.listen();
    }, this.reconnectDelay);
    this.reconnectTimer.unref();
    this.reconnectDelay = Math.min(this.reconnectDelay * 2, RECONNECT_MAX_MS);
  }

  /** The host connection's own settings (TypeORM's pg pool), so the listener reaches the same database the same way. */
  private connectionOptions(): pg.ClientConfig {
    return this.repository.connectionOptions();
  }
}
