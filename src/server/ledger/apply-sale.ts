import { priceSale, UnknownTaxCategoryError, type SaleTotals } from '../../domain/pricing/index.ts';
import { normaliseCouponCode } from '../../domain/pricing/promotion.ts';
import type { StoreEvent } from '../../domain/events.ts';
import { currentSale, type SaleCompletedPayload } from '../../domain/sale.ts';
import { tenderProblem } from '../../domain/split-tender.ts';
import type { StoreRecord } from '../../protocol/entities.ts';
import { settleCouponRedemption } from '../conflicts/coupon-reuse.ts';
import { debitStoredValue } from './stored-value-debits.ts';
import { alarmUnmanagedApprovals, saleApprovals } from './approvals.ts';
import { saleRecordOf } from '../../domain/sale-record.ts';
import type { LedgerTx } from './ledger-tx.ts';

type SaleEvent = Extract<StoreEvent, { type: 'sale.completed' }>;
type SalePayload = SaleCompletedPayload;

/** Units leaving the store per SKU, summed over a push batch and written once at its end. */
export type StockDeltas = Map<string, number>;

/**
 * Records a completed sale in the ledger and adds its units to `stockDeltas`.
 * The server prices the sale again with the same engine, the same promotion set
 * (by the revision the sale names), the same tax rules (by version) and the
 * same coupons, exemption and manager discounts. Where the result differs the
 * sale still stands as the customer paid it, and each difference is recorded as
 * a variance for HQ. Returns a rejection reason when the sale cannot be booked.
 */
export async function applySale(tx: LedgerTx, event: SaleEvent, store: StoreRecord, stockDeltas: StockDeltas, now: number): Promise<string | null> {
  // A sale from a device still on an older payload version is read as the current version would have recorded it.
  const sale: SalePayload = currentSale(event);
  if (sale.currency !== store.currency) return `sale is in ${sale.currency} but store ${store.id} sells in ${store.currency}`;

  const { pricing } = sale;
  const taxConfig = await tx.taxConfig(store.id, pricing.taxConfigVersion);
  // A revision this server never issued (a till ahead of a restored server, or a
  // forged one) has no set to price with: the current one stands in, and HQ is told.
  const issued = await tx.issuedPromotionRevision();
  const named = await tx.promotionBook(store.id, pricing.promotionsRevision);
  const book = named ?? (await tx.promotionBook(store.id, issued))!;
  // Each line names the price version it rang up; the catalogue says what the product was then. The
  // sale is priced again with the catalogue's categories (a line cannot talk its way into a promotion
  // or a tax rate) and the price the customer was charged; differences become variances below.
  const catalogue = await tx.pricesAt(store.id, sale.lines.map((line) => ({ sku: line.sku, version: line.priceVersion })));
  const entryOf = (line: SalePayload['lines'][number]) => catalogue.get(`${line.sku}@${line.priceVersion}`);
  const lines = sale.lines.map((line) => {
    const entry = entryOf(line);
    const { sku, name, quantity, unitPrice, priceVersion } = line;
    return { sku, name, quantity, unitPrice, priceVersion, category: entry?.category ?? line.category, taxCategory: entry?.taxCategory ?? line.taxCategory };
  });
  let recomputed: SaleTotals;
  try {
    recomputed = priceSale(lines, book, taxConfig ?? store.taxConfig, {
      at: pricing.at,
      // A code the till found used already stays unused here too: it gave nothing on the receipt.
      coupons: pricing.coupons.filter((coupon) => coupon.status !== 'already_used').map((coupon) => coupon.code),
      redeemedCoupons: [],
      staffPurchase: pricing.staffPurchase,
      taxExemption: pricing.taxExemption,
      manualDiscounts: pricing.manualDiscounts,
    });
  } catch (error) {
    if (error instanceof UnknownTaxCategoryError || error instanceof RangeError) return error.message;
    throw error;
  }
  const tendersWrong = tenderProblem(sale, store.cashCoin);
  if (tendersWrong) return tendersWrong;
  // Version 1 and 2 sales had no link: their stand-in token (the sale id) is never served.
  const receiptToken = event.v === 3 ? sale.receiptToken : null;
  const tokenHolder = receiptToken === null ? null : await tx.saleWithReceiptToken(receiptToken);
  // 128 random bits do not collide: a repeated token is a faulty or forged till, and must not show one customer another's receipt.
  if (tokenHolder !== null && tokenHolder !== sale.saleId) return `receipt token is already the link of sale ${tokenHolder}`;

  const booked = await tx.insertSale(
    {
      id: sale.saleId,
      eventId: event.id,
      storeId: event.storeId,
      deviceId: event.deviceId,
      staffId: event.staffId ?? null,
      receiptNumber: sale.receiptNumber,
      currency: sale.currency,
      subtotal: sale.subtotal,
      discountTotal: sale.discountTotal,
      tax: sale.tax,
      total: sale.total,
      promotionsRevision: pricing.promotionsRevision,
      taxConfigVersion: pricing.taxConfigVersion,
      taxExemptionCertificate: pricing.taxExemption?.certificate ?? null,
      completedAt: sale.completedAt,
      hlc: event.hlc,
      receiptToken,
    },
    sale.lines.map((line, index) => ({
      lineNo: index + 1,
      sku: line.sku,
      name: line.name,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      taxCategory: line.taxCategory,
      lineTotal: line.lineTotal,
      discount: line.discount,
      tax: line.tax,
    })),
    sale.discounts.map((discount, index) => ({
      discountNo: index + 1,
      label: discount.label,
      amount: discount.amount,
      promotionId: discount.source.type === 'promotion' ? discount.source.promotionId : null,
      promotionRevision: discount.source.type === 'promotion' ? discount.source.revision : null,
      coupon: discount.source.type === 'promotion' ? (discount.source.coupon ?? null) : null,
      approvedBy: discount.source.type === 'manual' ? discount.source.approvedBy : null,
    })),
    sale.tenders.map((tender, index) =>
      tender.kind === 'cash'
        ? { tenderNo: index + 1, kind: tender.kind, amount: tender.amount, tendered: tender.tendered, change: tender.change }
        : { tenderNo: index + 1, kind: tender.kind, amount: tender.amount, tendered: tender.amount, change: 0 },
    ),
  );
  if (!booked) return `sale ${sale.saleId} is already booked by another event`;
  if (!named) await tx.recordVariance(sale.saleId, `promotions revision ${pricing.promotionsRevision} not issued; priced with ${issued}`, 0, 0);
  if (!taxConfig) await tx.recordVariance(sale.saleId, `tax rules version ${pricing.taxConfigVersion} unknown; priced with ${store.taxConfig.version}`, 0, 0);
  await recordVariances(tx, sale, recomputed);
  for (const [index, line] of sale.lines.entries()) {
    const entry = entryOf(line);
    if (!entry) {
      await tx.recordVariance(sale.saleId, `line ${index + 1} price version ${line.priceVersion} unknown`, line.unitPrice, 0);
      continue;
    }
    if (entry.price !== line.unitPrice) await tx.recordVariance(sale.saleId, `line ${index + 1} unit price`, line.unitPrice, entry.price);
    // '' is a category the till did not record (a sale from payload version 1), not a claim.
    if (line.category !== '' && entry.category !== line.category) await tx.recordVariance(sale.saleId, `line ${index + 1} category ${JSON.stringify(line.category)}, catalogue ${JSON.stringify(entry.category)}`, 0, 0);
    if (entry.taxCategory !== line.taxCategory) {
      await tx.recordVariance(sale.saleId, `line ${index + 1} tax category ${JSON.stringify(line.taxCategory)}, catalogue ${JSON.stringify(entry.taxCategory)}`, 0, 0);
    }
  }
  // Single-use codes are spent by what the server's pricing applied, not by what the device's discount lines claim.
  const applied = new Map<string, number>();
  for (const discount of recomputed.discounts) {
    if (discount.source.type !== 'promotion' || !discount.source.coupon) continue;
    applied.set(discount.source.coupon, (applied.get(discount.source.coupon) ?? 0) + discount.amount);
  }
  for (const [code, amount] of applied) {
    if (!book.byCouponCode.get(normaliseCouponCode(code))?.coupon?.singleUse) continue;
    const redemption = { saleId: sale.saleId, storeId: store.id, receiptNumber: sale.receiptNumber, hlc: event.hlc, amount };
    await settleCouponRedemption(tx, normaliseCouponCode(code), redemption, now);
  }
  await debitStoredValue(tx, sale, store, { deviceId: event.deviceId, seq: event.seq }, now);
  await alarmUnmanagedApprovals(tx, event, saleApprovals(sale), now);
  // The store's history: any till of the store finds the sale there to return or void it, offline.
  await tx.saveSliceRecord(store.id, 'sale_record', sale.saleId, saleRecordOf(sale, { deviceId: event.deviceId, hlc: event.hlc }));
  for (const line of sale.lines) stockDeltas.set(line.sku, (stockDeltas.get(line.sku) ?? 0) - line.quantity);
  return null;
}

/** Each total, tax row, line and discount where the server's pricing differs from the till's. */
async function recordVariances(tx: LedgerTx, sale: SalePayload, server: SaleTotals) {
  const variance = (field: string, device: number, computed: number) => (device !== computed ? tx.recordVariance(sale.saleId, field, device, computed) : undefined);
  for (const field of ['subtotal', 'discountTotal', 'tax', 'total'] as const) await variance(field, sale[field], server[field]);
  // Names the device sent are quoted, so no value of theirs can make one field look like another.
  const deviceRows = new Map<string, number>();
  for (const row of sale.taxBreakdown) {
    const key = `${JSON.stringify(row.jurisdiction)} ${row.rate}`;
    deviceRows.set(key, (deviceRows.get(key) ?? 0) + row.tax);
  }
  const serverRows = new Map<string, number>();
  for (const row of server.taxBreakdown) {
    const key = `${JSON.stringify(row.jurisdiction)} ${row.rate}`;
    serverRows.set(key, (serverRows.get(key) ?? 0) + row.tax);
  }
  for (const [key, tax] of serverRows) {
    await variance(`tax ${key}`, deviceRows.get(key) ?? 0, tax);
    deviceRows.delete(key);
  }
  for (const [key, tax] of deviceRows) await variance(`tax ${key}`, tax, 0);
  for (const [index, line] of sale.lines.entries()) {
    const computed = server.lines[index]!;
    await variance(`line ${index + 1} total`, line.lineTotal, computed.lineTotal);
    await variance(`line ${index + 1} discount`, line.discount, computed.discount);
    await variance(`line ${index + 1} tax`, line.tax, computed.tax);
  }
  const byPromotion = (discounts: readonly { source: { type: string; promotionId?: string; manualId?: string }; amount: number }[]) => {
    const sums = new Map<string, number>();
    for (const d of discounts) {
      const key = d.source.type === 'promotion' ? `promotion ${JSON.stringify(d.source.promotionId)}` : `manual ${JSON.stringify(d.source.manualId)}`;
      sums.set(key, (sums.get(key) ?? 0) + d.amount);
    }
    return sums;
  };
  const deviceDiscounts = byPromotion(sale.discounts);
  for (const [key, amount] of byPromotion(server.discounts)) {
    await variance(`discount ${key}`, deviceDiscounts.get(key) ?? 0, amount);
    deviceDiscounts.delete(key);
  }
  for (const [key, amount] of deviceDiscounts) await variance(`discount ${key}`, amount, 0);
}
