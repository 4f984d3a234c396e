import { resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { build } from 'vite';
import type { SyncBench } from './page.ts';

/** Builds tests/bench/sync/page.html (the device's sync code and pouchdb-browser) into `outDir`, production mode. */
export async function buildSyncPage(outDir: string): Promise<void> {
  await build({
    configFile: false,
    root: resolve('tests/bench/sync'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'es2022', rollupOptions: { input: resolve('tests/bench/sync/page.html') } },
  });
}

type Method = keyof SyncBench;
type Call = <K extends Method>(name: K, ...args: Parameters<SyncBench[K]>) => Promise<Awaited<ReturnType<SyncBench[K]>>>;

export type SyncPage = { page: Page; call: Call };

/** Opens the built page at `origin` (a server that serves it) and returns a typed caller for its `syncBench` functions. */
export async function openSyncPage(context: BrowserContext, origin: string): Promise<SyncPage> {
  const page = await context.newPage();
  page.on('pageerror', (error) => process.stderr.write(`sync page error: ${error.message}\n`));
  await page.goto(`${origin}/page.html`);
  await page.waitForFunction(() => document.title === 'ready');
  const call: Call = (name, ...args) =>
    page.evaluate(
      ([method, params]) => (globalThis as unknown as { syncBench: Record<string, (...a: unknown[]) => unknown> }).syncBench[method]!(...params),
      [name, args] as [string, unknown[]],
    ) as never;
  return { page, call };
}
