import * as v from 'valibot';
import { canonicalJson } from './canonical-json.ts';
import { formatHlc, type Hlc } from './hlc.ts';
import { SaleCompletedPayloadSchema, SaleCompletedPayloadV1Schema, SaleCompletedPayloadV2Schema, type SaleCompletedPayload } from './sale.ts';
import { CartParkedPayloadSchema, CartResumedPayloadSchema, type CartParkedPayload, type CartResumedPayload } from './parked-cart.ts';
import {
  TillCashMovedPayloadSchema,
  TillClosedPayloadSchema,
  TillOpenedPayloadSchema,
  type TillCashMovedPayload,
  type TillClosedPayload,
  type TillOpenedPayload,
} from './till-session.ts';
import { CustomerCreatedPayloadSchema, type CustomerCreatedPayload } from './customer.ts';
import { RefundCompletedPayloadSchema, type RefundCompletedPayload } from './sale-return.ts';
import { SaleVoidedPayloadSchema, type SaleVoidedPayload } from './sale-void.ts';
import { TaskClaimedPayloadSchema, TaskCompletedPayloadSchema, type TaskClaimedPayload, type TaskCompletedPayload } from './task.ts';

/**
 * The journal: every business action is one immutable event (DESIGN.md "The event
 * journal"). Each event names the hash of its device's previous event, so a
 * device's journal is a tamper-evident chain starting from GENESIS_HASH.
 */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The payload version this code writes, per event type. The server also accepts v - 1 (DESIGN.md).
 *   sale.completed 1 — walking skeleton: a sale's lines, tax and cash.
 *                  2 — pricing engine: discount lines, per-line net/paid/tax parts, the pricing record.
 *                  3 — complete checkout: split tender, cash rounding, customer, serials and notes,
 *                      the receipt link token, overrides. (v1 is still read too: it costs nothing.)
 *   task.claimed, task.completed 1 — store tasks (task.ts).
 *   cart.parked, cart.resumed 1 — parked carts (parked-cart.ts).
 *   till.opened, till.cash_moved, till.closed 1 — till sessions and the cash drawer (till-session.ts).
 *   customer.created 1 — a customer made at the till, offline too (customer.ts).
 *   refund.completed 1 — a return, with or without a receipt (sale-return.ts).
 *   sale.voided 1 — a manager's post-void of a completed sale (sale-void.ts).
 */
export const PAYLOAD_VERSION = 3;
const PAYLOAD_VERSIONS = {
  'sale.completed': PAYLOAD_VERSION,
  'task.claimed': 1,
  'task.completed': 1,
  'cart.parked': 1,
  'cart.resumed': 1,
  'till.opened': 1,
  'till.cash_moved': 1,
  'till.closed': 1,
  'customer.created': 1,
  'refund.completed': 1,
  'sale.voided': 1,
} as const;

const envelopeFields = {
  id: v.pipe(v.string(), v.uuid('id must be a UUID')),
  deviceId: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  seq: v.pipe(v.number(), v.safeInteger(), v.minValue(1, 'seq starts at 1')),
  storeId: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  staffId: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(64))),
  hlc: v.pipe(v.string(), v.regex(/^\d{15}-\d{6}-.{1,64}$/, 'hlc must be a hybrid logical clock timestamp')),
  prev: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'prev must be a SHA-256 hex digest')),
};

export const EventSchema = v.variant('type', [
  v.variant('v', [
    v.strictObject({ ...envelopeFields, type: v.literal('sale.completed'), v: v.literal(3), payload: SaleCompletedPayloadSchema }),
    v.strictObject({ ...envelopeFields, type: v.literal('sale.completed'), v: v.literal(2), payload: SaleCompletedPayloadV2Schema }),
    v.strictObject({ ...envelopeFields, type: v.literal('sale.completed'), v: v.literal(1), payload: SaleCompletedPayloadV1Schema }),
  ]),
  // A task step names who took it: the staff id is required.
  v.strictObject({ ...envelopeFields, staffId: envelopeFields.staffId.wrapped, type: v.literal('task.claimed'), v: v.literal(1), payload: TaskClaimedPayloadSchema }),
  v.strictObject({ ...envelopeFields, staffId: envelopeFields.staffId.wrapped, type: v.literal('task.completed'), v: v.literal(1), payload: TaskCompletedPayloadSchema }),
  v.strictObject({ ...envelopeFields, staffId: envelopeFields.staffId.wrapped, type: v.literal('cart.parked'), v: v.literal(1), payload: CartParkedPayloadSchema }),
  v.strictObject({ ...envelopeFields, staffId: envelopeFields.staffId.wrapped, type: v.literal('cart.resumed'), v: v.literal(1), payload: CartResumedPayloadSchema }),
  v.strictObject({ ...envelopeFields, staffId: envelopeFields.staffId.wrapped, type: v.literal('till.opened'), v: v.literal(1), payload: TillOpenedPayloadSchema }),
  v.strictObject({ ...envelopeFields, staffId: envelopeFields.staffId.wrapped, type: v.literal('till.cash_moved'), v: v.literal(1), payload: TillCashMovedPayloadSchema }),
  v.strictObject({ ...envelopeFields, staffId: envelopeFields.staffId.wrapped, type: v.literal('till.closed'), v: v.literal(1), payload: TillClosedPayloadSchema }),
  v.strictObject({ ...envelopeFields, staffId: envelopeFields.staffId.wrapped, type: v.literal('customer.created'), v: v.literal(1), payload: CustomerCreatedPayloadSchema }),
  // Money going back names the associate who gave it (and the payload the manager who approved, where one had to).
  v.strictObject({ ...envelopeFields, staffId: envelopeFields.staffId.wrapped, type: v.literal('refund.completed'), v: v.literal(1), payload: RefundCompletedPayloadSchema }),
  v.strictObject({ ...envelopeFields, staffId: envelopeFields.staffId.wrapped, type: v.literal('sale.voided'), v: v.literal(1), payload: SaleVoidedPayloadSchema }),
]);

export type StoreEvent = v.InferOutput<typeof EventSchema>;
export type EventType = StoreEvent['type'];
export type PayloadOf<T extends EventType> = Extract<StoreEvent, { type: T }>['payload'];

/**
 * SHA-256 of a text as lowercase hex. Passed in, so the domain does no IO: the
 * server uses node:crypto; the device hashes `canonicalJson(event)` with
 * WebCrypto, whose digest is asynchronous.
 */
export type TextDigest = (text: string) => string;

export function eventHash(event: StoreEvent, digest: TextDigest): string {
  return canonicalEvent(event, digest).hash;
}

/** The event's canonical JSON text and its hash: the server stores the text it hashed. */
export function canonicalEvent(event: StoreEvent, digest: TextDigest): { text: string; hash: string } {
  const text = canonicalJson(event);
  return { text, hash: digest(text) };
}

export type ChainHead = { seq: number; hash: string };

export type NewEvent = {
  id: string;
  deviceId: string;
  storeId: string;
  staffId?: string;
  hlc: Hlc;
} & (
  | { type: 'sale.completed'; payload: SaleCompletedPayload }
  | { type: 'task.claimed'; payload: TaskClaimedPayload }
  | { type: 'task.completed'; payload: TaskCompletedPayload }
  | { type: 'cart.parked'; payload: CartParkedPayload }
  | { type: 'cart.resumed'; payload: CartResumedPayload }
  | { type: 'till.opened'; payload: TillOpenedPayload }
  | { type: 'till.cash_moved'; payload: TillCashMovedPayload }
  | { type: 'till.closed'; payload: TillClosedPayload }
  | { type: 'customer.created'; payload: CustomerCreatedPayload }
  | { type: 'refund.completed'; payload: RefundCompletedPayload }
  | { type: 'sale.voided'; payload: SaleVoidedPayload }
);

export type SaleEvent = Extract<StoreEvent, { type: 'sale.completed' }>;
export const isSaleEvent = (event: StoreEvent): event is SaleEvent => event.type === 'sale.completed';

/** The next event of a device's chain: seq after the head's, linked to the head's hash. */
export function nextEvent(head: ChainHead, fields: NewEvent): StoreEvent {
  return {
    id: fields.id,
    deviceId: fields.deviceId,
    seq: head.seq + 1,
    storeId: fields.storeId,
    ...(fields.staffId === undefined ? {} : { staffId: fields.staffId }),
    type: fields.type,
    hlc: formatHlc(fields.hlc),
    v: PAYLOAD_VERSIONS[fields.type],
    prev: head.hash,
    payload: fields.payload,
  } as StoreEvent;
}

/** The next event of a device's chain, and the new head it makes. */
export function appendToChain(head: ChainHead, fields: NewEvent, digest: TextDigest): { event: StoreEvent; head: ChainHead } {
  const event = nextEvent(head, fields);
  return { event, head: { seq: event.seq, hash: eventHash(event, digest) } };
}
