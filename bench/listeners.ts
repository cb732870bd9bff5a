/**
 * `npm run bench -- --listeners`: what limits cross-instance revocation by PostgreSQL NOTIFY as instances grow.
 * N plain connections LISTEN on the module's channel, each standing for one cached-mode instance; the module's own
 * SessionService (the demo app, strict mode, so the only listeners are these N) revokes sessions at a fixed
 * concurrency; every listener must receive every notification. All in one process, so one clock.
 */
import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import { SessionService } from '../src/auth/index.js';
import { REVOCATION_CHANNEL, parseRevocation } from '../src/auth/revocation/revocation-protocol.js';
import { createDemoApp } from '../src/demo/create-demo-app.js';
import { validateDemoEnvironment } from '../src/demo/demo-environment.js';
import { toDemoConfig } from '../src/demo/demo.config.js';

export interface ListenersBenchOptions {
  /** A fresh database of the bench's own; the demo app migrates it. */
  databaseUrl: string;
  /** Listener counts to measure, in order; each is capped to what the server's max_connections leaves. */
  counts: number[];
  /** Seconds of revoking per count. */
  seconds: number;
  /** Revoking statements in flight at once. */
  concurrency: number;
  /** Connections left free for the rest of the machine's work. */
  headroom: number;
}

export interface ListenersRow {
  /** Listening connections (one per instance this stands for). */
  listeners: number;
  /** False for the baseline with the revocation trigger disabled: the same UPDATE, no NOTIFY, no queue lock. */
  notify: boolean;
  /** Asked for, when the server's max_connections capped it. */
  requested?: number;
  logouts: number;
  logoutsPerSecond: number;
  /** SessionService.revokeSession from call to answer: the UPDATE, its trigger's NOTIFY and the commit. */
  revokeP50: number;
  revokeP99: number;
  /** From the revoke's start to one listener receiving its notification, over every (logout, listener) pair. */
  deliveryP50: number;
  deliveryP99: number;
  /** From the revoke's start to the last of the N listeners receiving it. */
  allReceivedP99: number;
  /** From the revoke's answer to the last listener receiving it (0 when all had it before the answer). */
  lastAfterAnswerP99: number;
  /** Notifications some listener never received (must be 0). */
  lost: number;
  /**
   * CPU of this process while revoking, in cores: the N listeners' reads live here, where a deployment spreads them
   * over N machines, so on a small machine they compete with the server for the same cores.
   */
  benchProcessCores: number;
}

export interface ListenersResult {
  postgres: string;
  maxConnections: number;
  rows: ListenersRow[];
}

const PAUSE_FOR_LATE_NOTIFICATIONS_MS = 3000;
/** The demo's TypeORM pool (pg's default size) that the revoking statements run on. */
const APP_POOL = 10;

const round = (value: number) => Math.round(value * 100) / 100;
const percentile = (values: number[], p: number) => {
  if (values.length === 0) return 0;
  const sorted = values.toSorted((a, b) => a - b);
  return round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]);
};

interface Pending {
  start: number;
  /** When revokeSession answered; unset while a notification outruns the answer. */
  answered?: number;
  remaining: number;
}

async function measure(
  app: INestApplication,
  admin: pg.Client,
  options: ListenersBenchOptions,
  listeners: number,
): Promise<Omit<ListenersRow, 'requested' | 'notify'>> {
  const sessions = app.get(SessionService);
  const pending = new Map<string, Pending>();
  const delivery: number[] = [];
  const allReceived: number[] = [];
  const lastAfterAnswer: number[] = [];
  let unexpected = 0;
  const onNotification = ({ payload }: pg.Notification) => {
    const now = performance.now();
    const message = parseRevocation(payload);
    const entry = message.kind === 'session' ? pending.get(message.sessionId) : undefined;
    if (!entry || message.kind !== 'session') return void unexpected++;
    delivery.push(now - entry.start);
    if (--entry.remaining === 0) {
      allReceived.push(now - entry.start);
      lastAfterAnswer.push(entry.answered === undefined ? 0 : now - entry.answered);
      pending.delete(message.sessionId);
    }
  };
  const clients = Array.from({ length: listeners }, () => new pg.Client(options.databaseUrl));
  try {
    await Promise.all(
      clients.map(async (client) => {
        await client.connect();
        client.on('notification', onNotification);
        await client.query(`LISTEN ${REVOCATION_CHANNEL}`);
      }),
    );
    // More live sessions than the run can end: a revoke that finds its session ended would notify nothing.
    const { rows: seeded } = await admin.query<{ id: string }>(
      `INSERT INTO auth_sessions (user_id, expires_at)
       SELECT 'listeners-' || i, now() + interval '1 day' FROM generate_series(1, $1) i RETURNING id`,
      [Math.max(2000, options.seconds * 6000)],
    );
    const ids = seeded.map(({ id }) => id);
    const revokeLatency: number[] = [];
    let next = 0;
    const deadline = performance.now() + options.seconds * 1000;
    const worker = async () => {
      while (performance.now() < deadline && next < ids.length) {
        const id = ids[next++];
        const start = performance.now();
        const entry: Pending = { start, remaining: listeners };
        if (listeners > 0) pending.set(id, entry);
        if (!(await sessions.revokeSession(id))) throw new Error(`session ${id} was not revoked`);
        entry.answered = performance.now();
        revokeLatency.push(entry.answered - start);
      }
    };
    const started = performance.now();
    const cpu = process.cpuUsage();
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    const elapsed = (performance.now() - started) / 1000;
    const { user, system } = process.cpuUsage(cpu);
    const waitUntil = performance.now() + PAUSE_FOR_LATE_NOTIFICATIONS_MS;
    while (pending.size > 0 && performance.now() < waitUntil) await new Promise((r) => setTimeout(r, 20));
    if (unexpected > 0) throw new Error(`${unexpected} notifications of no revoke of this run`);
    const lost = [...pending.values()].reduce((sum, entry) => sum + entry.remaining, 0);
    return {
      listeners,
      logouts: revokeLatency.length,
      logoutsPerSecond: Math.round(revokeLatency.length / elapsed),
      revokeP50: percentile(revokeLatency, 50),
      revokeP99: percentile(revokeLatency, 99),
      deliveryP50: percentile(delivery, 50),
      deliveryP99: percentile(delivery, 99),
      allReceivedP99: percentile(allReceived, 99),
      lastAfterAnswerP99: percentile(lastAfterAnswer, 99),
      lost,
      benchProcessCores: round((user + system) / 1e6 / elapsed),
    };
  } finally {
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
  }
}

/** Listener counts the server can hold beside the app's pool, this run's admin connection and the headroom. */
async function connectionBudget(admin: pg.Client, headroom: number): Promise<{ max: number; free: number }> {
  const {
    rows: [budget],
  } = await admin.query<{ max: number; reserved: number; used: number }>(
    `SELECT current_setting('max_connections')::int AS max,
            current_setting('superuser_reserved_connections')::int AS reserved,
            (SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'client backend') AS used`,
  );
  return { max: budget.max, free: budget.max - budget.reserved - budget.used - APP_POOL - headroom };
}

export async function runListenersBench(
  options: ListenersBenchOptions,
  log: (message: string) => void = () => undefined,
): Promise<ListenersResult> {
  // The demo's own validation and defaults, none of this process's environment: a setting the demo gains later
  // gets its default here too.
  const { environment } = validateDemoEnvironment({
    // No listener of the app's own: the N below are the only ones the notifications go to.
    AUTH_REVOCATION: 'strict',
    AUTH_CLEANUP_INTERVAL_SECONDS: '0',
    AUTH_RATE_LIMIT_PER_MINUTE: '0',
    AUDIT_LOG: 'false',
  });
  const app = await createDemoApp(toDemoConfig(environment, options.databaseUrl), false);
  const admin = new pg.Client(options.databaseUrl);
  try {
    await admin.connect();
    const {
      rows: [{ server_version: postgres }],
    } = await admin.query<{ server_version: string }>('SHOW server_version');
    const rows: ListenersRow[] = [];
    await admin.query('ALTER TABLE auth_sessions DISABLE TRIGGER auth_sessions_revoked_notify');
    try {
      rows.push({ ...(await measure(app, admin, options, 0)), notify: false });
    } finally {
      await admin.query('ALTER TABLE auth_sessions ENABLE TRIGGER auth_sessions_revoked_notify');
    }
    log(`  trigger disabled: ${JSON.stringify(rows[0])}`);
    let maxConnections = 0;
    for (const requested of options.counts) {
      const budget = await connectionBudget(admin, options.headroom);
      maxConnections = budget.max;
      const listeners = Math.max(0, Math.min(requested, budget.free));
      if (rows.some((row) => row.notify && row.listeners === listeners)) continue;
      const row = { ...(await measure(app, admin, options, listeners)), notify: true };
      rows.push(listeners === requested ? row : { ...row, requested });
      log(`  ${listeners} listeners: ${JSON.stringify(row)}`);
    }
    return { postgres, maxConnections, rows };
  } finally {
    await admin.end().catch(() => undefined);
    await app.close();
  }
}

export function listenersTable(result: ListenersResult): string {
  const lines = [
    '| listeners | logouts/s | revoke p50 ms | revoke p99 ms | delivery p50 ms | delivery p99 ms ' +
      '| all N received p99 ms | last one after the answer p99 ms | lost | bench process cores |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of result.rows) {
    const listeners = !row.notify
      ? 'none, trigger off'
      : row.requested
        ? `${row.listeners} (of ${row.requested} asked)`
        : String(row.listeners);
    lines.push(
      `| ${listeners} | ${row.logoutsPerSecond} | ${row.revokeP50} | ${row.revokeP99} | ${row.deliveryP50} ` +
        `| ${row.deliveryP99} | ${row.allReceivedP99} | ${row.lastAfterAnswerP99} | ${row.lost} ` +
        `| ${row.benchProcessCores} |`,
    );
  }
  return lines.join('\n');
}
