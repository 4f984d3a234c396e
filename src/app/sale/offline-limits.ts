import { batch, computed, signal } from '@preact/signals';
import type { Minor } from '../../domain/money.ts';
import { offlineAge, offlineLimitsReached, type LimitReached, type OfflinePolicy } from '../../domain/offline-policy.ts';
import type { SaleOverride } from '../../domain/sale.ts';
import type { TenderRecord } from '../../domain/tender.ts';
import type { StoredValueRecord } from '../../domain/stored-value.ts';
import type { Connectivity, Notice } from './notice.ts';

/** A payment taken before Complete, other than the cash that settles the rest. */
export type NonCashTender = Exclude<TenderRecord, { kind: 'cash' | 'exchange' }>;

/** What this till has taken and not yet sent, as the offline limits count it (local/unsent-tenders.ts). */
export type UnsentSpending = { cardOffline: Minor; storedValue: ReadonlyMap<string, Minor> };

/**
 * The store's offline policy at this till (domain/offline-policy.ts): which
 * limits a sale reaches while the till cannot reach the server, and the
 * manager's overrides of them. An override covers a limit as the manager read
 * it: a larger amount past the same limit asks again.
 */
export function createOfflineLimits(deps: {
  policy: OfflinePolicy;
  connectivity: Connectivity;
  /** what this till has taken and not sent yet; read only while offline */
  unsent: () => Promise<UnsentSpending>;
  account: (accountId: string) => Promise<StoredValueRecord | undefined>;
  format: (amount: Minor) => string;
  say: (notice: Notice | null) => void;
}) {
  const { policy, connectivity } = deps;
  /** offline limits a manager let this sale pass, by the words of the limit they approved */
  const overrides = signal<ReadonlyMap<string, SaleOverride>>(new Map());
  /** the offline limits Complete (or a payment) found and no manager has overridden yet: the screen asks for one */
  const limitsReached = signal<LimitReached[]>([]);
  /** Offline: for how long, and whether past the policy's hours. A till with no sync on record counts from now, not from the epoch. */
  const offline = computed(() => {
    if (connectivity.online.value) return null;
    const age = offlineAge(connectivity.lastSyncAt.value, connectivity.now.value, connectivity.now.value, policy);
    return { hours: age.hours, pastLimit: age.pastLimit };
  });

  /** The offline limits a sale paid with `taken` reaches that no manager has overridden. */
  async function unapproved(taken: readonly NonCashTender[]): Promise<LimitReached[]> {
    // Online no offline limit applies, and reading what is unsent is not free.
    if (connectivity.online.value) return [];
    const [unsent, accounts] = await Promise.all([
      deps.unsent(),
      Promise.all(taken.map((record) => (record.kind === 'gift_card' || record.kind === 'store_credit' ? deps.account(record.accountId) : undefined))),
    ]);
    const reached = offlineLimitsReached({
      online: false,
      policy,
      tenders: taken.map((record, index) =>
        record.kind === 'gift_card' || record.kind === 'store_credit'
          ? { kind: record.kind, amount: record.amount, accountId: record.accountId, ...(accounts[index]?.offlineLimit === undefined ? {} : { offlineLimit: accounts[index].offlineLimit }) }
          : { kind: record.kind, amount: record.amount },
      ),
      cardTakenOffline: unsent.cardOffline,
      storedValueUnsent: unsent.storedValue,
      offlinePastLimit: offline.value?.pastLimit ? offline.value : null,
      format: deps.format,
    });
    return reached.filter((limit) => !overrides.value.has(limit.limit));
  }

  /** Shows the limits `reached` for a manager's override and says what to do `then`; true when there were any (the step stops there). */
  function stopAt(reached: readonly LimitReached[], then: string): boolean {
    if (reached.length === 0) return false;
    batch(() => {
      limitsReached.value = [...reached];
      deps.say({ tone: 'error', text: `Offline limit reached: ${reached.map((limit) => limit.limit).join('; ')}. ${then}` });
    });
    return true;
  }

  return {
    policy,
    offline,
    overrides,
    limitsReached,
    /** The offline limits a sale paid with `taken` reaches that no manager has overridden; read in the caller's transaction when it covers what is read (Complete's). */
    unapproved,
    stopAt,

    /**
     * The limits of `which` a payment reached, shown for a manager's
     * override; true when there were any (the step stops there).
     */
    async stoppedBy(taken: readonly NonCashTender[], which: (limit: LimitReached) => boolean, then: string): Promise<boolean> {
      return stopAt((await unapproved(taken)).filter(which), then);
    },

    /** A manager lets this sale pass the offline limits found; each is recorded on the sale with who approved it. */
    override(approvedBy: { id: string; name: string }) {
      const next = new Map(overrides.value);
      for (const limit of limitsReached.value) next.set(limit.limit, { kind: 'offline_limit', limit: limit.limit, approvedBy: approvedBy.id });
      batch(() => {
        overrides.value = next;
        limitsReached.value = [];
        deps.say({ tone: 'info', text: `${approvedBy.name} approved selling past the offline limit: ${[...next.values()].map((override) => override.limit).join('; ')}.` });
      });
    },

    /** What the sale records: the overrides a manager gave it. */
    recorded: (): SaleOverride[] => [...overrides.value.values()],

    /** A payment changed: what was found for the old one no longer stands. */
    forget() {
      limitsReached.value = [];
    },

    restore(recorded: readonly SaleOverride[]) {
      overrides.value = new Map(recorded.map((override) => [override.limit, override]));
    },

    clear() {
      overrides.value = new Map();
      limitsReached.value = [];
    },
  };
}

export type OfflineLimits = ReturnType<typeof createOfflineLimits>;
