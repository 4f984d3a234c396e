import type Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect } from 'vitest';
import type { DemoCredentials } from '../../src/server/demo/seed-demo.ts';
import { enrollDevice, readCredentials, SaleChain, type DeviceClient, type StoreSliceSnapshot } from '../integration/helpers/device-client.ts';
import { readLedger } from '../integration/helpers/ledger-db.ts';
import { makeDataDir, removeDataDir, startServer, type ServerProcess } from '../integration/helpers/server-process.ts';
import { hqClient, type HqClient } from './hq-client.ts';

/** The built PWA, which e2e suites serve: `npx vite build` makes it. */
export const DIST_DIR = fileURLToPath(new URL('../../dist', import.meta.url));

export type SuiteServerOptions = {
  /** Names the data directory (storeside-<label>-…), so a leftover one says which suite made it. */
  label: string;
  /** Products per demo store; the server's default (200) when absent. Few keep start-up fast. */
  demoProducts?: number;
  env?: Record<string, string>;
  /** Serve the built app from dist/ beside the API, as e2e suites need; fails loudly when it is not built. */
  app?: boolean;
  /**
   * "Never a 500" (DESIGN.md "Security"): after the suite, the server's output must hold no
   * unexpected error. Only a suite that breaks the server on purpose turns this off, and says why.
   */
  unexpectedErrorsAllowed?: boolean;
};

/** A demo store's staff member as the demo credentials hold them: name, role and PIN. */
export type DemoStaffMember = DemoCredentials['stores'][number]['staff'][number];

/**
 * The real server (a child process on its own data directory) for one suite:
 * started before the suite's tests, stopped after them, its data directory
 * removed. Everything a test asks of it goes through here, so a test reads as
 * what happens rather than how the server is reached.
 */
export type SuiteServer = {
  /** e.g. http://127.0.0.1:41234; a restart changes it. */
  readonly url: string;
  readonly dataDir: string;
  readonly process: ServerProcess;
  /** HQ, with the token the server printed at start-up. */
  readonly hq: HqClient;
  /** What the server wrote to <DATA_DIR>/demo-credentials.json: enrollment codes, staff PINs, the HQ token. */
  credentials(): DemoCredentials;
  /** A device enrolled with an unused demo code (of that store and role, when given). */
  enroll(options?: { storeId?: string; role?: 'tablet' | 'kiosk' }): Promise<DeviceClient>;
  /** The store's slice as its first snapshot showed it: products, staff, stock and the cursor after them. Read once per suite and store. */
  slice(storeId: string): Promise<StoreSliceSnapshot>;
  /** A newly enrolled till of the store (of `role` when given, as `enroll` takes codes) and the journal of sales it is about to make (see SaleChain). */
  till(storeId: string, seed: number, options?: { role?: 'tablet' | 'kiosk' }): Promise<{ client: DeviceClient; chain: SaleChain }>;
  /** Reads the server's SQLite file read-only, behind its back. */
  ledger<T>(question: (db: Database.Database) => T): T;
  /** Stops (or, with `{ crash: true }`, SIGKILLs) the server and starts it again on the same data. */
  restart(options?: { crash?: boolean }): Promise<void>;
};

/**
 * Starts one server for the tests of the file or `describe` it is called in.
 * Call it at the top of the suite; use what it returns inside tests and hooks.
 */
export function withServer(options: SuiteServerOptions): SuiteServer {
  let current: ServerProcess | undefined;
  let dataDir: string | undefined;
  const slices = new Map<string, Promise<StoreSliceSnapshot>>();

  beforeAll(async () => {
    if (options.app && !existsSync(join(DIST_DIR, 'index.html'))) {
      throw new Error(`No built app in ${DIST_DIR}: run \`npx vite build\` before the e2e tests, which serve it.`);
    }
    dataDir = makeDataDir(options.label);
    current = await startServer({ dataDir, demoProducts: options.demoProducts, env: { ...(options.app ? { DIST_DIR } : {}), ...options.env } });
  });

  afterAll(async () => {
    try {
      if (current) {
        await current.stop();
        if (!options.unexpectedErrorsAllowed) expect(current.output(), 'the server logged an unexpected error (a 500)').not.toMatch(/unexpected error/);
      }
    } finally {
      if (dataDir) removeDataDir(dataDir);
    }
  });

  const running = (): ServerProcess => {
    if (!current) throw new Error(`the ${options.label} server is used before it started: call withServer() in the suite and use it inside its tests and hooks`);
    return current;
  };

  const server: SuiteServer = {
    get url() {
      return running().url;
    },
    get dataDir() {
      return running().dataDir;
    },
    get process() {
      return running();
    },
    hq: hqClient({
      get url() {
        return running().url;
      },
      hqToken: () => readCredentials(running().dataDir).hqToken,
    }),
    credentials: () => readCredentials(running().dataDir),
    enroll: (enrollOptions = {}) => enrollDevice(running(), enrollOptions),
    slice(storeId) {
      let slice = slices.get(storeId);
      if (!slice) slices.set(storeId, (slice = server.enroll({ storeId }).then((device) => device.readSnapshot())));
      return slice;
    },
    async till(storeId, seed, tillOptions = {}) {
      const client = await server.enroll({ storeId, ...tillOptions });
      // The store's first till reads the slice itself: an enrollment code less spent on reading it.
      if (!slices.has(storeId)) slices.set(storeId, client.readSnapshot());
      return { client, chain: new SaleChain(client, await server.slice(storeId), seed) };
    },
    ledger: (question) => readLedger(running().dataDir, question),
    async restart(restartOptions) {
      current = await running().restart(restartOptions);
    },
  };
  return server;
}

/** The demo credentials a server wrote at start-up. */
export function demoCredentials(server: { readonly dataDir: string }): DemoCredentials {
  return readCredentials(server.dataDir);
}

/** The `nth` (from 0) staff member of a demo store with this role. */
export function demoStaff(server: { readonly dataDir: string }, storeId: string, role: DemoStaffMember['role'], nth = 0): DemoStaffMember {
  const store = demoCredentials(server).stores.find((candidate) => candidate.id === storeId);
  if (!store) throw new Error(`the demo retailer has no store ${storeId}`);
  const member = store.staff.filter((candidate) => candidate.role === role)[nth];
  if (!member) throw new Error(`${storeId} has no ${role} number ${nth + 1}`);
  return member;
}
