import type { Minor } from './money.ts';
import { tenderKey, type RefundTender } from './sale-return.ts';
import type { TenderRecord } from './tender.ts';

/**
 * What the server holds a return's refund tenders to, or null when they pass.
 * The till plans a refund with `refundTenders` from what it knew; another till
 * may have refunded the same sale meanwhile (a duplicate return, settled as a
 * conflict, not refused), so the server cannot demand the same plan. It checks
 * what holds whatever the other tills did:
 *
 *   - money goes back only to the sale's own card, gift card or store credit,
 *     each at most what it paid;
 *   - cash and the store's fallback (store credit on a new account) cover at
 *     most what the sale took in cash or by tenders nothing can be refunded to
 *     (another till, an exchange) — a card-paid sale gets no cash back;
 *   - cash rounding is less than the smallest coin.
 *
 * `sale` is null for a return without a receipt: any cash or store credit,
 * no card or gift card (there is nothing to refund them to).
 */
export function refundTenderProblem(tenders: readonly RefundTender[], cashRounding: Minor, sale: { tenders: readonly TenderRecord[]; cashRounding: Minor } | null, coin: number): string | null {
  const paidWith = sale?.tenders ?? null;
  if (Math.abs(cashRounding) >= coin && cashRounding !== 0) return `cash rounding of ${cashRounding} is not less than the store's smallest coin (${coin})`;
  const paidTo = new Map<string, Minor>();
  let cashLike = 0;
  for (const tender of paidWith ?? []) {
    const key = tenderKey(tender);
    if (key && key !== 'cash') paidTo.set(key, (paidTo.get(key) ?? 0) + tender.amount);
    else cashLike += tender.amount;
  }
  // The sale's cash tenders are rounded to the coin; the refund's cash is compared exact.
  cashLike -= sale?.cashRounding ?? 0;
  const refundedTo = new Map<string, Minor>();
  let cashOrFallback = 0;
  for (const tender of tenders) {
    if (tender.kind === 'exchange') continue;
    if (tender.kind === 'cash') {
      cashOrFallback += tender.amount - cashRounding;
      continue;
    }
    const key = tenderKey(tender);
    if (key && paidTo.has(key)) {
      refundedTo.set(key, (refundedTo.get(key) ?? 0) + tender.amount);
      continue;
    }
    // Only store credit can be a new account: the store's fallback.
    if (tender.kind !== 'store_credit') return `the refund goes to ${describe(tender)}, which did not pay for the sale`;
    cashOrFallback += tender.amount;
  }
  for (const [key, amount] of refundedTo) {
    if (amount > paidTo.get(key)!) return `the refund gives ${amount} back to ${key}, which paid ${paidTo.get(key)}`;
  }
  if (paidWith !== null && cashOrFallback > cashLike) {
    return `the refund gives ${cashOrFallback} back in cash or new store credit, but the sale took only ${cashLike} in cash or by tenders that cannot be refunded to`;
  }
  return null;
}

const describe = (tender: RefundTender) => (tender.kind === 'card' ? `card ${tender.terminalRef}` : tender.kind === 'gift_card' ? `gift card ${tender.accountId}` : tender.kind);

