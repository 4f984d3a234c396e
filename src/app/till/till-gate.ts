import { signal, type ReadonlySignal } from '@preact/signals';
import type { CashAction, TillSessionRefusal } from '../../domain/cash-till-rule.ts';
import { cashTillRefusal } from '../../local/cash-till-check.ts';
import type { StoresideDb } from '../../local/db.ts';
import { perDatabase } from '../../local/per-database.ts';
import { cashTillRefusalText } from '../words/problem-text.ts';

/**
 * Asks the associate to open the till when cash would move without a session
 * the store requires (issue 11). Anything about to journal cash — the
 * checkout's Complete, a refund, a void, an exchange — asks `refuses` first;
 * when it refuses, nothing is journaled, the screen keeps what it had (the
 * cart, the return), and `prompt` says why until the associate opens the till
 * (TillPrompt, shown once by the app over whatever screen asked) or dismisses it.
 *
 * One gate per device database: it is the device's till, whichever screen
 * moves its cash, so each finds the same gate without it being handed down.
 */
export type TillGate = {
  /** why the till must be opened, while the associate is being asked; null otherwise */
  readonly prompt: ReadonlySignal<string | null>;
  /** true when cash may not move now: the prompt says why, and the caller journals nothing */
  refuses(tenders: readonly { kind: string; amount: number }[], action: CashAction): Promise<boolean>;
  /**
   * The same for a refusal already read (`cashTillRefusal`, e.g. beside the
   * offline limits' reads, so Complete waits for one round of reads, not two):
   * prompts when there is one; true when cash may not move.
   */
  answer(refusal: TillSessionRefusal | null): boolean;
  dismiss(): void;
};

export const tillGate = perDatabase(createTillGate);

function createTillGate(db: StoresideDb): TillGate {
  const prompt = signal<string | null>(null);
  const answer = (refusal: TillSessionRefusal | null) => {
    prompt.value = refusal && cashTillRefusalText(refusal);
    return refusal !== null;
  };
  return {
    prompt,
    answer,
    refuses: async (tenders, action) => answer(await cashTillRefusal(db, tenders, action)),
    dismiss() {
      prompt.value = null;
    },
  };
}
