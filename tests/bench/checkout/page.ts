import type { ChainHead, StoreEvent } from '../../../src/domain/events.ts';
import { currentSale } from '../../../src/domain/sale.ts';
import { StoresideDb } from '../../../src/local/db.ts';
import { redeemedCouponsOf, type LocalSale } from '../../../src/local/local-sale.ts';
import { findSales } from '../../../src/local/find-sale.ts';
import { saleRecordOf } from '../../../src/domain/sale-record.ts';
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

  /**
   * A fresh database holding `count` journaled sales in the till's sales table (and as the store's synced history), made from `template`
   * (a real sale) with their own ids, receipt numbers and tokens, in chunks.
   * Not timed. Returns the scanned codes to look up: receipt numbers and
   * digital-receipt links, spread over the whole range.
   */
  async loadSales(template: LocalSale, count: number, lookups: number): Promise<{ codes: string[]; held: number }> {
    db.close();
    await db.delete();
    db = new StoresideDb('storeside-checkout-bench');
    const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
    const saleAt = (i: number): LocalSale => ({
      ...template,
      id: `${hex(i, 8)}-0000-7000-8000-${hex(i, 12)}`,
      saleId: `${hex(i, 8)}-0000-7000-8000-${hex(i, 12)}`,
      receiptNumber: `${template.receiptNumber.slice(0, -6)}${String(i).padStart(6, '0')}`,
      receiptToken: hex(i, 32),
      eventSeq: i,
      completedAt: template.completedAt - (count - i) * 1_000,
    });
    // The till's own sales, and the store's history the server sent back (any till's, this one's included).
    for (let from = 1; from <= count; from += 5_000) {
      const chunk = Array.from({ length: Math.min(5_000, count - from + 1) }, (_, k) => saleAt(from + k));
      await db.sales.bulkPut(chunk);
      await db.saleRecords.bulkPut(chunk.map((sale) => saleRecordOf(sale, { deviceId: 'bench-till', hlc: `${String(sale.completedAt).padStart(15, '0')}-000000-bench-till` })));
    }
    const codes = Array.from({ length: lookups }, (_, k) => {
      const sale = saleAt(1 + Math.floor(((k + 0.5) * count) / lookups));
      return k % 2 === 0 ? sale.receiptNumber : `${location.origin}/r/${sale.receiptToken}`;
    });
    return { codes, held: await db.sales.count() };
  },

  /** The till's own lookup of each scanned code (receipt number or link), as the returns screen runs it, milliseconds each. */
  async receiptLookupTimes(codes: string[]): Promise<number[]> {
    const ms: number[] = [];
    for (const code of codes) {
      const start = performance.now();
      const found = await findSales(db, 'bench-till', { kind: 'reference', text: code });
      ms.push(performance.now() - start);
      if ('problem' in found || found.length !== 1) throw new Error(`the lookup of ${code} found ${JSON.stringify(found).slice(0, 200)}`);
    }
    return ms;
  },

  /** The limit beside the lookup: raw IDBIndex.get of each code's receipt number on the same table, milliseconds each. */
  async rawReceiptLookupTimes(codes: string[]): Promise<number[]> {
    const idb = db.backendDB();
    const ms: number[] = [];
    for (const code of codes) {
      const number = code.includes('/r/') ? null : code;
      const start = performance.now();
      const index = idb.transaction('sales', 'readonly').objectStore('sales').index(number === null ? 'receiptToken' : 'receiptNumber');
      const found = await new Promise((resolve, reject) => {
        const request = index.get(number ?? code.slice(code.lastIndexOf('/') + 1));
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      ms.push(performance.now() - start);
      if (!found) throw new Error(`raw lookup found nothing for ${code}`);
    }
    return ms;
  },

  /**
   * The limit beside completing a sale: the strict-durability IndexedDB
   * transaction that journals it, alone — the event and the sale put into a
   * scratch database with the same stores, `runs` times. Milliseconds each.
   */
  async strictJournalTimes(event: StoreEvent, sale: LocalSale, runs: number): Promise<number[]> {
    const open = indexedDB.open('storeside-strict-peer', 1);
    open.onupgradeneeded = () => {
      open.result.createObjectStore('journal', { keyPath: 'seq' });
      open.result.createObjectStore('sales', { keyPath: 'id' });
    };
    const idb = await new Promise<IDBDatabase>((resolve, reject) => ((open.onsuccess = () => resolve(open.result)), (open.onerror = () => reject(open.error))));
    const ms: number[] = [];
    for (let run = 1; run <= runs; run++) {
      const start = performance.now();
      const tx = idb.transaction(['journal', 'sales'], 'readwrite', { durability: 'strict' });
      tx.objectStore('journal').put({ ...event, seq: run });
      tx.objectStore('sales').put({ ...sale, id: `${sale.id}-${run}` });
      await new Promise((resolve, reject) => ((tx.oncomplete = resolve), (tx.onerror = () => reject(tx.error))));
      ms.push(performance.now() - start);
    }
    idb.close();
    return ms;
  },
};

export type CheckoutBench = typeof bench;
(globalThis as unknown as { checkoutBench: CheckoutBench }).checkoutBench = bench;
document.title = 'ready';
