import type { ConflictRecord } from '../../protocol/entities.ts';
import { RETURN_CLAIM_RULE, withClaim, type ReturnClaim, type SaleRecord } from '../../domain/sale-record.ts';
import { TASK_TITLE_MAX } from '../../domain/task.ts';
import type { LedgerTx } from '../ledger/ledger-tx.ts';

/**
 * A line cannot be returned twice across devices (DESIGN.md "Conflicts"): a
 * return or void takes back units of the sale's lines; units taken back beyond
 * what was sold are charged to the latest claims by HLC (`withClaim`, which
 * works every charge out again from the whole set of claims, so the outcome is
 * the same whatever order the pushes arrive in). Each charged (claim, line) is
 * one `return_duplicate` conflict with a task for the store: collect the
 * refund again from the customer, or write it off. A claim arriving late can
 * charge more units of a (claim, line) already charged, or move its amount by
 * the cents of the shared rounding: its conflict and task are then updated in
 * place under the same ids. It never uncharges one (see `returnCharges`), so
 * nothing written before is left to withdraw. The updated sale record syncs to
 * every till of the store, so none of them offers those units again.
 */
export async function settleReturnClaim(tx: LedgerTx, storeId: string, record: SaleRecord, claim: ReturnClaim, now: number): Promise<void> {
  const { record: updated, charges } = withClaim(record, claim);
  await tx.saveSliceRecord(storeId, 'sale_record', record.id, updated);
  for (const charge of charges) {
    const charged = updated.returns.find((known) => known.id === charge.claimId)!;
    const line = record.lines[charge.line]!;
    // Named by the (claim, line) it charges, not by when it was found: every arrival order names it alike.
    const conflictId = `return/${charge.claimId}/${charge.line}`;
    const taskId = `task/${conflictId}`;
    const task = await tx.sliceRecord(storeId, 'task', taskId);
    const conflict: ConflictRecord = {
      id: conflictId,
      kind: 'return_duplicate',
      rule: RETURN_CLAIM_RULE,
      saleId: record.id,
      receiptNumber: record.receiptNumber,
      hlc: charged.hlc,
      // An update keeps when the conflict was first found (its task's creation).
      detectedAt: task?.createdAt ?? now,
      taskId,
      returnId: charged.id,
      returnReceipt: charged.receiptNumber,
      line: charge.line,
      sku: line.sku,
      quantity: charge.quantity,
      amount: charge.amount,
    };
    await tx.recordConflict(storeId, conflict);
    const title = `${charge.quantity} × ${line.sku} of sale ${record.receiptNumber} was ${charged.kind === 'void' ? 'voided' : 'returned'} again on ${charged.receiptNumber}: ${charge.amount} refunded twice`;
    await tx.saveSliceRecord(
      storeId,
      'task',
      taskId,
      // The steps the store took on it stay: only what it asks for changes.
      task
        ? { ...task, title: title.slice(0, TASK_TITLE_MAX) }
        : { id: taskId, kind: 'return_duplicate', title: title.slice(0, TASK_TITLE_MAX), conflictId, actions: ['collect', 'write_off'], createdAt: now, steps: [] },
    );
  }
}
