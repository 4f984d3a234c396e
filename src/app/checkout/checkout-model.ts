import { batch, computed, signal } from '@preact/signals';
import type { CartTotals } from '../../domain/cart.ts';
import { MAX_LINE_QUANTITY, type CartLine } from '../../domain/cart-line.ts';
import { cashTender } from '../../domain/tender.ts';
import { isValidGtin } from '../../domain/barcode.ts';
import { parseMoneyInput } from '../../domain/money.ts';
import { productByBarcode, searchProducts } from '../../local/catalog.ts';
import { browserEnv, commitSale } from '../../local/commit-sale.ts';
import type { ProductRow, StoresideDb } from '../../local/db.ts';
import type { LocalSale } from '../../local/local-sale.ts';
import type { StoreRecord } from '../../protocol/entities.ts';
import type { PricingClient } from '../pricing-client.ts';
import type { SignedInStaff } from '../session-model.ts';

export type Notice = { tone: 'info' | 'error'; text: string };

/**
 * The cart being rung up. Lines change through the actions below; totals are
 * recomputed by the pricing worker after every change, and a result that
 * arrives after a newer change is dropped.
 */
export function createCheckoutModel(deps: {
  db: StoresideDb;
  pricing: PricingClient;
  store: StoreRecord;
  staff: () => SignedInStaff;
  onSaleCommitted: () => void;
}) {
  const { db, pricing, store } = deps;
  const lines = signal<CartLine[]>([]);
  const totals = signal<CartTotals | null>(null);
  const notice = signal<Notice | null>(null);
  const searchResults = signal<ProductRow[]>([]);
  const cashText = signal('');
  const receipt = signal<LocalSale | null>(null);
  const completing = signal(false);

  /**
   * A scanner types the digits a few milliseconds before its Enter. Once the
   * field holds a whole valid barcode the product is fetched already, so the
   * Enter usually finds it waiting instead of starting a database read.
   */
  let prefetched: { code: string; product: Promise<ProductRow | null> } | null = null;
  const lookUpBarcode = (code: string) => (prefetched?.code === code ? prefetched.product : productByBarcode(db, code));

  let pricingRequest = 0;
  async function reprice(next: CartLine[]) {
    const request = ++pricingRequest;
    if (next.length === 0) {
      totals.value = null;
      return;
    }
    const result = await pricing.priceCart(next, store.taxConfig);
    if (request === pricingRequest) totals.value = result;
  }

  /** Settles when the totals for the newest lines are in `totals`. */
  let latestPricing: Promise<void> = Promise.resolve();

  function setLines(next: CartLine[]) {
    lines.value = next;
    latestPricing = reprice(next);
    return latestPricing;
  }

  const cashTendered = computed(() => parseMoneyInput(cashText.value, store.currency));
  const changeDue = computed(() => {
    const total = totals.value?.total;
    const cash = cashTendered.value;
    return total !== undefined && cash !== null && cash >= total ? cash - total : null;
  });

  function addProduct(product: ProductRow) {
    const existing = lines.value.find((line) => line.sku === product.sku);
    const next = existing
      ? lines.value.map((line) => (line === existing ? { ...line, quantity: Math.min(MAX_LINE_QUANTITY, line.quantity + 1) } : line))
      : [...lines.value, { sku: product.sku, name: product.name, quantity: 1, unitPrice: product.price, taxCategory: product.taxCategory }];
    batch(() => {
      searchResults.value = [];
      notice.value = null;
    });
    return setLines(next);
  }

  return {
    lines,
    totals,
    notice,
    searchResults,
    cashText,
    cashTendered,
    changeDue,
    receipt,
    completing,
    store,

    /** What the scan field received: a barcode (from a scanner or typed) or words to search for. */
    async scanOrSearch(input: string) {
      const text = input.trim();
      if (!text) return;
      if (/^\d{8,14}$/.test(text)) {
        const lookupStart = performance.now();
        const product = isValidGtin(text) ? await lookUpBarcode(text) : null;
        performance.measure('storeside:barcode-lookup', { start: lookupStart, end: performance.now() });
        if (product) return addProduct(product);
        notice.value = { tone: 'error', text: isValidGtin(text) ? `No product has barcode ${text}.` : `${text} is not a valid barcode (check digit). Scan again.` };
        return;
      }
      const found = await searchProducts(db, text);
      if (found.length === 1) return addProduct(found[0]!);
      searchResults.value = found;
      notice.value = found.length === 0 ? { tone: 'error', text: `Nothing matches “${text}”.` } : null;
    },

    addProduct,

    /** The scan field's text changed: start fetching if it is a complete barcode. */
    prefetch(input: string) {
      const code = input.trim();
      if (prefetched?.code === code || !/^\d{8,14}$/.test(code) || !isValidGtin(code)) return;
      prefetched = { code, product: productByBarcode(db, code) };
    },

    setQuantity(sku: string, quantity: number) {
      if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_LINE_QUANTITY) return;
      return setLines(lines.value.map((line) => (line.sku === sku ? { ...line, quantity } : line)));
    },

    removeLine(sku: string) {
      return setLines(lines.value.filter((line) => line.sku !== sku));
    },

    clearSearch() {
      searchResults.value = [];
    },

    async completeCashSale() {
      if (completing.value) return;
      // A tap right after a scan must charge the cart as it is now, not the totals of a moment ago.
      await latestPricing;
      const currentTotals = totals.value;
      const tendered = cashTendered.value ?? currentTotals?.total;
      if (!currentTotals || tendered === undefined || completing.value) return;
      const tender = cashTender(currentTotals.total, tendered);
      if ('error' in tender) {
        notice.value = { tone: 'error', text: 'The cash taken is less than the total.' };
        return;
      }
      completing.value = true;
      try {
        const { sale } = await commitSale(db, { totals: currentTotals, tender, staff: deps.staff(), store }, browserEnv);
        batch(() => {
          receipt.value = sale;
          lines.value = [];
          totals.value = null;
          cashText.value = '';
          notice.value = null;
        });
        deps.onSaleCommitted();
      } catch (error) {
        notice.value = { tone: 'error', text: `The sale was not saved: ${(error as Error).message}` };
      } finally {
        completing.value = false;
      }
    },

    startNewSale() {
      receipt.value = null;
    },
  };
}

export type CheckoutModel = ReturnType<typeof createCheckoutModel>;
