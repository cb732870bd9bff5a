import { Logger } from '@nestjs/common';
import pg from 'pg';
import type { DemoEnvironment } from './demo-environment.js';
import { startEmbeddedPostgres } from './embedded-database.js';

export interface DemoDatabase {
  url: string;
  stop(): Promise<void>;
}

const DEMO_DATABASE = 'nest_signout';

/**
 * `DATABASE_URL` when it is set; otherwise a real PostgreSQL embedded in `EMBEDDED_POSTGRES_DIR` (`.data/postgres`),
 * kept across restarts.
 */
export async function openDemoDatabase(
  env: Pick<DemoEnvironment, 'DATABASE_URL' | 'EMBEDDED_POSTGRES_DIR'>,
): Promise<DemoDatabase> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, stop: async () => undefined };
  const logger = new Logger('EmbeddedPostgres');
  logger.log(`DATABASE_URL is not set: starting an embedded PostgreSQL in ${env.EMBEDDED_POSTGRES_DIR}`);
  const embedded = await startEmbeddedPostgres(env.EMBEDDED_POSTGRES_DIR, { persistent: true });
  try {
    const admin = new pg.Client(embedded.adminUrl);
    await admin.connect();
    try {
      const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DEMO_DATABASE]);
      if (!rowCount) await admin.query(`CREATE DATABASE ${DEMO_DATABASE}`);
    } finally {
      await admin.end();
    }
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  const url = embedded.urlFor(DEMO_DATABASE);
  logger.log(`Embedded PostgreSQL listening on ${new URL(url).host}`);
  return {
    url,
    stop: async () => {
      await embedded.stop();
      logger.log('Embedded PostgreSQL stopped');
    },
  };
}
