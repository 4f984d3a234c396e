import * as v from 'valibot';
import type { Promotion } from '../domain/pricing/promotion.ts';

/**
 * A promotion as HQ writes it and as it syncs to devices. The schema checks
 * each field on its own; `checkPromotion` (src/server/hq) checks what needs the
 * catalogue and the other promotions.
 */
const id = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
const amount = v.pipe(v.number(), v.safeInteger('must be a whole number of minor units'), v.minValue(0, 'must not be negative'));
const positiveAmount = v.pipe(v.number(), v.safeInteger('must be a whole number of minor units'), v.minValue(1, 'must be above zero'));
const units = v.pipe(v.number(), v.integer('must be a whole number'), v.minValue(1, 'must be at least 1'), v.maxValue(999));
/** A percent above 0 and at most 100, with at most two decimals (basis points). */
const percent = v.pipe(
  v.number(),
  v.minValue(0.01, 'must be above 0'),
  v.maxValue(100, 'must not be over 100'),
  // Exactly what two decimals round-trip to, so the stored percent is the one the engine reads as basis points.
  v.check((value) => Math.round(value * 100) / 100 === value, 'must have at most two decimals'),
);
const time = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
/** What a receipt line and a shelf sign have room for. */
export const PROMOTION_NAME_MAX = 120;

const TargetSchema = v.pipe(
  v.strictObject({
    skus: v.pipe(v.array(id), v.maxLength(5000)),
    categories: v.pipe(v.array(id), v.maxLength(200)),
  }),
  v.check((target) => target.skus.length + target.categories.length > 0, 'must name at least one SKU or category'),
);

const common = {
  id,
  /**
   * Given by the server. HQ may send the revision it edited: if the promotion has
   * changed since, the edit is refused rather than silently overwriting it.
   */
  revision: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(PROMOTION_NAME_MAX)),
  validFrom: time,
  validTo: v.nullable(time),
  stores: v.nullable(v.pipe(v.array(id), v.minLength(1, 'must name a store, or be null for every store'))),
  priority: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1000)),
  stacking: v.picklist(['exclusive', 'combinable', 'stackable']),
  coupon: v.nullable(
    v.strictObject({
      codes: v.pipe(
        v.array(v.pipe(v.string(), v.trim(), v.regex(/^[A-Za-z0-9-]{3,32}$/, 'a code is 3 to 32 letters, digits or dashes'))),
        v.minLength(1),
        v.maxLength(10_000),
        v.check((codes) => new Set(codes.map((code) => code.toUpperCase())).size === codes.length, 'must not list a code twice'),
      ),
      singleUse: v.boolean(),
    }),
  ),
};

export const PromotionSchema = v.pipe(
  v.variant('kind', [
    v.strictObject({ ...common, kind: v.literal('percent_off'), target: TargetSchema, percent }),
    v.strictObject({ ...common, kind: v.literal('amount_off'), target: TargetSchema, amount: positiveAmount }),
    v.strictObject({ ...common, kind: v.literal('fixed_price'), target: TargetSchema, price: amount }),
    v.strictObject({
      ...common,
      kind: v.literal('buy_x_get_y'),
      buy: v.strictObject({ target: TargetSchema, quantity: units }),
      get: v.strictObject({ target: TargetSchema, quantity: units, percent }),
    }),
    v.strictObject({ ...common, kind: v.literal('mix_match'), target: TargetSchema, quantity: v.pipe(units, v.minValue(2, 'must be at least 2')), price: amount }),
    v.strictObject({
      ...common,
      kind: v.literal('bundle'),
      components: v.pipe(
        v.array(v.strictObject({ sku: id, quantity: units })),
        v.minLength(2, 'a bundle needs at least two components'),
        v.maxLength(20),
        v.check((list) => new Set(list.map((c) => c.sku)).size === list.length, 'must not name a SKU twice'),
      ),
      price: amount,
    }),
    v.strictObject({
      ...common,
      kind: v.literal('tiered_spend'),
      target: v.nullable(TargetSchema),
      tiers: v.pipe(
        v.array(
          v.pipe(
            v.strictObject({ threshold: amount, amount: v.optional(positiveAmount), percent: v.optional(percent) }),
            v.check((tier) => (tier.amount === undefined) !== (tier.percent === undefined), 'a tier gives either an amount or a percent'),
            v.check((tier) => tier.amount === undefined || tier.amount <= tier.threshold || tier.threshold === 0, 'a tier must not give more than its threshold'),
          ),
        ),
        v.minLength(1, 'needs at least one tier'),
        v.maxLength(10),
        v.check((tiers) => new Set(tiers.map((t) => t.threshold)).size === tiers.length, 'two tiers must not share a threshold'),
      ),
    }),
    v.strictObject({ ...common, kind: v.literal('staff'), target: v.nullable(TargetSchema), percent }),
  ]),
  v.forward(
    v.check((p) => p.validTo === null || p.validTo > p.validFrom, 'must be after validFrom'),
    ['validTo'],
  ),
  v.forward(
    v.check((p) => p.stacking !== 'stackable' || p.kind === 'percent_off' || p.kind === 'amount_off', 'only percent_off and amount_off promotions can be stackable'),
    ['stacking'],
  ),
);

/** A promotion as HQ submits it; `revision` is the one it edited, if any. */
export type PromotionDefinition = v.InferOutput<typeof PromotionSchema>;

/** A promotion as stored and synced: the server has given it its revision. */
export const SyncedPromotionSchema = v.pipe(
  PromotionSchema,
  v.check((p) => p.revision !== undefined, 'a synced promotion carries its revision'),
  v.transform((p) => p as Promotion),
);
