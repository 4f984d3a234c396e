import { describe, expect, it } from 'vitest';
import { auditEntries } from '../../src/domain/audit.ts';
import { canonicalJson } from '../../src/domain/canonical-json.ts';
import { GENESIS_HASH, nextEvent, type NewEvent, type StoreEvent } from '../../src/domain/events.ts';
import { createPromotionBook, priceSale } from '../../src/domain/pricing/index.ts';
import { completedSalePayload, type PricingRecord, type SaleOverride } from '../../src/domain/sale.ts';
import { generateDemoRetailer } from '../../src/server/demo/demo-retailer.ts';

const retailer = generateDemoRetailer({ seed: 3, productCount: 10 });
const austin = retailer.stores[0]!;
const SESSION = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c';
let seq = 0;
let wall = Date.UTC(2026, 10, 22, 10);

function event(body: Omit<NewEvent, 'id' | 'deviceId' | 'storeId' | 'hlc'>): StoreEvent {
  seq += 1;
  wall += 60_000;
  return nextEvent({ seq: seq - 1, hash: GENESIS_HASH }, {
    id: `0190a1b2-c3d4-7e5f-8a9b-${String(seq).padStart(12, '0')}`,
    deviceId: 'till-1',
    storeId: austin.store.id,
    hlc: { wallMs: wall, counter: 0, node: 'till-1' },
    ...body,
  } as NewEvent);
}

function sale(manualDiscounts: PricingRecord['manualDiscounts'], overrides: SaleOverride[] = []): StoreEvent {
  const products = retailer.products.slice(0, 2);
  const lines = products.map((p) => ({ sku: p.sku, name: p.name, quantity: 2, unitPrice: austin.prices.get(p.sku)!, category: p.category, taxCategory: p.taxCategory, priceVersion: 1 }));
  const totals = priceSale(lines, createPromotionBook([], austin.store.id), austin.store.taxConfig, { at: wall, manualDiscounts });
  const payload = completedSalePayload({
    saleId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
    receiptNumber: `AUS-TILL-${String(seq + 1).padStart(6, '0')}`,
    currency: 'USD',
    totals,
    pricing: { at: wall, staffPurchase: false, manualDiscounts },
    tenders: [{ kind: 'cash', amount: totals.total, tendered: totals.total, change: 0 }],
    cashRounding: 0,
    customer: null,
    receiptToken: 'ab'.repeat(16),
    overrides,
    completedAt: wall,
  });
  return event({ staffId: 'assoc-1', type: 'sale.completed', payload });
}

describe('audit entries', () => {
  it('lists each manager discount on a sale with who served, who approved, what it took off and on which receipt', () => {
    const made = sale([
      { id: 'm1', scope: 0, percent: 10, reason: 'damaged packaging', approvedBy: 'mgr-1' },
      { id: 'm2', scope: 'basket', amount: 300, reason: 'price match', approvedBy: 'mgr-2' },
    ]);
    const entries = auditEntries(made);
    expect(entries).toHaveLength(2);
    const payload = made.type === 'sale.completed' && made.v === 3 ? made.payload : null;
    const tookOff = (id: string) => payload!.discounts.filter((d) => d.source.type === 'manual' && d.source.manualId === id).reduce((sum, d) => sum + d.amount, 0);
    expect(entries[0]).toMatchObject({ kind: 'manager_discount', staffId: 'assoc-1', approvedBy: 'mgr-1', amount: tookOff('m1'), receiptNumber: payload!.receiptNumber, detail: `10 % off ${retailer.products[0]!.name}: damaged packaging` });
    expect(entries[1]).toMatchObject({ approvedBy: 'mgr-2', amount: 300, detail: 'Amount off the sale: price match' });
    expect(entries[0]!.amount).toBeGreaterThan(0);
    expect(entries[0]!.at).toBe(wall);
  });

  it('lists an offline-limit override and a no-sale drawer opening; nothing for ordinary sales, cash moves or tasks', () => {
    const overridden = sale([], [{ kind: 'offline_limit', limit: 'card total offline 512.00 of 500.00', approvedBy: 'mgr-1' }]);
    expect(auditEntries(overridden)).toEqual([expect.objectContaining({ kind: 'offline_limit_override', approvedBy: 'mgr-1', detail: 'Offline limit passed: card total offline 512.00 of 500.00' })]);
    const noSale = event({ staffId: 'assoc-1', type: 'till.cash_moved', payload: { sessionId: SESSION, staffName: 'Ann', kind: 'no_sale', reason: 'change for the float', approvedBy: 'mgr-2' } });
    expect(auditEntries(noSale)).toEqual([expect.objectContaining({ kind: 'no_sale', staffId: 'assoc-1', approvedBy: 'mgr-2', amount: null, detail: 'Drawer opened without a sale: change for the float' })]);
    expect(auditEntries(sale([]))).toEqual([]);
    expect(auditEntries(event({ staffId: 'assoc-1', type: 'till.cash_moved', payload: { sessionId: SESSION, staffName: 'Ann', kind: 'drop', amount: 5000, reason: 'safe drop' } }))).toEqual([]);
    expect(auditEntries(event({ staffId: 'assoc-1', type: 'task.claimed', payload: { taskId: 'task-1', staffName: 'Ann' } }))).toEqual([]);
  });

  it('comes only from events whose body names an approving manager, which is what the server’s query narrows by', () => {
    const events = [
      sale([{ id: 'm1', scope: 1, amount: 50, reason: 'scuffed', approvedBy: 'mgr-1' }]),
      sale([], [{ kind: 'offline_limit', limit: 'sale total offline', approvedBy: 'mgr-1' }]),
      event({ staffId: 'a', type: 'till.cash_moved', payload: { sessionId: SESSION, staffName: 'Ann', kind: 'no_sale', reason: 'x', approvedBy: 'mgr-2' } }),
      sale([]),
    ];
    for (const made of events) {
      if (auditEntries(made).length > 0) expect(canonicalJson(made)).toContain('"approvedBy":');
    }
  });
});
