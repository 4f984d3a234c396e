import { computed, signal } from '@preact/signals';
import { parseMoneyInput } from '../../domain/money.ts';
import { exchangeBalance, type RefundFallback } from '../../domain/sale-return.ts';
import type { SaleRecord } from '../../domain/sale-record.ts';
import { commitExchange, exchangeTendersOf, type ExchangeDraft } from '../../local/exchange.ts';
import { createCart } from '../sale/cart.ts';
import type { Notice } from '../sale/notice.ts';
import { createPricedCart } from '../sale/priced-cart.ts';
import { createSerialQueue } from '../sale/serial-queue.ts';
import type { ReturnDone, ReturnsContext } from './returns-model.ts';
import type { ReturnFigures } from './sale-return-model.ts';
import { storeWords } from '../words/store-words.ts';
import { pricingFailureText, tenderProblemText } from '../words/problem-text.ts';
import { exceptionText } from '../words/failure-text.ts';
import { tillGate } from '../till/till-gate.ts';

/**
 * The new side of an exchange: the goods going out, rung up with the
 * checkout's own cart and priced by the same pricing worker with the store's
 * promotions, and the one balance the associate settles — the customer pays
 * it in cash, or gets it back on the original sale's tenders. The return and
 * the new sale are journaled in one transaction (local/exchange.ts).
 */
export function createExchange(
  context: ReturnsContext,
  returned: { record: SaleRecord; returnedBefore: number[]; figures: ReturnFigures },
  terms: { fallback: RefundFallback; approvedBy: string | null; reason: string },
  outcome: { done: (done: ReturnDone) => void; fail: (message: string | null) => void },
) {
  const { db, store, staff, env, pricing } = context;
  const notice = signal<Notice | null>(null);
  const say = (next: Notice | null) => (notice.value = next);
  const serially = createSerialQueue();
  const priced = createPricedCart({
    pricing,
    taxConfig: store.taxConfig,
    context: async () => ({ at: env.now() }),
    onFailure: (error) => say({ tone: 'error', text: pricingFailureText(error) }),
  });
  const cart = createCart({ db, priced, say, lineRemoved: () => {} });
  const cashText = signal('');
  const busy = signal(false);
  const balance = computed(() => {
    const totals = priced.totals.value;
    return totals ? exchangeBalance(returned.figures.total, totals.total) : null;
  });

  return {
    notice,
    lines: priced.lines,
    totals: priced.totals,
    searchResults: cart.searchResults,
    cashText,
    busy,
    balance,
    returnTotal: returned.figures.total,
    scanOrSearch: (text: string) => serially(() => cart.scanOrSearch(text)),
    addProduct: (product: Parameters<typeof cart.addProduct>[0]) => serially(() => cart.addProduct(product)),
    changeQuantity: (sku: string, by: number) => serially(() => cart.changeQuantity(sku, by)),
    removeLine: (sku: string) => serially(() => cart.removeLine(sku)),

    complete: () =>
      serially(async () => {
        const sale = await priced.settled();
        if (!sale) return;
        const owed = exchangeBalance(returned.figures.total, sale.totals.total);
        const tendered = owed.customerPays > 0 ? parseMoneyInput(cashText.value, store.currency) : 0;
        if (tendered === null) return outcome.fail('Type the cash handed over.');
        const draft: ExchangeDraft = { returned, newSale: { totals: sale.totals, context: sale.context }, cashTendered: tendered, ...terms, staff, store };
        // Cash either way without the open till the store requires: the associate opens it; the exchange stays.
        if (await tillGate(db).refuses(exchangeTendersOf(draft), 'exchange')) return;
        busy.value = true;
        try {
          const done = await commitExchange(db, env, draft);
          if ('problem' in done) return outcome.fail(tenderProblemText(done.problem, storeWords(store)));
          outcome.done({ kind: 'exchange', sale: done.sale, refund: done.refund });
        } catch (error) {
          outcome.fail(exceptionText(error, 'The exchange was not saved'));
        } finally {
          busy.value = false;
        }
      }),
  };
}

export type ExchangeModel = ReturnType<typeof createExchange>;
