import { batch, computed, signal } from '@preact/signals';
import type { Promotion } from '../../domain/pricing/index.ts';
import { DEFAULT_OFFLINE_POLICY } from '../../domain/offline-policy.ts';
import { formatMoney, type Minor } from '../../domain/money.ts';
import type { PaymentTerminal } from '../../devices/payment-terminal.ts';
import { createCustomer } from '../../local/customers.ts';
import { storedValueAccount, unsentTenders } from '../../local/stored-value.ts';
import { dropOpenCharges, keepOpenCharge, openCharges } from '../../local/open-charges.ts';
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
  const money = (amount: Minor) => formatMoney(amount, store.currency, store.locale);
  const receipt = signal<LocalSale | null>(null);
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
    onFailure: (error) => say({ tone: 'error', text: `This cart cannot be priced: ${error.message}. Remove the last item or call a manager.` }),
  });
  const cart = createCart({ db, priced, say, lineRemoved: adjustments.lineRemoved });
  const limits = createOfflineLimits({
    policy: store.offlinePolicy ?? DEFAULT_OFFLINE_POLICY,
    connectivity,
    unsent: () => unsentTenders(db),
    account: (accountId) => db.storedValues.get(accountId),
    format: money,
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
    unsentSpend: async (accountId) => (await unsentTenders(db)).storedValue.get(accountId) ?? 0,
    format: money,
    say,
  });
  const parking = createParking({ db, env, staff: deps.staff, say });
  const completion = createCompletion({ db, env, store, staff: deps.staff, customer: () => customer.value, cart, tenders, limits, format: money, say });

  // Card payments charged before the app restarted, their sale never completed: back on the sale being rung up.
  void openCharges(db).then((charged) => {
    if (charged.length === 0) return;
    batch(() => {
      tenders.restore(charged.map((record) => ({ record, viaTerminal: true })));
      say({
        tone: 'info',
        text: `${charged.length === 1 ? 'A card payment' : `${charged.length} card payments`} charged before the app restarted ${charged.length === 1 ? 'is' : 'are'} on this sale: ring the goods up again and complete it, or remove the payment to reverse it on the terminal.`,
      });
    });
  });

  /** A change the associate made to the sale: in turn, and the next customer's first change closes the receipt. */
  function cartChange<T>(change: () => T | Promise<T>): Promise<T> {
    return serially(() => {
      if (receipt.value) receipt.value = null;
      return change();
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
    cashText: tenders.cashText,
    cashTendered: tenders.cashTendered,
    changeDue: tenders.changeDue,
    remainingDue: tenders.remainingDue,
    offline: limits.offline,
    limitsReached: limits.limitsReached,

    needsSerial: cart.needsSerial,
    setLineDetail: cart.setLineDetail,
    prefetch: cart.prefetch,
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

    takeCard: (amount: Minor | null) => serially(() => tenders.takeCard(amount)),
    takeCardSlip: (slip: { amount: Minor | null; brand: string; last4: string; approvalCode: string; terminalRef: string }) => serially(() => tenders.takeCardSlip(slip)),
    /** Pays `amount` (null: as much as the card holds, up to what is left) from a gift card by its number. */
    takeGiftCard: (number: string, amount: Minor | null) =>
      serially(async () => {
        const found = await storedValueAccount(db, number);
        if (!found || found.account.kind !== 'gift_card') {
          say({ tone: 'error', text: `No gift card ${number.trim()} is known at this store${connectivity.online.value ? '' : ' (as last synced)'}.` });
          return;
        }
        await tenders.takeStoredValue(found, amount);
      }),
    /** Pays from the attached customer's store credit account. */
    takeStoreCredit: (accountId: string, amount: Minor | null) =>
      serially(async () => {
        const found = await storedValueAccount(db, accountId);
        // A credit slip held by no customer (a refund without a customer) is the bearer's: the server agrees (ledger/stored-value-debits.ts).
        if (!found || found.account.kind !== 'store_credit' || (found.account.customerId !== null && found.account.customerId !== customer.value?.id)) {
          say({ tone: 'error', text: 'Attach the customer whose store credit pays this sale.' });
          return;
        }
        await tenders.takeStoredValue(found, amount);
      }),
    takeOtherTill: (reference: string, amount: Minor | null) => serially(() => tenders.takeOtherTill(reference, amount)),
    removeTender: (id: string) => serially(() => tenders.remove(id)),
    overrideLimits: limits.override,

    /** Names the customer on the sale; null takes them off. */
    attachCustomer(next: { id: string; name: string } | null) {
      customer.value = next;
      tenders.customerChanged();
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
      if (completing.value) return;
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
      completing.value = true;
      try {
        await serially(async () => {
          // Every change tapped before Complete has run, pricing included; the totals must be this cart's.
          const sale = await priced.settled();
          if (!sale) return;
          const kept = await completion.complete(sale);
          if (!kept) return;
          batch(() => {
            receipt.value = kept;
            clearSale();
            say(null);
          });
          void priced.set([]);
          deps.onSaleCommitted();
        });
      } finally {
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
          say({ tone: 'error', text: 'A card was charged for this sale: remove that payment first, which reverses it on the terminal.' });
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

  };
  return model;
}

export type CheckoutModel = ReturnType<typeof createCheckoutModel>;
