import {
  buildRollupInsertSql,
  createRollupTableSql,
  ROLLUP_BATCH_SUMS,
  ROLLUP_SUMS_V2,
  ROLLUP_TABLE,
  rollupBatchBackfillSql,
  rollupSumType,
} from './usage-rollup.js';

/**
 * The ledger's tables, the same for SQLite and PostgreSQL: one list of numbered migrations whose SQL
 * differs only in column types. Tables carry a `ledger_` prefix because a PostgreSQL database is
 * often shared with other software.
 */

/** The SQL flavours the ledger speaks. */
export type SqlDialect = 'sqlite' | 'postgres';

/** A numbered, append-only schema change. Never edit a released migration: add the next one. */
export interface LedgerMigration {
  /** Applied in increasing order; recorded in `ledger_migrations`. */
  version: number;
  /** What the migration does, for people reading the table. */
  name: string;
  /** The statements, in order, for one dialect. */
  statements(dialect: SqlDialect): string[];
}

interface ColumnTypes {
  integer: string;
  real: string;
  boolean: string;
}

const COLUMN_TYPES: Record<SqlDialect, ColumnTypes> = {
  sqlite: { integer: 'INTEGER', real: 'REAL', boolean: 'INTEGER' },
  postgres: { integer: 'BIGINT', real: 'DOUBLE PRECISION', boolean: 'BOOLEAN' },
};

/** The table that records which migrations ran. */
export const MIGRATIONS_TABLE = 'ledger_migrations';

/** Creates the bookkeeping table; safe to run every start. */
export function createMigrationsTableSql(dialect: SqlDialect): string {
  const types = COLUMN_TYPES[dialect];
  return `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
  version ${types.integer} PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at ${types.integer} NOT NULL
)`;
}

function tokenColumns(types: ColumnTypes): string {
  return `uncached_input_tokens ${types.integer} NOT NULL,
  cache_read_input_tokens ${types.integer} NOT NULL,
  cache_write_input_tokens ${types.integer} NOT NULL,
  cache_write_1h_input_tokens ${types.integer} NOT NULL,
  output_tokens ${types.integer} NOT NULL,
  reasoning_tokens ${types.integer} NOT NULL`;
}

/** Every migration, oldest first. */
export const LEDGER_MIGRATIONS: readonly LedgerMigration[] = [
  {
    version: 1,
    name: 'requests, attempts and feedback',
    statements(dialect) {
      const types = COLUMN_TYPES[dialect];
      return [
        `CREATE TABLE ledger_requests (
  request_id TEXT PRIMARY KEY,
  started_at ${types.integer} NOT NULL,
  tenant TEXT NOT NULL,
  feature TEXT NOT NULL,
  key_id TEXT,
  protocol TEXT NOT NULL,
  requested_model TEXT NOT NULL,
  route_rule TEXT NOT NULL,
  route_reason TEXT NOT NULL,
  tier TEXT,
  provider TEXT,
  model TEXT,
  ${tokenColumns(types)},
  usage_source TEXT NOT NULL,
  cost_usd ${types.real} NOT NULL,
  counterfactual_cost_usd ${types.real} NOT NULL,
  cache_status TEXT NOT NULL,
  latency_ms ${types.real} NOT NULL,
  ttft_ms ${types.real},
  overhead_ms ${types.real} NOT NULL,
  attempts ${types.integer} NOT NULL,
  stream ${types.boolean} NOT NULL,
  batch ${types.boolean} NOT NULL,
  outcome TEXT NOT NULL,
  error_code TEXT,
  http_status ${types.integer} NOT NULL,
  shadow_of TEXT,
  priced ${types.boolean} NOT NULL
)`,
        // Reports scan a time range; the dashboard and filters narrow it by one attribution column.
        'CREATE INDEX ledger_requests_started_at ON ledger_requests (started_at)',
        'CREATE INDEX ledger_requests_tenant ON ledger_requests (tenant, started_at)',
        'CREATE INDEX ledger_requests_feature ON ledger_requests (feature, started_at)',
        'CREATE INDEX ledger_requests_key ON ledger_requests (key_id, started_at)',
        'CREATE INDEX ledger_requests_provider ON ledger_requests (provider, started_at)',
        'CREATE INDEX ledger_requests_model ON ledger_requests (model, started_at)',
        `CREATE TABLE ledger_attempts (
  request_id TEXT NOT NULL,
  attempt_index ${types.integer} NOT NULL,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  started_at ${types.integer} NOT NULL,
  latency_ms ${types.real} NOT NULL,
  ttft_ms ${types.real},
  outcome TEXT NOT NULL,
  error_code TEXT,
  http_status ${types.integer},
  ${tokenColumns(types)},
  usage_source TEXT NOT NULL,
  cost_usd ${types.real} NOT NULL,
  PRIMARY KEY (request_id, attempt_index)
)`,
        'CREATE INDEX ledger_attempts_started_at ON ledger_attempts (started_at)',
        `CREATE TABLE ledger_feedback (
  feedback_id TEXT PRIMARY KEY,
  request_id TEXT NOT NULL,
  at ${types.integer} NOT NULL,
  score ${types.real},
  label TEXT,
  comment TEXT
)`,
        'CREATE INDEX ledger_feedback_request ON ledger_feedback (request_id)',
        'CREATE INDEX ledger_feedback_at ON ledger_feedback (at)',
      ];
    },
  },
  {
    version: 2,
    name: 'daily usage rollup, filled from the requests already recorded',
    statements(dialect) {
      return [
        createRollupTableSql(COLUMN_TYPES[dialect], ROLLUP_SUMS_V2),
        `CREATE INDEX ${ROLLUP_TABLE}_tenant ON ${ROLLUP_TABLE} (tenant, day)`,
        buildRollupInsertSql({ source: 'ledger_requests WHERE true', dialect, sums: ROLLUP_SUMS_V2 }),
      ];
    },
  },
  {
    version: 3,
    name: 'live-price cost of each request, batch spend and saving in the rollup',
    statements(dialect) {
      const types = COLUMN_TYPES[dialect];
      return [
        // Nullable and without a default, so that adding it rewrites no row in either database
        // (a backfill would rewrite every row of a large ledger). NULL means "equal to cost_usd":
        // rows written before this migration, and rows from a writer that predates it.
        `ALTER TABLE ledger_requests ADD COLUMN live_cost_usd ${types.real}`,
        // A constant default adds the column without a rewrite too (SQLite, PostgreSQL 11+).
        ...ROLLUP_BATCH_SUMS.map(
          ({ column }) =>
            `ALTER TABLE ${ROLLUP_TABLE} ADD COLUMN ${column} ${rollupSumType(column, types)} NOT NULL DEFAULT 0`,
        ),
        rollupBatchBackfillSql(dialect),
      ];
    },
  },
];
