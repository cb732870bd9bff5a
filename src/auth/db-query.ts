import type { DataSource } from 'typeorm';

/** One statement on a pooled connection: its rows and how many rows it changed. */
export async function runQuery<T>(db: DataSource, text: string, params: unknown[]): Promise<{ records: T[]; affected: number }> {
  const runner = db.createQueryRunner();
  try {
    const result = await runner.query(text, params, true);
    return { records: result.records as T[], affected: result.affected ?? 0 };
  } finally {
    await runner.release();
  }
}
