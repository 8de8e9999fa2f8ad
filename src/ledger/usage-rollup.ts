import { ERROR_OUTCOMES } from './ledger-record.js';
import type { SqlDialect } from './ledger-schema.js';

/**
 * `ledger_usage_daily` keeps, per UTC day and per combination of the columns reports group or
 * filter by, the sums of `ledger_requests`. It is written in the same transaction as the requests
 * it sums, counting only rows actually inserted, so replays never count twice. A 30-day report
 * reads a few thousand rollup rows instead of a million requests; the partial days at the edges of
 * a range are still read from `ledger_requests`.
 *
 * Rollup keys cannot hold NULL (both databases treat NULLs as distinct in unique keys, so upserts
 * would never match): an absent key, provider, model or tier is stored as ''.
 */
export const ROLLUP_TABLE = 'ledger_usage_daily';

const DAY_MS = 86_400_000;

/** Key columns, with the expression over `ledger_requests` that fills each. */
export const ROLLUP_KEYS: readonly { column: string; source: string }[] = [
  { column: 'day', source: `(started_at / ${DAY_MS}) * ${DAY_MS}` },
  { column: 'tenant', source: 'tenant' },
  { column: 'feature', source: 'feature' },
  { column: 'key_id', source: "COALESCE(key_id, '')" },
  { column: 'provider', source: "COALESCE(provider, '')" },
  { column: 'model', source: "COALESCE(model, '')" },
  { column: 'tier', source: "COALESCE(tier, '')" },
  { column: 'route_rule', source: 'route_rule' },
  { column: 'cache_status', source: 'cache_status' },
  { column: 'outcome', source: 'outcome' },
  { column: 'shadow', source: 'CASE WHEN shadow_of IS NULL THEN 0 ELSE 1 END' },
];

/** One summed column of the rollup, with the aggregate over `ledger_requests` that fills it. */
export interface RollupSum {
  /** The rollup column. */
  column: string;
  /** The aggregate over `ledger_requests` rows that fills it (`SUM(…)` or `COUNT(*)`). */
  source: string;
}

/**
 * The sums migration 2 created the table with. Frozen: migration 2 is released, and its statements
 * are built from this list, so new sums go in a later list and a later migration.
 */
export const ROLLUP_SUMS_V2: readonly RollupSum[] = [
  { column: 'requests', source: 'COUNT(*)' },
  { column: 'uncached_input_tokens', source: 'SUM(uncached_input_tokens)' },
  { column: 'cache_read_input_tokens', source: 'SUM(cache_read_input_tokens)' },
  { column: 'cache_write_input_tokens', source: 'SUM(cache_write_input_tokens)' },
  { column: 'cache_write_1h_input_tokens', source: 'SUM(cache_write_1h_input_tokens)' },
  { column: 'output_tokens', source: 'SUM(output_tokens)' },
  { column: 'reasoning_tokens', source: 'SUM(reasoning_tokens)' },
  { column: 'cost_usd', source: 'SUM(cost_usd)' },
  { column: 'counterfactual_cost_usd', source: 'SUM(counterfactual_cost_usd)' },
  { column: 'unpriced_requests', source: 'SUM(CASE WHEN priced THEN 0 ELSE 1 END)' },
];

/**
 * The batch-lane sums migration 3 added: batch-priority requests, what they cost, and what they
 * saved against live prices. A `live_cost_usd` of NULL (rows written before migration 3) reads as
 * `cost_usd`, so such rows count as saving nothing: their live price was never recorded.
 */
export const ROLLUP_BATCH_SUMS: readonly RollupSum[] = [
  { column: 'batch_requests', source: 'SUM(CASE WHEN batch THEN 1 ELSE 0 END)' },
  { column: 'batch_cost_usd', source: 'SUM(CASE WHEN batch THEN cost_usd ELSE 0 END)' },
  {
    column: 'batch_saving_usd',
    source: 'SUM(CASE WHEN batch THEN COALESCE(live_cost_usd, cost_usd) - cost_usd ELSE 0 END)',
  },
];

/** Every summed column of the current schema, in table order. */
export const ROLLUP_SUMS: readonly RollupSum[] = [...ROLLUP_SUMS_V2, ...ROLLUP_BATCH_SUMS];

/** The type of a summed column: money is real, counts are integers. */
export function rollupSumType(column: string, types: { integer: string; real: string }): string {
  return column.endsWith('_usd') ? types.real : types.integer;
}

/** The CREATE TABLE of the rollup for one dialect, with the given sums (migration 2: {@link ROLLUP_SUMS_V2}). */
export function createRollupTableSql(types: { integer: string; real: string }, sums: readonly RollupSum[]): string {
  const keys = ROLLUP_KEYS.map(
    ({ column }) => `  ${column} ${column === 'day' || column === 'shadow' ? types.integer : 'TEXT'} NOT NULL`,
  );
  const sumColumns = sums.map(({ column }) => `  ${column} ${rollupSumType(column, types)} NOT NULL`);
  return `CREATE TABLE ${ROLLUP_TABLE} (
${[...keys, ...sumColumns].join(',\n')},
  PRIMARY KEY (${ROLLUP_KEYS.map(({ column }) => column).join(', ')})
)`;
}

/**
 * Adds the sums of some `ledger_requests` rows to the rollup. `source` is what follows FROM: a
 * table or CTE with the columns of `ledger_requests`, and a WHERE clause (SQLite requires one
 * before an upsert's ON CONFLICT). Rows go in key order so that concurrent writers (PostgreSQL,
 * several instances) lock rollup rows in the same order and cannot deadlock. `sums` are the
 * columns of the schema version the statement is for (a migration passes its own version's).
 */
export function buildRollupInsertSql(options: {
  source: string;
  dialect: SqlDialect;
  sums: readonly RollupSum[];
}): string {
  const { source, dialect, sums } = options;
  const columns = [...ROLLUP_KEYS, ...sums].map(({ column }) => column);
  const positions = ROLLUP_KEYS.map((_, index) => index + 1).join(', ');
  // PostgreSQL sums BIGINT as NUMERIC; the cast keeps the insert's types exact.
  const sum = (expression: string, column: string) =>
    dialect === 'postgres' && !column.endsWith('_usd') ? `(${expression})::BIGINT` : expression;
  return `INSERT INTO ${ROLLUP_TABLE} (${columns.join(', ')})
SELECT ${[...ROLLUP_KEYS.map(({ source: expression }) => expression), ...sums.map(({ source: expression, column }) => sum(expression, column))].join(', ')}
FROM ${source}
GROUP BY ${positions}
ORDER BY ${positions}
ON CONFLICT (${ROLLUP_KEYS.map(({ column }) => column).join(', ')}) DO UPDATE SET
${sums.map(({ column }) => `  ${column} = ${ROLLUP_TABLE}.${column} + excluded.${column}`).join(',\n')}`;
}

/** {@link buildRollupInsertSql} with every sum of the current schema: what the write path runs. */
export function rollupInsertSql(source: string, dialect: SqlDialect): string {
  return buildRollupInsertSql({ source, dialect, sums: ROLLUP_SUMS });
}

/**
 * Migration 3's backfill: sets the batch sums of every existing rollup row from the requests it
 * already sums. Every key it writes exists (a request and its rollup row are written in one
 * transaction), so the insert branch never runs; it is an upsert only to match rows on all keys
 * at once. Only the batch sums change, so the rollup still equals the requests it sums.
 */
export function rollupBatchBackfillSql(dialect: SqlDialect): string {
  const keys = ROLLUP_KEYS.map(({ column }) => column);
  const positions = ROLLUP_KEYS.map((_, index) => index + 1).join(', ');
  const cast = (expression: string, column: string) =>
    dialect === 'postgres' && !column.endsWith('_usd') ? `(${expression})::BIGINT` : expression;
  return `INSERT INTO ${ROLLUP_TABLE} (${[...keys, ...ROLLUP_SUMS_V2.map(({ column }) => column), ...ROLLUP_BATCH_SUMS.map(({ column }) => column)].join(', ')})
SELECT ${[...ROLLUP_KEYS.map(({ source }) => source), ...ROLLUP_SUMS_V2.map(() => '0'), ...ROLLUP_BATCH_SUMS.map(({ source, column }) => cast(source, column))].join(', ')}
FROM ledger_requests WHERE batch
GROUP BY ${positions}
ORDER BY ${positions}
ON CONFLICT (${keys.join(', ')}) DO UPDATE SET
${ROLLUP_BATCH_SUMS.map(({ column }) => `  ${column} = excluded.${column}`).join(',\n')}`;
}

const errorList = ERROR_OUTCOMES.map((outcome) => `'${outcome}'`).join(', ');

/** The aggregate select list over the rollup, with the same output columns as over `ledger_requests`. */
export const ROLLUP_AGGREGATES_SQL = `COALESCE(SUM(requests), 0) AS requests,
  COALESCE(SUM(uncached_input_tokens), 0) AS uncached_input_tokens,
  COALESCE(SUM(cache_read_input_tokens), 0) AS cache_read_input_tokens,
  COALESCE(SUM(cache_write_input_tokens), 0) AS cache_write_input_tokens,
  COALESCE(SUM(cache_write_1h_input_tokens), 0) AS cache_write_1h_input_tokens,
  COALESCE(SUM(output_tokens), 0) AS output_tokens,
  COALESCE(SUM(reasoning_tokens), 0) AS reasoning_tokens,
  COALESCE(SUM(cost_usd), 0) AS cost_usd,
  COALESCE(SUM(counterfactual_cost_usd), 0) AS counterfactual_cost_usd,
  COALESCE(SUM(CASE WHEN cache_status IN ('hit-exact', 'hit-semantic') THEN requests ELSE 0 END), 0) AS cache_hits,
  COALESCE(SUM(CASE WHEN outcome IN (${errorList}) THEN requests ELSE 0 END), 0) AS errors,
  COALESCE(SUM(unpriced_requests), 0) AS unpriced_requests,
  COALESCE(SUM(batch_requests), 0) AS batch_requests,
  COALESCE(SUM(batch_cost_usd), 0) AS batch_cost_usd,
  COALESCE(SUM(batch_saving_usd), 0) AS batch_saving_usd`;
