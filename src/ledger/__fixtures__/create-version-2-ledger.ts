// A ledger as the gateway left it at schema version 2 (before live-price costs), built beneath the
// store: migrations 1 and 2 as released, rows inserted with version 2's columns and rolled up by
// version 2's rollup statement, exactly as a writer of that version did.
import type { RequestRecord } from '../ledger-record.js';
import { REQUEST_COLUMNS, toRow } from '../ledger-columns.js';
import { createMigrationsTableSql, LEDGER_MIGRATIONS } from '../ledger-schema.js';
import { buildRollupInsertSql, ROLLUP_SUMS_V2 } from '../usage-rollup.js';
import type { TestTarget } from './test-targets.js';

/** Columns migration 3 added to `ledger_requests`: absent from a version 2 ledger. */
const ADDED_IN_VERSION_3 = new Set(['live_cost_usd']);

/** Creates the version 2 schema on an empty target and writes `requests` as a version 2 gateway did. */
export async function createVersion2Ledger(target: TestTarget, requests: readonly RequestRecord[]): Promise<void> {
  const dialect = target.kind;
  const columns = REQUEST_COLUMNS.filter((spec) => !ADDED_IN_VERSION_3.has(spec.column));
  const inserts = requests.map((request) => {
    const row = toRow(request, columns, dialect);
    const names = Object.keys(row);
    return {
      sql: `INSERT INTO ledger_requests (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
      params: Object.values(row),
    };
  });
  const ids = requests.map((request) => `'${request.requestId.replaceAll("'", "''")}'`).join(', ');
  await target.execute([
    { sql: createMigrationsTableSql(dialect) },
    ...LEDGER_MIGRATIONS.slice(0, 2).flatMap((migration) => [
      ...migration.statements(dialect).map((sql) => ({ sql })),
      {
        sql: 'INSERT INTO ledger_migrations (version, name, applied_at) VALUES (?, ?, ?)',
        params: [migration.version, migration.name, 0],
      },
    ]),
    ...inserts,
    {
      sql: buildRollupInsertSql({
        source: `ledger_requests WHERE request_id IN (${ids})`,
        dialect,
        sums: ROLLUP_SUMS_V2,
      }),
    },
  ]);
}
