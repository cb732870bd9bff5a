import { Logger } from '@nestjs/common';
import pg from 'pg';
import { startEmbeddedPostgres } from './embedded-database.js';

export interface DemoDatabase {
  url: string;
  stop(): Promise<void>;
}

const DEMO_DATABASE = 'nest_signout';

/** `DATABASE_URL` when it is set; otherwise a real PostgreSQL embedded in `.data/postgres`, kept across restarts. */
export async function openDemoDatabase(env: NodeJS.ProcessEnv): Promise<DemoDatabase> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, stop: async () => undefined };
  const logger = new Logger('EmbeddedPostgres');
  logger.log('DATABASE_URL is not set: starting an embedded PostgreSQL in .data/postgres');
  const embedded = await startEmbeddedPostgres('.data/postgres', { persistent: true });
  const admin = new pg.Client(embedded.adminUrl);
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DEMO_DATABASE]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${DEMO_DATABASE}`);
  } finally {
    await admin.end();
  }
  return { url: embedded.urlFor(DEMO_DATABASE), stop: () => embedded.stop() };
}
