import { existsSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { demoMigrations } from './demo-migrations.js';

if (existsSync('.env')) process.loadEnvFile('.env');
if (!process.env.DATABASE_URL) {
  throw new Error(
    'Set DATABASE_URL to run migrations by hand (the demo migrates its embedded database itself at start).',
  );
}

/** The demo's data source for the TypeORM CLI (`npm run migration:run` / `migration:revert`). */
export default new DataSource({ type: 'postgres', url: process.env.DATABASE_URL, migrations: demoMigrations });
