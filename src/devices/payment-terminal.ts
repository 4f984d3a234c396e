import type { Minor } from '../domain/money.ts';

/**
 * The card payment terminal beside the till. The till asks it to charge an
 * amount; the terminal talks to the card and the bank and answers with a
 * reference: brand, last four digits, approval code and its own reference.
 * The card number never reaches the till (DESIGN.md "Security").
 *
 * A terminal keeps its own record of what it charged, whatever happens to the
 * till: a reload of the app does not undo a charge. So a reversal can still be
 * asked for after a restart, and the terminal can still say it knows no such
 * charge (it settled its batch, or the charge never really went through);
 * then only its printed slip tells what happened, and the associate decides
 * (tenders.ts: an unconfirmed charge).
 *
 * No real terminal is wired up yet: `simulatedTerminal` is its twin, driven by
 * the associate (and by tests). Offline, a real terminal approves within its
 * floor limit and forwards later (store-and-forward); the twin does the same.
 */
export type TerminalApproval = { approved: true; brand: string; last4: string; approvalCode: string; terminalRef: string };
export type TerminalAnswer = TerminalApproval | { approved: false; reason: string };

export interface PaymentTerminal {
  charge(amount: Minor, currency: string): Promise<TerminalAnswer>;
  /** Reverses a charge it approved for a sale not completed (the associate removed the payment). */
  reverse(terminalRef: string): Promise<{ reversed: true } | { reversed: false; reason: string }>;
}

/** Where the twin keeps its record, as a real terminal keeps its own: localStorage in the browser. */
export type TerminalMemory = Pick<Storage, 'getItem' | 'setItem'>;

const BRANDS = ['Visa', 'Mastercard', 'Amex'] as const;
const MEMORY_KEY = 'storeside.simulatedTerminal';

type Kept = { count: number; open: string[] };

function recall(memory: TerminalMemory | undefined): Kept {
  try {
    const kept = JSON.parse(memory?.getItem(MEMORY_KEY) ?? '{}') as { count?: unknown; open?: unknown };
    const count = typeof kept.count === 'number' && Number.isSafeInteger(kept.count) ? kept.count : 0;
    const open = Array.isArray(kept.open) ? kept.open.filter((ref): ref is string => typeof ref === 'string') : [];
    return { count, open };
  } catch (error) {
    // A record the twin cannot read is a terminal that lost its memory: say so, start afresh.
    console.warn('the simulated terminal could not read its record; starting afresh', error);
    return { count: 0, open: [] };
  }
}

/**
 * A terminal that approves every charge of more than nothing, naming the
 * cards in turn. `declineAbove` makes it decline larger charges, as a bank
 * would for a card over its limit. With `memory`, it keeps its charges across
 * reloads, as a real terminal does.
 */
export function simulatedTerminal(options: { declineAbove?: Minor; now?: () => number; memory?: TerminalMemory } = {}): PaymentTerminal {
  const now = options.now ?? (() => Date.now());
  const kept = recall(options.memory);
  let count = kept.count;
  /** charges approved and not reversed, by reference */
  const open = new Set<string>(kept.open);
  const remember = () => options.memory?.setItem(MEMORY_KEY, JSON.stringify({ count, open: [...open] } satisfies Kept));
  return {
    async reverse(terminalRef) {
      if (!open.delete(terminalRef)) return { reversed: false, reason: `the terminal has no open charge ${terminalRef}` };
      remember();
      return { reversed: true };
    },
    async charge(amount) {
      if (!Number.isSafeInteger(amount) || amount <= 0) return { approved: false, reason: 'the amount must be more than nothing' };
      if (options.declineAbove !== undefined && amount > options.declineAbove) return { approved: false, reason: 'declined by the card issuer' };
      count += 1;
      const terminalRef = `SIM-${now().toString(36).toUpperCase()}-${count}`;
      open.add(terminalRef);
      remember();
      return {
        approved: true,
        brand: BRANDS[(count - 1) % BRANDS.length]!,
        last4: String(4242 + count).slice(-4),
        approvalCode: `A${String(100000 + count).slice(-5)}`,
        terminalRef,
      };
    },
  };
}
