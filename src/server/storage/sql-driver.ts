/**
 * The one seam between the server and a SQL database. SQL above this line is
 * written once, in the dialect SQLite and Postgres share (`?` placeholders,
 * `ON CONFLICT … DO UPDATE`, `RETURNING`, row-value comparisons); a driver only
 * translates placeholders and runs statements. The few things the two engines
 * cannot say alike are in `dialect.ts`.
 */
export type SqlValue = string | number | bigint | null;

export type SqlDialect = 'sqlite' | 'postgres';

export interface SqlExecutor {
  all<Row>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  get<Row>(sql: string, params?: readonly SqlValue[]): Promise<Row | undefined>;
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
  /**
   * Runs a one-row INSERT (`… VALUES (?, …) …`) for each of `rows`, as the
   * engine does it fastest: SQLite one prepared statement per row, Postgres a
   * few multi-row statements (one round trip per thousand rows, not per row).
   * The rows changed, in all.
   */
  runMany(sql: string, rows: readonly (readonly SqlValue[])[]): Promise<{ changes: number }>;
  /** Runs a script of statements (DDL, a migration step), in the transaction when it is one. */
  exec(script: string): Promise<void>;
}

/**
 * Messages between the server processes on one database (Postgres LISTEN/NOTIFY):
 * how a write on one replica pokes the devices connected to another.
 */
export interface SqlBroadcast {
  /** Sends `message` to every listener once `tx` commits; nothing if it rolls back. */
  publish(tx: SqlExecutor, message: string): Promise<void>;
  /** Calls `listener` with every message published, this process's own included. Resolves once listening. */
  subscribe(listener: (message: string) => void): Promise<void>;
}

/**
 * Thrown by work that finds, as it writes, that what it read earlier in the
 * transaction changed under it (another transaction committed a row it had
 * checked was free). The driver runs the transaction again, as it does after a
 * serialization failure; the second run reads the new state.
 */
export class ChangedUnderneath extends Error {
  override readonly name = 'ChangedUnderneath';
}

export interface SqlDriver extends SqlExecutor {
  readonly dialect: SqlDialect;
  /**
   * Runs `work` in one transaction that either commits durably before the
   * returned promise resolves, or rolls back and rejects.
   *
   * Isolation: each statement sees what was committed before it began (SQLite's
   * one writer at a time gives more; Postgres runs READ COMMITTED). What must
   * not interleave is ordered by row locks the work takes (sql-store.ts). A
   * transaction the database aborts to break a deadlock or a serialization
   * failure, or whose work throws ChangedUnderneath, is run again, a bounded
   * number of times, so `work` must do nothing outside the transaction that a
   * second run would repeat.
   */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Null where one process owns the database (an embedded SQLite file). */
  readonly broadcast: SqlBroadcast | null;
  close(): Promise<void>;
}
