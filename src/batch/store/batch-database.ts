/** A value bound to a SQL parameter. */
export type BatchSqlValue = string | number | Buffer | null;

/** One statement with `?` placeholders. */
export interface BatchStatement {
  sql: string;
  params: readonly BatchSqlValue[];
}

/** The SQL flavours the job store speaks. */
export type BatchDialect = 'sqlite' | 'postgres';

/**
 * The few operations the job store needs from a database, the same for SQLite and PostgreSQL.
 * Statements use `?` placeholders; every method may reject when the database is unreachable.
 */
export interface BatchDatabase {
  /** Which SQL flavour statements must be written in. */
  readonly dialect: BatchDialect;
  /** Applies the job store's migrations; safe at every start and from several processes at once. */
  migrate(statements: (dialect: BatchDialect) => string[][]): Promise<void>;
  /** Runs one read query. Integers may come back as strings (PostgreSQL BIGINT): read them with `Number()`. */
  all(statement: BatchStatement): Promise<Record<string, unknown>[]>;
  /** Runs one write and returns how many rows it changed. */
  run(statement: BatchStatement): Promise<number>;
  /** Runs writes in one transaction, all or none; returns each statement's changed-row count. */
  transaction(statements: readonly BatchStatement[]): Promise<number[]>;
  /** Whether the database answers. */
  ping(): Promise<boolean>;
  /** Releases connections and file handles. */
  close(): Promise<void>;
}
