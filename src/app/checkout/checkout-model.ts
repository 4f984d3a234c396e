import { batch, computed, signal, type ReadonlySignal } from '@preact/signals';
import type { ManualDiscount, PricingContext, Promotion, SaleTotals } from '../../domain/pricing/index.ts';
import { cartLineFor, MAX_LINE_QUANTITY, type CartLine } from '../../domain/cart-line.ts';
import { settleTenders, type TenderInput } from '../../domain/split-tender.ts';
import { TenderRecordSchema, type TenderRecord } from '../../domain/tender.ts';
import { DEFAULT_OFFLINE_POLICY, offlineAge, offlineLimitsReached, type LimitReached } from '../../domain/offline-policy.ts';
import type { SaleOverride } from '../../domain/sale.ts';
import { formatMoney } from '../../domain/money.ts';
import type { PaymentTerminal, TerminalApproval } from '../../devices/payment-terminal.ts';
import { createCustomer } from '../../local/customers.ts';
import { storedValueAccount, unsentTenders, type SpendableAccount } from '../../local/stored-value.ts';
import { describeIssues } from '../../protocol/describe-issues.ts';
import * as v from 'valibot';
import { isValidGtin } from '../../domain/barcode.ts';
import { parseMoneyInput, type Minor } from '../../domain/money.ts';
import { productByBarcode, searchProducts } from '../../local/catalog.ts';
import { commitSale } from '../../local/commit-sale.ts';
import { cardNumberProblem } from '../../domain/typed-text.ts';
import { dropOpenCharges, keepOpenCharge, openCharges } from '../../local/open-charges.ts';
import { browserEnv } from '../../local/journal.ts';
import type { ProductRow, StoresideDb } from '../../local/db.ts';
import type { LocalSale } from '../../local/local-sale.ts';
import type { AllotmentRecord, StoreRecord } from '../../protocol/entities.ts';
import { unitsLeft } from '../../local/allotments.ts';
import { cartsWaiting, parkCart, resumeCart } from '../../local/parked-carts.ts';
import type { PricingClient } from '../pricing-client.ts';
import type { SignedInStaff } from '../session-model.ts';
import { tillGate } from '../till/till-gate.ts';

export type Notice = { tone: 'info' | 'error'; text: string };

/** A discount a manager approved at this till, on the line of one product or on the basket. */
export type ManagerDiscount = { id: string; sku: string | 'basket'; percent?: number; amount?: Minor; reason: string; approvedBy: { id: string; name: string } };

/** A tender taken before Complete, other than the cash that settles the rest; removable until the sale completes. */
export type TakenTender = {
  id: string;
  record: Exclude<TenderRecord, { kind: 'cash' | 'exchange' }>;
  /** charged through the connected terminal, which must reverse it if the payment is removed (a keyed slip is the associate's to void) */
  viaTerminal: boolean;
};

/** Whether the till reaches the server, and when it last did (the offline policy's clock). */
export type Connectivity = { online: ReadonlySignal<boolean>; lastSyncAt: ReadonlySignal<number | null>; now: ReadonlySignal<number> };

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
  terminal: PaymentTerminal;
  connectivity: Connectivity;
}) {
  const { db, pricing, store, terminal, connectivity } = deps;
  const policy = store.offlinePolicy ?? DEFAULT_OFFLINE_POLICY;
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
  /** card, gift card, store credit and other-till payments taken so far, in order */
  const tenders = signal<TakenTender[]>([]);
  /** the customer the sale names */
  const customer = signal<{ id: string; name: string } | null>(null);
  /** serial number and note per line, by SKU (a cart has one line per SKU) */
  const lineDetails = signal<ReadonlyMap<string, { serial?: string; note?: string }>>(new Map());
  /** SKUs in the cart whose units need a serial number */
  const serializedSkus = new Set<string>();
  /** offline limits a manager let this sale pass, by the words of the limit they approved */
  const overrides = signal<ReadonlyMap<string, SaleOverride>>(new Map());
  /** the offline limits Complete found and no manager has overridden yet: the screen asks for one */
  const limitsReached = signal<LimitReached[]>([]);
  let tenderCount = 0;
  // Card payments charged before the app restarted, their sale never completed: back on the sale being rung up.
  void openCharges(db).then((charged) => {
    if (charged.length === 0) return;
    batch(() => {
      tenders.value = [...charged.map((record) => ({ id: `tender-${++tenderCount}`, record, viaTerminal: true })), ...tenders.value];
      notice.value = {
        tone: 'info',
        text: `${charged.length === 1 ? 'A card payment' : `${charged.length} card payments`} charged before the app restarted ${charged.length === 1 ? 'is' : 'are'} on this sale: ring the goods up again and complete it, or remove the payment to reverse it on the terminal.`,
      };
    });
  });

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
  const tenderInputs = (cash: Minor | null): TenderInput[] => [
    ...tenders.value.map(({ record }) => ({ kind: record.kind, amount: record.amount })),
    ...(cash === null ? [] : [{ kind: 'cash' as const, tendered: cash }]),
  ];
  /** where the payments taken so far and the cash typed leave the sale */
  const settlement = computed(() => {
    const total = totals.value?.total;
    if (total === undefined) return null;
    const settled = settleTenders(total, tenderInputs(cashTendered.value), store.cashCoin);
    return 'error' in settled ? null : settled;
  });
  /** still to pay after the payments taken, before any cash: what the next tender is offered */
  const remainingDue = computed(() => {
    const total = totals.value?.total;
    if (total === undefined) return 0;
    const settled = settleTenders(total, tenderInputs(null), store.cashCoin);
    return 'error' in settled ? 0 : settled.remaining;
  });
  const changeDue = computed(() => {
    const settled = settlement.value;
    return settled && cashTendered.value !== null && settled.settled ? settled.change : null;
  });
  /** Offline: for how long, and whether past the policy's hours. A till with no sync on record counts from now, not from the epoch. */
  const offline = computed(() => {
    if (connectivity.online.value) return null;
    const age = offlineAge(connectivity.lastSyncAt.value, connectivity.now.value, connectivity.now.value, policy);
    return { hours: age.hours, pastLimit: age.pastLimit };
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
    if (product.serialized && existing) {
      notice.value = { tone: 'error', text: `${product.name} has a serial number per unit: sell one per sale, with its serial number.` };
      return;
    }
    if (product.serialized) serializedSkus.add(product.sku);
    const line = existing ? { ...existing, quantity: Math.min(MAX_LINE_QUANTITY, existing.quantity + 1) } : cartLineFor(product, 1);
    const refusal = await overAllotment(line);
    batch(() => {
      searchResults.value = [];
      notice.value = refusal ? { tone: 'error', text: refusal } : null;
    });
    if (refusal) return;
    return setLines(existing ? cart.map((candidate) => (candidate === existing ? line : candidate)) : [...cart, line]);
  }

  const money = (amount: Minor) => formatMoney(amount, store.currency, store.locale);

  /** Why the lines cannot be sold as they are (a serialized unit without its serial number), or null. */
  function lineProblem(): string | null {
    const missing = cart.filter((line) => serializedSkus.has(line.sku) && !lineDetails.value.get(line.sku)?.serial);
    return missing.length > 0 ? `Scan or type the serial number of ${missing.map((line) => line.name).join(', ')}.` : null;
  }

  /** The offline limits this sale reaches that no manager has overridden. */
  async function unapprovedLimits(taken: readonly TakenTender[]): Promise<LimitReached[]> {
    // Online no offline limit applies, and reading the outbox to total its tenders is not free.
    if (connectivity.online.value) return [];
    const unsent = await unsentTenders(db);
    const accounts = await Promise.all(taken.map(({ record }) => (record.kind === 'gift_card' || record.kind === 'store_credit' ? db.storedValues.get(record.accountId) : undefined)));
    const reached = offlineLimitsReached({
      online: false,
      policy,
      tenders: taken.map(({ record }, index) =>
        record.kind === 'gift_card' || record.kind === 'store_credit'
          ? { kind: record.kind, amount: record.amount, accountId: record.accountId, ...(accounts[index]?.offlineLimit === undefined ? {} : { offlineLimit: accounts[index].offlineLimit }) }
          : { kind: record.kind, amount: record.amount },
      ),
      cardTakenOffline: unsent.cardOffline,
      storedValueUnsent: unsent.storedValue,
      offlinePastLimit: offline.value?.pastLimit ? offline.value : null,
      format: money,
    });
    // An override covers the limit as the manager read it: a larger amount past the same limit asks again.
    return reached.filter((limit) => !overrides.value.has(limit.limit));
  }

  async function commit(currentTotals: SaleTotals, context: PricingContext, cash: Minor | null) {
    const taken = tenders.value;
    const settlement = settleTenders(currentTotals.total, tenderInputs(cash), store.cashCoin);
    if ('error' in settlement) {
      notice.value = { tone: 'error', text: `${settlement.error.replace(/^./, (first) => first.toUpperCase())}. Remove a payment.` };
      return;
    }
    if (!settlement.settled) {
      notice.value = { tone: 'error', text: cash === null ? `${money(settlement.remaining)} is still to pay.` : 'The cash taken is less than what is left to pay.' };
      return;
    }
    const wrongLine = lineProblem();
    if (wrongLine) {
      notice.value = { tone: 'error', text: wrongLine };
      return;
    }
    const unapproved = await unapprovedLimits(taken);
    if (unapproved.length > 0) {
      batch(() => {
        limitsReached.value = unapproved;
        notice.value = { tone: 'error', text: `Offline limit reached: ${unapproved.map((limit) => limit.limit).join('; ')}. A manager may override it, or take another payment.` };
      });
      return;
    }
    const records: TenderRecord[] = taken.map(({ record }) => record);
    if (cash !== null && settlement.cashAmount > 0) records.push({ kind: 'cash', amount: settlement.cashAmount, tendered: cash, change: settlement.change });
    // Cash without the open till the store requires: the associate is asked to open it; the cart stays for Complete after.
    if (await tillGate(db).refuses(records, 'sale')) return;
    // Another tab of this till may have sold the same scarce product since it was scanned.
    for (const line of cart) {
      const refusal = await overAllotment(line);
      if (refusal) {
        notice.value = { tone: 'error', text: `${refusal} Lower the quantity to complete the sale.` };
        return;
      }
    }
    const details = new Map(cart.flatMap((line, index) => (lineDetails.value.has(line.sku) ? [[index, lineDetails.value.get(line.sku)!] as const] : [])));
    try {
      const draft = {
        totals: currentTotals,
        context,
        tenders: records,
        cashRounding: settlement.cashRounding,
        customer: customer.value,
        lineDetails: details,
        overrides: [...overrides.value.values()],
        staff: deps.staff(),
        store,
      };
      const committing = performance.now();
      const { sale } = await commitSale(db, draft, browserEnv);
      // User Timing, like pricing's: read by `npm run bench`, visible in DevTools.
      performance.measure('storeside:commit-sale', { start: committing, end: performance.now() });
      batch(() => {
        receipt.value = sale;
        clearSale();
        notice.value = null;
        searchResults.value = [];
      });
      void setLines([]);
      deps.onSaleCommitted();
    } catch (error) {
      notice.value = { tone: 'error', text: `The sale was not saved: ${(error as Error).message}` };
    }
  }

  /** Everything about the sale but its lines, back to a new sale's. */
  function clearSale() {
    cashText.value = '';
    coupons.value = [];
    managerDiscounts.value = [];
    staffPurchase.value = false;
    taxExemptCertificate.value = null;
    tenders.value = [];
    customer.value = null;
    lineDetails.value = new Map();
    serializedSkus.clear();
    overrides.value = new Map();
    limitsReached.value = [];
  }

  /** Whether a non-cash payment of `amount` fits what is left; says why not as a notice. */
  function fits(kind: TakenTender['record']['kind'], amount: Minor): boolean {
    const total = totals.value?.total;
    if (total === undefined) return false;
    const settled = settleTenders(total, [...tenderInputs(null), { kind, amount }], store.cashCoin);
    if ('error' in settled) notice.value = { tone: 'error', text: `${settled.error.replace(/^./, (first) => first.toUpperCase())}.` };
    return !('error' in settled);
  }

  /** Takes a non-cash payment, refused as a notice when it is more than is left. */
  function takeTender(record: TakenTender['record'], viaTerminal = false): boolean {
    if (!fits(record.kind, record.amount)) return false;
    batch(() => {
      tenders.value = [...tenders.value, { id: `tender-${++tenderCount}`, record, viaTerminal }];
      limitsReached.value = [];
      notice.value = null;
    });
    return true;
  }

  /** The amount a payment takes: what the associate typed, or all that is left. */
  const amountOr = (amount: Minor | null) => amount ?? remainingDue.value;

  const cardTender = (amount: Minor, approval: TerminalApproval): TakenTender['record'] => ({
    kind: 'card',
    amount,
    brand: approval.brand.trim(),
    last4: approval.last4.trim(),
    approvalCode: approval.approvalCode.trim(),
    terminalRef: approval.terminalRef.trim(),
    offline: !connectivity.online.value,
  });

  /** Takes a gift card or store credit, up to what it can pay on this till (its synced balance less this till's unsent spends). */
  async function takeStoredValue({ account, spendable }: SpendableAccount, amount: Minor | null) {
    const what = account.kind === 'gift_card' ? `Gift card ${account.id}` : `Store credit ${account.id}`;
    const offline = !connectivity.online.value;
    const already = tenders.value.reduce((sum, { record }) => ('accountId' in record && record.accountId === account.id ? sum + record.amount : sum), 0);
    const left = spendable - already;
    if (left <= 0) {
      notice.value = { tone: 'error', text: `${what} has nothing left to spend${offline ? ' as last synced' : ''}.` };
      return;
    }
    // Offline, all that is left defaults to no more than the card may spend offline; typing more asks for a manager.
    const unsentSpend = offline ? ((await unsentTenders(db)).storedValue.get(account.id) ?? 0) : 0;
    const offlineRoom = offline ? Math.max(0, (account.offlineLimit ?? policy.storedValuePerCard) - unsentSpend - already) : Infinity;
    const take = amount ?? Math.min(left, remainingDue.value, offlineRoom > 0 ? offlineRoom : left);
    if (take > left) {
      notice.value = { tone: 'error', text: `${what} holds only ${money(left)}${offline ? ' as last synced' : ''}.` };
      return;
    }
    const record: TakenTender['record'] =
      account.kind === 'gift_card'
        ? { kind: 'gift_card', amount: take, accountId: account.id, last4: account.last4 ?? account.id.slice(-4), offline }
        : { kind: 'store_credit', amount: take, accountId: account.id, offline };
    const accountLimits = (await unapprovedLimits([...tenders.value, { id: 'prospective', record, viaTerminal: false }])).filter(
      (limit) => limit.key === `stored_value:${account.id}` || limit.key === `tender:${account.kind}`,
    );
    if (accountLimits.length > 0) {
      batch(() => {
        limitsReached.value = accountLimits;
        notice.value = { tone: 'error', text: `Offline limit reached: ${accountLimits.map((limit) => limit.limit).join('; ')}. Take less from it, or ask a manager to override it, then take it.` };
      });
      return;
    }
    takeTender(record);
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
    policy,
    tenders,
    customer,
    lineDetails,
    remainingDue,
    offline,
    limitsReached,

    /** Whether a line's product needs its serial number on the sale. */
    needsSerial: (sku: string) => serializedSkus.has(sku),

    /** Charges `amount` (null: all that is left) on the payment terminal; an approval becomes a card tender by reference. */
    takeCard: (amount: Minor | null) =>
      serially(async () => {
        const charge = amountOr(amount);
        // Checked before the card is charged: a charge the sale cannot take would have to be reversed,
        // and offline the terminal must not approve past the store's floor limits without a manager.
        if (!fits('card', charge)) return;
        const prospective: TakenTender = { id: 'prospective', record: cardTender(charge, { approved: true, brand: 'Card', last4: '0000', approvalCode: '-', terminalRef: '-' }), viaTerminal: true };
        const cardLimits = (await unapprovedLimits([...tenders.value, prospective])).filter((limit) => limit.key.startsWith('card_') || limit.key === 'tender:card');
        if (cardLimits.length > 0) {
          batch(() => {
            limitsReached.value = cardLimits;
            notice.value = { tone: 'error', text: `Offline limit reached: ${cardLimits.map((limit) => limit.limit).join('; ')}. Take less by card, or ask a manager to override it, then charge the card.` };
          });
          return;
        }
        const answer = await terminal.charge(charge, store.currency);
        if (!answer.approved) {
          notice.value = { tone: 'error', text: `The terminal did not take the card: ${answer.reason}.` };
          return;
        }
        const record = cardTender(charge, answer);
        // The customer is charged now: on the sale first, whatever else fails, and kept at once so a reload
        // before Complete cannot lose the charge.
        takeTender(record, true);
        if (record.kind !== 'card') return;
        try {
          await keepOpenCharge(db, record);
        } catch (error) {
          notice.value = { tone: 'error', text: `The card payment is on the sale, but this till could not keep a note of it (${(error as Error).message}): complete the sale now, a reload would lose it.` };
        }
      }),

    /** A card payment keyed from the terminal's slip (the terminal is not connected): its reference, never the card number. */
    takeCardSlip: (slip: { amount: Minor | null; brand: string; last4: string; approvalCode: string; terminalRef: string }) =>
      serially(() => {
        const record = v.safeParse(TenderRecordSchema, cardTender(amountOr(slip.amount), { approved: true, ...slip }));
        if (!record.success || record.output.kind !== 'card') {
          notice.value = { tone: 'error', text: `The slip’s details are not right: ${record.success ? 'not a card' : describeIssues(record.issues)}.` };
          return;
        }
        takeTender(record.output);
      }),

    /** Pays `amount` (null: as much as the card holds, up to what is left) from a gift card by its number. */
    takeGiftCard: (number: string, amount: Minor | null) =>
      serially(async () => {
        const found = await storedValueAccount(db, number);
        if (!found || found.account.kind !== 'gift_card') {
          notice.value = { tone: 'error', text: `No gift card ${number.trim()} is known at this store${connectivity.online.value ? '' : ' (as last synced)'}.` };
          return;
        }
        await takeStoredValue(found, amount);
      }),

    /** Pays from the attached customer's store credit account. */
    takeStoreCredit: (accountId: string, amount: Minor | null) =>
      serially(async () => {
        const found = await storedValueAccount(db, accountId);
        // A credit slip held by no customer (a refund without a customer) is the bearer's: the server agrees (ledger/stored-value-debits.ts).
        if (!found || found.account.kind !== 'store_credit' || (found.account.customerId !== null && found.account.customerId !== customer.value?.id)) {
          notice.value = { tone: 'error', text: 'Attach the customer whose store credit pays this sale.' };
          return;
        }
        await takeStoredValue(found, amount);
      }),

    /** The customer pays at another till under `reference`; that till rings the payment up. */
    takeOtherTill: (reference: string, amount: Minor | null) =>
      serially(() => {
        const record = v.safeParse(TenderRecordSchema, { kind: 'other_till', amount: amountOr(amount), reference: reference.trim() });
        if (!record.success || record.output.kind !== 'other_till') {
          notice.value = { tone: 'error', text: `That reference will not do: ${record.success ? 'not another till' : describeIssues(record.issues)}.` };
          return;
        }
        takeTender(record.output);
      }),

    /** Takes a payment off the sale; a card charged through the terminal is reversed there first, or stays if it cannot be. */
    removeTender: (id: string) =>
      serially(async () => {
        const tender = tenders.value.find((candidate) => candidate.id === id);
        if (!tender) return;
        if (tender.viaTerminal && tender.record.kind === 'card') {
          const reversal = await terminal.reverse(tender.record.terminalRef);
          if (!reversal.reversed) {
            notice.value = { tone: 'error', text: `The terminal did not reverse the card payment (${reversal.reason}); it stays on the sale: complete the sale with it, or refund the card afterwards.` };
            return;
          }
          await dropOpenCharges(db, [tender.record.terminalRef]);
        }
        batch(() => {
          tenders.value = tenders.value.filter((tender) => tender.id !== id);
          limitsReached.value = [];
        });
      }),

    /** Names the customer on the sale; null takes them off. */
    attachCustomer(next: { id: string; name: string } | null) {
      customer.value = next;
      // Store credit is the customer's: another customer's cannot stay on the sale.
      tenders.value = tenders.value.filter(({ record }) => record.kind !== 'store_credit');
    },

    /**
     * A new customer, made here (offline too) and attached to the sale. The
     * event goes to the server like a sale; every till finds them once it syncs.
     */
    async createCustomer(details: { name: string; phone: string; email: string }): Promise<boolean> {
      const made = await createCustomer(db, browserEnv, deps.staff(), details);
      if ('error' in made) {
        notice.value = { tone: 'error', text: `The customer was not saved: ${made.error}` };
        return false;
      }
      model.attachCustomer({ id: made.id, name: made.name });
      notice.value = null;
      deps.onSaleCommitted();
      return true;
    },

    /** The serial number or note of one line; blank removes it. */
    setLineDetail(sku: string, detail: { serial?: string; note?: string }) {
      const next = new Map(lineDetails.value);
      const merged = { ...next.get(sku), ...detail };
      const cleaned = Object.fromEntries(Object.entries(merged).map(([key, value]) => [key, value?.trim()]).filter(([, value]) => value)) as { serial?: string; note?: string };
      if (Object.keys(cleaned).length === 0) next.delete(sku);
      else next.set(sku, cleaned);
      lineDetails.value = next;
    },

    /** A manager lets this sale pass the offline limits Complete found; each is recorded on the sale with who approved it. */
    overrideLimits(approvedBy: { id: string; name: string }) {
      const next = new Map(overrides.value);
      for (const limit of limitsReached.value) next.set(limit.limit, { kind: 'offline_limit', limit: limit.limit, approvedBy: approvedBy.id });
      batch(() => {
        overrides.value = next;
        limitsReached.value = [];
        notice.value = { tone: 'info', text: `${approvedBy.name} approved selling past the offline limit: ${[...next.values()].map((override) => override.limit).join('; ')}.` };
      });
    },

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
        if (lineDetails.value.has(sku)) lineDetails.value = new Map([...lineDetails.value].filter(([detailSku]) => detailSku !== sku));
        serializedSkus.delete(sku);
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
          if (!currentTotals || !pricedWith || pricedCart !== cart) return;
          // No cash typed: the rest is paid in cash exactly (to the coin), unless other payments cover it all.
          const rest = settleTenders(currentTotals.total, tenderInputs(null), store.cashCoin);
          const cash = cashTendered.value ?? ('error' in rest || rest.remaining === 0 ? null : rest.cashDue);
          await commit(currentTotals, pricedWith, cash);
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
        const cardNumber = cardNumberProblem('The reason', discount.reason);
        if (cardNumber) {
          notice.value = { tone: 'error', text: `${cardNumber}.` };
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

    /**
     * Voids the sale being rung up, before it is completed: the cart and all
     * about it go, and nothing is journaled (nothing was sold). Refused while a
     * card charged on the terminal is on it: removing it reverses the charge.
     */
    voidSale: () =>
      cartChange(() => {
        if (cart.length === 0 && tenders.value.length === 0) return;
        if (tenders.value.some((tender) => tender.viaTerminal)) {
          notice.value = { tone: 'error', text: 'A card was charged for this sale: remove that payment first, which reverses it on the terminal.' };
          return;
        }
        batch(() => {
          clearSale();
          notice.value = { tone: 'info', text: 'Sale voided. Nothing was charged.' };
        });
        return setLines([]);
      }),

    /** Parks the cart under `label` for any till of the store to resume, and starts an empty one. */
    park: (label: string) =>
      cartChange(async () => {
        if (cart.length === 0) return;
        if (tenders.value.length > 0) {
          notice.value = { tone: 'error', text: 'Payments are taken on this sale: complete it, or remove them before parking.' };
          return;
        }
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
          clearSale();
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
        for (const resumed of products) if (resumed?.serialized) serializedSkus.add(resumed.sku);
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
