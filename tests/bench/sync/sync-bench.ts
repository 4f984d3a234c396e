import type { BenchMode } from '../support/bench-mode.ts';
import { launchBenchBrowser } from '../support/browser.ts';
import { progress, type BenchRow } from '../support/report.ts';
import { scratchDir } from '../support/server-fixture.ts';
import { benchCatchUp } from './catch-up-bench.ts';
import { benchDrain } from './drain-bench.ts';
import { benchPoke } from './poke-bench.ts';
import { benchPriceChangeBytes } from './price-bytes-bench.ts';
import { buildSyncPage } from './sync-page.ts';
import { benchPokeToVisible } from './two-tablets-bench.ts';

/**
 * `npm run bench -- sync`: how devices and the server stay in step (issue 4).
 *
 *   a. a sale pushed by one till → the poke on another's change stream vs 1 s    (poke-bench.ts)
 *   b. drain of 10,000 offline sales vs 3 s and vs PouchDB replicating the same  (drain-bench.ts)
 *   c. bytes on the wire to follow one HQ price change vs 2 KB                    (price-bytes-bench.ts)
 *   d. sale on one tablet → stock shown on the other, p95 vs 1 s (the real app)  (two-tablets-bench.ts)
 *   e. catch-up after a busy week offline vs a fresh bootstrap                   (catch-up-bench.ts)
 *
 * b, c and e run the device's sync code in a page built from tests/bench/sync/page.ts.
 */
export async function benchSync(mode: BenchMode): Promise<BenchRow[]> {
  const rows = await benchPoke(mode);
  const pageDir = scratchDir('sync-page');
  progress('sync: building the device benchmark page (production build)');
  await buildSyncPage(pageDir.dir);
  try {
    const browser = await launchBenchBrowser();
    try {
      rows.push(...(await benchDrain(browser.context, pageDir.dir, mode)));
      rows.push(...(await benchPriceChangeBytes(browser.context, pageDir.dir, mode)));
    } finally {
      await browser.close();
    }
    rows.push(...(await benchPokeToVisible(mode)));
    const catchUpBrowser = await launchBenchBrowser();
    try {
      rows.push(...(await benchCatchUp(catchUpBrowser.context, pageDir.dir, mode)));
    } finally {
      await catchUpBrowser.close();
    }
    return rows;
  } finally {
    pageDir.remove();
  }
}
