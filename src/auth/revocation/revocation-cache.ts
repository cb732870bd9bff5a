import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import pg from 'pg';
import { Subject, type Observable } from 'rxjs';
import { AuthMetrics, NOOP_AUTH_METRICS } from '../metrics/auth-metrics.js';
import { AUTH_OPTIONS, type ResolvedAuthOptions } from '../options/resolve-options.js';
import { SessionRepository } from '../sessions/session.repository.js';
import {
  LISTENER_APPLICATION_NAME,
  PAYLOAD,
  REVOCATION_CHANNEL,
  parseRevocation,
  type RevocationMessage,
} from './revocation-protocol.js';

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

/** The first wait before another try at a listener the pool cannot reach either; doubled up to the next. */
const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5000;
/** How often a lost listener asks the pool whether the database answers again. */
const PROBE_MS = 100;

/** Why the cache never answers when the listening connection has no server session of its own. */
export const POOLED_LISTENER_REASON =
  'the listening connection goes through a pooler (no server session of its own): give revocation.listenerConnection ' +
  'a direct connection';

/** What the listener tells the revocation stream: each revocation heard, and each end of what it can prove. */
export type ListenerSignal =
  | { kind: 'revocation'; message: Extract<RevocationMessage, { kind: 'session' | 'user' }> }
  | { kind: 'interrupted'; reason: string };

/** What node-postgres keeps of the BackendKeyData message (not in its type declarations). */
type KeyedClient = pg.Client & { processID?: number | null };

/** A marker sent and not yet back on the listening connection. */
interface PendingMarker {
  sentAt: number;
  arrived: () => void;
}

/**
 * The `cached` revocation mode: validated sessions in a size-bounded LRU, each
 * trusted for at most `maxEntryAgeMs`, evicted on every instance by the
 * revocation trigger's NOTIFY. It answers only while delivery is proven: every
 * half of `listenerDeadlineMs` a marker goes out through a pool connection, the
 * way other instances' revocations go, and must come back on the listening
 * connection within `listenerDeadlineMs`. A live socket proves nothing (a
 * transaction pooler keeps the socket and drops the LISTEN). Until the first
 * marker is back, and whenever one is late, the cache does not answer and is
 * emptied before it answers again, so the guard reads PostgreSQL meanwhile.
 *
 * Loads race with revocations: see getOrLoad.
 *
 * The same listener feeds the revocation stream (`signals`). In `strict` mode nothing is cached and no listener is
 * opened until the stream asks for one (`openForStream`); it then listens, proves delivery and reconnects the same way.
 */
@Injectable()
export class RevocationCache implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('RevocationCache');
  private readonly entries: LRUCache<string, CachedSession>;
  private currentEpoch = 0;
  private client: pg.Client | null = null;
  private stopped = false;
  private reconnecting = false;
  private heartbeat: NodeJS.Timeout | null = null;
  /**
   * When the last marker that came back was sent: every revocation committed before then has arrived (PostgreSQL
   * delivers notifications in commit order), so only the time since then can hide one.
   */
  private heardAt = -Infinity;
  /** A marker was late or could not be sent: nothing is trusted until the next one is back. */
  private lapsed = false;
  /** Whether the current connection has had a marker back at all. */
  private heardOnce = false;
  private readonly instanceId = randomUUID();
  private sequence = 0;
  private readonly pending = new Map<string, PendingMarker>();
  /** `cached` mode: the cache answers (in `strict` mode the listener, if any, only feeds the stream). */
  private readonly caching: boolean;
  private readonly signalsSubject = new Subject<ListenerSignal>();
  /** The first listen of `strict` mode, started by the stream's first subscriber. */
  private opening: Promise<void> | null = null;
  /** The listening connection was found to go through a pooler: nothing is cached, for good. */
  private pooled = false;
  /** The server process that ran the LISTEN: a check answered by another one means the LISTEN is gone. */
  private serverPid: number | null = null;

  constructor(
    private readonly repository: SessionRepository,
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
    @Optional() @Inject(AuthMetrics) private readonly metrics: AuthMetrics = NOOP_AUTH_METRICS,
  ) {
    metrics.watchListener(() => this.listening);
    const { mode, maxEntries, maxEntryAgeMs } = options.revocation;
    this.caching = mode === 'cached';
    this.entries = new LRUCache({ max: maxEntries, ttl: maxEntryAgeMs, ttlAutopurge: false, updateAgeOnGet: false });
  }

  /**
   * True while a marker sent at most `listenerDeadlineMs` ago came back and none since was late: only then does the
   * cache answer. Measured here, not by a timer, so a late timer on a busy event loop never stretches it.
   */
  get listening(): boolean {
    return (
      this.client !== null &&
      !this.lapsed &&
      performance.now() - this.heardAt <= this.options.revocation.listenerDeadlineMs
    );
  }

  /** Why the cache does not answer, or undefined while it may. */
  get notListeningBecause(): string | undefined {
    if (this.listening) return undefined;
    if (this.pooled) return POOLED_LISTENER_REASON;
    if (!this.client) return 'not connected';
    return `no marker back within ${this.options.revocation.listenerDeadlineMs}ms`;
  }

  /** Every revocation the listener hears, and every loss of delivery proof, as they happen. */
  get signals(): Observable<ListenerSignal> {
    return this.signalsSubject.asObservable();
  }

  /**
   * Why the stream cannot be trusted now, or undefined while it can: a LISTEN is in place on a connection of its own
   * and no marker since was late. Unlike `listening`, it does not wait for the first marker: what is committed after
   * the LISTEN is delivered, and a late marker interrupts the stream.
   */
  get streamUnavailableBecause(): string | undefined {
    if (this.pooled) return POOLED_LISTENER_REASON;
    if (this.stopped) return 'the instance is shutting down';
    if (!this.client) return 'not connected';
    if (this.lapsed) return `no marker back within ${this.options.revocation.listenerDeadlineMs}ms`;
    return undefined;
  }

  /**
   * For a subscriber of the stream: in `strict` mode, opens the listener at the first call and waits for its LISTEN.
   * Resolves to why the stream cannot be trusted, or undefined.
   */
  async openForStream(): Promise<string | undefined> {
    if (!this.caching && !this.opening && !this.stopped)
      this.opening = this.listen().then((listened) => {
        if (!listened) void this.reconnect();
      });
    await this.opening;
    return this.streamUnavailableBecause;
  }

  get size(): number {
    return this.entries.size;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.caching) return;
    if (!(await this.listen())) void this.reconnect();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    const client = this.client;
    this.drop();
    this.interrupt('the instance is shutting down');
    this.signalsSubject.complete();
    await client?.end().catch(() => undefined);
  }

  /** A live cached session, or undefined (not cached, too old, or delivery not proven). */
  get(sessionId: string): CachedSession | undefined {
    if (!this.caching || !this.listening) return undefined;
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
    if (cached) {
      this.metrics.cacheLookup('hit');
      return cached;
    }
    if (this.caching) this.metrics.cacheLookup(this.listening ? 'miss' : 'unavailable');
    const epoch = this.currentEpoch;
    const loaded = await load();
    if (loaded && this.caching && this.listening && epoch === this.currentEpoch) this.entries.set(sessionId, loaded);
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

  /**
   * Resolves once every revocation committed before the call has reached this instance (its marker came back:
   * PostgreSQL delivers notifications in commit order), or once the cache stopped answering (the marker was late):
   * then it is emptied before it answers again. Without a listener there is nothing cached to wait for.
   */
  async sync(): Promise<void> {
    await this.sendMarker();
  }

  /** Connects and listens; false when it could not (said in the log unless `quiet`). Trusted once a marker is back. */
  private async listen(quiet = false): Promise<boolean> {
    const config = this.connectionOptions();
    const client = new pg.Client({
      ...config,
      // A connection that hangs must not hold up the next try.
      connectionTimeoutMillis: config.connectionTimeoutMillis || this.options.databaseTimeoutMs,
      application_name: LISTENER_APPLICATION_NAME,
      keepAlive: true,
    });
    client.on('notification', (message) => this.onNotification(message.payload));
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    let serverPid: number;
    try {
      await client.connect();
      await client.query(`LISTEN ${REVOCATION_CHANNEL}`);
      serverPid = await backendPid(client);
    } catch (error) {
      if (!quiet)
        this.logger.warn(
          `Cannot listen for revocations (${error instanceof Error ? error.message : String(error)}); ` +
            `${this.meanwhile} until it can`,
        );
      await client.end().catch(() => undefined);
      return false;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return true;
    }
    if (serverPid !== (client as KeyedClient).processID && !this.options.revocation.trustPooledListener) {
      this.pooled = true;
      this.interrupt(POOLED_LISTENER_REASON);
      this.logger.warn(
        `The revocation listener's connection goes through a pooler (its backend key names process ` +
          `${(client as KeyedClient).processID}, its statements run on ${serverPid}), where a LISTEN may be lent to ` +
          `other clients and notifications lost: ${this.meanwhile}. Give ` +
          'revocation.listenerConnection a direct connection (or, for a session-mode pooler only, set ' +
          'revocation.trustPooledListener)',
      );
      await client.end().catch(() => undefined);
      return true;
    }
    this.clear();
    this.serverPid = serverPid;
    this.client = client;
    this.heardAt = -Infinity;
    this.lapsed = false;
    this.heardOnce = false;
    this.startHeartbeat(client);
    return true;
  }

  /**
   * A marker through a pool connection, as other instances' revocations travel; resolves when it is back on the
   * listening connection or is found late (then `listening` is false until a later one is back).
   */
  private sendMarker(): Promise<void> {
    const client = this.client;
    if (!client) return Promise.resolve();
    const marker = `${PAYLOAD.marker}${this.instanceId}:${++this.sequence}`;
    return new Promise<void>((resolve) => {
      const late = () => {
        clearTimeout(timer);
        if (this.pending.delete(marker)) this.lapse(client);
        resolve();
      };
      const timer = setTimeout(late, this.options.revocation.listenerDeadlineMs);
      timer.unref();
      this.pending.set(marker, {
        sentAt: performance.now(),
        arrived: () => {
          clearTimeout(timer);
          resolve();
        },
      });
      this.repository.notify(REVOCATION_CHANNEL, marker).catch(late);
    });
  }

  private onNotification(payload: string | undefined): void {
    const message = parseRevocation(payload);
    if (message.kind === 'marker') return this.markerBack(message.marker);
    if (message.kind === 'unknown') {
      // Something revoked, nobody knows what: the cache forgets all, the stream cannot say what ended.
      this.clear();
      return this.interrupt('a notification it cannot read');
    }
    if (message.kind === 'session') this.evictSession(message.sessionId);
    else this.evictUser(message.userId);
    if (message.committedAtMs !== undefined)
      this.metrics.revocationDelivered((Date.now() - message.committedAtMs) / 1000);
    this.signalsSubject.next({ kind: 'revocation', message });
  }

  private interrupt(reason: string): void {
    this.signalsSubject.next({ kind: 'interrupted', reason });
  }

  /** Another instance's marker means nothing here; one of ours proves delivery up to when it was sent. */
  private markerBack(marker: string): void {
    const pending = this.pending.get(marker);
    if (!pending) return;
    this.pending.delete(marker);
    // While delivery was not proven a revocation may have been lost: what was cached before is not trusted again.
    if (!this.listening) {
      this.clear();
      if (this.lapsed) this.logger.log('Revocation markers arrive again; the cache answers again');
    }
    this.heardAt = Math.max(this.heardAt, pending.sentAt);
    this.lapsed = false;
    this.heardOnce = true;
    pending.arrived();
  }

  private lapse(client: pg.Client): void {
    if (this.client !== client || this.lapsed) return;
    this.lapsed = true;
    const deadlineMs = this.options.revocation.listenerDeadlineMs;
    this.interrupt(`no marker back within ${deadlineMs}ms`);
    this.logger.warn(
      this.heardOnce
        ? `A revocation marker did not come back within ${deadlineMs} ms; ${this.meanwhile} until one does`
        : `No revocation marker came back on the listening connection within ${deadlineMs} ms of its LISTEN: ` +
            'notifications do not reach it (a transaction pooler such as PgBouncer, Supavisor or RDS Proxy does not ' +
            'keep a LISTEN; give revocation.listenerConnection a direct connection). ' +
            `${this.meanwhile.replace(/^t/, 'T')} until a marker comes back`,
    );
  }

  /**
   * Every half of `listenerDeadlineMs`, from the start: a marker (delivery), and a `pg_backend_pid()` on the listening
   * connection that must answer within the other half (the socket), from the process that ran the LISTEN (a pooler
   * may have swapped it): one that fails, hangs or names another process drops the connection.
   */
  private startHeartbeat(client: pg.Client): void {
    const { listenerDeadlineMs } = this.options.revocation;
    const intervalMs = Math.max(1, Math.floor(listenerDeadlineMs / 2));
    const check = () => {
      if (this.client !== client) return;
      const sentAt = performance.now();
      void this.sendMarker();
      const failed = () => {
        clearTimeout(timer);
        this.lost(client);
        void client.end().catch(() => undefined);
      };
      const timer = setTimeout(failed, Math.max(1, listenerDeadlineMs - intervalMs));
      timer.unref();
      backendPid(client).then((pid) => {
        clearTimeout(timer);
        if (this.client !== client) return;
        if (pid !== this.serverPid) return failed();
        this.schedule(check, sentAt + intervalMs - performance.now());
      }, failed);
    };
    this.schedule(check, 0);
  }

  private schedule(check: () => void, delayMs: number): void {
    this.heartbeat = setTimeout(check, Math.max(0, delayMs));
    this.heartbeat.unref();
  }

  /** What the instance does without a proven listener: in cached mode strict reads, in strict mode no stream. */
  private get meanwhile(): string {
    return this.caching
      ? 'the guard reads PostgreSQL on every request'
      : 'the revocation stream is interrupted (strict mode caches nothing)';
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.logger.warn(
      this.caching
        ? 'Lost the revocation listener; the guard reads PostgreSQL on every request until it listens again'
        : 'Lost the revocation listener; the revocation stream is interrupted until it listens again',
    );
    this.drop();
    this.interrupt('lost the listening connection');
    void this.reconnect();
  }

  private drop(): void {
    this.client = null;
    // Nothing is cached any more, so whoever waits for a sync has nothing to wait for.
    for (const pending of this.pending.values()) pending.arrived();
    this.pending.clear();
    if (this.heartbeat) clearTimeout(this.heartbeat);
    this.heartbeat = null;
    this.clear();
  }

  /**
   * Tries at once, then again as soon as the pool reaches the database (asked every PROBE_MS): a restarted
   * database gets its listeners back within one probe. Only while the pool cannot reach it either do the tries
   * back off, up to RECONNECT_MAX_MS apart.
   */
  private async reconnect(): Promise<void> {
    if (this.reconnecting) return;
    this.reconnecting = true;
    try {
      let delayMs = RECONNECT_MIN_MS;
      let nextTry = 0;
      let tries = 0;
      while (!this.stopped && !this.client && !this.pooled) {
        if (performance.now() >= nextTry || (await this.repository.reachable())) {
          // One failure in the log per outage, not one per try.
          if (this.stopped || (await this.listen(tries++ > 0))) return;
          nextTry = performance.now() + delayMs;
          delayMs = Math.min(delayMs * 2, RECONNECT_MAX_MS);
        }
        await new Promise((resolve) => setTimeout(resolve, PROBE_MS).unref());
      }
    } finally {
      this.reconnecting = false;
    }
  }

  /** `revocation.listenerConnection`, or else the host connection's own settings (TypeORM's pg pool). */
  private connectionOptions(): pg.ClientConfig {
    const direct = this.options.revocation.listenerConnection;
    if (typeof direct === 'string') return { connectionString: direct };
    return direct ?? this.repository.connectionOptions();
  }
}

/** The server process that answers a statement on `client`. */
async function backendPid(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return rows[0].pid;
}
