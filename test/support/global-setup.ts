import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { DataSource } from 'typeorm';
import type { TestProject } from 'vitest/node';
import { demoMigrations } from '../../src/demo/demo-migrations.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/demo/embedded-database.js';
import { CreateHostAccounts1763700000100 } from '../apps/host-accounts.migration.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseAdminUrl: string;
    /** The Redis the shared rate-limit suites use; empty when none answers (outside CI: they are skipped). */
    redisUrl: string;
    templateDatabase: string;
    runPrefix: string;
  }
}

/** Same server, another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Where the run keeps the OpenAPI document that responses are checked against (openapi-document.ts writes it). */
export const validationDocumentPath = (runPrefix: string): string => join(tmpdir(), `${runPrefix}-openapi.json`);

/**
 * `npm run build` once for the run: the tests that start the demo as its own process, or pack the
 * library as a user installs it, run what the build produced (`dist/`).
 */
async function build(): Promise<void> {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.build.json']);
}

/**
 * REDIS_URL, or the Redis on 127.0.0.1:6379, if it answers PING. CI (`.ci/run` starts one) must have it;
 * elsewhere the suites that need it are skipped, and the run says so.
 */
async function reachableRedis(): Promise<string> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return url;
  } catch (error) {
    if (process.env.CI) throw new Error(`No Redis at ${url}: the shared rate-limit suites need one`, { cause: error });
    console.warn(`No Redis at ${url}: the shared rate-limit suites are skipped (set REDIS_URL or start redis-server)`);
    return '';
  } finally {
    redis.disconnect();
  }
}

/** What the run's set-up made, given to every project. */
interface RunContext {
  adminUrl: string;
  templateDatabase: string;
  runPrefix: string;
  redisUrl: string;
  teardown: () => Promise<void>;
}

/** Vitest calls the set-up once for the root and once per project: the run's database is made once, for all. */
let run: Promise<RunContext> | undefined;
let projectsLeft = 0;

/**
 * One PostgreSQL for the run: DATABASE_URL's server when it is set, otherwise
 * an embedded one in a temporary directory (started while the build runs). The run migrates a template
 * database once; every test file clones it into a fresh database of its own.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  run ??= prepareRun();
  projectsLeft++;
  const context = await run;
  project.provide('databaseAdminUrl', context.adminUrl);
  project.provide('templateDatabase', context.templateDatabase);
  project.provide('runPrefix', context.runPrefix);
  project.provide('redisUrl', context.redisUrl);
  return async () => {
    if (--projectsLeft === 0) await context.teardown();
  };
}

async function prepareRun(): Promise<RunContext> {
  const built = build();
  let embedded: EmbeddedDatabase | undefined;
  let embeddedDir: string | undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    embeddedDir = mkdtempSync(join(tmpdir(), 'nest-signout-pg-'));
    embedded = await startEmbeddedPostgres(embeddedDir, { persistent: false });
    adminUrl = embedded.adminUrl;
  }
  const runPrefix = `signout_test_${process.pid}_${Date.now().toString(36)}`;
  const templateDatabase = `${runPrefix}_tpl`;
  const admin = new pg.Client(adminUrl);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${templateDatabase}`);
  const migrator = new DataSource({
    type: 'postgres',
    url: withDatabase(adminUrl, templateDatabase),
    // The module's and the demo's tables (the demo's suites), and the test host's accounts (the library's).
    migrations: [...demoMigrations, CreateHostAccounts1763700000100],
  });
  await migrator.initialize();
  await migrator.runMigrations();
  await migrator.destroy();
  await built;

  const teardown = async () => {
    const { rows } = await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [
      `${runPrefix}%`,
    ]);
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    await admin.end();
    await embedded?.stop();
    if (embeddedDir) rmSync(embeddedDir, { recursive: true, force: true });
    rmSync(validationDocumentPath(runPrefix), { force: true });
  };
  return { adminUrl, templateDatabase, runPrefix, redisUrl: await reachableRedis(), teardown };
}
