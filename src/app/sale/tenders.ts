import { batch, computed, signal, type ReadonlySignal } from '@preact/signals';
import * as v from 'valibot';
import { parseMoneyInput, type Minor } from '../../domain/money.ts';
import { settleTenders, type TenderInput } from '../../domain/split-tender.ts';
import { TenderRecordSchema } from '../../domain/tender.ts';
import type { PaymentTerminal, TerminalApproval } from '../../devices/payment-terminal.ts';
import type { OpenCharge } from '../../local/open-charges.ts';
import type { SpendableAccount } from '../../local/stored-value.ts';
import { describeIssues } from '../../protocol/describe-issues.ts';
import type { StoreRecord } from '../../protocol/entities.ts';
import type { Notice } from './notice.ts';
import type { StoreWords } from '../words/store-words.ts';
import type { PaymentReleaseReason } from '../../domain/payment-release.ts';
import { tenderProblemText } from '../words/problem-text.ts';
import type { NonCashTender, OfflineLimits } from './offline-limits.ts';
import { exceptionText } from '../words/failure-text.ts';

/** A tender taken before Complete, other than the cash that settles the rest; removable until the sale completes. */
export type TakenTender = {
  id: string;
  record: NonCashTender;
  /** charged through the connected terminal, which must reverse it if the payment is removed (a keyed slip is the associate's to void) */
  viaTerminal: boolean;
  /**
   * The terminal could not reverse it, and said why: whether the card was
   * charged is on the terminal's slip. The associate confirms it (it stays
   * on the sale), or a manager releases it (money may have moved).
   */
  unconfirmed?: string;
  /** The slip shows the charge: it stays on the sale; a manager may still release it if the customer leaves. */
  confirmed?: boolean;
};

/** A taken payment as the cart in progress keeps it (cart-draft.ts). */
export type KeptTender = Omit<TakenTender, 'id'>;

/**
 * The sale's payments: cash typed at the till, and card, gift card, store
 * credit and other-till payments taken before Complete, in order. A card is
 * charged on the payment terminal, and kept at once (local/open-charges.ts)
 * so a reload before Complete cannot lose a charge.
 */
export function createTenders(deps: {
  store: StoreRecord;
  terminal: PaymentTerminal;
  online: ReadonlySignal<boolean>;
  total: ReadonlySignal<Minor | undefined>;
  limits: OfflineLimits;
  /** keeps a terminal's approval until the sale completes or it is reversed (local/open-charges.ts) */
  keepCharge: (charge: OpenCharge) => Promise<void>;
  dropCharges: (terminalRefs: readonly string[]) => Promise<void>;
  /** this till's unsent spend from an account, counted toward its offline room */
  unsentSpend: (accountId: string) => Promise<Minor>;
  /** journals a charge a manager released from the sale, and forgets it as an open charge (local/released-charges.ts) */
  release: (release: { charge: Extract<NonCashTender, { kind: 'card' }>; reason: PaymentReleaseReason; terminalAnswer: string; approvedBy: string }) => Promise<void>;
  words: StoreWords;
  say: (notice: Notice | null) => void;
}) {
  const { store, terminal, limits, say } = deps;
  /** card, gift card, store credit and other-till payments taken so far, in order */
  const taken = signal<TakenTender[]>([]);
  const cashText = signal('');
  let tenderCount = 0;

  const cashTendered = computed(() => parseMoneyInput(cashText.value, store.currency));
  const inputs = (cash: Minor | null): TenderInput[] => [
    ...taken.value.map(({ record }) => ({ kind: record.kind, amount: record.amount })),
    ...(cash === null ? [] : [{ kind: 'cash' as const, tendered: cash }]),
  ];
  /** where the payments taken so far and the cash typed leave the sale */
  const settlement = computed(() => {
    const total = deps.total.value;
    if (total === undefined) return null;
    const settled = settleTenders(total, inputs(cashTendered.value), store.cashCoin);
    return 'problem' in settled ? null : settled;
  });
  /** still to pay after the payments taken, before any cash: what the next tender is offered */
  const remainingDue = computed(() => {
    const total = deps.total.value;
    if (total === undefined) return 0;
    const settled = settleTenders(total, inputs(null), store.cashCoin);
    return 'problem' in settled ? 0 : settled.remaining;
  });
  const changeDue = computed(() => {
    const settled = settlement.value;
    return settled && cashTendered.value !== null && settled.settled ? settled.change : null;
  });

  /** Whether a non-cash payment of `amount` fits what is left; says why not. */
  function fits(kind: NonCashTender['kind'], amount: Minor): boolean {
    const total = deps.total.value;
    if (total === undefined) return false;
    const settled = settleTenders(total, [...inputs(null), { kind, amount }], store.cashCoin);
    if ('problem' in settled) say({ tone: 'error', text: tenderProblemText(settled.problem, deps.words) });
    return !('problem' in settled);
  }

  /** Takes a non-cash payment; refused as a notice when it is more than is left. */
  function take(record: NonCashTender, viaTerminal = false): boolean {
    if (!fits(record.kind, record.amount)) return false;
    batch(() => {
      taken.value = [...taken.value, { id: `tender-${++tenderCount}`, record, viaTerminal }];
      limits.forget();
      say(null);
    });
    return true;
  }

  /** The amount a payment takes: what the associate typed, or all that is left. */
  const amountOr = (amount: Minor | null) => amount ?? remainingDue.value;

  const cardTender = (amount: Minor, approval: TerminalApproval): NonCashTender => ({
    kind: 'card',
    amount,
    brand: approval.brand.trim(),
    last4: approval.last4.trim(),
    approvalCode: approval.approvalCode.trim(),
    terminalRef: approval.terminalRef.trim(),
    offline: !deps.online.value,
  });

  const records = () => taken.value.map(({ record }) => record);

  return {
    taken,
    cashText,
    cashTendered,
    remainingDue,
    changeDue,
    inputs,
    records,

    /** Charges `amount` (null: all that is left) on the payment terminal; an approval becomes a card tender by reference. */
    async takeCard(amount: Minor | null) {
      const charge = amountOr(amount);
      // Checked before the card is charged: a charge the sale cannot take would have to be reversed,
      // and offline the terminal must not approve past the store's floor limits without a manager.
      if (!fits('card', charge)) return;
      const prospective = cardTender(charge, { approved: true, brand: 'Card', last4: '0000', approvalCode: '-', terminalRef: '-' });
      const stopped = await limits.stoppedBy(
        [...records(), prospective],
        (limit) => limit.key.startsWith('card_') || limit.key === 'tender:card',
        'Take less by card, or ask a manager to override it, then charge the card.',
      );
      if (stopped) return;
      const answer = await terminal.charge(charge, store.currency);
      if (!answer.approved) {
        say({ tone: 'error', text: `The terminal did not take the card: ${answer.reason}.` });
        return;
      }
      const record = cardTender(charge, answer);
      // The customer is charged now: on the sale first, whatever else fails, and kept at once so a reload
      // before Complete cannot lose the charge.
      take(record, true);
      if (record.kind !== 'card') return;
      try {
        await deps.keepCharge(record);
      } catch (error) {
        say({ tone: 'error', text: `${exceptionText(error, 'The card payment is on the sale, but this till could not keep a note of it')} Complete the sale now: a reload would lose it.` });
      }
    },

    /** A card payment keyed from the terminal's slip (the terminal is not connected): its reference, never the card number. */
    takeCardSlip(slip: { amount: Minor | null; brand: string; last4: string; approvalCode: string; terminalRef: string }) {
      const record = v.safeParse(TenderRecordSchema, cardTender(amountOr(slip.amount), { approved: true, ...slip }));
      if (!record.success || record.output.kind !== 'card') {
        say({ tone: 'error', text: `The slip’s details are not right: ${record.success ? 'not a card' : describeIssues(record.issues)}.` });
        return;
      }
      take(record.output);
    },

    /** Takes a gift card or store credit, up to what it can pay on this till (its synced balance less this till's unsent spends). */
    async takeStoredValue({ account, spendable }: SpendableAccount, amount: Minor | null) {
      const what = account.kind === 'gift_card' ? `Gift card ${account.id}` : `Store credit ${account.id}`;
      const offline = !deps.online.value;
      const already = taken.value.reduce((sum, { record }) => ('accountId' in record && record.accountId === account.id ? sum + record.amount : sum), 0);
      const left = spendable - already;
      if (left <= 0) {
        say({ tone: 'error', text: `${what} has nothing left to spend${offline ? ' as last synced' : ''}.` });
        return;
      }
      // Offline, all that is left defaults to no more than the card may spend offline; typing more asks for a manager.
      const unsentSpend = offline ? await deps.unsentSpend(account.id) : 0;
      const offlineRoom = offline ? Math.max(0, (account.offlineLimit ?? limits.policy.storedValuePerCard) - unsentSpend - already) : Infinity;
      const pay = amount ?? Math.min(left, remainingDue.value, offlineRoom > 0 ? offlineRoom : left);
      if (pay > left) {
        say({ tone: 'error', text: `${what} holds only ${deps.words.money(left)}${offline ? ' as last synced' : ''}.` });
        return;
      }
      const record: NonCashTender =
        account.kind === 'gift_card'
          ? { kind: 'gift_card', amount: pay, accountId: account.id, last4: account.last4 ?? account.id.slice(-4), offline }
          : { kind: 'store_credit', amount: pay, accountId: account.id, offline };
      const stopped = await limits.stoppedBy(
        [...records(), record],
        (limit) => limit.key === `stored_value:${account.id}` || limit.key === `tender:${account.kind}`,
        'Take less from it, or ask a manager to override it, then take it.',
      );
      if (!stopped) take(record);
    },

    /** The customer pays at another till under `reference`; that till rings the payment up. */
    takeOtherTill(reference: string, amount: Minor | null) {
      const record = v.safeParse(TenderRecordSchema, { kind: 'other_till', amount: amountOr(amount), reference: reference.trim() });
      if (!record.success || record.output.kind !== 'other_till') {
        say({ tone: 'error', text: `That reference will not do: ${record.success ? 'not another till' : describeIssues(record.issues)}.` });
        return;
      }
      take(record.output);
    },

    /**
     * Takes a payment off the sale. A card charged through the terminal is
     * reversed there first; if the terminal cannot reverse it (it knows no such
     * charge, or does not answer), the payment stays, marked unconfirmed, until
     * the associate reads the slip: `confirmCharge` or a manager's `releaseCharge`.
     */
    async remove(id: string) {
      const tender = taken.value.find((candidate) => candidate.id === id);
      if (!tender) return;
      const { record } = tender;
      if (tender.viaTerminal && record.kind === 'card') {
        if (tender.confirmed) {
          say({ tone: 'error', text: 'The slip shows this card was charged: complete the sale with it, or have a manager release it.' });
          return;
        }
        const reversal = await terminal.reverse(record.terminalRef).catch((error: unknown) => {
          console.warn('the payment terminal did not answer a reversal', error);
          return { reversed: false as const, reason: 'the terminal did not answer' };
        });
        if (!reversal.reversed) {
          batch(() => {
            taken.value = taken.value.map((candidate) => (candidate.id === id ? { ...candidate, unconfirmed: reversal.reason } : candidate));
            say({ tone: 'error', text: `The terminal could not reverse the card payment (${reversal.reason}). Check the terminal’s slip: if the card was charged, keep the payment; if not, a manager releases it.` });
          });
          return;
        }
        await deps.dropCharges([record.terminalRef]);
      }
      batch(() => {
        taken.value = taken.value.filter((candidate) => candidate.id !== id);
        limits.forget();
      });
    },

    /** The terminal's slip shows the unconfirmed charge went through: it stays on the sale as paid. */
    confirmCharge(id: string) {
      const confirmed = (tender: TakenTender): TakenTender => {
        const { unconfirmed: _answer, ...rest } = tender;
        return { ...rest, confirmed: true };
      };
      batch(() => {
        taken.value = taken.value.map((tender) => (tender.id === id ? confirmed(tender) : tender));
        say({ tone: 'info', text: 'The card payment stays on the sale, as the slip shows.' });
      });
    },

    /**
     * A manager takes a terminal charge off the sale that the terminal could not
     * reverse: the slip shows no charge, or the customer left. Money may have
     * moved, so it is journaled with the manager's name for HQ to reconcile
     * with the terminal's batch; the sale goes on without it.
     */
    async releaseCharge(id: string, approvedBy: { id: string; name: string }) {
      const tender = taken.value.find((candidate) => candidate.id === id);
      if (!tender || tender.record.kind !== 'card' || !tender.viaTerminal) return;
      await deps.release({
        charge: tender.record,
        reason: tender.confirmed ? 'customer_left' : 'no_charge_on_slip',
        terminalAnswer: tender.unconfirmed ?? 'not asked: the slip showed the charge',
        approvedBy: approvedBy.id,
      });
      batch(() => {
        taken.value = taken.value.filter((candidate) => candidate.id !== id);
        limits.forget();
        say({ tone: 'info', text: `${approvedBy.name} released the card payment from the sale; HQ checks it against the terminal’s batch.` });
      });
    },

    /** The sale names another customer: another customer's store credit cannot stay on it. */
    customerChanged() {
      taken.value = taken.value.filter(({ record }) => record.kind !== 'store_credit');
    },

    /** Payments of a sale restored after a restart (each card charged was kept), put back in order. */
    restore(restored: readonly KeptTender[]) {
      taken.value = [...restored.map((tender) => ({ ...tender, id: `tender-${++tenderCount}` })), ...taken.value];
    },

    /** What the cart in progress keeps of the payments. */
    kept: (): KeptTender[] => taken.value.map(({ id: _id, ...tender }) => tender),

    /** Whether a card charged on the terminal is on the sale: it must be reversed before the sale can go. */
    hasTerminalCharge: () => taken.value.some((tender) => tender.viaTerminal),

    clear() {
      cashText.value = '';
      taken.value = [];
    },
  };
}

export type Tenders = ReturnType<typeof createTenders>;
