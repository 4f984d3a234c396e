import type { ChainHead, StoreEvent } from '../../../src/domain/events.ts';
import { currentSale } from '../../../src/domain/sale.ts';
import { StoresideDb } from '../../../src/local/db.ts';
import { redeemedCouponsOf, type LocalSale } from '../../../src/local/local-sale.ts';
import { tillSessionReport } from '../../../src/local/till-report-projection.ts';

/**
 * The device side of the checkout figures: the till's own Dexie database and
 * local code in headless Chromium, IndexedDB on disk. Node drives it through
 * `globalThis.checkoutBench` (checkout-bench.ts); what is timed is timed here
 * with `performance.now()` around the product's own calls.
 */
let db = new StoresideDb('storeside-checkout-bench');

const bench = {
  /** An empty database holding `events` as this till's journal (and their sales), as if it had made them. Not timed. */
  async loadJournal(events: StoreEvent[], head: ChainHead, staffName: string): Promise<number> {
    db.close();
    await db.delete();
    db = new StoresideDb('storeside-checkout-bench');
    const sales: LocalSale[] = events.flatMap((event) => {
      if (event.type !== 'sale.completed') return [];
      const sale = currentSale(event);
      return [{ ...sale, id: sale.saleId, staffId: event.staffId ?? '', staffName, eventSeq: event.seq, redeemedCoupons: redeemedCouponsOf(sale) }];
    });
    await db.transaction('rw', db.journal, db.sales, db.meta, async () => {
      await db.journal.bulkPut(events);
      await db.sales.bulkPut(sales);
      await db.setMeta('chainHead', head);
    });
    // What the till keeps as it journals: the report as of its newest event.
    const report = await tillSessionReport(db);
    await db.setMeta('tillReport', { report, throughSeq: head.seq });
    return db.journal.count();
  },

  /**
   * The X/Z report of the till's newest session, `runs` times: as the till
   * keeps it (folded in with each journaled event), or computed from the whole
   * journal on disk each time (`fromJournal`), as for a till whose kept report
   * is gone. Milliseconds per run.
   */
  async tillReportTimes(runs: number, fromJournal: boolean): Promise<{ ms: number[]; sales: number; total: number }> {
    const ms: number[] = [];
    let report = null;
    for (let run = 0; run < runs; run++) {
      const kept = fromJournal ? await db.getMeta('tillReport') : undefined;
      if (kept) await db.meta.delete('tillReport');
      const start = performance.now();
      report = await tillSessionReport(db);
      ms.push(performance.now() - start);
      if (kept) await db.setMeta('tillReport', kept);
    }
    return { ms, sales: report!.sales.count, total: report!.sales.total };
  },
};

export type CheckoutBench = typeof bench;
(globalThis as unknown as { checkoutBench: CheckoutBench }).checkoutBench = bench;
document.title = 'ready';
