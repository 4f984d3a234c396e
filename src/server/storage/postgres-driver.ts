import pg from 'pg';
import { ChangedUnderneath, type SqlBroadcast, type SqlDriver, type SqlExecutor, type SqlValue } from './sql-driver.ts';

/** The channel replicas tell each other of committed changes on (sql-store.ts says what a message holds). */
const CHANNEL = 'storeside_changes';

/** SQLSTATEs after which Postgres has rolled the transaction back and running it again may succeed. */
const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected
const MAX_ATTEMPTS = 5;

/**
 * BIGINT (int8) and NUMERIC (what SUM of a BIGINT gives) arrive as strings by
 * default, so that values past 2^53 are not rounded. Every number the server
 * stores is an amount in minor units, a seq, a version or a time, all far
 * below 2^53, and the SQL above the driver expects numbers from SQLite too.
 */
const INT8 = 20;
const NUMERIC = 1700;
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 || oid === NUMERIC) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

/**
 * Statement text in the shared dialect, with `?` placeholders, as Postgres wants
 * it (`$1`, `$2`, …; a `?` inside a string literal stays), named so that each
 * connection prepares it once. Statements of many parameters are lists and
 * multi-row writes, made in as many lengths as there are batches: those stay
 * unnamed (parsed each time, which their many rows repay) rather than pile up
 * prepared on every connection.
 */
type Prepared = { name: string | undefined; text: string };
const preparedByText = new Map<string, Prepared>();
const NAMED_UP_TO_PARAMETERS = 32;
function prepared(sql: string): Prepared {
  let statement = preparedByText.get(sql);
  if (!statement) {
    let n = 0;
    const text = sql
      .split("'")
      .map((part, index) => (index % 2 === 0 ? part.replace(/\?/g, () => `$${++n}`) : part))
      .join("'");
    statement = { name: n <= NAMED_UP_TO_PARAMETERS ? `storeside_${preparedByText.size}` : undefined, text };
    if (statement.name) preparedByText.set(sql, statement);
  }
  return statement;
}

/** Postgres takes at most 65,535 parameters a statement; a thousand rows a statement is plenty for one round trip. */
const MAX_PARAMETERS = 65_535;
const MAX_ROWS = 1_000;

/**
 * A one-row INSERT as the multi-row statement for `rows` rows: its `VALUES (…)`
 * group repeated. The group must hold no parentheses of its own.
 */
function multiRow(sql: string, rows: number): string {
  const group = /VALUES\s*(\([^()]*\))/.exec(sql);
  if (!group) throw new Error(`runMany needs a one-row INSERT … VALUES (…), not: ${sql}`);
  const values = new Array(rows).fill(group[1]).join(', ');
  return `${sql.slice(0, group.index)}VALUES ${values}${sql.slice(group.index + group[0].length)}`;
}

type Queryable = pg.Pool | pg.PoolClient;

function executor(on: Queryable): SqlExecutor {
  const query = async <Row>(sql: string, params: readonly SqlValue[] = []) => {
    const { name, text } = prepared(sql);
    return on.query<Row & pg.QueryResultRow>({ name, text, values: params as unknown[] });
  };
  return {
    all: async <Row>(sql: string, params?: readonly SqlValue[]) => (await query<Row>(sql, params)).rows as Row[],
    get: async <Row>(sql: string, params?: readonly SqlValue[]) => (await query<Row>(sql, params)).rows[0] as Row | undefined,
    run: async (sql, params) => ({ changes: (await query(sql, params)).rowCount ?? 0 }),
    async runMany(sql, rows) {
      if (rows.length === 0) return { changes: 0 };
      const perStatement = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMETERS / rows[0]!.length)));
      let changes = 0;
      for (let start = 0; start < rows.length; start += perStatement) {
        const chunk = rows.slice(start, start + perStatement);
        changes += (await query(multiRow(sql, chunk.length), chunk.flat())).rowCount ?? 0;
      }
      return { changes };
    },
    // A script is several statements: the simple protocol runs them, with no parameters.
    exec: async (script) => void (await on.query(script)),
  };
}

const isRetryable = (error: unknown) =>
  error instanceof ChangedUnderneath || (typeof error === 'object' && error !== null && RETRYABLE.has((error as { code?: string }).code ?? ''));

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type PostgresOptions = {
  /** connections in the pool: each runs one transaction or statement at a time */
  poolSize?: number;
};

/**
 * Postgres through node-postgres (`pg`) and its pool. Transactions run READ
 * COMMITTED: each statement sees what was committed before it began, and
 * sql-store.ts orders what must not interleave with row locks (a store's
 * version counter, a device's row), which READ COMMITTED re-reads after the
 * wait instead of failing. A deadlock or serialization failure is retried.
 */
export function openPostgres(url: string, options: PostgresOptions = {}): SqlDriver {
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, types });
  // An idle connection the server dropped (a restart, a failover) must not end the process; the pool replaces it.
  pool.on('error', (error) => console.error(`a pooled Postgres connection failed: ${error.message}`));
  const direct = executor(pool);

  let listener: pg.Client | null = null;
  let opening: Promise<void> | null = null;
  let closing = false;
  const listeners: ((message: string) => void)[] = [];
  // Pokes are hints (a device also polls): a lost listener is opened again until it is back, and what it missed
  // costs latency only.
  const reopen = () => {
    setTimeout(() => {
      if (closing) return;
      listen().catch((error: Error) => {
        console.error(`the Postgres change listener could not reconnect (${error.message}); trying again`);
        reopen();
      });
    }, 1_000).unref();
  };
  const listen = (): Promise<void> => (opening ??= openListener().finally(() => (opening = null)));
  const openListener = async (): Promise<void> => {
    // Keep-alive probes, so a connection that died without a word (a dropped route) is noticed and reopened.
    const client = new pg.Client({ connectionString: url, types, keepAlive: true });
    client.on('notification', (notification) => {
      if (notification.channel !== CHANNEL || notification.payload === undefined) return;
      for (const deliver of listeners) deliver(notification.payload);
    });
    // Before it listens, a failure is listen()'s to report (its caller tries again); after, it is lost here, once.
    let listening = false;
    let lost = false;
    const lose = (why: string) => {
      if (!listening || lost || closing) return;
      lost = true;
      console.error(`the Postgres change listener was lost (${why}); reconnecting`);
      if (listener === client) listener = null;
      void client.end().catch(() => undefined);
      reopen();
    };
    client.on('error', (error) => lose(error.message));
    client.on('end', () => lose('the connection ended'));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (closing) {
      await client.end().catch(() => undefined);
      return;
    }
    listening = true;
    listener = client;
  };

  const broadcast: SqlBroadcast = {
    async publish(tx, message) {
      await tx.get(`SELECT pg_notify(?, ?)`, [CHANNEL, message]);
    },
    async subscribe(deliver) {
      listeners.push(deliver);
      if (!listener) await listen();
    },
  };

  return {
    dialect: 'postgres',
    broadcast,
    ...direct,
    async transaction(work) {
      for (let attempt = 1; ; attempt++) {
        const client = await pool.connect();
        let broken = false;
        try {
          await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
          const result = await work(executor(client));
          await client.query('COMMIT');
          return result;
        } catch (error) {
          try {
            await client.query('ROLLBACK');
          } catch {
            broken = true; // the connection itself failed: the pool must not hand it out again
          }
          if (!isRetryable(error) || attempt === MAX_ATTEMPTS) throw error;
        } finally {
          client.release(broken);
        }
        // Two transactions that deadlocked would meet again if both came back at once.
        await pause(Math.random() * 20 * attempt);
      }
    },
    async close() {
      closing = true;
      // A listener opening now ends itself once it sees `closing`.
      await opening?.catch(() => undefined);
      await listener?.end().catch(() => undefined);
      await pool.end();
    },
  };
}
