import { signal } from '@preact/signals';
import type { RefundCompletedPayload } from '../../domain/sale-return.ts';
import type { SaleRecord } from '../../domain/sale-record.ts';
import type { SaleVoidedPayload } from '../../domain/sale-void.ts';
import type { StoresideDb } from '../../local/db.ts';
import { findSales, type SaleQuery } from '../../local/find-sale.ts';
import type { DeviceEnv } from '../../local/journal.ts';
import type { LocalSale } from '../../local/local-sale.ts';
import type { StoreRecord } from '../../protocol/entities.ts';
import type { PricingClient } from '../pricing-client.ts';
import { returnsProblemText } from '../words/problem-text.ts';

/** What the returns screen finished with: the receipt it shows. */
export type ReturnDone =
  | { kind: 'return'; refund: RefundCompletedPayload }
  | { kind: 'void'; voided: SaleVoidedPayload; record: SaleRecord }
  | { kind: 'exchange'; sale: LocalSale; refund: RefundCompletedPayload };

/** Where the returns screen is. */
export type ReturnsStep = { kind: 'find' } | { kind: 'sale'; record: SaleRecord } | { kind: 'no-receipt' } | { kind: 'done'; done: ReturnDone };

/** What every part of the returns screen works with. */
export type ReturnsContext = {
  db: StoresideDb;
  store: StoreRecord;
  staff: { id: string; name: string };
  env: DeviceEnv;
  /** the pricing worker: an exchange's new goods are priced as the checkout prices them */
  pricing: PricingClient;
};

/**
 * Returns and post-voids at the till (issue 5):
 *
 *   find ──sale found──▶ sale ──refund / void / exchange──▶ done
 *     └──"No receipt"──▶ no-receipt ──refund──────────────▶ done
 *
 * The original sale is found offline too: a scanned receipt code, its number,
 * a day and total, or a customer, on this till or in the store's synced history.
 */
export function createReturnsModel(deps: { db: StoresideDb; deviceId: string; onEvent: () => void }) {
  const step = signal<ReturnsStep>({ kind: 'find' });
  const found = signal<SaleRecord[] | null>(null);
  const error = signal<string | null>(null);
  return {
    step,
    found,
    error,
    async search(query: SaleQuery) {
      const result = await findSales(deps.db, deps.deviceId, query);
      if ('problem' in result) {
        error.value = returnsProblemText(result.problem);
        return;
      }
      error.value = null;
      found.value = result;
      if (result.length === 1 && query.kind === 'reference') step.value = { kind: 'sale', record: result[0]! };
    },
    choose(record: SaleRecord) {
      step.value = { kind: 'sale', record };
    },
    noReceipt() {
      step.value = { kind: 'no-receipt' };
    },
    back() {
      step.value = { kind: 'find' };
    },
    /** A refund, void or exchange was journaled: show its receipt, and send it. */
    finished(done: ReturnDone) {
      error.value = null;
      step.value = { kind: 'done', done };
      deps.onEvent();
    },
    fail(message: string | null) {
      error.value = message;
    },
  };
}

export type ReturnsModel = ReturnType<typeof createReturnsModel>;

/** Letters only: a store credit account can never look like a card number. */
export function newCreditAccount(env: DeviceEnv): string {
  const letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
  return `SC-${Array.from(env.randomBytes(12), (byte) => letters[byte % letters.length]).join('')}`;
}
