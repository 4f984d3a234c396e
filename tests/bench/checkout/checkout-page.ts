import { resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { build } from 'vite';
import type { CheckoutBench } from './page.ts';

/** Builds tests/bench/checkout/page.html (the till's local code) into `outDir`, production mode. */
export async function buildCheckoutPage(outDir: string): Promise<void> {
  await build({
    configFile: false,
    root: resolve('tests/bench/checkout'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'es2022', rollupOptions: { input: resolve('tests/bench/checkout/page.html') } },
  });
}

type Method = keyof CheckoutBench;
type Call = <K extends Method>(name: K, ...args: Parameters<CheckoutBench[K]>) => Promise<Awaited<ReturnType<CheckoutBench[K]>>>;

/** Opens the built page at `origin` (a server that serves it) and returns a typed caller for its `checkoutBench` functions. */
export async function openCheckoutPage(context: BrowserContext, origin: string): Promise<{ page: Page; call: Call }> {
  const page = await context.newPage();
  page.on('pageerror', (error) => process.stderr.write(`checkout page error: ${error.message}\n`));
  await page.goto(`${origin}/page.html`);
  await page.waitForFunction(() => document.title === 'ready');
  const call: Call = (name, ...args) =>
    page.evaluate(
      ([method, params]) => (globalThis as unknown as { checkoutBench: Record<string, (...a: unknown[]) => unknown> }).checkoutBench[method]!(...params),
      [name, args] as [string, unknown[]],
    ) as never;
  return { page, call };
}
