import type { ConflictRecord } from '../../protocol/entities.ts';
import type { LedgerTx } from '../ledger/ledger-tx.ts';
import { TASK_TITLE_MAX } from '../../domain/task.ts';

/** A title that fits a task record: the product's name is shortened, never the receipt a person looks up. */
function taskTitle(before: string, name: string, after: string): string {
  const room = TASK_TITLE_MAX - before.length - after.length;
  return `${before}${name.length <= room ? name : `${name.slice(0, Math.max(0, room - 1))}…`}${after}`;
}

const SALES_PAGE = 20;
/**
 * How far back the rule looks. Units below zero that no recent sale can carry
 * (a count that was wrong before these sales) are not anyone's oversell, and
 * must not make every later push read the whole history again.
 */
const MAX_SALES_READ = 200;

export const OVERSELL_RULE = 'the sale made first keeps the unit and the one made later is oversold, ordered by the tills’ hybrid logical clocks';

/**
 * Inventory conflict (DESIGN.md "Conflicts"): stock is counters, never
 * overwritten, so two tills that sold the last unit while apart leave the count
 * below zero. The units below zero are charged to the store's latest sales of
 * the SKU by HLC — whatever order their pushes arrived in — each becoming an
 * `oversell` conflict with a task for the store: substitute, backorder or
 * refund. Units already charged stay charged; only what is newly below zero is.
 */
export async function settleOversell(tx: LedgerTx, storeId: string, sku: string, onHand: number, now: number): Promise<void> {
  if (onHand >= 0) return;
  let uncharged = -onHand - (await tx.oversoldUnits(storeId, sku));
  // Newly oversold units are few and go to the latest sales: read those, a page at a time.
  for (let offset = 0; uncharged > 0 && offset < MAX_SALES_READ; offset += SALES_PAGE) {
    const sales = await tx.salesOfSku(storeId, sku, offset, SALES_PAGE);
    if (sales.length === 0) break;
    for (const sale of sales) {
      if (uncharged <= 0) break;
      const quantity = Math.min(uncharged, sale.quantity - sale.oversold);
      if (quantity <= 0) continue;
      // Named by what it charges, so the same units can never be charged twice under two names.
      const conflictId = `oversell/${sale.saleId}/${sku}/${sale.oversold + quantity}`;
      const conflict: ConflictRecord = {
        id: conflictId,
        kind: 'oversell',
        rule: OVERSELL_RULE,
        saleId: sale.saleId,
        receiptNumber: sale.receiptNumber,
        sku,
        quantity,
        hlc: sale.hlc,
        detectedAt: now,
        taskId: `task/${conflictId}`,
      };
      await tx.recordConflict(storeId, conflict);
      await tx.saveSliceRecord(storeId, 'task', conflict.taskId, {
        id: conflict.taskId,
        kind: 'oversell',
        title: taskTitle(`${quantity} × `, sale.name, ` (${sku}) sold on ${sale.receiptNumber} was not in stock`),
        conflictId,
        actions: ['substitute', 'backorder', 'refund'],
        createdAt: now,
        steps: [],
      });
      uncharged -= quantity;
    }
  }
}
