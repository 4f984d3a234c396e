import { performance } from 'node:perf_hooks';
import { runSeed, type SeedResult } from './run-seed.ts';

/**
 * npm run simulate -- --seeds 5000         seeds 1..5000, a summary at the end
 * npm run simulate -- --seeds 500 --from 9000
 * npm run simulate -- --seed 1234          one seed, with its whole trace
 * --events N                               makes every seed run N sales instead of its own number
 *
 * A failing seed prints itself and how to replay it; a replay runs exactly the
 * same steps (the run checks this by running it twice and comparing digests).
 */
const usage = 'usage: npm run simulate -- --seeds N [--from S] | --seed S [--events N]';

function parse(argv: string[]) {
  const options: { seeds?: number; from: number; seed?: number; events?: number } = { from: 1 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = Number(argv[i + 1]);
    if (!['--seeds', '--from', '--seed', '--events'].includes(flag ?? '') || !Number.isSafeInteger(value)) throw new Error(usage);
    i += 1;
    if (flag === '--seeds') options.seeds = value;
    else if (flag === '--from') options.from = value;
    else if (flag === '--seed') options.seed = value;
    else options.events = value;
  }
  return options;
}

export function failureLine(result: SeedResult, events?: number): string {
  const { failure } = result;
  const scale = events === undefined ? '' : ` --events ${events}`;
  return `seed ${result.seed} failed: ${failure?.invariant} at step ${failure?.step}: ${failure?.detail}\n  replay with: npm run simulate -- --seed ${result.seed}${scale}`;
}

async function replayOne(seed: number, events: number | undefined) {
  const started = performance.now();
  const result = await runSeed(seed, { log: (line) => console.log(line), ...(events === undefined ? {} : { targetEvents: events }) });
  const again = await runSeed(seed, events === undefined ? {} : { targetEvents: events });
  console.log(JSON.stringify(result.stats, null, 2));
  console.log(`digest ${result.digest} (${again.digest === result.digest ? 'replays exactly' : `REPLAY DIFFERS: ${again.digest}`}), ${Math.round(performance.now() - started)} ms for both runs`);
  if (!result.ok) console.log(failureLine(result, events));
  process.exitCode = result.ok && again.digest === result.digest ? 0 : 1;
}

async function runMany(from: number, count: number, events: number | undefined) {
  const started = performance.now();
  const failed: SeedResult[] = [];
  const totals = { events: 0, steps: 0, restarts: 0, crashes: 0, oversold: 0 };
  const fates = new Map<string, number>();
  const sites = new Map<string, number>();
  for (let seed = from; seed < from + count; seed++) {
    const result = await runSeed(seed, events === undefined ? {} : { targetEvents: events });
    totals.events += result.stats.events;
    totals.steps += result.stats.steps;
    totals.restarts += result.stats.serverCrashes;
    totals.crashes += result.stats.deviceCrashes;
    for (const [fate, n] of Object.entries(result.stats.fates)) fates.set(fate, (fates.get(fate) ?? 0) + n);
    for (const [site, n] of Object.entries(result.stats.faultSites)) sites.set(site, (sites.get(site) ?? 0) + n);
    if (!result.ok) {
      failed.push(result);
      console.log(failureLine(result, events));
    }
    const done = seed - from + 1;
    if (done % 100 === 0) console.log(`… ${done}/${count} seeds, ${failed.length} failed, ${Math.round((performance.now() - started) / 1000)} s`);
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`\n${count} seeds (${from}–${from + count - 1}) in ${seconds.toFixed(1)} s (${Math.round((seconds * 1000) / count)} ms a seed): ${failed.length} failed`);
  console.log(`${totals.events} sales, ${totals.steps} steps, ${totals.restarts} server crashes and restarts, ${totals.crashes} till crashes`);
  console.log(`network fates: ${[...fates].map(([fate, n]) => `${fate} ${n}`).join(', ')}`);
  console.log(`server faults by site (${sites.size} sites):\n${[...sites].sort().map(([site, n]) => `  ${site}: ${n}`).join('\n')}`);
  if (failed.length > 0) console.log(`failing seeds: ${failed.map((result) => result.seed).join(' ')}`);
  // For tests/sim/simulation.test.ts, which runs shards of seeds in child processes.
  console.log(`RESULT ${JSON.stringify({ from, count, failed: failed.map((result) => result.seed), events: totals.events, ms: Math.round(seconds * 1000) })}`);
  process.exitCode = failed.length === 0 ? 0 : 1;
}

const options = parse(process.argv.slice(2));
if (options.seed !== undefined) await replayOne(options.seed, options.events);
else await runMany(options.from, options.seeds ?? 100, options.events);
