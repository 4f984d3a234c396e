import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runSeed } from './run-seed.ts';

/**
 * Issue 4, "Proof": the deterministic simulation. The real till code and the
 * real server in one process, a seeded network, clock and crashes; every seed
 * must keep every invariant (see run-seed.ts and invariants.ts).
 *
 * SIM_SEEDS=N runs seeds 1..N (default 1,000), in two child processes so both
 * cores work. A failing seed is printed with the command that replays it.
 */
const SEEDS = Number(process.env.SIM_SEEDS ?? 1000);
const SHARDS = 2;
const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TSX_LOADER = pathToFileURL(join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const CLI = join(REPO_ROOT, 'tests', 'sim', 'simulate.ts');

type ShardResult = { from: number; count: number; failed: number[]; events: number; ms: number };

/** Runs seeds from..from+count-1 through the CLI; resolves with its summary and every failure it printed. */
function runShard(from: number, count: number): Promise<{ result: ShardResult | null; failures: string[]; output: string }> {
  return new Promise((resolve, reject) => {
    // A larger young generation: each seed allocates freely and briefly, and scavenging less saves about 7 %.
    const args = ['--max-semi-space-size=64', '--import', TSX_LOADER, CLI, '--seeds', String(count), '--from', String(from)];
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => {
      const lines = output.split('\n');
      const summary = lines.find((line) => line.startsWith('RESULT '));
      const failures = lines.flatMap((line, i) => (line.startsWith('seed ') && line.includes(' failed: ') ? [`${line}\n${lines[i + 1] ?? ''}`] : []));
      resolve({ result: summary ? (JSON.parse(summary.slice('RESULT '.length)) as ShardResult) : null, failures, output });
    });
  });
}

describe('the deterministic simulation', () => {
  it('replays a seed exactly: the same steps, faults and final state', async () => {
    const first = await runSeed(42, { targetEvents: 30 });
    const again = await runSeed(42, { targetEvents: 30 });
    expect(first.ok, first.failure?.detail).toBe(true);
    expect(again.trace).toEqual(first.trace);
    expect(again.digest).toBe(first.digest);
  });

  it.each([
    ['does not count sold stock', /^UPDATE stock/],
    ['does not publish a change to the tills', /^INSERT INTO sync_rows/],
    ['does not record a till\'s acknowledgement', /^UPDATE devices SET acked_seq/],
  ])('fails a seed whose server %s: the invariants have teeth', async (_, statement) => {
    const result = await runSeed(3, { targetEvents: 20, sabotage: statement });
    expect(result.ok).toBe(false);
  });

  it(`keeps every invariant for seeds 1..${SEEDS}`, { timeout: 60 * 60_000 }, async () => {
    const size = Math.ceil(SEEDS / SHARDS);
    const shards = await Promise.all(
      Array.from({ length: SHARDS }, (_, i) => ({ from: 1 + i * size, count: Math.min(size, SEEDS - i * size) }))
        .filter((shard) => shard.count > 0)
        .map((shard) => runShard(shard.from, shard.count)),
    );
    const failures = shards.flatMap((shard) => shard.failures);
    for (const shard of shards) {
      // A shard that died without its summary (an uncaught error) is a failure too.
      if (!shard.result) failures.push(`a shard ended without a result:\n${shard.output.slice(-4000)}`);
    }
    expect(failures.join('\n\n')).toBe('');
    expect(shards.reduce((sum, shard) => sum + (shard.result?.count ?? 0), 0)).toBe(SEEDS);
  });
});
