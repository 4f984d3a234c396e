import * as v from 'valibot';
import { CardTenderSchema } from './tender.ts';

/**
 * A card payment a manager took off a sale being rung up when the terminal
 * could not reverse it (issue 11): it knew no such charge, or did not answer.
 * Whether the customer's card was charged is on the terminal's slip and in its
 * batch, not on the till, so the till does not decide it alone: a manager
 * approves, the event names the charge by the terminal's reference (never the
 * card number), and HQ reconciles it with the terminal's settlement.
 *
 *   no_charge_on_slip  the slip shows the charge did not go through
 *   customer_left      it may have gone through, but the sale will not be completed
 */
export const PAYMENT_RELEASE_REASONS = ['no_charge_on_slip', 'customer_left'] as const;
export type PaymentReleaseReason = (typeof PAYMENT_RELEASE_REASONS)[number];

export const PaymentReleasedPayloadSchema = v.strictObject({
  charge: CardTenderSchema,
  currency: v.pipe(v.string(), v.regex(/^[A-Z]{3}$/)),
  reason: v.picklist(PAYMENT_RELEASE_REASONS),
  /** what the terminal said when asked to reverse it */
  terminalAnswer: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  approvedBy: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  staffName: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
});

export type PaymentReleasedPayload = v.InferOutput<typeof PaymentReleasedPayloadSchema>;
