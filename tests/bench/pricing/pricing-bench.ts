import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import sirv from 'sirv';
import { build } from 'vite';
import type { TaxConfig } from '../../../src/domain/pricing/index.ts';
import { launchBenchBrowser } from '../support/browser.ts';
import { scratchDir } from '../support/server-fixture.ts';
import { percentile, progress, row, type BenchRow } from '../support/report.ts';
import type { BenchMode, Sized } from '../support/bench-mode.ts';
import type { PricingBenchInput, PricingBenchOutput } from './page.ts';
import { benchCart, benchPromotions, BENCH_STORE } from './synthetic-promotions.ts';

/** cart lines, promotions of the headline figure, promotion counts of the scaling rows, timed calls per figure and warm-up calls before them */
const SIZES: Sized<{ cartLines: number; headlinePromotions: number; scaleCounts: number[]; iterations: number; warmup: number }> = {
  full: { cartLines: 200, headlinePromotions: 1_000, scaleCounts: [10, 100, 1_000, 10_000], iterations: 200, warmup: 30 },
  smoke: { cartLines: 20, headlinePromotions: 100, scaleCounts: [10, 100, 1_000], iterations: 10, warmup: 3 },
};
const WORKER_GOAL_MS = 2;
const ROUND_TRIP_GOAL_MS = 1;

/** Austin's stacked sales tax: three jurisdictions, invoice-level rounding. */
const TAX: TaxConfig = {
  version: 1,
  mode: 'exclusive',
  rounding: 'half-up',
  level: 'invoice',
  categories: { standard: { label: 'Standard' }, reduced: { label: 'Reduced' } },
  jurisdictions: [
    { id: 'us-tx', label: 'Texas', rates: { standard: 62_500 } },
    { id: 'us-tx-austin', label: 'City of Austin', rates: { standard: 10_000 } },
    { id: 'us-tx-capmetro', label: 'Capital Metro', rates: { standard: 10_000 } },
  ],
};

/**
 * 6. Pricing: a 200-line cart against 1,000 promotions, in the pricing worker
 * (production build, Comlink, headless Chromium) and inline on the page's main
 * thread, interleaved in one run; then the same cart against 10 … 10,000
 * promotions to show how the cost grows.
 */
export async function benchPricing(mode: BenchMode): Promise<BenchRow[]> {
  const { cartLines, headlinePromotions, scaleCounts, iterations, warmup } = SIZES[mode];
  const scratch = scratchDir('pricing');
  progress('pricing: building the benchmark page (production build)');
  await build({
    configFile: false,
    root: resolve('tests/bench/pricing'),
    logLevel: 'warn',
    build: { outDir: scratch.dir, emptyOutDir: true, target: 'es2022', rollupOptions: { input: resolve('tests/bench/pricing/page.html') } },
    worker: { format: 'es' },
  });
  const server = createServer(sirv(scratch.dir, { dev: false }));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const browser = await launchBenchBrowser();
  try {
    const page = await browser.context.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/page.html`);
    await page.waitForFunction(() => document.title === 'ready');
    const input: PricingBenchInput = {
      cart: benchCart(cartLines),
      taxConfig: TAX,
      storeId: BENCH_STORE,
      promotions: benchPromotions(Math.max(...scaleCounts)),
      headlineCount: headlinePromotions,
      scaleCounts,
      iterations,
      warmup,
    };
    progress(`pricing: ${cartLines} lines × ${headlinePromotions.toLocaleString()} promotions, worker and inline, then ${scaleCounts.join(' / ')} promotions`);
    const output = await page.evaluate((data) => (globalThis as unknown as { pricingBench: (i: PricingBenchInput) => Promise<PricingBenchOutput> }).pricingBench(data), input);
    return rows(output, cartLines, headlinePromotions);
  } finally {
    await browser.close();
    server.close();
    scratch.remove();
  }
}

function rows({ headline, scaling }: PricingBenchOutput, cartLines: number, headlinePromotions: number): BenchRow[] {
  if (!headline.sameTotals) throw new Error('the worker and the page priced the same cart differently');
  const p95 = (samples: number[]) => percentile(samples, 95);
  const details = (samples: number[]) => ({ n: samples.length, p50: percentile(samples, 50), p95: p95(samples), max: Math.max(...samples) });
  const compute = p95(headline.workerCompute);
  const inline = p95(headline.inline);
  const roundTrip = p95(headline.workerRoundTrip);
  const label = `${cartLines} lines × ${headlinePromotions.toLocaleString()} promotions`;
  const base = scaling[0]!;
  const baseMs = percentile(base.inline, 50);
  return [
    row({
      name: `Pricing ${label}, in the worker (p95)`,
      value: compute,
      unit: 'ms',
      limit: WORKER_GOAL_MS,
      limitLabel: 'goal',
      goal: `≤ ${WORKER_GOAL_MS} ms`,
      met: compute <= WORKER_GOAL_MS,
      details: { ...details(headline.workerCompute), discountLines: headline.discountLines },
    }),
    row({
      name: `Pricing ${label}, inline on the page (p95)`,
      value: inline,
      unit: 'ms',
      limit: compute,
      limitLabel: 'same call in the worker',
      goal: null,
      met: null,
      details: details(headline.inline),
    }),
    row({
      name: 'Comlink round trip over the inline call (p95 − p95)',
      value: roundTrip - inline,
      unit: 'ms',
      limit: ROUND_TRIP_GOAL_MS,
      limitLabel: 'goal',
      goal: `≤ ${ROUND_TRIP_GOAL_MS} ms`,
      met: roundTrip - inline <= ROUND_TRIP_GOAL_MS,
      details: { roundTrip: details(headline.workerRoundTrip), inline: details(headline.inline) },
    }),
    ...scaling.map((step) => {
      const ms = percentile(step.inline, 50);
      const timeGrowth = ms / baseMs;
      const applicableGrowth = step.applicable / base.applicable;
      return row({
        name: `Pricing ${cartLines} lines × ${step.promotions.toLocaleString()} promotions (${step.applicable.toLocaleString()} can apply), p50`,
        value: ms,
        unit: 'ms',
        limit: baseMs,
        limitLabel: `${base.promotions} promotions`,
        // Roughly linear in what can apply: time grows no faster than the applicable promotions do (with slack for noise).
        goal: step === base ? null : '≤ linear in applicable promotions',
        met: step === base ? null : timeGrowth <= Math.max(1, applicableGrowth) * 1.5,
        details: { ...details(step.inline), applicable: step.applicable, timeGrowth, applicableGrowth },
      });
    }),
  ];
}
