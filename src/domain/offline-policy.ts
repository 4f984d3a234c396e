import * as v from 'valibot';
import type { Minor } from './money.ts';
import type { TenderKind } from './tender.ts';

/**
 * A store's offline policy (issue 5): how far a till may sell while it cannot
 * reach the server, set by HQ per store and synced with the store record.
 *
 * Card payments taken offline are store-and-forward: the terminal approves
 * them without the bank, so the store carries the risk up to its floor limits,
 * per sale and per device (everything taken since the device last reached the
 * server). Gift cards and store credit are spent from the balance as last
 * synced — "reserved when last online" — and only up to a per-card limit, since
 * another till may be spending the same card. A till offline longer than
 * `maxOfflineHours` says so before the next sale.
 *
 * Every limit reached is a clear refusal a manager may override with their PIN;
 * the sale records the override (sale payload v3 `overrides`).
 */
const limit = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
export const OFFLINE_TENDER_KINDS = ['cash', 'card', 'gift_card', 'store_credit', 'other_till'] as const;

export const OfflinePolicySchema = v.strictObject({
  maxOfflineHours: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(24 * 14)),
  /** card floor limit of one sale taken offline, minor units */
  cardPerSale: limit,
  /** card floor limit of all card payments one device takes while offline, minor units */
  cardPerDevice: limit,
  /** the tenders a till may take offline at all */
  tendersOffline: v.pipe(v.array(v.picklist(OFFLINE_TENDER_KINDS)), v.maxLength(OFFLINE_TENDER_KINDS.length), v.check((kinds) => new Set(kinds).size === kinds.length, 'a tender is listed twice')),
  /** what one gift card or store credit account may spend offline, unless the account sets its own */
  storedValuePerCard: limit,
});
export type OfflinePolicy = v.InferOutput<typeof OfflinePolicySchema>;

/** What a store without a policy of its own follows. Amounts in minor units of any 2-decimal currency. */
export const DEFAULT_OFFLINE_POLICY: OfflinePolicy = {
  maxOfflineHours: 24,
  cardPerSale: 20_000,
  cardPerDevice: 100_000,
  tendersOffline: ['cash', 'card', 'gift_card', 'store_credit', 'other_till'],
  storedValuePerCard: 5_000,
};

const HOUR_MS = 3_600_000;

/** How long the till has been out of touch, and whether that is past the policy's limit. Never synced: offline since `since` (first use). */
export function offlineAge(lastSyncAt: number | null, since: number, now: number, policy: OfflinePolicy): { hours: number; pastLimit: boolean } {
  const ms = Math.max(0, now - (lastSyncAt ?? since));
  return { hours: Math.floor(ms / HOUR_MS), pastLimit: ms > policy.maxOfflineHours * HOUR_MS };
}

/** A tender as the policy sees it: for stored value, the account and what it holds as last synced. */
export type PolicyTender =
  | { kind: Exclude<TenderKind, 'gift_card' | 'store_credit'>; amount: Minor }
  | { kind: 'gift_card' | 'store_credit'; amount: Minor; accountId: string; offlineLimit?: Minor };

/** One limit a sale reaches. `limit` is the words the sale's override records and the audit shows. */
export type LimitReached = { key: string; limit: string };

/**
 * The offline limits a sale reaches. Online, none apply (the server debits
 * stored value and the terminal reaches the bank). Offline:
 *   - a tender kind the store does not take offline;
 *   - its card total above the per-sale floor limit;
 *   - the device's card total offline (with this sale) above the per-device limit;
 *   - one stored-value account's spend (this sale plus this device's unsent
 *     spends) above its offline limit;
 *   - the till out of touch longer than the policy allows.
 * `format` writes an amount in the store's currency.
 */
export function offlineLimitsReached(input: {
  online: boolean;
  policy: OfflinePolicy;
  tenders: readonly PolicyTender[];
  /** card amounts this device has taken offline and not yet sent */
  cardTakenOffline: Minor;
  /** stored value this device has spent per account and not yet sent */
  storedValueUnsent: ReadonlyMap<string, Minor>;
  offlinePastLimit: { hours: number } | null;
  format: (amount: Minor) => string;
}): LimitReached[] {
  const { policy, format } = input;
  if (input.online) return [];
  const reached: LimitReached[] = [];
  if (input.offlinePastLimit) {
    reached.push({ key: 'offline_hours', limit: `offline ${input.offlinePastLimit.hours} h, longer than the ${policy.maxOfflineHours} h allowed` });
  }
  const kinds = new Set(input.tenders.map((tender) => tender.kind));
  for (const kind of kinds) {
    if (!(policy.tendersOffline as readonly string[]).includes(kind)) reached.push({ key: `tender:${kind}`, limit: `${kind.replace('_', ' ')} is not taken offline at this store` });
  }
  const card = input.tenders.reduce((sum, tender) => (tender.kind === 'card' ? sum + tender.amount : sum), 0);
  if (card > policy.cardPerSale) reached.push({ key: 'card_sale', limit: `card offline ${format(card)} of ${format(policy.cardPerSale)} per sale` });
  if (card > 0 && input.cardTakenOffline + card > policy.cardPerDevice) {
    reached.push({ key: 'card_device', limit: `card offline on this till ${format(input.cardTakenOffline + card)} of ${format(policy.cardPerDevice)}` });
  }
  const perAccount = new Map<string, { spent: Minor; cap: Minor }>();
  for (const tender of input.tenders) {
    if (tender.kind !== 'gift_card' && tender.kind !== 'store_credit') continue;
    const entry = perAccount.get(tender.accountId) ?? { spent: input.storedValueUnsent.get(tender.accountId) ?? 0, cap: tender.offlineLimit ?? policy.storedValuePerCard };
    entry.spent += tender.amount;
    perAccount.set(tender.accountId, entry);
  }
  for (const [accountId, { spent, cap }] of perAccount) {
    if (spent > cap) reached.push({ key: `stored_value:${accountId}`, limit: `${accountId} offline ${format(spent)} of ${format(cap)}` });
  }
  return reached;
}
