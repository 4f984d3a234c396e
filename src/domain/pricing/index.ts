/** The pricing engine: the one place totals come from, on the till, the server and the shelf sign. */
export { priceSale, pricedLine, type SaleTotals, type PricedLine, type DiscountLine, type DiscountSource, type PricingContext, type ManualDiscount, type CouponOutcome, type CouponStatus } from './price-sale.ts';
export { createPromotionBook, promotionsForProduct, type PromotionBook } from './promotion-book.ts';
export { refundFor, type Refund, type RefundableSale, type ReturnRequest } from './refund.ts';
export type { Promotion, PromotionKind, PromotionTarget, Stacking, Tier } from './promotion.ts';
export { computeTax, formatRate, UnknownTaxCategoryError, type TaxConfig, type TaxBreakdownRow } from './tax.ts';
export { shelfSign, type ShelfSign, type SignProduct } from './shelf-sign.ts';
