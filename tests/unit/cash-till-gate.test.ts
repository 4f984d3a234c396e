import 'fake-indexeddb/auto';
import { signal } from '@preact/signals';
import { describe, expect, it } from 'vitest';
import { createCheckoutModel } from '../../src/app/checkout/checkout-model.ts';
import { tillGate } from '../../src/app/till/till-gate.ts';
import { simulatedTerminal } from '../../src/devices/payment-terminal.ts';
import { cartLineFor } from '../../src/domain/cart-line.ts';
import { withCheckDigit } from '../../src/domain/barcode.ts';
import { createPromotionBook, priceSale } from '../../src/domain/pricing/index.ts';
import { cashTender, type TenderRecord } from '../../src/domain/tender.ts';
import { cashTillRefusal } from '../../src/local/cash-till-check.ts';
import { commitSale } from '../../src/local/commit-sale.ts';
import { searchWords, StoresideDb } from '../../src/local/db.ts';
import type { DeviceEnv } from '../../src/local/journal.ts';
import { outsideSession } from '../../src/local/outside-session.ts';
import { closeTill, openTill } from '../../src/local/till-session.ts';
import type { ProductRecord, StoreRecord } from '../../src/protocol/entities.ts';
import { createPricingApi } from '../../src/workers/pricing-api.ts';
import { browserEnv } from '../../src/local/journal.ts';
import { testStore } from '../support/test-store.ts';

/**
 * The till's side of the cash-till rule (issue 11): a cash sale or refund on a
 * device whose store requires an open till, with none open, is refused before
 * anything is journaled, and the associate is asked to open it; what the till
 * sells outside any session shows on it.
 */

const store = testStore();
const MUG: ProductRecord = { sku: 'SKU-1', name: 'Mug', barcode: withCheckDigit('400000000001'), category: 'general', taxCategory: 'standard', price: 1_000, priceVersion: 1 };
const staff = { id: 'staff-1', name: 'Ana' };
/** Noon in Austin (CST) on 2026-11-23. */
const NOON = Date.UTC(2026, 10, 23, 18);
const HOUR = 3_600_000;
const cash = (amount: number): TenderRecord[] => [{ kind: 'cash', amount, tendered: amount, change: 0 }];

let dbs = 0;
/** A device of the store, its clock at `clock.now`. */
async function device(options: { role?: 'tablet' | 'kiosk'; setting?: StoreRecord['cashTillSession'] } = {}) {
  const db = new StoresideDb(`cash-till-gate-${++dbs}`);
  await db.setMeta('enrollment', { deviceId: 'device-abcd', storeId: store.id, role: options.role ?? 'tablet', token: 'x' });
  await db.stores.put(options.setting ? { ...store, cashTillSession: options.setting } : store);
  await db.products.put({ ...MUG, words: searchWords(MUG) });
  await db.stock.put({ sku: MUG.sku, onHand: 50, aisle: 'A1', bin: 'B1' });
  const clock = { now: NOON };
  let random = 0;
  const env: DeviceEnv = { now: () => (clock.now += 1), randomBytes: (n) => new Uint8Array(n).fill(++random % 256) };
  /** A sale journaled as the checkout journals it, paid in cash or by card. */
  const sell = async (by: 'cash' | 'card') => {
    const totals = priceSale([cartLineFor(MUG, 1)], createPromotionBook([], store.id), store.taxConfig, { at: clock.now });
    const tender: TenderRecord | { error: string } = by === 'cash' ? cashTender(totals.total, totals.total) : { kind: 'card', amount: totals.total, brand: 'Visa', last4: '4242', approvalCode: 'A1', terminalRef: `T-${random}`, offline: false };
    if ('error' in tender) throw new Error(tender.error);
    return (await commitSale(db, { totals, context: { at: clock.now }, tenders: [tender], cashRounding: 0, customer: null, overrides: [], staff, store }, env)).sale;
  };
  const sent = async () => db.setMeta('ackedSeq', await db.journalHeadSeq());
  return { db, env, clock, sell, sent };
}

describe('whether this till may move cash now', () => {
  it('refuses cash on a tablet of a store that set nothing until its till is open, and again once it is closed; never a card', async () => {
    const { db, env, sent } = await device();
    expect(await cashTillRefusal(db, cash(500), 'sale')).toEqual({ code: 'cash_needs_open_till', action: 'sale' });
    expect(await cashTillRefusal(db, cash(500), 'refund')).toEqual({ code: 'cash_needs_open_till', action: 'refund' });
    expect(await cashTillRefusal(db, [{ kind: 'card', amount: 500 }], 'sale')).toBeNull();
    expect(await openTill(db, env, staff, 'USD', { 2000: 5 })).toBeNull();
    expect(await cashTillRefusal(db, cash(500), 'sale')).toBeNull();
    await sent();
    expect(await closeTill(db, env, staff, 'USD', { 2000: 5 })).toMatchObject({ close: { counted: 10_000 } });
    expect(await cashTillRefusal(db, cash(500), 'void')).toEqual({ code: 'cash_needs_open_till', action: 'void' });
  });

  it('lets a kiosk take cash without a session unless its store requires one, and a tablet where the store made it optional', async () => {
    expect(await cashTillRefusal((await device({ role: 'kiosk' })).db, cash(500), 'sale')).toBeNull();
    expect(await cashTillRefusal((await device({ role: 'kiosk', setting: { kiosk: 'required' } })).db, cash(500), 'sale')).toEqual({ code: 'cash_needs_open_till', action: 'sale' });
    expect(await cashTillRefusal((await device({ setting: { tablet: 'optional' } })).db, cash(500), 'sale')).toBeNull();
  });

  it('follows the rule as last synced, not the store record a screen was opened with', async () => {
    const { db } = await device({ setting: { tablet: 'optional' } });
    expect(await cashTillRefusal(db, cash(500), 'sale')).toBeNull();
    await db.stores.put(store);
    expect(await cashTillRefusal(db, cash(500), 'sale')).toEqual({ code: 'cash_needs_open_till', action: 'sale' });
  });
});

describe('the checkout with no till open', () => {
  async function checkout(options: Parameters<typeof device>[0] = {}) {
    const till = await device(options);
    const api = createPricingApi();
    const model = createCheckoutModel({
      db: till.db,
      pricing: { setPromotions: async (p, s) => api.setPromotions(p, s), shelfSigns: async (p, t, a) => api.shelfSigns(p, t, a), priceSale: async (l, t, c) => api.priceSale(l, t, c) },
      store,
      staff: () => ({ ...staff, role: 'associate' }),
      onSaleCommitted: () => {},
      terminal: simulatedTerminal(),
      connectivity: { online: signal(true), lastSyncAt: signal(NOON), now: signal(NOON) },
      env: browserEnv,
    });
    return { ...till, model };
  }

  it('journals nothing, keeps the cart and asks to open the till; once it is open the same cart completes', async () => {
    const { db, env, model } = await checkout();
    await model.scanOrSearch(MUG.barcode);
    await model.scanOrSearch(MUG.barcode);
    model.cashText.value = '50';
    await model.completeCashSale();

    expect(await db.journal.count()).toBe(0);
    expect(await db.sales.count()).toBe(0);
    expect(model.lines.value.map((line) => [line.sku, line.quantity])).toEqual([['SKU-1', 2]]);
    expect(model.cashText.value).toBe('50');
    const gate = tillGate(db);
    expect(gate.prompt.value).toMatch(/^A cash sale needs an open till at this store/);

    // The associate opens the till from the question, then taps Complete again: no scanning again.
    gate.dismiss();
    expect(await openTill(db, env, staff, 'USD', { 2000: 5 })).toBeNull();
    await model.completeCashSale();
    const [sale] = await db.sales.toArray();
    expect(sale?.lines.map((line) => [line.sku, line.quantity])).toEqual([['SKU-1', 2]]);
    expect(sale?.tenders).toEqual([{ kind: 'cash', amount: sale!.total, tendered: 5_000, change: 5_000 - sale!.total }]);
    expect(gate.prompt.value).toBeNull();
    expect((await db.journal.toArray()).map((event) => event.type)).toEqual(['till.opened', 'sale.completed']);
  });

  it('takes a card sale with no till open: no drawer moves', async () => {
    const { db, model } = await checkout();
    await model.scanOrSearch(MUG.barcode);
    await model.takeCard(null);
    await model.completeCashSale();
    expect(await db.sales.count()).toBe(1);
    expect(tillGate(db).prompt.value).toBeNull();
  });

  it('takes the cash sale where the store lets cash move without a session', async () => {
    const { db, model } = await checkout({ setting: { tablet: 'optional' } });
    await model.scanOrSearch(MUG.barcode);
    await model.completeCashSale();
    expect(await db.sales.count()).toBe(1);
  });
});

describe('what the till made outside any session', () => {
  it('is today’s sales since the last close, not the open session’s and not yesterday’s', async () => {
    const { db, env, clock, sell, sent } = await device({ setting: { tablet: 'optional' } });
    const at = { now: NOON, timeZone: store.timezone };
    clock.now = NOON - 24 * HOUR;
    await sell('cash');
    clock.now = NOON - 3 * HOUR;
    const before = [await sell('cash'), await sell('card')];
    expect(await outsideSession(db, at)).toMatchObject({ since: Date.UTC(2026, 10, 23, 6), sinceClose: false, figures: { sales: { count: 2, total: before[0]!.total + before[1]!.total }, byTender: { cash: before[0]!.total, card: before[1]!.total } } });

    // While a session is open, its sales are its X report's; those before it stay outside.
    clock.now = NOON - 2 * HOUR;
    expect(await openTill(db, env, staff, 'USD', {})).toBeNull();
    await sell('cash');
    expect((await outsideSession(db, at)).figures.sales.count).toBe(2);

    // Closed: the figures start again at the close (what came before it is in HQ's day report).
    await sent();
    clock.now = NOON - HOUR;
    expect(await closeTill(db, env, staff, 'USD', {})).toMatchObject({ sales: { count: 1 } });
    const closedAt = clock.now;
    const after = await sell('cash');
    const outside = await outsideSession(db, at);
    expect(outside).toMatchObject({ since: closedAt, sinceClose: true });
    expect(outside.figures).toMatchObject({ sales: { count: 1, total: after.total }, cash: { expected: after.total } });
  });

  it('is nothing on a till that sold only in sessions', async () => {
    const { db, env, sell } = await device();
    expect(await openTill(db, env, staff, 'USD', {})).toBeNull();
    await sell('cash');
    expect((await outsideSession(db, { now: NOON + HOUR, timeZone: store.timezone })).figures.sales.count).toBe(0);
  });
});
