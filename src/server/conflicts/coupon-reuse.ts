import type { ConflictRecord } from '../../protocol/entities.ts';
import type { CouponHolder, LedgerTx } from '../ledger/ledger-tx.ts';

export const COUPON_REUSE_RULE = 'the sale made first keeps a single-use coupon and the one made later got its discount in error, ordered by the tills’ hybrid logical clocks';

/**
 * Single-use coupons (DESIGN.md "Conflicts"): tills apart from each other can
 * each take the same code. Both sales stand as the customers paid them; the
 * code belongs to the sale earlier by HLC, whatever order the pushes arrive
 * in, and the later sale becomes a `coupon_reused` conflict with a task for its
 * store: write the discount off, or collect it from the customer.
 */
export async function settleCouponRedemption(tx: LedgerTx, code: string, sale: CouponHolder, now: number): Promise<void> {
  const holder = await tx.redeemCoupon(code, sale.saleId, sale.storeId);
  if (holder === null || holder.saleId === sale.saleId) return;
  const [kept, charged] = holder.hlc <= sale.hlc ? [holder, sale] : [sale, holder];
  if (kept === sale) await tx.moveRedemption(code, holder.saleId, sale);
  const conflict: ConflictRecord = {
    id: `coupon/${code}/${charged.saleId}`,
    kind: 'coupon_reused',
    rule: COUPON_REUSE_RULE,
    saleId: charged.saleId,
    receiptNumber: charged.receiptNumber,
    hlc: charged.hlc,
    detectedAt: now,
    taskId: `task/coupon/${code}/${charged.saleId}`,
    code,
    amount: charged.amount,
    keptBy: { saleId: kept.saleId, receiptNumber: kept.receiptNumber },
  };
  await tx.recordConflict(charged.storeId, conflict);
  await tx.saveSliceRecord(charged.storeId, 'task', conflict.taskId, {
    id: conflict.taskId,
    kind: 'coupon_reused',
    title: `Single-use coupon ${code} was used again on ${charged.receiptNumber} (first used on ${kept.receiptNumber})`,
    conflictId: conflict.id,
    actions: ['write_off', 'collect'],
    createdAt: now,
    steps: [],
  });
  await tx.raiseAlarm({
    kind: 'coupon_reused',
    storeId: charged.storeId,
    deviceId: null,
    seq: null,
    detail: `single-use coupon ${code} was used on sale ${charged.receiptNumber} after sale ${kept.receiptNumber} had it; ${charged.amount} given again`,
    at: now,
  });
}
