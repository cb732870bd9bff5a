/**
 * `npm run soak`: a bounded soak of one demo instance (Fastify, cached revocation) on real PostgreSQL.
 * 50 connections for 30 s (`-- --seconds N` to change) each cycle login, me, refresh, me, logout.
 * Passes when: no 5xx, every revoked access and refresh token is refused when replayed at the end,
 * and the server's resident memory grows less than 10% between the 10th second and the end (averaged
 * over five seconds each, to see through the garbage collector's sawtooth).
 */
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

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const rssKb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

async function main(): Promise<void> {
  const database = await openBenchDatabase();
  const server = await startServer(database.url, 'fastify', 'cached');
  const revokedAccess: string[] = [];
  const revokedRefresh: string[] = [];
  try {
    const samples: Array<{ second: number; rssKb: number }> = [];
    const sampler = setInterval(() => samples.push({ second: samples.length + 1, rssKb: rssKb(server.process.pid!) }), 1000);
    const json = { 'content-type': 'application/json' };
    const result = await autocannon({
      url: server.base,
      connections: CONNECTIONS,
      duration: SECONDS,
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
        { method: 'GET', path: '/auth/me', setupRequest: (request, context) => ({ ...request, headers: { authorization: `Bearer ${(context as Tokens).access}` } }) },
        {
          method: 'POST',
          path: '/auth/refresh',
          setupRequest: (request, context) => ({ ...request, headers: json, body: JSON.stringify({ refreshToken: (context as Tokens).refresh }) }),
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
        { method: 'GET', path: '/auth/me', setupRequest: (request, context) => ({ ...request, headers: { authorization: `Bearer ${(context as Tokens).access}` } }) },
        {
          method: 'POST',
          path: '/auth/logout',
          setupRequest: (request, context) => ({ ...request, headers: { authorization: `Bearer ${(context as Tokens).access}` } }),
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
    clearInterval(sampler);
    await sleep(100);
    const serverErrors = Object.entries(result.statusCodeStats ?? {}).filter(([code]) => Number(code) >= 500);
    let accepted = 0;
    for (const token of revokedAccess) {
      const response = await fetch(`${server.base}/auth/me`, { headers: { authorization: `Bearer ${token}` } });
      if (response.status !== 401) accepted++;
    }
    for (const token of revokedRefresh) {
      const response = await fetch(`${server.base}/auth/refresh`, { method: 'POST', headers: json, body: JSON.stringify({ refreshToken: token }) });
      if (response.status !== 401) accepted++;
    }
    // RSS follows the garbage collector's sawtooth (tens of MiB from one second to the next), so compare
    // averages: seconds 8 to 12 against the last five seconds.
    const at10 = mean(samples.filter((sample) => sample.second >= 8 && sample.second <= 12).map((sample) => sample.rssKb));
    const atEnd = mean(samples.slice(-5).map((sample) => sample.rssKb));
    const growth = (atEnd - at10) / at10;
    const summary = {
      seconds: SECONDS,
      connections: CONNECTIONS,
      requests: result.requests.total,
      statusCodes: result.statusCodeStats,
      errors: result.errors + result.timeouts,
      revokedReplayed: revokedAccess.length + revokedRefresh.length,
      revokedAccepted: accepted,
      rssMiB: { at10s: Math.round(at10 / 1024), atEnd: Math.round(atEnd / 1024), growthPercent: Math.round(growth * 1000) / 10 },
    };
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\nRSS by second (MiB): ${samples.map((sample) => Math.round(sample.rssKb / 1024)).join(" ")}\n`);
    const failures = [
      ...(serverErrors.length > 0 ? [`5xx answers: ${JSON.stringify(serverErrors)}`] : []),
      ...(result.errors + result.timeouts > 0 ? [`${result.errors + result.timeouts} connection errors or timeouts`] : []),
      ...(accepted > 0 ? [`${accepted} revoked tokens accepted`] : []),
      ...(revokedAccess.length === 0 ? ['no logouts happened'] : []),
      ...(growth >= 0.1 ? [`RSS grew ${summary.rssMiB.growthPercent}% from the 10th second`] : []),
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
