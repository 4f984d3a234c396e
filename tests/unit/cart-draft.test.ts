import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { StoresideDb } from '../../src/local/db.ts';
import type { DeviceEnv } from '../../src/local/journal.ts';
import { cartDraftOf, keepCartDraft, type CartDraft } from '../../src/local/cart-draft.ts';
import { commitSale } from '../../src/local/commit-sale.ts';
import { parkCart } from '../../src/local/parked-carts.ts';
import { createDraftKeeper } from '../../src/app/sale/draft-keeper.ts';
import { createPricingApi } from '../../src/workers/pricing-api.ts';
import { cartLineFor } from '../../src/domain/cart-line.ts';
import { testStore } from '../support/test-store.ts';

/** Tax plays no part here. */
const store = testStore({ taxConfig: { ...testStore().taxConfig, jurisdictions: [] } });
const staff = { id: 'staff-1', name: 'Ana' };
let tick = 0;
const env: DeviceEnv = { now: () => 1_800_000_000_000 + ++tick, randomBytes: (n) => new Uint8Array(n).fill(tick % 256) };
const line = cartLineFor({ sku: 'SKU-1', name: 'Tea', price: 250, taxCategory: 'standard', category: 'grocery', priceVersion: 1 }, 2);
const draft = (staffId: string): CartDraft => ({
  staffId,
  savedAt: 1,
  lines: [line],
  lineDetails: [],
  serializedSkus: [],
  coupons: [],
  staffPurchase: false,
  taxExemptCertificate: null,
  managerDiscounts: [],
  customer: null,
  tenders: [],
  overrides: [],
});

async function till(name: string) {
  const db = new StoresideDb(name);
  await db.setMeta('enrollment', { deviceId: 'till-1', storeId: store.id, role: 'tablet', token: 't' });
  await db.stock.put({ sku: 'SKU-1', onHand: 5, aisle: 'A', bin: '1' });
  return db;
}

describe('the cart kept on the device', () => {
  it('is dropped in the very transaction that journals its sale, and only the seller’s: a crash right after Complete cannot bring it back', async () => {
    const db = await till('draft-commit');
    await keepCartDraft(db, staff.id, draft(staff.id));
    await keepCartDraft(db, 'staff-2', draft('staff-2'));
    const totals = createPricingApi().priceSale([line], store.taxConfig, { at: env.now() });
    await commitSale(db, { totals, context: { at: env.now() }, tenders: [{ kind: 'cash', amount: totals.total, tendered: totals.total, change: 0 }], cashRounding: 0, customer: null, overrides: [], staff, store }, env);
    expect(await cartDraftOf(db, staff.id)).toBeUndefined();
    expect(await cartDraftOf(db, 'staff-2')).toBeDefined();
  });

  it('is dropped in the transaction that parks it: a parked cart is resumed from the list, never also rung up from a reload', async () => {
    const db = await till('draft-park');
    await keepCartDraft(db, staff.id, draft(staff.id));
    await parkCart(db, env, staff, { label: 'Mrs Lee', lines: [line], coupons: [], staffPurchase: false, taxExemptCertificate: null, managerDiscounts: [] });
    expect(await cartDraftOf(db, staff.id)).toBeUndefined();
    expect(await db.journal.count()).toBe(1);
  });
});

describe('the draft keeper', () => {
  it('writes the newest snapshot last, one write at a time, collapsing those that arrive while one is written', async () => {
    const written: (number | null)[] = [];
    let release: () => void = () => {};
    const keeper = createDraftKeeper<number>(
      (snapshot) =>
        new Promise<void>((done) => {
          written.push(snapshot);
          release = done;
        }),
      (error) => {
        throw error;
      },
    );
    keeper.keep(1);
    keeper.keep(2);
    keeper.keep(3);
    expect(written).toEqual([1]);
    release();
    await Promise.resolve();
    await Promise.resolve();
    expect(written).toEqual([1, 3]);
    release();
    await keeper.settled();
    expect(written).toEqual([1, 3]);
  });

  it('holds every snapshot while paused (Complete decides), then writes what resume gives', async () => {
    const written: (number | null)[] = [];
    const keeper = createDraftKeeper<number>(
      async (snapshot) => {
        written.push(snapshot);
      },
      (error) => {
        throw error;
      },
    );
    keeper.pause();
    keeper.keep(7);
    await keeper.settled();
    expect(written).toEqual([]);
    keeper.resume(null);
    await keeper.settled();
    expect(written).toEqual([null]);
  });
});
