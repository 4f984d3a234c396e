import type { SaleCompletedPayload } from '../domain/sale.ts';

/** A completed sale as kept on the device: the payload, plus who and which event. */
export type LocalSale = SaleCompletedPayload & {
  id: string;
  staffId: string;
  staffName: string;
  eventSeq: number;
  /** coupon codes that gave this sale a discount, indexed: a single-use code is spent once per till */
  redeemedCoupons: string[];
};

export function redeemedCouponsOf(payload: SaleCompletedPayload): string[] {
  return payload.pricing.coupons.filter((coupon) => coupon.status === 'applied').map((coupon) => coupon.code);
}
