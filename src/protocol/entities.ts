import * as v from 'valibot';
import { TaskRecordSchema } from '../domain/task.ts';
import { ParkedCartRecordSchema } from '../domain/parked-cart.ts';
import { SaleRecordSchema } from '../domain/sale-record.ts';
import { PRODUCT_NAME_MAX, SKU_MAX, TAX_CATEGORY_MAX } from '../domain/sale.ts';
import { SyncedPromotionSchema } from './promotions.ts';
import { OfflinePolicySchema } from '../domain/offline-policy.ts';
import { CashTillSessionSchema } from '../domain/cash-till-rule.ts';
import { StoredValueRecordSchema } from '../domain/stored-value.ts';
import { CustomerRecordSchema } from '../domain/customer.ts';

/**
 * The records of a store's slice that sync down to its devices, keyed by
 * `entity` + `key`. Each is validated where it arrives.
 */
const id = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
const count = v.pipe(v.number(), v.safeInteger());

export const TaxConfigSchema = v.object({
  version: v.pipe(v.number(), v.integer(), v.minValue(0)),
  mode: v.picklist(['exclusive', 'inclusive']),
  rounding: v.picklist(['half-up', 'half-even']),
  level: v.picklist(['line', 'invoice']),
  categories: v.record(v.string(), v.object({ label: v.string() })),
  jurisdictions: v.pipe(
    v.array(
      v.object({
        id: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
        label: v.string(),
        rates: v.record(v.string(), v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1_000_000))),
      }),
    ),
    // A receipt's tax rows and the server's variances are keyed by jurisdiction and rate.
    v.check((list) => new Set(list.map((j) => j.id)).size === list.length, 'two jurisdictions must not share an id'),
  ),
});

export const StoreRecordSchema = v.object({
  id,
  name: v.string(),
  currency: v.pipe(v.string(), v.regex(/^[A-Z]{3}$/)),
  locale: v.string(),
  timezone: v.string(),
  /** begins every receipt number; short enough that numbers fit the sale's limit */
  receiptPrefix: v.pipe(v.string(), v.minLength(1), v.maxLength(12)),
  taxConfig: TaxConfigSchema,
  /**
   * The smallest coin in minor units, where the country has none for its
   * smallest unit (5 for Swiss francs): cash payments round to it. 1 elsewhere.
   */
  cashCoin: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000)), 1),
  /** printed under the store's name on receipts, one entry per line */
  address: v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(80))), v.maxLength(4))),
  /** how far its tills may sell offline (domain/offline-policy.ts); DEFAULT_OFFLINE_POLICY where HQ set none */
  offlinePolicy: v.optional(OfflinePolicySchema),
  /** days after a sale it may be returned without a manager's approval */
  returnDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(3650)), 30),
  /** where a refund goes that the sale's own tenders cannot take back (a sale paid at another till, no receipt) */
  refundFallback: v.optional(v.picklist(['cash', 'store_credit']), 'cash'),
  /** whether cash needs an open till session, per kind of device (domain/cash-till-rule.ts); DEFAULT_CASH_TILL_SESSION where HQ set none */
  cashTillSession: v.optional(CashTillSessionSchema),
});

const text = (max: number) => v.pipe(v.string(), v.minLength(1), v.maxLength(max));

export const ProductRecordSchema = v.object({
  sku: text(SKU_MAX),
  name: text(PRODUCT_NAME_MAX),
  /** normalised GTIN: EAN-13 (UPC-A with a leading 0) or EAN-8 */
  barcode: v.pipe(v.string(), v.regex(/^(\d{8}|\d{13})$/)),
  category: v.pipe(v.string(), v.maxLength(64)),
  taxCategory: text(TAX_CATEGORY_MAX),
  /** unit price in the store's currency, minor units, as the shelf shows it */
  price: v.pipe(count, v.minValue(0)),
  priceVersion: v.pipe(v.number(), v.integer(), v.minValue(0)),
  /** each unit sold needs its serial number on the sale line (electronics) */
  serialized: v.optional(v.boolean()),
});

export const StockRecordSchema = v.object({
  sku: id,
  onHand: count,
  aisle: v.string(),
  bin: v.string(),
});

export const StaffRecordSchema = v.object({
  id,
  name: v.string(),
  role: v.picklist(['associate', 'manager']),
  /** PBKDF2-HMAC-SHA-256 of the PIN, hex; the PIN itself never leaves the server */
  pinHash: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  pinSalt: v.pipe(v.string(), v.regex(/^(?:[0-9a-f]{2})+$/)),
  pinIterations: v.pipe(v.number(), v.integer(), v.minValue(1)),
});

/**
 * A conflict the server settled, with the rule that settled it and the task it
 * left for the store (DESIGN.md "Conflicts"). The sale named is the one the
 * rule charged:
 *   oversell       two tills sold the last units while apart; the sale later by
 *                  HLC is oversold: substitute, backorder or refund.
 *   coupon_reused  two tills took one single-use coupon while apart; the sale
 *                  earlier by HLC keeps it, the later got its discount in error.
 *   return_duplicate  two tills took back the same units of a sale's line while
 *                  apart (returns or a void); the one earlier by HLC keeps them,
 *                  the later refunded them again: collect or write off.
 */
const conflictFields = {
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  rule: v.string(),
  saleId: id,
  receiptNumber: v.string(),
  /** the sale's HLC: what the rule compared */
  hlc: v.string(),
  detectedAt: count,
  /** the task it left for the store (a `task` record of the slice) */
  taskId: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
};
export const ConflictRecordSchema = v.variant('kind', [
  v.object({ ...conflictFields, kind: v.literal('oversell'), sku: id, quantity: v.pipe(count, v.minValue(1)) }),
  v.object({
    ...conflictFields,
    kind: v.literal('coupon_reused'),
    code: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
    /** what the charged sale took off with the code, in minor units */
    amount: v.pipe(count, v.minValue(0)),
    keptBy: v.object({ saleId: id, receiptNumber: v.string() }),
  }),
  v.object({
    ...conflictFields,
    kind: v.literal('return_duplicate'),
    /** the return or void charged, and its receipt number */
    returnId: id,
    returnReceipt: v.string(),
    /** the sale's line (0-based) and its SKU */
    line: v.pipe(count, v.minValue(0)),
    sku: id,
    quantity: v.pipe(count, v.minValue(1)),
    /** what the sale paid for those units (the line's paid amount shared over its charged units in HLC order, so a line's charges add up exactly), in minor units */
    amount: v.pipe(count, v.minValue(0)),
  }),
]);

/**
 * Escrow for a scarce product (DESIGN.md "Conflicts"): how many units one
 * device may sell after `asOfSeq` of its journal, until the server grants it
 * again. The server keeps the store's allotments within its stock, so tills
 * apart from each other cannot sell the same last unit.
 */
export const AllotmentRecordSchema = v.object({
  /** `${deviceId}/${sku}` */
  id: v.pipe(v.string(), v.minLength(3), v.maxLength(130)),
  deviceId: id,
  sku: id,
  units: v.pipe(count, v.minValue(0)),
  asOfSeq: v.pipe(count, v.minValue(0)),
  grantedAt: count,
});

export type StoreRecord = v.InferOutput<typeof StoreRecordSchema>;
export type AllotmentRecord = v.InferOutput<typeof AllotmentRecordSchema>;
export type ConflictRecord = v.InferOutput<typeof ConflictRecordSchema>;
export type ProductRecord = v.InferOutput<typeof ProductRecordSchema>;
export type StockRecord = v.InferOutput<typeof StockRecordSchema>;
export type StaffRecord = v.InferOutput<typeof StaffRecordSchema>;

/**
 * The schema of each entity of the slice, keyed as the registry (entity-registry.ts)
 * declares them; the registry's `satisfies` checks the two have the same keys.
 */
export const ENTITY_SCHEMAS = {
  store: StoreRecordSchema,
  staff: StaffRecordSchema,
  product: ProductRecordSchema,
  stock: StockRecordSchema,
  promotion: SyncedPromotionSchema,
  conflict: ConflictRecordSchema,
  task: TaskRecordSchema,
  allotment: AllotmentRecordSchema,
  parked_cart: ParkedCartRecordSchema,
  stored_value: StoredValueRecordSchema,
  customer: CustomerRecordSchema,
  sale_record: SaleRecordSchema,
} as const;

export type EntityRecords = { [K in keyof typeof ENTITY_SCHEMAS]: v.InferOutput<(typeof ENTITY_SCHEMAS)[K]> };
/** The entities with a schema: the registry's names (entity-registry.ts checks they are the same). */
type SchemaEntity = keyof typeof ENTITY_SCHEMAS;

const SCHEMA_OF: { [K in SchemaEntity]: v.GenericSchema<unknown, EntityRecords[K]> } = ENTITY_SCHEMAS;
/** The schema of `entity`'s records, typed for code generic over the entity. */
export const recordSchema = <K extends SchemaEntity>(entity: K): v.GenericSchema<unknown, EntityRecords[K]> => SCHEMA_OF[entity];
