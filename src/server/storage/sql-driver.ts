/**
 * The one seam between the server and a SQL database. SQL above this line is
 * written once, in the dialect SQLite and Postgres share (`?` placeholders,
 * `ON CONFLICT … DO UPDATE`, `RETURNING`, row-value comparisons); a driver only
 * translates placeholders and runs statements.
 */
export type SqlValue = string | number | bigint | null;

export interface SqlExecutor {
  all<Row>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  get<Row>(sql: string, params?: readonly SqlValue[]): Promise<Row | undefined>;
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
  /** Runs a script of statements (DDL, a migration step), in the transaction when it is one. */
  exec(script: string): Promise<void>;
}

export interface SqlDriver extends SqlExecutor {
  /**
   * Runs `work` in one transaction that either commits durably before the
   * returned promise resolves, or rolls back and rejects.
   */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
