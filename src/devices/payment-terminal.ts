import type { Minor } from '../domain/money.ts';

/**
 * The card payment terminal beside the till. The till asks it to charge an
 * amount; the terminal talks to the card and the bank and answers with a
 * reference: brand, last four digits, approval code and its own reference.
 * The card number never reaches the till (DESIGN.md "Security").
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

const BRANDS = ['Visa', 'Mastercard', 'Amex'] as const;

/**
 * A terminal that approves every charge of more than nothing, naming the
 * cards in turn. `declineAbove` makes it decline larger charges, as a bank
 * would for a card over its limit.
 */
export function simulatedTerminal(options: { declineAbove?: Minor; now?: () => number } = {}): PaymentTerminal {
  let count = 0;
  const now = options.now ?? (() => Date.now());
  /** charges approved and not reversed, by reference */
  const open = new Set<string>();
  return {
    async reverse(terminalRef) {
      if (!open.delete(terminalRef)) return { reversed: false, reason: `the terminal has no open charge ${terminalRef}` };
      return { reversed: true };
    },
    async charge(amount) {
      if (!Number.isSafeInteger(amount) || amount <= 0) return { approved: false, reason: 'the amount must be more than nothing' };
      if (options.declineAbove !== undefined && amount > options.declineAbove) return { approved: false, reason: 'declined by the card issuer' };
      count += 1;
      const terminalRef = `SIM-${now().toString(36).toUpperCase()}-${count}`;
      open.add(terminalRef);
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
