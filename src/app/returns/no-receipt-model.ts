import { computed, signal } from '@preact/signals';
import { cartLineFor } from '../../domain/cart-line.ts';
import type { Minor } from '../../domain/money.ts';
import { createPromotionBook, priceSale } from '../../domain/pricing/index.ts';
import { NOTHING_REFUNDED, refundTenders, returnFigures } from '../../domain/sale-return.ts';
import { searchProducts } from '../../local/catalog.ts';
import { noReceiptPrice } from '../../local/find-sale.ts';
import { commitReturn } from '../../local/returns.ts';
import type { ProductRecord } from '../../protocol/entities.ts';
import type { Approval } from '../approval/manager-approval.tsx';
import { newCreditAccount, type ReturnDone, type ReturnsContext } from './returns-model.ts';
import { exceptionText } from '../words/failure-text.ts';
import { tillGate } from '../till/till-gate.ts';

/**
 * A return without a receipt: a manager approves, and each unit is refunded at
 * the product's lowest recent price (the lowest it sold for in the store over
 * the return window, never above today's), tax as the store charges it, in
 * cash or as a new credit slip.
 */
export function createNoReceiptReturn(context: ReturnsContext, outcome: { done: (done: ReturnDone) => void; fail: (message: string | null) => void }) {
  const { db, store, staff, env } = context;
  const results = signal<ProductRecord[]>([]);
  const item = signal<{ product: ProductRecord; price: Minor } | null>(null);
  const quantity = signal(1);
  const reason = signal('');
  const toCredit = signal(store.refundFallback === 'store_credit');
  const creditAccount = newCreditAccount(env);
  // No promotion applies to goods without a receipt: one line at the refund price, taxed as the store taxes it.
  const noPromotions = createPromotionBook([], store.id);
  const figures = computed(() => {
    const chosen = item.value;
    if (!chosen) return null;
    const totals = priceSale([cartLineFor({ ...chosen.product, price: chosen.price }, quantity.value)], noPromotions, store.taxConfig, { at: env.now() });
    const line = totals.lines[0]!;
    const figured = returnFigures({ lines: [{ sku: line.sku, name: line.name, quantity: quantity.value, paid: line.paid, taxParts: line.taxParts }], taxBreakdown: totals.taxBreakdown }, [0], [{ line: 0, quantity: quantity.value }]);
    return 'error' in figured ? figured : { ...figured, lines: figured.lines.map((returned) => ({ ...returned, line: null })) };
  });
  const plan = computed(() => {
    const figured = figures.value;
    return figured && !('error' in figured) ? refundTenders(figured.total, [], NOTHING_REFUNDED, toCredit.value ? { kind: 'store_credit', accountId: creditAccount } : { kind: 'cash' }, store.cashCoin) : null;
  });

  return {
    results,
    item,
    quantity,
    reason,
    toCredit,
    figures,
    plan,
    async search(text: string) {
      results.value = await searchProducts(db, text);
    },
    async choose(product: ProductRecord) {
      const price = await noReceiptPrice(db, product.sku, env.now(), store.returnDays);
      if (price === null) outcome.fail(`${product.sku} is not in this store’s catalogue`);
      else item.value = { product, price };
    },
    setQuantity(next: number) {
      quantity.value = Math.max(1, next);
    },
    /** Whether the refund may pay cash out now: asked before the manager's PIN, so it is not typed twice. */
    refused: () => (plan.value ? tillGate(db).refuses(plan.value.tenders, 'refund') : Promise.resolve(true)),
    async refund(approval: Approval) {
      const figured = figures.value;
      const planned = plan.value;
      if (!figured || 'error' in figured || !planned) return;
      if (await tillGate(db).refuses(planned.tenders, 'refund')) return;
      try {
        const refund = await commitReturn(db, env, { sale: null, figures: figured, tenders: planned.tenders, cashRounding: planned.cashRounding, reason: reason.value.trim() || 'no receipt', approvedBy: approval.id, staff, store });
        outcome.done({ kind: 'return', refund });
      } catch (error) {
        outcome.fail(exceptionText(error, 'The refund was not saved'));
      }
    },
  };
}

export type NoReceiptModel = ReturnType<typeof createNoReceiptReturn>;
