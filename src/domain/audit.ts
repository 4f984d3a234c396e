import { EVENT_TYPE_NAMES, type EventOf, type EventType, type StoreEvent } from './events.ts';
import { parseHlc } from './hlc.ts';
import type { Minor } from './money.ts';
import { currentSale } from './sale.ts';
import { PRICE_OVERRIDE } from './price-override.ts';

/**
 * The audit view lists a store's sensitive actions by person and time
 * (issue 5): what a manager approved at a till. Each comes out of the journal,
 * so the device's own view and HQ's store-wide one are the same function over
 * the same events.
 *
 *   manager_discount       a manager's discount on a line or the whole sale (sale.completed pricing.manualDiscounts)
 *   price_override         a manager's new price for a line: a manual discount whose reason says so (price-override.ts)
 *   offline_limit_override a manager let a sale past the offline policy's limits (sale.completed overrides)
 *   no_sale                the drawer opened without a sale (till.cash_moved kind no_sale)
 *   refund_approved        a return a manager let through: without a receipt, or past the return window (refund.completed approvedBy)
 *   post_void              a completed sale voided by a manager (sale.voided)
 *   card_released          a card charge the terminal could not reverse, taken off a sale by a manager (payment.released)
 *
 * Every event that yields an entry names a manager in `approvedBy`; the server's
 * query relies on that (sql-store.ts auditEvents).
 */
export type AuditKind = 'manager_discount' | 'price_override' | 'offline_limit_override' | 'no_sale' | 'refund_approved' | 'post_void' | 'card_released';

export type AuditEntry = {
  eventId: string;
  deviceId: string;
  /** the event's hybrid logical clock: orders entries across tills */
  hlc: string;
  /** ms since the epoch, the wall part of `hlc` (the till's clock when it acted) */
  at: number;
  kind: AuditKind;
  /** who was serving (the event's staff member), when the event names one */
  staffId: string | null;
  /** the manager whose PIN approved it */
  approvedBy: string;
  /** what it cost or moved, in minor units, where it has an amount */
  amount: Minor | null;
  receiptNumber: string | null;
  /** in words: "10 % off Oat Milk 1 L: damaged packaging" */
  detail: string;
};

/** What every entry of an event has: who did it, where and when. */
type EntryBase = Pick<AuditEntry, 'eventId' | 'deviceId' | 'hlc' | 'at' | 'staffId'>;

/**
 * The entries each event type yields, or null for a type that never yields one.
 * Typed over every event type, so a new type does not compile until it says;
 * the server's query reads only the types with entries (AUDITED_EVENT_TYPES).
 */
const AUDITORS: { [T in EventType]: ((event: EventOf<T>, base: EntryBase) => AuditEntry[]) | null } = {
  'sale.completed': (event, base) => {
    const sale = currentSale(event);
    const given = new Map<string, Minor>();
    for (const discount of sale.discounts) if (discount.source.type === 'manual') given.set(discount.source.manualId, (given.get(discount.source.manualId) ?? 0) + discount.amount);
    const discounts = sale.pricing.manualDiscounts.map((discount): AuditEntry => {
      // The amount itself is the entry's `amount`: the words need no currency.
      const what = discount.percent !== undefined ? `${discount.percent} % off` : 'Amount off';
      const target = discount.scope === 'basket' ? 'the sale' : (sale.lines[discount.scope]?.name ?? `line ${discount.scope + 1}`);
      const priceOverride = discount.reason.startsWith(PRICE_OVERRIDE);
      return {
        ...base,
        kind: priceOverride ? 'price_override' : 'manager_discount',
        approvedBy: discount.approvedBy,
        // What it actually took off: a percent is an amount only once priced.
        amount: given.get(discount.id) ?? 0,
        receiptNumber: sale.receiptNumber,
        detail: priceOverride ? `${target}: ${discount.reason.slice(PRICE_OVERRIDE.length)}` : `${what} ${target}: ${discount.reason}`,
      };
    });
    const overrides = sale.overrides.map(
      (override): AuditEntry => ({ ...base, kind: 'offline_limit_override', approvedBy: override.approvedBy, amount: sale.total, receiptNumber: sale.receiptNumber, detail: `Offline limit passed: ${override.limit}` }),
    );
    return [...discounts, ...overrides];
  },
  'till.cash_moved': (event, base) => {
    const moved = event.payload;
    if (moved.kind !== 'no_sale') return [];
    return [{ ...base, kind: 'no_sale', approvedBy: moved.approvedBy, amount: null, receiptNumber: null, detail: `Drawer opened without a sale: ${moved.reason}` }];
  },
  'refund.completed': (event, base) => {
    const refund = event.payload;
    if (refund.approvedBy === null) return [];
    const what = refund.sale ? `Return past the window of ${refund.sale.receiptNumber}` : 'Return without a receipt';
    return [{ ...base, kind: 'refund_approved', approvedBy: refund.approvedBy, amount: refund.total, receiptNumber: refund.receiptNumber, detail: `${what}: ${refund.reason}` }];
  },
  'sale.voided': (event, base) => {
    const voided = event.payload;
    return [{ ...base, kind: 'post_void', approvedBy: voided.approvedBy, amount: voided.total, receiptNumber: voided.sale.receiptNumber, detail: `Sale voided: ${voided.reason}` }];
  },
  'payment.released': (event, base) => {
    const { charge, reason } = event.payload;
    const why = reason === 'no_charge_on_slip' ? 'the slip shows no charge' : 'the customer left';
    return [{ ...base, kind: 'card_released', approvedBy: event.payload.approvedBy, amount: charge.amount, receiptNumber: null, detail: `Card ${charge.brand} •••• ${charge.last4} (terminal ${charge.terminalRef}) released from a sale: ${why}` }];
  },
  'task.claimed': null,
  'task.completed': null,
  // A parked cart's manager discounts are audited once, on the sale that completes it.
  'cart.parked': null,
  'cart.resumed': null,
  'till.opened': null,
  'till.closed': null,
  'customer.created': null,
};

/** The event types `auditEntries` finds entries in: the server reads only these. */
export const AUDITED_EVENT_TYPES = EVENT_TYPE_NAMES.filter((type) => AUDITORS[type] !== null);

export function auditEntries(event: StoreEvent): AuditEntry[] {
  // Each auditor takes only its own type's events, which TypeScript cannot follow through the lookup.
  const auditor = AUDITORS[event.type] as ((event: StoreEvent, base: EntryBase) => AuditEntry[]) | null;
  if (!auditor) return [];
  return auditor(event, { eventId: event.id, deviceId: event.deviceId, hlc: event.hlc, at: parseHlc(event.hlc)?.wallMs ?? 0, staffId: event.staffId ?? null });
}
