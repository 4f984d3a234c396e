import Database from 'better-sqlite3';
import { ChangedUnderneath, type SqlDriver, type SqlExecutor, type SqlValue } from './sql-driver.ts';

/**
 * SQLite through better-sqlite3. One connection, so transactions are serialised
 * through a promise chain: an `await` inside a transaction must not let another
 * request's statements run on the same connection mid-transaction. Reads queue
 * behind open transactions for the same reason.
 *
 * Isolation: BEGIN IMMEDIATE takes the write lock as the transaction starts,
 * so transactions run one after another, serializable.
 *
 * Durability: WAL with synchronous=FULL, so a commit (and therefore a push
 * acknowledgement) survives power loss, not only a process crash.
 */
export function openSqlite(file: string): SqlDriver {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');

  const statements = new Map<string, Database.Statement>();
  const prepare = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
    return statement;
  };
  const executor: SqlExecutor = {
    async all<Row>(sql: string, params: readonly SqlValue[] = []) {
      return prepare(sql).all(...params) as Row[];
    },
    async get<Row>(sql: string, params: readonly SqlValue[] = []) {
      return prepare(sql).get(...params) as Row | undefined;
    },
    async run(sql: string, params: readonly SqlValue[] = []) {
      return { changes: prepare(sql).run(...params).changes };
    },
    // One statement per row: better-sqlite3 binds a short parameter list faster than one long one.
    async runMany(sql: string, rows: readonly (readonly SqlValue[])[]) {
      const statement = prepare(sql);
      let changes = 0;
      for (const row of rows) changes += statement.run(...row).changes;
      return { changes };
    },
    async exec(script: string) {
      db.exec(script);
    },
  };

  let queue: Promise<unknown> = Promise.resolve();
  const serialised = <T>(work: () => Promise<T>): Promise<T> => {
    const result = queue.then(work);
    queue = result.catch(() => undefined);
    return result;
  };

  return {
    dialect: 'sqlite',
    // One process owns the file: its own watchers are all there are.
    broadcast: null,
    all: (sql, params) => serialised(() => executor.all(sql, params)),
    get: (sql, params) => serialised(() => executor.get(sql, params)),
    run: (sql, params) => serialised(() => executor.run(sql, params)),
    runMany: (sql, rows) => serialised(() => executor.runMany(sql, rows)),
    transaction: (work) =>
      serialised(async () => {
        // One writer at a time: nothing changes under a transaction, so a second run is a formality of the contract.
        for (let attempt = 1; ; attempt++) {
          db.exec('BEGIN IMMEDIATE');
          try {
            const result = await work(executor);
            db.exec('COMMIT');
            return result;
          } catch (error) {
            if (db.inTransaction) db.exec('ROLLBACK');
            if (!(error instanceof ChangedUnderneath) || attempt === 3) throw error;
          }
        }
      }),
    exec: (script) => serialised(() => executor.exec(script)),
    close: () => serialised(async () => void db.close()),
  };
}
