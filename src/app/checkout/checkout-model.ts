import { batch, computed, signal } from '@preact/signals';
import type { ManualDiscount, PricingContext, Promotion, SaleTotals } from '../../domain/pricing/index.ts';
import { cartLineFor, MAX_LINE_QUANTITY, type CartLine } from '../../domain/cart-line.ts';
import { settleTenders } from '../../domain/split-tender.ts';
import type { TenderRecord } from '../../domain/tender.ts';
import { isValidGtin } from '../../domain/barcode.ts';
import { parseMoneyInput, type Minor } from '../../domain/money.ts';
import { productByBarcode, searchProducts } from '../../local/catalog.ts';
import { commitSale } from '../../local/commit-sale.ts';
import { browserEnv } from '../../local/journal.ts';
import type { ProductRow, StoresideDb } from '../../local/db.ts';
import type { LocalSale } from '../../local/local-sale.ts';
import type { AllotmentRecord, StoreRecord } from '../../protocol/entities.ts';
import { unitsLeft } from '../../local/allotments.ts';
import { cartsWaiting, parkCart, resumeCart } from '../../local/parked-carts.ts';
import type { PricingClient } from '../pricing-client.ts';
import type { SignedInStaff } from '../session-model.ts';

export type Notice = { tone: 'info' | 'error'; text: string };

/** A discount a manager approved at this till, on the line of one product or on the basket. */
export type ManagerDiscount = { id: string; sku: string | 'basket'; percent?: number; amount?: Minor; reason: string; approvedBy: { id: string; name: string } };

/** The manager's discounts as the engine takes them: by line index, for the lines still in the cart. */
function manualDiscountsFor(lines: readonly CartLine[], discounts: readonly ManagerDiscount[]): ManualDiscount[] {
  return discounts.flatMap(({ id, sku, percent, amount, reason, approvedBy }) => {
    const scope = sku === 'basket' ? ('basket' as const) : lines.findIndex((line) => line.sku === sku);
    if (scope === -1) return [];
    return [{ id, scope, reason, approvedBy: approvedBy.id, ...(percent === undefined ? {} : { percent }), ...(amount === undefined ? {} : { amount }) }];
  });
}

const BARCODE_LIKE = /^\d{8,14}$/;
/** How long the screen waits for totals before it shows a changed cart without them. */
const LINES_WITHOUT_TOTALS_MS = 60;

/**
 * The cart being rung up.
 *
 *   ringing up ──Complete──▶ completing ──committed──▶ ringing up (empty cart, receipt shown)
 *                               │ failed
 *                               └──────▶ ringing up (same cart, notice)
 *
 * Every change to the sale — a scan, a quantity, a coupon, new promotions from
 * a sync — and Complete itself run one after another in one queue, each to the
 * end, its pricing included. So Complete charges exactly the cart every earlier
 * tap made, priced; and a scan tapped after Complete waits for the sale to be
 * saved and goes into the next one. Nothing is lost between them.
 * The screen's `lines` change together with their totals, so a scan costs one
 * render, not two (line, then total); if pricing is slow the lines show alone
 * after LINES_WITHOUT_TOTALS_MS rather than wait.
 * Changes made while a sale is completing wait for it and go into the next
 * sale, so a scan during the commit is neither lost nor added to the sale
 * being saved.
 */
export function createCheckoutModel(deps: {
  db: StoresideDb;
  pricing: PricingClient;
  store: StoreRecord;
  staff: () => SignedInStaff;
  onSaleCommitted: () => void;
}) {
  const { db, pricing, store } = deps;
  /** the cart as rung up: what every change starts from */
  let cart: CartLine[] = [];
  /** the cart as the screen shows it, updated with its totals */
  const lines = signal<CartLine[]>([]);
  const totals = signal<SaleTotals | null>(null);
  /** codes the associate entered for this sale, as typed */
  const coupons = signal<string[]>([]);
  /** the buyer is a member of staff: staff promotions apply */
  const staffPurchase = signal(false);
  /** the buyer's tax-exemption certificate; the sale records it */
  const taxExemptCertificate = signal<string | null>(null);
  /** discounts a manager approved on this sale: on one product's line, or the whole basket */
  const managerDiscounts = signal<ManagerDiscount[]>([]);
  /** what `totals` was priced with: the sale records it */
  let pricedWith: PricingContext | null = null;
  const notice = signal<Notice | null>(null);
  const searchResults = signal<ProductRow[]>([]);
  const cashText = signal('');
  const receipt = signal<LocalSale | null>(null);
  const completing = signal(false);
  /** the cart `totals` were computed for: Complete only charges totals of the cart as it is */
  let pricedCart: CartLine[] | null = null;

  /**
   * A scanner types the digits a few milliseconds before its Enter. Once the
   * field holds a whole valid barcode the product is fetched already, so the
   * Enter usually finds it waiting instead of starting a database read. Each
   * prefetch serves one Enter only, so a later scan of the same code reads
   * prices synced since.
   */
  let prefetched: { code: string; product: Promise<ProductRow | null> } | null = null;
  function lookUpBarcode(code: string): Promise<ProductRow | null> {
    const ready = prefetched?.code === code ? prefetched.product : null;
    prefetched = null;
    return ready ?? productByBarcode(db, code);
  }

  let pricingRequest = 0;
  async function reprice(next: CartLine[]) {
    const request = ++pricingRequest;
    if (next.length === 0) {
      batch(() => {
        lines.value = next;
        totals.value = null;
      });
      return;
    }
    const showAlone = setTimeout(() => {
      if (request === pricingRequest) lines.value = next;
    }, LINES_WITHOUT_TOTALS_MS);
    try {
      const context: PricingContext = {
        at: Date.now(),
        coupons: coupons.value,
        redeemedCoupons: await redeemedCoupons(),
        staffPurchase: staffPurchase.value,
        taxExemption: taxExemptCertificate.value ? { certificate: taxExemptCertificate.value } : null,
        manualDiscounts: manualDiscountsFor(next, managerDiscounts.value),
      };
      const pricingStart = performance.now();
      const result = await pricing.priceSale(next, store.taxConfig, context);
      // User Timing, like the barcode lookup: visible in DevTools and read by `npm run bench`.
      performance.measure('storeside:pricing', { start: pricingStart, end: performance.now() });
      if (request === pricingRequest) {
        pricedWith = context;
        pricedCart = next;
        batch(() => {
          lines.value = next;
          totals.value = result;
        });
      }
    } catch (error) {
      if (request !== pricingRequest) return;
      batch(() => {
        lines.value = next;
        totals.value = null;
        notice.value = { tone: 'error', text: `This cart cannot be priced: ${(error as Error).message}. Remove the last item or call a manager.` };
      });
    } finally {
      clearTimeout(showAlone);
    }
  }

  /**
   * Single-use codes this till has redeemed already. A sale made on another
   * till offline can still have used one; the server books the first and tells
   * HQ about the second.
   */
  async function redeemedCoupons(): Promise<string[]> {
    if (coupons.value.length === 0) return [];
    const wanted = coupons.value.map((code) => code.trim().toUpperCase());
    const spent = await db.sales.where('redeemedCoupons').anyOf(wanted).toArray();
    return [...new Set(spent.flatMap((sale) => sale.redeemedCoupons))];
  }

  /** Settles when the totals for the newest lines are in `totals`. */
  let latestPricing: Promise<void> = Promise.resolve();

  function setLines(next: CartLine[]) {
    cart = next;
    latestPricing = reprice(next);
    return latestPricing;
  }

  let queue: Promise<unknown> = Promise.resolve();
  /** Runs `task` after every task queued before it has finished, whether it failed or not. */
  function serially<T>(task: () => T | Promise<T>): Promise<T> {
    const run = queue.then(task);
    queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** A change the associate made to the sale: in turn, and the next customer's first change closes the receipt. */
  function cartChange<T>(change: () => T | Promise<T>): Promise<T> {
    return serially(() => {
      if (receipt.value) receipt.value = null;
      return change();
    });
  }

  const cashTendered = computed(() => parseMoneyInput(cashText.value, store.currency));
  const changeDue = computed(() => {
    const total = totals.value?.total;
    const cash = cashTendered.value;
    return total !== undefined && cash !== null && cash >= total ? cash - total : null;
  });

  /** This till's allotments of scarce products, kept current by the app as they sync. */
  let allotments = new Map<string, AllotmentRecord>();

  /** Why `quantity` of a line's product cannot be sold on this till now (it is scarce and over its allotment); null when it can. */
  async function overAllotment(line: CartLine): Promise<string | null> {
    const allotment = allotments.get(line.sku);
    if (!allotment) return null;
    const left = await unitsLeft(db, allotment);
    if (line.quantity <= left) return null;
    return left === 0
      ? `${line.name} is scarce, and this till has sold all it was allotted. Sell it on a till that is online, or once this one has reached the server.`
      : `Only ${left} × ${line.name} can be sold on this till until it reaches the server: it is scarce, and the store’s last units are shared between tills.`;
  }

  async function addProduct(product: ProductRow) {
    const existing = cart.find((line) => line.sku === product.sku);
    const line = existing ? { ...existing, quantity: Math.min(MAX_LINE_QUANTITY, existing.quantity + 1) } : cartLineFor(product, 1);
    const refusal = await overAllotment(line);
    batch(() => {
      searchResults.value = [];
      notice.value = refusal ? { tone: 'error', text: refusal } : null;
    });
    if (refusal) return;
    return setLines(existing ? cart.map((candidate) => (candidate === existing ? line : candidate)) : [...cart, line]);
  }

  async function commit(currentTotals: SaleTotals, context: PricingContext, tendered: number) {
    const settlement = settleTenders(currentTotals.total, [{ kind: 'cash', tendered }], store.cashCoin);
    if ('error' in settlement || !settlement.settled) {
      notice.value = { tone: 'error', text: 'The cash taken is less than the total.' };
      return;
    }
    const tenders: TenderRecord[] = [{ kind: 'cash', amount: settlement.cashAmount, tendered, change: settlement.change }];
    // Another tab of this till may have sold the same scarce product since it was scanned.
    for (const line of cart) {
      const refusal = await overAllotment(line);
      if (refusal) {
        notice.value = { tone: 'error', text: `${refusal} Lower the quantity to complete the sale.` };
        return;
      }
    }
    try {
      const draft = { totals: currentTotals, context, tenders, cashRounding: settlement.cashRounding, customer: null, overrides: [], staff: deps.staff(), store };
      const { sale } = await commitSale(db, draft, browserEnv);
      batch(() => {
        receipt.value = sale;
        cashText.value = '';
        coupons.value = [];
        managerDiscounts.value = [];
        staffPurchase.value = false;
        taxExemptCertificate.value = null;
        notice.value = null;
        searchResults.value = [];
      });
      void setLines([]);
      deps.onSaleCommitted();
    } catch (error) {
      notice.value = { tone: 'error', text: `The sale was not saved: ${(error as Error).message}` };
    }
  }

  const model = {
    db,
    lines,
    totals,
    coupons,
    managerDiscounts,
    staffPurchase,
    taxExemptCertificate,
    notice,
    searchResults,
    cashText,
    cashTendered,
    changeDue,
    receipt,
    completing,
    store,

    /** What the scan field received: a barcode (from a scanner or typed) or words to search for. */
    scanOrSearch: (input: string) =>
      cartChange(async () => {
        const text = input.trim();
        if (!text) return;
        if (BARCODE_LIKE.test(text)) {
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
      }),

    addProduct: (product: ProductRow) => cartChange(() => addProduct(product)),

    /** The scan field's text changed: start fetching if it is a complete barcode. */
    prefetch(input: string) {
      const code = input.trim();
      if (prefetched?.code === code || !BARCODE_LIKE.test(code) || !isValidGtin(code)) return;
      prefetched = { code, product: productByBarcode(db, code) };
    },

    /** One more or one fewer: relative to the cart as it is then, so two quick taps make two. */
    changeQuantity: (sku: string, by: number) =>
      cartChange(async () => {
        const line = cart.find((candidate) => candidate.sku === sku);
        const quantity = (line?.quantity ?? 0) + by;
        if (!line || !Number.isInteger(quantity) || quantity < 1 || quantity > MAX_LINE_QUANTITY) return;
        const refusal = by > 0 ? await overAllotment({ ...line, quantity }) : null;
        if (refusal) {
          notice.value = { tone: 'error', text: refusal };
          return;
        }
        return setLines(cart.map((candidate) => (candidate === line ? { ...line, quantity } : candidate)));
      }),

    /** This till's allotments of scarce products changed (a sync, another tab). */
    allotmentsChanged(next: Map<string, AllotmentRecord>) {
      allotments = next;
    },

    removeLine: (sku: string) =>
      cartChange(() => {
        // A discount approved for this line goes with it, rather than waiting for the product to be scanned again.
        managerDiscounts.value = managerDiscounts.value.filter((discount) => discount.sku !== sku);
        return setLines(cart.filter((line) => line.sku !== sku));
      }),

    async completeCashSale() {
      if (completing.value) return;
      const cash = cashText.value.trim();
      if (BARCODE_LIKE.test(cash) && cash.length >= 8 && isValidGtin(cash)) {
        // The scanner typed into the cash field: that was a scan, not an amount.
        cashText.value = '';
        return model.scanOrSearch(cash);
      }
      if (cash !== '' && cashTendered.value === null) {
        notice.value = { tone: 'error', text: `“${cash}” is not an amount of cash. Type it like 20 or 20.50.` };
        return;
      }
      completing.value = true;
      try {
        await serially(async () => {
          // Every change tapped before Complete has run, pricing included; the totals must be this cart's.
          await latestPricing;
          if (pricedCart !== cart) await setLines(cart);
          const currentTotals = totals.value;
          if (currentTotals && pricedWith && pricedCart === cart) await commit(currentTotals, pricedWith, cashTendered.value ?? currentTotals.total);
        });
      } finally {
        completing.value = false;
      }
    },

    /** A coupon code typed or scanned at the till; it applies offline, from the synced promotions. */
    addCoupon: (code: string) =>
      cartChange(async () => {
        const normalised = code.trim().toUpperCase();
        if (!normalised) return;
        if (coupons.value.some((entered) => entered.toUpperCase() === normalised)) return;
        coupons.value = [...coupons.value, normalised];
        await setLines(cart);
        const outcome = totals.value?.coupons.find((coupon) => coupon.code === normalised);
        notice.value = outcome ? couponNotice(outcome.status, normalised, outcome.promotionName) : null;
      }),

    removeCoupon: (code: string) =>
      cartChange(() => {
        coupons.value = coupons.value.filter((entered) => entered !== code);
        return setLines(cart);
      }),

    setStaffPurchase: (on: boolean) =>
      cartChange(() => {
        staffPurchase.value = on;
        return setLines(cart);
      }),

    /** A certificate number makes the sale tax exempt; null (or blank) takes the exemption off. */
    setTaxExemption: (certificate: string | null) =>
      cartChange(() => {
        const trimmed = certificate?.trim() ?? '';
        if (trimmed.length > 64) {
          notice.value = { tone: 'error', text: 'A certificate number has at most 64 characters.' };
          return;
        }
        taxExemptCertificate.value = trimmed || null;
        return setLines(cart);
      }),

    /** The store's promotions changed (a sync brought new ones): price the cart again with them. */
    promotionsChanged: (promotions: Promotion[]) =>
      serially(async () => {
        await pricing.setPromotions(promotions, store.id);
        await setLines(cart);
      }),

    /**
     * A discount a manager approved, offline too (their PIN was checked on this
     * till): a percent or an amount off one product's line, or off the basket.
     * The sale records the manager; the server prices it the same way.
     */
    addManagerDiscount: (discount: Omit<ManagerDiscount, 'id'>) =>
      cartChange(() => {
        const { percent, amount } = discount;
        if ((percent === undefined) === (amount === undefined)) throw new Error('a manager discount is a percent or an amount');
        if (percent !== undefined && !(percent > 0 && percent <= 100 && Math.round(percent * 100) / 100 === percent)) {
          notice.value = { tone: 'error', text: 'A percent off is more than 0 and at most 100, with at most two decimals.' };
          return;
        }
        if (amount !== undefined && !(Number.isSafeInteger(amount) && amount > 0)) {
          notice.value = { tone: 'error', text: 'An amount off must be more than nothing.' };
          return;
        }
        if (!discount.reason.trim()) {
          notice.value = { tone: 'error', text: 'Say why: the reason goes on the sale and in the audit.' };
          return;
        }
        if (discount.sku !== 'basket' && !cart.some((line) => line.sku === discount.sku)) return;
        managerDiscounts.value = [...managerDiscounts.value, { ...discount, reason: discount.reason.trim(), id: `manager-${managerDiscounts.value.length + 1}-${Date.now()}` }];
        return setLines(cart);
      }),

    removeManagerDiscount: (id: string) =>
      cartChange(() => {
        managerDiscounts.value = managerDiscounts.value.filter((discount) => discount.id !== id);
        return setLines(cart);
      }),

    /** Parks the cart under `label` for any till of the store to resume, and starts an empty one. */
    park: (label: string) =>
      cartChange(async () => {
        if (cart.length === 0) return;
        if (!label.trim()) {
          notice.value = { tone: 'error', text: 'Give the parked sale a label, like the customer’s name.' };
          return;
        }
        const staff = deps.staff();
        try {
          const kept = managerDiscounts.value.map(({ id: _id, ...discount }) => discount);
          await parkCart(db, browserEnv, staff, { label, lines: cart, coupons: coupons.value, staffPurchase: staffPurchase.value, taxExemptCertificate: taxExemptCertificate.value, managerDiscounts: kept });
        } catch (error) {
          notice.value = { tone: 'error', text: `The sale was not parked: ${(error as Error).message}` };
          return;
        }
        batch(() => {
          coupons.value = [];
          managerDiscounts.value = [];
          staffPurchase.value = false;
          taxExemptCertificate.value = null;
          cashText.value = '';
          notice.value = { tone: 'info', text: `Parked “${label.trim()}”. Any till of this store can resume it.` };
        });
        deps.onSaleCommitted();
        return setLines([]);
      }),

    /**
     * Rings up a parked cart here, at today's prices and promotions. Refused
     * while this till has a sale of its own going: park or finish that first.
     */
    resume: (cartId: string) =>
      cartChange(async () => {
        if (cart.length > 0) {
          notice.value = { tone: 'error', text: 'Finish or park the sale on the till before resuming another.' };
          return;
        }
        const parked = (await cartsWaiting(db)).find((candidate) => candidate.id === cartId);
        if (!parked) {
          notice.value = { tone: 'error', text: 'That sale was resumed already, here or on another till.' };
          return;
        }
        const products = await db.products.bulkGet(parked.lines.map((line) => line.sku));
        const missing = parked.lines.filter((_, index) => !products[index]).map((line) => line.sku);
        await resumeCart(db, browserEnv, deps.staff(), cartId);
        deps.onSaleCommitted();
        batch(() => {
          coupons.value = [...parked.coupons];
          managerDiscounts.value = parked.managerDiscounts.map((discount, index) => ({ ...discount, id: `manager-${index + 1}-${Date.now()}` }));
          staffPurchase.value = parked.staffPurchase;
          taxExemptCertificate.value = parked.taxExemptCertificate;
          notice.value = missing.length > 0 ? { tone: 'error', text: `Resumed “${parked.label}” without ${missing.join(', ')}: no longer in this store’s catalogue.` } : { tone: 'info', text: `Resumed “${parked.label}”.` };
        });
        return setLines(parked.lines.flatMap((line, index) => (products[index] ? [cartLineFor(products[index], line.quantity)] : [])));
      }),

    startNewSale() {
      receipt.value = null;
    },
  };
  return model;
}

export type CheckoutModel = ReturnType<typeof createCheckoutModel>;

/** What the associate hears after entering a code; nothing when it worked, since the discount line shows it. */
function couponNotice(status: string, code: string, promotionName: string | undefined): Notice | null {
  switch (status) {
    case 'unknown':
      return { tone: 'error', text: `Coupon ${code} is not known at this store.` };
    case 'not_valid_now':
      return { tone: 'error', text: `Coupon ${code} (${promotionName}) is not valid today.` };
    case 'already_used':
      return { tone: 'error', text: `Coupon ${code} has been used already; it is single-use.` };
    case 'no_effect':
      return { tone: 'info', text: `Coupon ${code} (${promotionName}) is kept, but this cart does not qualify for it yet, or a better offer applies.` };
    default:
      return null;
  }
}
