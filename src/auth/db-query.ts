import type pg from 'pg';
import type { DataSource } from 'typeorm';

/** One statement on a pooled connection: its rows and how many rows it changed. */
export async function runQuery<T>(
  db: DataSource,
  text: string,
  params: unknown[],
): Promise<{ records: T[]; affected: number }> {
  const runner = db.createQueryRunner();
  try {
    const result = await runner.query(text, params, true);
    return { records: result.records as T[], affected: result.affected ?? 0 };
  } finally {
    await runner.release();
  }
}

/** The pg pool under a TypeORM PostgreSQL data source: the hot path queries it directly, with no ORM in between. */
export function pgPool(db: DataSource): pg.Pool & { options: pg.PoolConfig } {
  const pool = (db.driver as unknown as { master?: pg.Pool & { options: pg.PoolConfig } }).master;
  if (!pool?.options) throw new Error('AuthModule: the data source is not a connected PostgreSQL data source');
  return pool;
}
