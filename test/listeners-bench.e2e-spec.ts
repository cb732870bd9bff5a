import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runListenersBench, type ListenersResult } from '../bench/listeners.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

/**
 * The NOTIFY fan-out bench in its smoke size: a row per listener count, every listener received every revocation.
 * Its timings are the machine's; only what must hold anywhere is checked.
 */
describe('npm run bench -- --listeners (smoke)', () => {
  let db: TestDatabase;
  let result: ListenersResult;

  beforeAll(async () => {
    db = await createTestDatabase({ empty: true });
    result = await runListenersBench({
      databaseUrl: db.url,
      counts: [0, 2, 5],
      seconds: 1,
      concurrency: 4,
      headroom: 20,
    });
  });
  afterAll(() => db?.drop());

  it('measures the trigger-off baseline, then each listener count, with no notification lost', () => {
    const measured = {
      logouts: expect.any(Number),
      logoutsPerSecond: expect.any(Number),
      revokeP50: expect.any(Number),
      revokeP99: expect.any(Number),
      deliveryP50: expect.any(Number),
      deliveryP99: expect.any(Number),
      allReceivedP99: expect.any(Number),
      lastAfterAnswerP99: expect.any(Number),
      benchProcessCores: expect.any(Number),
    };
    expect(result).toEqual({
      postgres: expect.stringMatching(/^15\./),
      maxConnections: expect.any(Number),
      rows: [
        { listeners: 0, notify: false, lost: 0, ...measured },
        { listeners: 0, notify: true, lost: 0, ...measured },
        { listeners: 2, notify: true, lost: 0, ...measured },
        { listeners: 5, notify: true, lost: 0, ...measured },
      ],
    });
    for (const row of result.rows) expect(row.logouts).toBeGreaterThan(0);
  });

  it('leaves the revocation trigger enabled', async () => {
    expect(
      await db.query(
        `SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'auth_sessions'::regclass AND tgname LIKE '%_notify'
         ORDER BY tgname`,
      ),
    ).toEqual([
      { tgname: 'auth_sessions_deleted_notify', tgenabled: 'O' },
      { tgname: 'auth_sessions_revoked_notify', tgenabled: 'O' },
    ]);
  });
});
