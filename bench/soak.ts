/**
 * `npm run soak`: a bounded soak of one demo instance (Fastify, cached revocation) on real PostgreSQL.
 * 50 connections for 30 s (`-- --seconds N` to change) each cycle login, me, refresh, me, logout.
 * Passes when: no 5xx, every revoked access and refresh token is refused when replayed at the end,
 * and the server's resident memory grows less than 10% between the 10th second and the end. The load
 * pauses for a moment at the 10th second and stops at the end; both readings are taken there, with no
 * request in flight and right after a full garbage collection in the server (bench/memory-probe.ts).
 * Read at a random moment under load, RSS swings by tens of MiB with the collector's timing and with
 * the argon2 hashes running, more than the 10% being measured.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { DEMO_EMAIL, DEMO_PASSWORD, openBenchDatabase, startServer } from './server.js';

const secondsArg = process.argv.indexOf('--seconds');
const SECONDS = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 30;
const CONNECTIONS = 50;

interface Tokens {
  access?: string;
  refresh?: string;
  /** Access tokens of this session replaced by a refresh: valid until the session ends. */
  superseded?: string[];
}

const MEASURE_AT_SECOND = 10;
const MiB = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** The server's memory right after a full garbage collection. */
async function collectedMemory(server: ChildProcess): Promise<NodeJS.MemoryUsage> {
  const reply = once(server, 'message') as Promise<[{ memory: NodeJS.MemoryUsage }]>;
  server.send({ probe: 'memory' });
  const [{ memory }] = await reply;
  return memory;
}

const rssKb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

async function main(): Promise<void> {
  const database = await openBenchDatabase();
  const server = await startServer(database.url, 'fastify', 'cached', { memoryProbe: true });
  const revokedAccess: string[] = [];
  const revokedRefresh: string[] = [];
  try {
    const samples: Array<{ second: number; rssKb: number }> = [];
    const sampler = setInterval(
      () => samples.push({ second: samples.length + 1, rssKb: rssKb(server.process.pid!) }),
      1000,
    );
    const json = { 'content-type': 'application/json' };
    const load = (seconds: number) =>
      autocannon({
        url: server.base,
        connections: CONNECTIONS,
        duration: seconds,
        requests: [
          {
            method: 'POST',
            path: '/auth/login',
            headers: json,
            body: JSON.stringify({ email: DEMO_EMAIL, password: DEMO_PASSWORD }),
            onResponse: (_status, body, context) => {
              const tokens = context as Tokens;
              const parsed = JSON.parse(body) as { accessToken: string; refreshToken: string };
              tokens.access = parsed.accessToken;
              tokens.refresh = parsed.refreshToken;
            },
          },
          {
            method: 'GET',
            path: '/auth/me',
            setupRequest: (request, context) => ({
              ...request,
              headers: { authorization: `Bearer ${(context as Tokens).access}` },
            }),
          },
          {
            method: 'POST',
            path: '/auth/refresh',
            setupRequest: (request, context) => ({
              ...request,
              headers: json,
              body: JSON.stringify({ refreshToken: (context as Tokens).refresh }),
            }),
            onResponse: (status, body, context) => {
              const tokens = context as Tokens;
              if (status !== 200) return;
              // The rotated refresh token is dead from now on; the old access token dies with the session at logout.
              revokedRefresh.push(tokens.refresh!);
              tokens.superseded = [...(tokens.superseded ?? []), tokens.access!];
              const parsed = JSON.parse(body) as { accessToken: string; refreshToken: string };
              tokens.access = parsed.accessToken;
              tokens.refresh = parsed.refreshToken;
            },
          },
          {
            method: 'GET',
            path: '/auth/me',
            setupRequest: (request, context) => ({
              ...request,
              headers: { authorization: `Bearer ${(context as Tokens).access}` },
            }),
          },
          {
            method: 'POST',
            path: '/auth/logout',
            setupRequest: (request, context) => ({
              ...request,
              headers: { authorization: `Bearer ${(context as Tokens).access}` },
            }),
            onResponse: (status, _body, context) => {
              const tokens = context as Tokens;
              if (status !== 200) return;
              revokedAccess.push(tokens.access!, ...(tokens.superseded ?? []));
              revokedRefresh.push(tokens.refresh!);
              tokens.superseded = [];
            },
          },
        ],
      });
    // Memory is read with no request in flight: each login's argon2 hash holds 19 MiB of native memory
    // while it runs, so a reading taken under load swings by up to 76 MiB with how many are running.
    const first = await load(MEASURE_AT_SECOND);
    await sleep(500);
    const atStart = await collectedMemory(server.process);
    const second = await load(SECONDS - MEASURE_AT_SECOND);
    await sleep(500);
    const atEnd = await collectedMemory(server.process);
    clearInterval(sampler);
    const statusCodes: Record<string, { count: number }> = {};
    for (const [code, { count }] of [first, second].flatMap((result) => Object.entries(result.statusCodeStats ?? {}))) {
      statusCodes[code] = { count: (statusCodes[code]?.count ?? 0) + (count ?? 0) };
    }
    const failedConnections = first.errors + first.timeouts + second.errors + second.timeouts;
    const serverErrors = Object.entries(statusCodes).filter(([code]) => Number(code) >= 500);
    let accepted = 0;
    for (const token of revokedAccess) {
      const response = await fetch(`${server.base}/auth/me`, { headers: { authorization: `Bearer ${token}` } });
      if (response.status !== 401) accepted++;
    }
    for (const token of revokedRefresh) {
      const response = await fetch(`${server.base}/auth/refresh`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ refreshToken: token }),
      });
      if (response.status !== 401) accepted++;
    }
    const growth = (atEnd.rss - atStart.rss) / atStart.rss;
    const summary = {
      seconds: SECONDS,
      connections: CONNECTIONS,
      requests: first.requests.total + second.requests.total,
      statusCodes,
      errors: failedConnections,
      revokedReplayed: revokedAccess.length + revokedRefresh.length,
      revokedAccepted: accepted,
      memoryAfterFullGcMiB: {
        rss: { at10s: MiB(atStart.rss), atEnd: MiB(atEnd.rss), growthPercent: Math.round(growth * 1000) / 10 },
        heapUsed: { at10s: MiB(atStart.heapUsed), atEnd: MiB(atEnd.heapUsed) },
        heapTotal: { at10s: MiB(atStart.heapTotal), atEnd: MiB(atEnd.heapTotal) },
        external: { at10s: MiB(atStart.external), atEnd: MiB(atEnd.external) },
      },
    };
    process.stdout.write(
      `${JSON.stringify(summary, null, 2)}\nRSS by second, under load (MiB): ` +
        `${samples.map((sample) => Math.round(sample.rssKb / 1024)).join(' ')}\n`,
    );
    const failures = [
      ...(serverErrors.length > 0 ? [`5xx answers: ${JSON.stringify(serverErrors)}`] : []),
      ...(failedConnections > 0 ? [`${failedConnections} connection errors or timeouts`] : []),
      ...(accepted > 0 ? [`${accepted} revoked tokens accepted`] : []),
      ...(revokedAccess.length === 0 ? ['no logouts happened'] : []),
      ...(growth >= 0.1 ? [`RSS grew ${summary.memoryAfterFullGcMiB.rss.growthPercent}% from the 10th second`] : []),
    ];
    if (failures.length > 0) throw new Error(`soak failed: ${failures.join('; ')}`);
    process.stdout.write('soak passed\n');
  } finally {
    await server.stop();
    await database.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
