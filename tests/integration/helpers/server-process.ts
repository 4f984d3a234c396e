import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The real sync server (`src/server/main.ts`) as a child process, on a port the
 * OS picks, so integration tests cross the same HTTP, JSON and SQLite
 * boundaries a device does. Kill it with SIGKILL to simulate a crash, and start
 * it again on the same DATA_DIR to see what survived.
 */
export type ServerProcess = {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  dataDir: string;
  pid: number;
  /** Everything the process printed so far, stdout and stderr interleaved. */
  output(): string;
  /** Whether it has exited (by itself, stop() or kill()). */
  exited(): boolean;
  /** SIGTERM: the server closes its listener and database, then exits. SIGKILL after 10 s. */
  stop(): Promise<void>;
  /** SIGKILL: a crash, no chance to close anything. */
  kill(): Promise<void>;
  /** Stops (or, with `{ crash: true }`, kills) this process and starts a new one on the same DATA_DIR. */
  restart(options?: { crash?: boolean }): Promise<ServerProcess>;
};

export type StartOptions = {
  /** Defaults to a new directory under the OS temp dir. */
  dataDir?: string;
  /** Extra environment for the server, e.g. { MAX_BODY_BYTES: '2048' }. */
  env?: Record<string, string>;
  /** Products per demo store; small keeps start-up fast. */
  demoProducts?: number;
};

const REPO_ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
// tsx's loader in this very process, not its CLI: the CLI runs the script in a
// grandchild that a SIGKILL to the CLI would leave running, holding the database.
const TSX_LOADER = pathToFileURL(join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const SERVER_ENTRY = join(REPO_ROOT, 'src', 'server', 'main.ts');
const START_TIMEOUT_MS = 60_000;
const SERVING_LINE = /Storeside is serving on http:\/\/[^:\s]+:(\d+)/;

/** Every child still running, so a crashed test run does not leave servers behind. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export function makeDataDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `storeside-${label}-`));
}

export function removeDataDir(dataDir: string): void {
  rmSync(dataDir, { recursive: true, force: true });
}

export async function startServer(options: StartOptions = {}): Promise<ServerProcess> {
  const dataDir = options.dataDir ?? makeDataDir('it');
  // The server's database is the data directory's SQLite file unless the test names one (options.env).
  const { DATABASE_URL: _inherited, NODE_OPTIONS: _options, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    DEMO_PRODUCTS: String(options.demoProducts ?? 200),
    // The API is what is under test; a stale build must not change what /api answers.
    DIST_DIR: join(dataDir, 'no-dist'),
    ...options.env,
  };

  const child = spawn(process.execPath, ['--import', TSX_LOADER, SERVER_ENTRY], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  let exitCode: number | null = null;
  let exitSignal: NodeJS.Signals | null = null;
  let hasExited = false;
  const exitedPromise = new Promise<void>((resolveExit) => {
    child.once('exit', (code, signal) => {
      hasExited = true;
      exitCode = code;
      exitSignal = signal;
      running.delete(child);
      resolveExit();
    });
  });
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (output += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (output += text));

  const port = await new Promise<number>((resolvePort, rejectPort) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rejectPort(new Error(`the server did not say it was serving within ${START_TIMEOUT_MS / 1000} s; its output:\n${output}`));
    }, START_TIMEOUT_MS);
    const onData = () => {
      const match = SERVING_LINE.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolvePort(Number(match[1]));
    };
    child.stdout!.on('data', onData);
    void exitedPromise.then(() => {
      clearTimeout(timer);
      rejectPort(new Error(`the server exited (code ${exitCode}, signal ${exitSignal}) before serving; its output:\n${output}`));
    });
  });

  const signalAndWait = async (signal: NodeJS.Signals, graceMs: number) => {
    if (hasExited) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exitedPromise;
    clearTimeout(timer);
  };

  const server: ServerProcess = {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    pid: child.pid!,
    output: () => output,
    exited: () => hasExited,
    stop: () => signalAndWait('SIGTERM', 10_000),
    kill: () => signalAndWait('SIGKILL', 10_000),
    async restart(restartOptions = {}) {
      await (restartOptions.crash ? server.kill() : server.stop());
      return startServer({ ...options, dataDir });
    },
  };
  return server;
}
