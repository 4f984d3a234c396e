import * as v from 'valibot';
import { EventSchema } from '../domain/events.ts';
import { ENTITY_NAMES } from './entity-registry.ts';
import { PRODUCT_NAME_MAX } from '../domain/sale.ts';
import { OfflinePolicySchema } from '../domain/offline-policy.ts';
import { CashTillSessionEditSchema, type CashTillSession } from '../domain/cash-till-rule.ts';

/** Request and response bodies of /api/v1, shared by the device and the server. */

export { EnrollRequestSchema, EnrollResponseSchema, type EnrollRequest, type EnrollResponse } from './enroll.ts';

export const MAX_PUSH_EVENTS = 500;

/**
 * How the device's queue stands as it pushes: its clock (the server records the
 * offset, never refuses a sale for it), its journal's head, and when its oldest
 * unsent event was made. HQ sees it per device.
 */
export const DeviceReportSchema = v.strictObject({
  time: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  headSeq: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  oldestUnsentAt: v.nullable(v.pipe(v.number(), v.safeInteger(), v.minValue(0))),
});

export const PushRequestSchema = v.strictObject({
  deviceId: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  events: v.pipe(v.array(EventSchema), v.minLength(1, 'events must not be empty'), v.maxLength(MAX_PUSH_EVENTS)),
  /** optional: devices from before it was added push without it */
  report: v.optional(DeviceReportSchema),
});

export type DeviceReport = v.InferOutput<typeof DeviceReportSchema>;

export const PushResultSchema = v.object({
  id: v.string(),
  seq: v.number(),
  status: v.picklist(['applied', 'duplicate', 'rejected']),
  reason: v.optional(v.string()),
});

export const PushResponseSchema = v.object({
  ackedThroughSeq: v.number(),
  results: v.array(PushResultSchema),
});

export const SeqGapDetailsSchema = v.object({ expectedSeq: v.number() });

const entity = v.picklist(ENTITY_NAMES);

export const ChangeSchema = v.variant('op', [
  v.object({ entity, key: v.string(), op: v.literal('put'), value: v.unknown() }),
  v.object({ entity, key: v.string(), op: v.literal('delete') }),
]);

export const PullResponseSchema = v.object({
  changes: v.array(ChangeSchema),
  cursor: v.number(),
  hasMore: v.boolean(),
  /**
   * The asking device's own events the server has applied, through this seq: the
   * stock levels in `changes` count them, so the device must not take them off
   * again even when their acknowledgement never reached it. Optional: servers
   * before it leave it out, and the device then goes by its own acknowledgements.
   */
  ackedThroughSeq: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(0))),
});

/**
 * One page of a bootstrap. `cursor` is fixed by the first page: pulling from it
 * afterwards brings everything that changed while the pages were read.
 */
export const SnapshotPageSchema = v.object({
  cursor: v.number(),
  groups: v.array(v.object({ entity, rows: v.array(v.unknown()) })),
  next: v.nullable(v.string()),
});

export type PushRequest = v.InferOutput<typeof PushRequestSchema>;
export type PushResult = v.InferOutput<typeof PushResultSchema>;
export type PushResponse = v.InferOutput<typeof PushResponseSchema>;
export type Change = v.InferOutput<typeof ChangeSchema>;
export type PullResponse = v.InferOutput<typeof PullResponseSchema>;
export type SnapshotPage = v.InferOutput<typeof SnapshotPageSchema>;

const intFromQuery = (min: number, max: number) =>
  v.pipe(v.string(), v.regex(/^\d{1,15}$/, 'must be a whole number'), v.transform(Number), v.minValue(min), v.maxValue(max));

export const MAX_PULL_LIMIT = 5000;
export const PullQuerySchema = v.strictObject({
  cursor: intFromQuery(0, Number.MAX_SAFE_INTEGER),
  limit: v.optional(intFromQuery(1, MAX_PULL_LIMIT), '1000'),
});

export const MAX_SNAPSHOT_PAGE = 20_000;
export const SnapshotQuerySchema = v.strictObject({
  /** the `next` token of the previous page; absent on the first page */
  after: v.optional(v.pipe(v.string(), v.maxLength(512))),
  limit: v.optional(intFromQuery(1, MAX_SNAPSHOT_PAGE), '5000'),
});

/** HQ sets a product's shelf price in one store. */
export const SetPriceRequestSchema = v.strictObject({
  store: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  sku: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  price: v.pipe(v.number(), v.safeInteger('must be a whole number of minor units'), v.minValue(0, 'must not be negative')),
});

/** HQ marks a product scarce in one store, or ends that. */
export const SetScarceRequestSchema = v.strictObject({
  store: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  sku: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  scarce: v.boolean(),
});

const storeId = v.pipe(v.string(), v.minLength(1, 'name a store'), v.maxLength(64));
const recordVersion = v.pipe(v.number(), v.safeInteger('must be the version you read'), v.minValue(0));

/**
 * Catalogue text and settings are versioned last-writer-wins with optimistic
 * concurrency (DESIGN.md "Conflicts"): HQ reads a record with its version and
 * sends the version back with the edit; an edit of a version that is no longer
 * current is refused (409 edit_conflict) instead of overwriting a newer one.
 */
export const ProductQuerySchema = v.strictObject({ store: storeId, sku: v.pipe(v.string(), v.minLength(1, 'name a product: ?sku=<sku>'), v.maxLength(64)) });
export const EditProductRequestSchema = v.strictObject({
  store: storeId,
  sku: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  version: recordVersion,
  name: v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(PRODUCT_NAME_MAX)),
});
export const StoreQuerySchema = v.strictObject({ store: storeId });
/**
 * A store's settings HQ may change: its name, its offline policy, whether cash
 * needs an open till (`cashTillSession`, per kind of device; a role left out
 * keeps its default). null puts a setting back to its default. At least one.
 */
export const EditStoreRequestSchema = v.pipe(
  v.strictObject({
    store: storeId,
    version: recordVersion,
    name: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(100))),
    offlinePolicy: v.optional(v.nullable(OfflinePolicySchema)),
    cashTillSession: v.optional(v.nullable(CashTillSessionEditSchema)),
  }),
  v.check((edit) => edit.name !== undefined || edit.offlinePolicy !== undefined || edit.cashTillSession !== undefined, 'name a setting to change: name, offlinePolicy or cashTillSession'),
);
export type StoreSettingsEdit = { name?: string; offlinePolicy?: v.InferOutput<typeof OfflinePolicySchema> | null; cashTillSession?: CashTillSession | null };

export const DevicesQuerySchema = v.strictObject({
  store: v.pipe(v.string(), v.minLength(1, 'name a store: ?store=<id>'), v.maxLength(64)),
});

export const VariancesQuerySchema = v.strictObject({
  store: v.pipe(v.string(), v.minLength(1, 'name a store: ?store=<id>'), v.maxLength(64)),
});

export const TillReportQuerySchema = v.strictObject({
  device: v.pipe(v.string(), v.minLength(1, 'name the till: ?device=<id>'), v.maxLength(64)),
  session: v.pipe(v.string(), v.uuid('session must be the id of a till session')),
});

export const AlarmsQuerySchema = v.strictObject({
  store: v.pipe(v.string(), v.minLength(1, 'name a store: ?store=<id>'), v.maxLength(64)),
});

/**
 * The `journal_lost` answer: the journal head the device named is behind what
 * the server holds of it. Nothing was changed: a request delayed on the
 * network can name an old head too, so the device checks its journal and only
 * then confirms the loss (JournalLossRequest).
 */
export const JournalBehindDetailsSchema = v.object({ ackedSeq: v.pipe(v.number(), v.safeInteger(), v.minValue(0)) });

/** POST /api/v1/sync/journal-lost: the device confirms its journal ends at `headSeq`, behind the server. */
export const JournalLossRequestSchema = v.strictObject({ headSeq: v.pipe(v.number(), v.safeInteger(), v.minValue(0)) });

/**
 * The answer to a confirmed loss: the device continues its chain from
 * `resumeSeq`/`resumeHash` and reads its slice afresh. `unaccounted` names the
 * events it said it had made but never sent: they are gone, and HQ has an
 * alarm naming them.
 */
export const JournalResumeSchema = v.object({
  resumeSeq: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  resumeHash: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  unaccounted: v.nullable(v.object({ fromSeq: v.number(), throughSeq: v.number(), oldestMadeAt: v.nullable(v.number()) })),
});
export type JournalResume = v.InferOutput<typeof JournalResumeSchema>;
