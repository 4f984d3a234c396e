import type { StoreEvent } from '../../domain/events.ts';
import type { SaleCompletedPayload } from '../../domain/sale.ts';
import type { LedgerTx } from './ledger-tx.ts';

/** An approval counts only from a manager of the store: the audit names who let the money go. */
export async function approverProblem(tx: LedgerTx, storeId: string, approvedBy: string): Promise<string | null> {
  const role = await tx.staffRole(storeId, approvedBy);
  if (role === 'manager') return null;
  return role === null ? `approver ${approvedBy} is not on store ${storeId}'s staff` : `approver ${approvedBy} is not a manager of store ${storeId}`;
}

/** What a manager approved at the till, in words HQ reads, and who the event says approved it. */
type Approval = { what: string; approvedBy: string };

/** The approvals a sale carries: each manager discount or price override, and each offline-limit override. */
export function saleApprovals(sale: Pick<SaleCompletedPayload, 'pricing' | 'overrides'>): Approval[] {
  return [
    ...sale.pricing.manualDiscounts.map((discount) => ({
      what: `manual discount ${discount.id} (${discount.percent !== undefined ? `${discount.percent}%` : `amount ${discount.amount}`} on ${discount.scope === 'basket' ? 'the basket' : `line ${discount.scope + 1}`}: ${discount.reason})`,
      approvedBy: discount.approvedBy,
    })),
    ...sale.overrides.map((override) => ({ what: `offline limit override (${override.limit})`, approvedBy: override.approvedBy })),
  ];
}

/**
 * Checks approvals of things that already happened at the till against the
 * store's roster: a discount given, a limit passed, a drawer opened. Unlike a
 * return's or void's approval (which the server checks before any money goes
 * back, apply-return.ts), refusing these would lose a sale or a drawer event
 * the till has committed (DESIGN.md: never lost), so an approver who is not a
 * manager of the store — an associate, or an id nobody has — is an alarm
 * `approval_not_by_manager` for HQ naming the event, the approver and what was
 * approved.
 */
export async function alarmUnmanagedApprovals(tx: LedgerTx, event: StoreEvent, approvals: readonly Approval[], now: number): Promise<void> {
  for (const approval of approvals) {
    const problem = await approverProblem(tx, event.storeId, approval.approvedBy);
    if (!problem) continue;
    await tx.raiseAlarm({
      kind: 'approval_not_by_manager',
      storeId: event.storeId,
      deviceId: event.deviceId,
      seq: event.seq,
      detail: `${event.type} event ${event.id}: ${approval.what} was approved by ${approval.approvedBy}, but ${problem}`,
      at: now,
    });
  }
}
