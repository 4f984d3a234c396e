import type { LedgerTx } from './ledger-tx.ts';

/** An approval counts only from a manager of the store: the audit names who let the money go. */
export async function approverProblem(tx: LedgerTx, storeId: string, approvedBy: string): Promise<string | null> {
  const role = await tx.staffRole(storeId, approvedBy);
  if (role === 'manager') return null;
  return role === null ? `approver ${approvedBy} is not on store ${storeId}'s staff` : `approver ${approvedBy} is not a manager of store ${storeId}`;
}
