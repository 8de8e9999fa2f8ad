import type { BatchDialect } from './batch-database.js';

/**
 * The job store's tables, the same for SQLite and PostgreSQL (types differ only). A `batch_` prefix
 * keeps them apart from the ledger's in a shared PostgreSQL database. Migrations are append-only:
 * index i of the list is version i + 1.
 */
export function batchMigrations(dialect: BatchDialect): string[][] {
  const integer = dialect === 'sqlite' ? 'INTEGER' : 'BIGINT';
  const real = dialect === 'sqlite' ? 'REAL' : 'DOUBLE PRECISION';
  const blob = dialect === 'sqlite' ? 'BLOB' : 'BYTEA';
  return [
    [
      // Uploaded files keep their bytes; output and error files are views of a batch's lines
      // (source_batch_id, source_kind), rendered when downloaded, so results are stored once.
      `CREATE TABLE batch_files (
  id TEXT PRIMARY KEY,
  created_at ${integer} NOT NULL,
  filename TEXT NOT NULL,
  purpose TEXT NOT NULL,
  bytes ${integer} NOT NULL,
  owner TEXT,
  line_count ${integer} NOT NULL,
  content ${blob},
  source_batch_id TEXT,
  source_kind TEXT
)`,
      'CREATE INDEX batch_files_created ON batch_files (created_at)',
      `CREATE TABLE batch_jobs (
  id TEXT PRIMARY KEY,
  api TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  input_file_id TEXT,
  completion_window TEXT NOT NULL,
  status TEXT NOT NULL,
  owner TEXT,
  metadata TEXT,
  caller TEXT NOT NULL,
  created_at ${integer} NOT NULL,
  in_progress_at ${integer},
  finalizing_at ${integer},
  completed_at ${integer},
  failed_at ${integer},
  expired_at ${integer},
  cancelling_at ${integer},
  cancelled_at ${integer},
  expires_at ${integer} NOT NULL,
  output_file_id TEXT,
  error_file_id TEXT,
  errors TEXT,
  lease_owner TEXT,
  lease_expires_at ${integer},
  finished_by TEXT
)`,
      'CREATE INDEX batch_jobs_status ON batch_jobs (status)',
      'CREATE INDEX batch_jobs_created ON batch_jobs (api, created_at)',
      // One row per input line. A line is `pending` until its result is stored, then `done` for good:
      // the runner only ever picks pending lines, and a result is written only over a pending line.
      `CREATE TABLE batch_lines (
  batch_id TEXT NOT NULL,
  line_index ${integer} NOT NULL,
  custom_id TEXT,
  body TEXT,
  state TEXT NOT NULL,
  attempt ${integer} NOT NULL,
  failures ${integer} NOT NULL,
  not_before ${integer} NOT NULL,
  outcome TEXT,
  status_code ${integer},
  request_id TEXT,
  response_body TEXT,
  error TEXT,
  cost_usd ${real} NOT NULL,
  live_cost_usd ${real} NOT NULL,
  input_tokens ${integer} NOT NULL,
  cached_tokens ${integer} NOT NULL,
  output_tokens ${integer} NOT NULL,
  reasoning_tokens ${integer} NOT NULL,
  completed_at ${integer},
  PRIMARY KEY (batch_id, line_index)
)`,
      'CREATE INDEX batch_lines_pending ON batch_lines (batch_id, state, line_index)',
    ],
    [
      // Which way a line runs: NULL until planned, `gateway` (through the gateway's handler) or
      // `provider` (in a provider batch, `submission_id`). Lines stored before this migration are planned again.
      'ALTER TABLE batch_lines ADD COLUMN lane TEXT',
      'ALTER TABLE batch_lines ADD COLUMN submission_id TEXT',
      // For lines in a provider batch: the route decision made when they were sent (JSON), for the ledger.
      'ALTER TABLE batch_lines ADD COLUMN route TEXT',
      // One provider batch: recorded before it is sent, so a crash cannot lose track of lines in it.
      `CREATE TABLE batch_submissions (
  id TEXT PRIMARY KEY,
  batch_id TEXT NOT NULL,
  provider TEXT NOT NULL,
  deployment TEXT NOT NULL,
  provider_batch_id TEXT,
  state TEXT NOT NULL,
  submitted_at ${integer} NOT NULL,
  cancel_sent ${integer} NOT NULL
)`,
      'CREATE INDEX batch_submissions_batch ON batch_submissions (batch_id, state)',
      'CREATE INDEX batch_lines_submission ON batch_lines (submission_id)',
    ],
    [
      // Counting a batch's lines by state and outcome (every poll of a batch) reads this index only.
      'CREATE INDEX batch_lines_counts ON batch_lines (batch_id, state, outcome)',
    ],
  ];
}
