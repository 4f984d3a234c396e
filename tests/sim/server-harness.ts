import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { uuidv7 } from '../../src/domain/uuid7.ts';
import { handleApi } from '../../src/server/http/api.ts';
import type { RetailerSeed, ServerStore } from '../../src/server/storage/server-store.ts';
import type { SqlDriver, SqlExecutor, SqlValue } from '../../src/server/storage/sql-driver.ts';
import { createSqlStore } from '../../src/server/storage/sql-store.ts';
import { openSqlite } from '../../src/server/storage/sqlite-driver.ts';
import type { Rng } from './prng.ts';
import type { SimClock } from './sim-clock.ts';

/**
 * The real server in-process: `handleApi` over `createSqlStore` over SQLite in
 * memory, reached without sockets.
 *
 * Faults inside a push's transaction (`dispatchWithFault`):
 *
 *   crash          — the process dies at the k-th statement of the transaction
 *                    (the statement throws instead of running), or just before
 *                    COMMIT. The driver rolls back, which is what SIGKILL does to
 *                    an uncommitted SQLite transaction under WAL +
 *                    synchronous=FULL. The server restarts: a new
 *                    `createSqlStore` over the same database, so nothing the old
 *                    process held in memory survives. The client hears nothing.
 *   storage-error  — the k-th statement fails (disk full, I/O error), the
 *                    transaction rolls back, and the process lives on with
 *                    whatever it keeps in memory, answering 500: the fault that
 *                    would expose a cache filled by a transaction that never
 *                    committed.
 *
 * k is uniform over the transaction's statements and the moment before COMMIT.
 * The transaction's length is found by running it once first and rolling it
 * back (a probe); for a crash the probe runs between restarts, so the crashing
 * run sees the same cold process the probe saw and runs the same statements.
 */
export class SimulatedFault extends Error {
  constructor(
    readonly fault: ServerFault | 'probe',
    readonly at: string,
  ) {
    super(`simulated ${fault} at ${at}`);
    this.name = 'SimulatedFault';
  }
}

export type ServerFault = 'crash' | 'storage-error';

export type HttpRequest = { method: string; path: string; headers: Record<string, string>; body?: string };
export type HttpAnswer = { kind: 'answered'; status: number; body: string; storageError?: string } | { kind: 'crashed'; at: string };

type Armed = { fault: ServerFault; position: number } | { fault: 'probe' };

export class ServerHarness {
  /** the database as the process found it; survives restarts */
  readonly database: SqlDriver;
  store!: ServerStore;
  /** crashes injected, each followed by a restart */
  crashes = 0;
  /** where faults hit, by kind and statement (its verb and table) or 'before COMMIT' */
  readonly faultSites = new Map<string, number>();
  /** answers that were 5xx without an injected fault: never acceptable */
  readonly internalErrors: string[] = [];

  /**
   * Statements of a transaction the server silently skips once seeded: a
   * deliberately broken server, to show the invariants catch one.
   */
  sabotage: RegExp | null = null;
  private seeded = false;
  private armed: Armed | null = null;
  private faulted: { fault: ServerFault | 'probe'; at: string; statements: number } | null = null;
  private closed = false;

  private constructor(
    private readonly clock: SimClock,
    private readonly rng: Rng,
  ) {
    this.database = openSqlite(':memory:');
  }

  static async start(retailer: RetailerSeed, clock: SimClock, rng: Rng): Promise<ServerHarness> {
    const harness = new ServerHarness(clock, rng);
    harness.store = createSqlStore(harness.faultyDriver());
    await harness.store.open();
    await harness.store.seed(retailer);
    harness.seeded = true;
    return harness;
  }

  /** Runs one request through the real router, as the HTTP server would. */
  async dispatch(request: HttpRequest): Promise<HttpAnswer> {
    // A request still in flight when the seed ended (a bootstrap's prefetched page) finds no server.
    if (this.closed) return { kind: 'crashed', at: 'shutdown' };
    this.faulted = null;
    const url = new URL(request.path, 'http://sim.invalid');
    const body = request.body === undefined ? [] : [Buffer.from(request.body)];
    const headers: Record<string, string> = { ...request.headers };
    if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
    const incoming = Object.assign(Readable.from(body), { method: request.method, url: url.pathname + url.search, headers }) as unknown as IncomingMessage;
    const response = new CapturedResponse();
    const quiet = muteFaultReports();
    try {
      await handleApi(incoming, response as unknown as ServerResponse, {
        store: this.store,
        now: () => this.clock.now,
        newId: () => uuidv7(this.clock.now, this.rng.bytes(10)),
        maxBodyBytes: 1 << 20,
      });
    } finally {
      quiet.restore();
      this.armed = null;
    }
    const faulted = this.faulted as ServerHarness['faulted'];
    if (faulted?.fault === 'crash') {
      this.crashes += 1;
      await this.restart();
      return { kind: 'crashed', at: faulted.at };
    }
    if (faulted?.fault === 'storage-error') return { kind: 'answered', status: response.status, body: response.body, storageError: faulted.at };
    if (faulted?.fault !== 'probe' && response.status >= 500) this.internalErrors.push(`${request.method} ${url.pathname} answered ${response.status}: ${response.body}`);
    return { kind: 'answered', status: response.status, body: response.body };
  }

  /** Delivers a request whose transaction fails at a statement drawn uniformly from all of its statements and COMMIT. */
  async dispatchWithFault(request: HttpRequest, fault: ServerFault): Promise<HttpAnswer> {
    if (fault === 'crash') await this.restart();
    this.armed = { fault: 'probe' };
    await this.dispatch(request);
    const statements = this.faulted?.statements ?? 0;
    if (fault === 'crash') await this.restart();
    // No transaction (refused before it began): nothing to fail in.
    if (statements > 0) this.armed = { fault, position: this.rng.int(1, statements + 1) };
    return this.dispatch(request);
  }

  /** A new server process on the same database: every in-memory cache starts empty. */
  async restart(): Promise<void> {
    this.store = createSqlStore(this.faultyDriver());
    await this.store.open();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.database.close();
  }

  /** The database seen through a process that can fail mid-transaction. */
  private faultyDriver(): SqlDriver {
    const inner = this.database;
    return {
      dialect: inner.dialect,
      broadcast: inner.broadcast,
      all: (sql, params) => inner.all(sql, params),
      get: (sql, params) => inner.get(sql, params),
      run: (sql, params) => inner.run(sql, params),
      runMany: (sql, rows) => inner.runMany(sql, rows),
      exec: (script) => inner.exec(script),
      close: () => inner.close(),
      transaction: (work) =>
        inner.transaction(async (tx) => {
          const armed = this.armed;
          this.armed = null;
          let statements = 0;
          const step = (sql: string) => {
            statements += 1;
            if (armed && armed.fault !== 'probe' && statements === armed.position) this.fail(armed.fault, siteOf(sql), statements);
          };
          const skipped = (sql: string) => this.seeded && this.sabotage !== null && this.sabotage.test(sql.trim());
          const guarded: SqlExecutor = {
            all: <Row>(sql: string, params?: readonly SqlValue[]) => (step(sql), skipped(sql) ? Promise.resolve([]) : tx.all<Row>(sql, params)),
            get: <Row>(sql: string, params?: readonly SqlValue[]) => (step(sql), skipped(sql) ? Promise.resolve(undefined) : tx.get<Row>(sql, params)),
            run: (sql: string, params?: readonly SqlValue[]) => (step(sql), skipped(sql) ? Promise.resolve({ changes: 0 }) : tx.run(sql, params)),
            // A skipped insert of many rows claims them all written: the server must not notice the sabotage.
            runMany: (sql: string, rows: readonly (readonly SqlValue[])[]) => (step(sql), skipped(sql) ? Promise.resolve({ changes: rows.length }) : tx.runMany(sql, rows)),
            exec: (script: string) => (step(script), tx.exec(script)),
          };
          const result = await work(guarded);
          if (armed) this.fail(armed.fault, 'before COMMIT', statements);
          return result;
        }),
    };
  }

  private fail(fault: ServerFault | 'probe', site: string, statements: number): never {
    this.faulted = { fault, at: site, statements };
    if (fault !== 'probe') {
      const key = `${fault}: ${site}`;
      this.faultSites.set(key, (this.faultSites.get(key) ?? 0) + 1);
    }
    throw new SimulatedFault(fault, site);
  }
}

/** "UPDATE stock SET on_hand", "INSERT INTO sales", "SELECT FROM events": which step of ingest a statement is. */
function siteOf(sql: string): string {
  let text = sql.replace(/\s+/g, ' ').trim();
  // Subqueries out, so the statement's own table is the one named.
  for (let before = ''; before !== text; ) [before, text] = [text, text.replace(/\([^()]*\)/g, '')];
  const words = text.split(' ');
  const verb = words[0]!.toUpperCase();
  if (verb === 'INSERT') return `INSERT INTO ${words[2]}`;
  if (verb === 'UPDATE') return `UPDATE ${words[1]} SET ${words[3]}`;
  const from = words.findIndex((word) => word.toUpperCase() === 'FROM');
  return `SELECT FROM ${words[from + 1] ?? '?'}`;
}

/** The router logs unexpected errors; an injected fault is expected, anything else is still printed. */
function muteFaultReports() {
  const original = console.error;
  console.error = (...args: unknown[]) => {
    if (args.some((arg) => arg instanceof SimulatedFault)) return;
    original(...args);
  };
  return { restore: () => void (console.error = original) };
}

/** The parts of ServerResponse that `handleApi` uses for JSON answers. */
class CapturedResponse {
  status = 0;
  headers: Record<string, string> = {};
  body = '';
  writeHead(status: number, headers: Record<string, string> = {}) {
    this.status = status;
    this.headers = { ...this.headers, ...headers };
    return this;
  }
  setHeader(name: string, value: string) {
    this.headers[name.toLowerCase()] = value;
    return this;
  }
  end(body?: string | Buffer) {
    this.body = body === undefined ? '' : String(body);
    return this;
  }
}
