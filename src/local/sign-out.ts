import { outboxState } from './outbox.ts';
import type { StoresideDb } from './db.ts';

/**
 * Why staff may not sign out now, or null when they may. While the till holds
 * events the server has not acknowledged, signing out is refused: those sales
 * are only on this device, and the next person at the till must not find a
 * signed-out tablet that still owes the server a day's takings without being told.
 * (Closing the till session refuses for the same reason, till-session.ts.)
 */
export async function signOutRefusal(db: StoresideDb): Promise<string | null> {
  const { count } = await outboxState(db);
  if (count === 0) return null;
  return `${count} of this till’s records have not reached the server yet. Stay signed in until the sync indicator says all are sent; if the network is down, keep selling and sign out once it is back.`;
}
