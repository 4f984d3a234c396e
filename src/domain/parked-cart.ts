import * as v from 'valibot';
import { MAX_LINE_QUANTITY } from './cart-line.ts';

/**
 * Parked (suspended) carts (issue 5): an associate parks a cart with a label
 * and any till of the store resumes it once the park has synced. Parking and
 * resuming are journal events, so a parked cart outlives a reload, a crash or
 * the till it was parked on. A cart keeps what was rung up, not what it cost:
 * it is priced again when resumed, at the prices and promotions of that moment.
 *
 * Two tills apart from each other can resume the same cart. The first resume
 * by HLC has it; the other till is told (DESIGN.md: first claim wins).
 */
const id = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
const staffName = v.pipe(v.string(), v.minLength(1), v.maxLength(100));
export const PARKED_LABEL_MAX = 40;

export const ParkedLineSchema = v.strictObject({ sku: id, quantity: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_LINE_QUANTITY)) });

/** A manager's discount on the parked cart, kept with it: on a product's line or the basket, with who approved it. */
export const ParkedDiscountSchema = v.strictObject({
  sku: v.union([id, v.literal('basket')]),
  percent: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(100))),
  amount: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(1))),
  reason: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  approvedBy: v.strictObject({ id, name: staffName }),
});

export const CartParkedPayloadSchema = v.strictObject({
  cartId: v.pipe(v.string(), v.uuid()),
  label: v.pipe(v.string(), v.trim(), v.minLength(1, 'a parked cart needs a label'), v.maxLength(PARKED_LABEL_MAX)),
  staffName,
  lines: v.pipe(v.array(ParkedLineSchema), v.minLength(1, 'an empty cart cannot be parked'), v.maxLength(500)),
  coupons: v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(64))), v.maxLength(20)),
  staffPurchase: v.boolean(),
  taxExemptCertificate: v.nullable(v.pipe(v.string(), v.minLength(1), v.maxLength(64))),
  managerDiscounts: v.pipe(v.array(ParkedDiscountSchema), v.maxLength(50)),
});
export const CartResumedPayloadSchema = v.strictObject({ cartId: v.pipe(v.string(), v.uuid()), staffName });

export type CartParkedPayload = v.InferOutput<typeof CartParkedPayloadSchema>;
export type ParkedDiscount = v.InferOutput<typeof ParkedDiscountSchema>;
export type CartResumedPayload = v.InferOutput<typeof CartResumedPayloadSchema>;

const HandSchema = v.object({ staffId: id, staffName, deviceId: id, hlc: v.string() });

/** A parked cart as the store's tills see it. */
export const ParkedCartRecordSchema = v.object({
  ...v.omit(CartParkedPayloadSchema, ['cartId', 'staffName']).entries,
  id: v.pipe(v.string(), v.uuid()),
  parkedBy: HandSchema,
  /** every resume received, in HLC order: the first has the cart */
  resumes: v.array(HandSchema),
});
export type ParkedCartRecord = v.InferOutput<typeof ParkedCartRecordSchema>;
export type Hand = v.InferOutput<typeof HandSchema>;

/** The cart with one more resume; any arrival order gives the same record, and a resend changes nothing. */
export function withResume(cart: ParkedCartRecord, resume: Hand): ParkedCartRecord {
  if (cart.resumes.some((known) => known.hlc === resume.hlc && known.deviceId === resume.deviceId)) return cart;
  const resumes = [...cart.resumes, resume].sort((a, b) => (a.hlc !== b.hlc ? (a.hlc < b.hlc ? -1 : 1) : a.deviceId < b.deviceId ? -1 : 1));
  return { ...cart, resumes };
}

/** Who has the cart: the first resume by HLC, or nobody while it is still parked. */
export const resumedBy = (cart: ParkedCartRecord): Hand | null => cart.resumes[0] ?? null;
