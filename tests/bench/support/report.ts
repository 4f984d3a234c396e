import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchMode } from './bench-mode.ts';

/**
 * One line of the benchmark's result. Every figure is measured next to its
 * limit or peer in the same run (the machine is noisy), so `ratio` is the
 * number to compare across runs; `value` and `limit` are this run's readings.
 */
export type BenchRow = {
  name: string;
  value: number;
  unit: string;
  /** the limit or peer measured (or fixed) alongside, in the same unit */
  limit: number;
  /** how `limit` was obtained, e.g. "raw better-sqlite3" or "one frame" */
  limitLabel: string;
  /** value / limit */
  ratio: number;
  /** the goal in words, e.g. "≥ 10,000 events/s and ≥ 0.5× raw"; null for a reference row */
  goal: string | null;
  /** whether the goal is met; null for a reference row that has no goal of its own */
  met: boolean | null;
  /** anything worth keeping next to the number: sample counts, file lists, raw timings */
  details?: Record<string, unknown>;
};

export function row(fields: Omit<BenchRow, 'ratio'>): BenchRow {
  return { ...fields, ratio: fields.limit === 0 ? Number.NaN : fields.value / fields.limit };
}

/** Nearest-rank percentile (p in 0..100) of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new RangeError('percentile of no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

const started = performance.now();

/** A progress line on stderr, so stdout stays the table. */
export function progress(message: string): void {
  const seconds = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[bench ${seconds}s] ${message}\n`);
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const digits = abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function printTable(rows: readonly BenchRow[], mode: BenchMode): void {
  if (mode === 'smoke') console.log('SMOKE RUN (tiny sizes): these figures mean nothing; goals are shown, in brackets, not judged.\n');
  if (rows.length === 0) {
    console.log('No figures: no group measured anything.');
    return;
  }
  const met = (r: BenchRow) => (r.met === null ? '—' : mode === 'smoke' ? `(${r.met ? 'yes' : 'no'})` : r.met ? 'yes' : 'NO');
  const header = ['figure', 'value', 'unit', 'limit / peer', 'ratio', 'goal', 'met'];
  const cells = rows.map((r) => [
    r.name,
    formatNumber(r.value),
    r.unit,
    `${formatNumber(r.limit)} (${r.limitLabel})`,
    `${r.ratio.toFixed(2)}×`,
    r.goal ?? '— (reference)',
    met(r),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const numeric = new Set([1, 4]);
  const line = (c: readonly string[]) => c.map((text, i) => (numeric.has(i) ? text.padStart(widths[i]!) : text.padEnd(widths[i]!))).join(' | ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const c of cells) console.log(line(c));
}

/** How one group of the run ended: its rows are in the table, or it failed with `error` and has none. */
export type GroupOutcome = { group: string; seconds: number } & ({ status: 'ok'; rows: number } | { status: 'failed'; error: string; stack?: string });

/** Failed groups, after the table: a failure must be as visible as a figure. */
export function printFailures(outcomes: readonly GroupOutcome[]): void {
  const failed = outcomes.filter((o) => o.status === 'failed');
  if (failed.length === 0) return;
  console.log(`\nFAILED: ${failed.length} of ${outcomes.length} groups measured nothing:`);
  for (const outcome of failed) {
    // Playwright's messages carry a call log; the first lines say what failed, the JSON keeps it all.
    const lines = outcome.error.split('\n');
    const shown = lines.slice(0, 6).map((line) => `    ${line}`).join('\n');
    console.log(`  ${outcome.group} (after ${outcome.seconds.toFixed(0)} s):\n${shown}${lines.length > 6 ? `\n    … (${lines.length - 6} more lines in the JSON)` : ''}`);
  }
}

/**
 * Writes bench-results/bench-<ISO timestamp>.json and bench-results/latest.json
 * for a full run; a smoke run writes bench-results/smoke-latest.json only, so
 * `npm test` never puts its meaningless figures where the last full run's are
 * read. Returns the paths written.
 */
export function writeResults(rows: readonly BenchRow[], meta: Record<string, unknown>, mode: BenchMode): string[] {
  const dir = 'bench-results';
  mkdirSync(dir, { recursive: true });
  const at = new Date().toISOString();
  const json = `${JSON.stringify({ at, mode, ...meta, rows }, null, 2)}\n`;
  const files = mode === 'smoke' ? [join(dir, 'smoke-latest.json')] : [join(dir, `bench-${at.replace(/[:.]/g, '-')}.json`), join(dir, 'latest.json')];
  for (const file of files) writeFileSync(file, json);
  return files;
}
