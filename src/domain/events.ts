import * as v from 'valibot';
import { canonicalJson } from './canonical-json.ts';
import { formatHlc, type Hlc } from './hlc.ts';
import { SaleCompletedPayloadSchema, SaleCompletedPayloadV1Schema, SaleCompletedPayloadV2Schema } from './sale.ts';
import { CartParkedPayloadSchema, CartResumedPayloadSchema } from './parked-cart.ts';
import { TillCashMovedPayloadSchema, TillClosedPayloadSchema, TillOpenedPayloadSchema } from './till-session.ts';
import { CustomerCreatedPayloadSchema } from './customer.ts';
import { RefundCompletedPayloadSchema } from './sale-return.ts';
import { SaleVoidedPayloadSchema } from './sale-void.ts';
import { TaskClaimedPayloadSchema, TaskCompletedPayloadSchema } from './task.ts';
import { PaymentReleasedPayloadSchema } from './payment-release.ts';

/**
 * The journal: every business action is one immutable event (DESIGN.md "The event
 * journal"). Each event names the hash of its device's previous event, so a
 * device's journal is a tamper-evident chain starting from GENESIS_HASH.
 */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Every event type, declared once: the payload version this code writes, the
 * payload schema of each version it reads (older ones, for devices still in the
 * field: DESIGN.md "Sync protocol"), and whether the event must name its staff
 * member. EventSchema, StoreEvent, NewEvent and PayloadOf derive from it.
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
 *   payment.released 1 — a card charge a manager took off a sale when the terminal could not
 *                  reverse it (payment-release.ts; protocol 5).
 * Every type but sale.completed must name who did it: a task step who took it,
 * money going back the associate who gave it (and its payload the manager who
 * approved, where one had to).
 */
export const EVENT_TYPES = {
  'sale.completed': { writes: 3, payloads: { 3: SaleCompletedPayloadSchema, 2: SaleCompletedPayloadV2Schema, 1: SaleCompletedPayloadV1Schema }, staffRequired: false },
  'task.claimed': { writes: 1, payloads: { 1: TaskClaimedPayloadSchema }, staffRequired: true },
  'task.completed': { writes: 1, payloads: { 1: TaskCompletedPayloadSchema }, staffRequired: true },
  'cart.parked': { writes: 1, payloads: { 1: CartParkedPayloadSchema }, staffRequired: true },
  'cart.resumed': { writes: 1, payloads: { 1: CartResumedPayloadSchema }, staffRequired: true },
  'till.opened': { writes: 1, payloads: { 1: TillOpenedPayloadSchema }, staffRequired: true },
  'till.cash_moved': { writes: 1, payloads: { 1: TillCashMovedPayloadSchema }, staffRequired: true },
  'till.closed': { writes: 1, payloads: { 1: TillClosedPayloadSchema }, staffRequired: true },
  'customer.created': { writes: 1, payloads: { 1: CustomerCreatedPayloadSchema }, staffRequired: true },
  'refund.completed': { writes: 1, payloads: { 1: RefundCompletedPayloadSchema }, staffRequired: true },
  'sale.voided': { writes: 1, payloads: { 1: SaleVoidedPayloadSchema }, staffRequired: true },
  'payment.released': { writes: 1, payloads: { 1: PaymentReleasedPayloadSchema }, staffRequired: true },
} as const satisfies Record<string, EventTypeDefinition>;

type EventTypeDefinition = {
  /** the payload version this code writes: one of `payloads` */
  writes: number;
  /** the payload schema of each version read */
  payloads: Readonly<Record<number, v.GenericSchema>>;
  staffRequired: boolean;
};

type EventTypes = typeof EVENT_TYPES;
export type EventType = keyof EventTypes;
export const EVENT_TYPE_NAMES = Object.keys(EVENT_TYPES) as EventType[];

/** The version this code writes of `sale.completed`. */
export const PAYLOAD_VERSION = EVENT_TYPES['sale.completed'].writes;

const envelopeFields = {
  id: v.pipe(v.string(), v.uuid('id must be a UUID')),
  deviceId: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  seq: v.pipe(v.number(), v.safeInteger(), v.minValue(1, 'seq starts at 1')),
  storeId: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  staffId: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(64))),
  hlc: v.pipe(v.string(), v.regex(/^\d{15}-\d{6}-.{1,64}$/, 'hlc must be a hybrid logical clock timestamp')),
  prev: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'prev must be a SHA-256 hex digest')),
};
/** The envelope's fields but `staffId`, which is optional or required by type. */
type Envelope = { [F in Exclude<keyof typeof envelopeFields, 'staffId'>]: v.InferOutput<(typeof envelopeFields)[F]> };

type PayloadVersions<T extends EventType> = EventTypes[T]['payloads'];
type PayloadAt<T extends EventType, N> = N extends keyof PayloadVersions<T> ? (PayloadVersions<T>[N] extends v.GenericSchema ? v.InferOutput<PayloadVersions<T>[N]> : never) : never;
type StaffField<T extends EventType> = EventTypes[T]['staffRequired'] extends true ? { staffId: string } : { staffId?: string | undefined };
type EventAt<T extends EventType, N extends keyof PayloadVersions<T>> = Envelope & StaffField<T> & { type: T; v: N; payload: PayloadAt<T, N> };

/** An event of one type, at any version read. */
export type EventOf<T extends EventType> = { [N in keyof PayloadVersions<T>]: EventAt<T, N> }[keyof PayloadVersions<T>];
export type StoreEvent = { [T in EventType]: EventOf<T> }[EventType];
export type PayloadOf<T extends EventType> = EventOf<T>['payload'];

/**
 * One schema per type: a strict object per payload version, newest first (so a
 * wrong version is told the newest as the first expected), under a variant on
 * `v` where there are several. Built from EVENT_TYPES in a loop, which valibot
 * cannot type; its output is StoreEvent, derived from the same map.
 */
function eventTypeSchema(type: EventType) {
  const { payloads, staffRequired } = EVENT_TYPES[type];
  const staffId = staffRequired ? envelopeFields.staffId.wrapped : envelopeFields.staffId;
  const versions = Object.entries(payloads)
    .map(([version, payload]) => ({ version: Number(version), payload }))
    .sort((a, b) => b.version - a.version)
    .map(({ version, payload }) => v.strictObject({ ...envelopeFields, staffId, type: v.literal(type), v: v.literal(version), payload }));
  return versions.length === 1 ? versions[0]! : v.variant('v', versions);
}

const eventSchema: v.GenericSchema = v.variant('type', EVENT_TYPE_NAMES.map(eventTypeSchema));
export const EventSchema = eventSchema as v.GenericSchema<unknown, StoreEvent>;

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
} & { [T in EventType]: { type: T; payload: PayloadAt<T, EventTypes[T]['writes']> } }[EventType];

export type SaleEvent = EventOf<'sale.completed'>;
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
    v: EVENT_TYPES[fields.type].writes,
    prev: head.hash,
    payload: fields.payload,
  } as StoreEvent;
}

/** The next event of a device's chain, and the new head it makes. */
export function appendToChain(head: ChainHead, fields: NewEvent, digest: TextDigest): { event: StoreEvent; head: ChainHead } {
  const event = nextEvent(head, fields);
  return { event, head: { seq: event.seq, hash: eventHash(event, digest) } };
}
