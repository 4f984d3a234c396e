import { batch, computed, signal } from '@preact/signals';
import type { Promotion } from '../../domain/pricing/index.ts';
import { DEFAULT_OFFLINE_POLICY } from '../../domain/offline-policy.ts';
import type { Minor } from '../../domain/money.ts';
import { storeWords } from '../words/store-words.ts';
import type { PaymentTerminal } from '../../devices/payment-terminal.ts';
import { createCustomer } from '../../local/customers.ts';
import { storedValueAccount } from '../../local/stored-value.ts';
import { unsentSpending } from '../../local/unsent-tenders.ts';
import { dropOpenCharges, keepOpenCharge, openCharges } from '../../local/open-charges.ts';
import { cartDraftOf, chargesOnDrafts, keepCartDraft, type CartDraft } from '../../local/cart-draft.ts';
import { releaseCharge } from '../../local/released-charges.ts';
import type { DeviceEnv } from '../../local/journal.ts';
import type { ProductRow, StoresideDb } from '../../local/db.ts';
import type { LocalSale } from '../../local/local-sale.ts';
import type { StoreRecord } from '../../protocol/entities.ts';
import type { PricingClient } from '../pricing-client.ts';
import type { SignedInStaff } from '../session-model.ts';
import { createSaleAdjustments, type ManagerDiscount } from '../sale/adjustments.ts';
import { createCart, isScannedBarcode } from '../sale/cart.ts';
import { createCompletion } from '../sale/complete-sale.ts';
import type { Connectivity, Notice } from '../sale/notice.ts';
import { createOfflineLimits } from '../sale/offline-limits.ts';
import { createParking } from '../sale/parking.ts';
import { priceParkedCart } from '../sale/parked-price.ts';
import type { ParkedCartRecord } from '../../domain/parked-cart.ts';
import { createPricedCart } from '../sale/priced-cart.ts';
import { createSerialQueue } from '../sale/serial-queue.ts';
import { createTenders } from '../sale/tenders.ts';
import { createDraftKeeper } from '../sale/draft-keeper.ts';
import { exceptionText } from '../words/failure-text.ts';
import { pricingFailureText } from '../words/problem-text.ts';

export type { Notice, Connectivity } from '../sale/notice.ts';
export type { ManagerDiscount } from '../sale/adjustments.ts';
export type { TakenTender } from '../sale/tenders.ts';

/**
 * The till's checkout: the sale being rung up, composed of the sale core's
 * parts (src/app/sale): the cart and its pricing, the adjustments that change
 * its price, its payments, the offline policy, parking, and Complete.
 *
 *   ringing up ──Complete──▶ completing ──committed──▶ ringing up (empty cart, receipt shown)
 *                               │ failed
 *                               └──────▶ ringing up (same cart, notice)
 *
 * Every change to the sale — a scan, a quantity, a coupon, a payment, new
 * promotions from a sync — and Complete itself run one after another in one
 * queue, each to the end, its pricing included. So Complete charges exactly
 * the cart every earlier tap made, priced; and a scan tapped after Complete
 * waits for the sale to be saved and goes into the next one. Nothing is lost
 * between them.
 */
/** How long Complete runs before the screen shows it is running (the button greys out). */
const COMPLETING_SHOWN_AFTER_MS = 150;

export function createCheckoutModel(deps: {
  db: StoresideDb;
  pricing: PricingClient;
  store: StoreRecord;
  staff: () => SignedInStaff;
  onSaleCommitted: () => void;
  terminal: PaymentTerminal;
  connectivity: Connectivity;
  /** the device's clock and randomness: tests fix them */
  env: DeviceEnv;
}) {
  const { db, pricing, store, terminal, connectivity, env } = deps;
  const notice = signal<Notice | null>(null);
  const say = (next: Notice | null) => (notice.value = next);
  const words = storeWords(store);
  const receipt = signal<LocalSale | null>(null);
  /** Complete is running: a second tap is ignored */
  let completeRunning = false;
  /** Complete has been running for longer than a glance (COMPLETING_SHOWN_AFTER_MS): the screen says so */
  const completing = signal(false);
  /** the customer the sale names */
  const customer = signal<{ id: string; name: string } | null>(null);
  const serially = createSerialQueue();

  const adjustments = createSaleAdjustments({
    db,
    now: env.now,
    lines: () => priced.current,
    reprice: () => priced.reprice(),
    totals: () => priced.totals.value,
    say,
  });
  const priced = createPricedCart({
    pricing,
    taxConfig: store.taxConfig,
    context: adjustments.pricingContext,
    onFailure: (error) => say({ tone: 'error', text: pricingFailureText(error) }),
  });
  const cart = createCart({ db, priced, say, lineRemoved: adjustments.lineRemoved });
  const limits = createOfflineLimits({
    policy: store.offlinePolicy ?? DEFAULT_OFFLINE_POLICY,
    connectivity,
    unsent: () => unsentSpending(db),
    account: (accountId) => db.storedValues.get(accountId),
    format: words.money,
    say,
  });
  const tenders = createTenders({
    store,
    terminal,
    online: connectivity.online,
    total: computed(() => priced.totals.value?.total),
    limits,
    keepCharge: (charge) => keepOpenCharge(db, charge),
    dropCharges: (refs) => dropOpenCharges(db, refs),
    unsentSpend: async (accountId) => (await unsentSpending(db)).storedValue.get(accountId) ?? 0,
    release: (release) => releaseCharge(db, env, deps.staff(), { ...release, currency: store.currency }),
    words,
    say,
  });
  const parking = createParking({ db, env, staff: deps.staff, say });
  const completion = createCompletion({ db, env, store, staff: deps.staff, customer: () => customer.value, cart, tenders, limits, words, say });

  /** Who rings this sale up: the model lives for one signed-in session, and the cart in progress is theirs. */
  const staffId = deps.staff().id;

  /** The sale as it stands, for the device to keep (cart-draft.ts); null when there is nothing to keep. */
  function snapshot(): CartDraft | null {
    const lines = cart.state();
    if (lines.lines.length === 0 && tenders.taken.value.length === 0) return null;
    const adjusted = adjustments.state();
    return {
      staffId,
      savedAt: env.now(),
      lines: [...lines.lines],
      lineDetails: lines.lineDetails.map(([sku, detail]) => [sku, { ...detail }]),
      serializedSkus: [...lines.serializedSkus],
      coupons: [...adjusted.coupons],
      staffPurchase: adjusted.staffPurchase,
      taxExemptCertificate: adjusted.taxExemptCertificate,
      managerDiscounts: adjusted.managerDiscounts.map((discount) => ({ ...discount })),
      customer: customer.value,
      tenders: tenders.kept(),
      overrides: limits.recorded(),
    };
  }
  const keeper = createDraftKeeper<CartDraft>(
    (draft) => keepCartDraft(db, staffId, draft),
    (error) => say({ tone: 'error', text: `${exceptionText(error, 'This till could not keep the sale in progress')} Complete it now: a reload would lose it.` }),
  );
  /** After every change: the device keeps the sale as it now stands, off the scan's path. */
  const persist = () => keeper.keep(snapshot());

  /**
   * The sale this associate was ringing up when the app stopped (a reload, a
   * crash, a browser restart), payments taken included; and card payments the
   * terminal approved for no sale anyone here has in progress (charged, then
   * the app stopped before its cart was kept). Runs first in the queue: no
   * scan lands before the restored cart.
   */
  const restored = serially(async () => {
    const [draft, charged, onDrafts] = await Promise.all([cartDraftOf(db, staffId), openCharges(db), chargesOnDrafts(db)]);
    const stray = charged.filter((charge) => !onDrafts.has(charge.terminalRef));
    if (!draft && stray.length === 0) return;
    batch(() => {
      if (draft) {
        adjustments.restore(draft);
        customer.value = draft.customer;
        limits.restore(draft.overrides);
        tenders.restore(draft.tenders);
      }
      tenders.restore(stray.map((record) => ({ record, viaTerminal: true })));
      say(
        stray.length > 0
          ? {
              tone: 'info',
              text: `${stray.length === 1 ? 'A card payment' : `${stray.length} card payments`} charged before the app restarted ${stray.length === 1 ? 'is' : 'are'} on this sale: ring the goods up again and complete it, or remove the payment to reverse it on the terminal.`,
            }
          : { tone: 'info', text: 'The sale you were ringing up is back, as you left it.' },
      );
    });
    if (draft) await cart.restore({ lines: draft.lines, lineDetails: draft.lineDetails, serializedSkus: draft.serializedSkus });
    persist();
  });

  /** A change the associate made to the sale: in turn, and the next customer's first change closes the receipt. */
  function cartChange<T>(change: () => T | Promise<T>): Promise<T> {
    return serially(async () => {
      if (receipt.value) receipt.value = null;
      try {
        return await change();
      } finally {
        persist();
      }
    });
  }

  /** A payment step, in turn with the cart's changes, kept as the cart is. */
  function paymentStep<T>(step: () => T | Promise<T>): Promise<T> {
    return serially(async () => {
      try {
        return await step();
      } finally {
        persist();
      }
    });
  }

  /** Everything about the sale but its lines, back to a new sale's. */
  function clearSale() {
    adjustments.clear();
    tenders.clear();
    limits.clear();
    cart.clearDetails();
    customer.value = null;
  }

  const model = {
    db,
    store,
    policy: limits.policy,
    notice,
    receipt,
    completing,
    customer,
    lines: priced.lines,
    totals: priced.totals,
    searchResults: cart.searchResults,
    lineDetails: cart.lineDetails,
    coupons: adjustments.coupons,
    managerDiscounts: adjustments.managerDiscounts,
    staffPurchase: adjustments.staffPurchase,
    taxExemptCertificate: adjustments.taxExemptCertificate,
    tenders: tenders.taken,
    /** the digital receipt token the next completed sale takes (its QR code is drawn ahead) */
    nextReceiptToken: completion.nextReceiptToken,
    cashText: tenders.cashText,
    cashTendered: tenders.cashTendered,
    changeDue: tenders.changeDue,
    remainingDue: tenders.remainingDue,
    offline: limits.offline,
    limitsReached: limits.limitsReached,

    needsSerial: cart.needsSerial,
    /** The serial number or note of one line; blank removes it. */
    setLineDetail(sku: string, detail: { serial?: string; note?: string }) {
      cart.setLineDetail(sku, detail);
      persist();
    },
    allotmentsChanged: cart.allotmentsChanged,

    scanOrSearch: (input: string) => cartChange(() => cart.scanOrSearch(input)),
    addProduct: (product: ProductRow) => cartChange(() => cart.addProduct(product)),
    changeQuantity: (sku: string, by: number) => cartChange(() => cart.changeQuantity(sku, by)),
    setQuantity: (sku: string, quantity: number) => cartChange(() => cart.setQuantity(sku, quantity)),
    removeLine: (sku: string) => cartChange(() => cart.removeLine(sku)),

    addCoupon: (code: string) => cartChange(() => adjustments.addCoupon(code)),
    removeCoupon: (code: string) => cartChange(() => adjustments.removeCoupon(code)),
    setStaffPurchase: (on: boolean) => cartChange(() => adjustments.setStaffPurchase(on)),
    setTaxExemption: (certificate: string | null) => cartChange(() => adjustments.setTaxExemption(certificate)),
    addManagerDiscount: (discount: Omit<ManagerDiscount, 'id'>) => cartChange(() => adjustments.addManagerDiscount(discount)),
    removeManagerDiscount: (id: string) => cartChange(() => adjustments.removeManagerDiscount(id)),

    /** The store's promotions changed (a sync brought new ones): price the cart again with them. */
    promotionsChanged: (promotions: Promotion[]) =>
      serially(async () => {
        await pricing.setPromotions(promotions, store.id);
        await priced.reprice();
      }),

    takeCard: (amount: Minor | null) => paymentStep(() => tenders.takeCard(amount)),
    takeCardSlip: (slip: { amount: Minor | null; brand: string; last4: string; approvalCode: string; terminalRef: string }) => paymentStep(() => tenders.takeCardSlip(slip)),
    /** Pays `amount` (null: as much as the card holds, up to what is left) from a gift card by its number. */
    takeGiftCard: (number: string, amount: Minor | null) =>
      paymentStep(async () => {
        const found = await storedValueAccount(db, number);
        if (!found || found.account.kind !== 'gift_card') {
          say({ tone: 'error', text: `No gift card ${number.trim()} is known at this store${connectivity.online.value ? '' : ' (as last synced)'}.` });
          return;
        }
        await tenders.takeStoredValue(found, amount);
      }),
    /** Pays from the attached customer's store credit account. */
    takeStoreCredit: (accountId: string, amount: Minor | null) =>
      paymentStep(async () => {
        const found = await storedValueAccount(db, accountId);
        // A credit slip held by no customer (a refund without a customer) is the bearer's: the server agrees (ledger/stored-value-debits.ts).
        if (!found || found.account.kind !== 'store_credit' || (found.account.customerId !== null && found.account.customerId !== customer.value?.id)) {
          say({ tone: 'error', text: 'Attach the customer whose store credit pays this sale.' });
          return;
        }
        await tenders.takeStoredValue(found, amount);
      }),
    takeOtherTill: (reference: string, amount: Minor | null) => paymentStep(() => tenders.takeOtherTill(reference, amount)),
    removeTender: (id: string) => paymentStep(() => tenders.remove(id)),
    /** The slip shows the unconfirmed charge went through: it stays on the sale. */
    confirmCharge: (id: string) => paymentStep(() => tenders.confirmCharge(id)),
    /** A manager takes a charge the terminal could not reverse off the sale; it is journaled for HQ to reconcile. */
    releaseCharge: (id: string, approvedBy: { id: string; name: string }) => paymentStep(() => tenders.releaseCharge(id, approvedBy)),
    overrideLimits(approvedBy: { id: string; name: string }) {
      limits.override(approvedBy);
      persist();
    },

    /** Names the customer on the sale; null takes them off. */
    attachCustomer(next: { id: string; name: string } | null) {
      customer.value = next;
      tenders.customerChanged();
      persist();
    },

    /**
     * A new customer, made here (offline too) and attached to the sale. The
     * event goes to the server like a sale; every till finds them once it syncs.
     */
    async createCustomer(details: { name: string; phone: string; email: string }): Promise<boolean> {
      const made = await createCustomer(db, env, deps.staff(), details);
      if ('error' in made) {
        say({ tone: 'error', text: `The customer was not saved: ${made.error}` });
        return false;
      }
      model.attachCustomer({ id: made.id, name: made.name });
      say(null);
      deps.onSaleCommitted();
      return true;
    },

    async completeCashSale() {
      if (completeRunning) return;
      const cash = tenders.cashText.value.trim();
      if (cash.length >= 8 && isScannedBarcode(cash)) {
        // The scanner typed into the cash field: that was a scan, not an amount.
        tenders.cashText.value = '';
        return model.scanOrSearch(cash);
      }
      if (cash !== '' && tenders.cashTendered.value === null) {
        say({ tone: 'error', text: `“${cash}” is not an amount of cash. Type it like 20 or 20.50.` });
        return;
      }
      completeRunning = true;
      // Shown only if it takes a while: a change on screen at the tap would make the browser paint a frame
      // while the sale is being saved, and the receipt, a few milliseconds later, would wait behind it.
      const showCompleting = setTimeout(() => (completing.value = true), COMPLETING_SHOWN_AFTER_MS);
      try {
        await serially(async () => {
          // Every change tapped before Complete has run, pricing included; the totals must be this cart's.
          const sale = await priced.settled();
          if (!sale) return;
          // The sale's own transaction deletes the kept cart; no older snapshot may land after it.
          keeper.pause();
          const kept = await completion.complete(sale);
          if (!kept) {
            keeper.resume(snapshot());
            return;
          }
          // One render: the receipt over an empty cart. Emptied synchronously (an empty cart is not priced).
          batch(() => {
            receipt.value = kept;
            clearSale();
            say(null);
            void priced.set([]);
          });
          // The sale's transaction deleted the kept cart: nothing to write.
          keeper.resume(undefined);
          deps.onSaleCommitted();
        });
      } finally {
        clearTimeout(showCompleting);
        completeRunning = false;
        completing.value = false;
      }
    },

    /**
     * Voids the sale being rung up, before it is completed: the cart and all
     * about it go, and nothing is journaled (nothing was sold). Refused while a
     * card charged on the terminal is on it: removing it reverses the charge.
     */
    voidSale: () =>
      cartChange(() => {
        if (priced.current.length === 0 && tenders.taken.value.length === 0) return;
        if (tenders.hasTerminalCharge()) {
          say({ tone: 'error', text: 'A card was charged for this sale: remove that payment first, which reverses it on the terminal (or a manager releases it, where the terminal cannot).' });
          return;
        }
        batch(() => {
          clearSale();
          say({ tone: 'info', text: 'Sale voided. Nothing was charged.' });
        });
        return priced.set([]);
      }),

    /** Parks the cart under `label` for any till of the store to resume, and starts an empty one. */
    park: (label: string) =>
      cartChange(async () => {
        if (priced.current.length === 0) return;
        if (tenders.taken.value.length > 0) {
          say({ tone: 'error', text: 'Payments are taken on this sale: complete it, or remove them before parking.' });
          return;
        }
        if (!(await parking.park(label, priced.current, adjustments.state()))) return;
        clearSale();
        deps.onSaleCommitted();
        return priced.set([]);
      }),

    /**
     * Rings up a parked cart here, at today's prices and promotions. Refused
     * while this till has a sale of its own going: park or finish that first.
     */
    resume: (cartId: string) =>
      cartChange(async () => {
        if (priced.current.length > 0) {
          say({ tone: 'error', text: 'Finish or park the sale on the till before resuming another.' });
          return;
        }
        const resumed = await parking.resume(cartId);
        if (!resumed) return;
        deps.onSaleCommitted();
        batch(() => {
          adjustments.restore(resumed.adjustments);
          say(
            resumed.missing.length > 0
              ? { tone: 'error', text: `Resumed “${resumed.label}” without ${resumed.missing.join(', ')}: no longer in this store’s catalogue.` }
              : { tone: 'info', text: `Resumed “${resumed.label}”.` },
          );
        });
        return cart.restore(resumed.cart);
      }),

    /** What a parked cart would ring up at if resumed now: for the parked sales' list, outside the sale's queue (it changes nothing). */
    priceParked: (parked: ParkedCartRecord) => priceParkedCart({ db, pricing, taxConfig: store.taxConfig, now: env.now }, parked),

    startNewSale() {
      receipt.value = null;
    },

    /** Settles once the sale restored after a restart is back and every change so far is kept on the device. */
    async kept(): Promise<void> {
      await restored;
      await serially(() => undefined);
      await keeper.settled();
    },
  };
  return model;
}

export type CheckoutModel = ReturnType<typeof createCheckoutModel>;
