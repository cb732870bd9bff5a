import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionSql } from './support/internals.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

const sql = sessionSql();

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

const describeScan = (node: PlanNode): string =>
  `${node['Node Type']} on ${node['Relation Name'] ?? 'auth_'}` +
  (node['Index Name'] ? ` using ${node['Index Name']}` : '');
const scans = (node: PlanNode): string[] => [
  ...(node['Relation Name'] || node['Index Name'] ? [describeScan(node)] : []),
  ...(node.Plans ?? []).flatMap(scans),
];

/** The hot statements stay on their indexes once the tables are big enough for the planner to care. */
describe('query plans of the hot statements', () => {
  let db: TestDatabase;
  const plan = async (text: string, params: unknown[]) => {
    const [row] = await db.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (FORMAT JSON) ${text}`, params);
    return scans(row['QUERY PLAN'][0].Plan).filter((scan) => scan.includes(' on auth_'));
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    // 2,000 users with 10 devices each, 3 sessions per device, half of them revoked, all from one provider.
    await db.query(
      `INSERT INTO auth_devices (user_id, external_id)
       SELECT 'user-' || (i % 2000), 'device-' || i FROM generate_series(1, 20000) i`,
    );
    await db.query(`INSERT INTO auth_sessions (user_id, device_id, expires_at, revoked_at, revoke_reason)
      SELECT d.user_id, d.id, now() + interval '1 day',
        CASE WHEN n % 2 = 0 THEN now() END, CASE WHEN n % 2 = 0 THEN 'logout' END
      FROM auth_devices d, generate_series(1, 3) n`);
    await db.query(
      `INSERT INTO auth_refresh_tokens (token_hash, session_id) SELECT sha256(id::text::bytea), id FROM auth_sessions`,
    );
    // Every session opened through one provider: its own sid, its user's subject.
    await db.query(
      `UPDATE auth_sessions SET idp_issuer = 'https://idp.example.com', idp_sid = id::text, idp_subject = user_id`,
    );
    await db.query('ANALYZE');
  });
  afterAll(async () => {
    await db?.drop();
  });

  const session = '00000000-0000-4000-8000-000000000001';
  it.each([
    ['guard: the session by id', sql.FIND_SESSION, [session, 60], ['auth_sessions_pkey', 'auth_devices_pkey']],
    [
      'guard: a batch of sessions by id',
      sql.FIND_SESSIONS,
      [[session, '00000000-0000-4000-8000-000000000002'], 60],
      ['auth_sessions_pkey', 'auth_devices_pkey'],
    ],
    ['logout: revoke by id', sql.REVOKE_SESSION, [session, 'logout'], ['auth_sessions_pkey']],
    [
      'logout everywhere: revoke by user',
      sql.REVOKE_USER_SESSIONS,
      ['user-7', 'logout_all', null],
      ['auth_sessions_user_active_idx'],
    ],
    ['session list', sql.LIST_SESSIONS, ['user-7'], ['auth_sessions_user_active_idx']],
    [
      'refresh: rotate by token hash',
      sql.ROTATE_REFRESH_TOKEN,
      [Buffer.alloc(32), Buffer.alloc(32, 1)],
      ['auth_refresh_tokens_pkey', 'auth_sessions_pkey'],
    ],
    [
      'back-channel logout: the sessions of an issuer and sid',
      sql.END_IDENTITY_PROVIDER_SESSIONS,
      ['https://idp.example.com', 'jti-1', new Date(), 'sid-1', null, 'backchannel_logout'],
      ['auth_sessions_idp_sid_idx'],
    ],
    [
      'back-channel logout: the sessions of an issuer and sub',
      sql.END_IDENTITY_PROVIDER_SESSIONS,
      ['https://idp.example.com', 'jti-2', new Date(), null, 'user-7', 'backchannel_logout'],
      ['auth_sessions_idp_subject_idx'],
    ],
  ])('%s', async (_name, text, params, indexes) => {
    const used = await plan(text, params);
    expect(used.filter((scan) => scan.startsWith('Seq Scan'))).toEqual([]);
    expect(indexes.filter((index) => !used.some((scan) => scan.endsWith(`using ${index}`)))).toEqual([]);
  });
});
