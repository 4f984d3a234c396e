import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../../../src/server/sha256.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPromotionBook, priceSale } from '../../../src/domain/pricing/index.ts';
import { cartLineFor, type CartLine } from '../../../src/domain/cart-line.ts';
import { cashTender, type TenderRecord } from '../../../src/domain/tender.ts';
import { appendToChain, GENESIS_HASH, type ChainHead, type NewEvent, type StoreEvent } from '../../../src/domain/events.ts';
import { hlcTick, type Hlc } from '../../../src/domain/hlc.ts';
import { completedSalePayload, formatReceiptNumber, type SaleCompletedPayload } from '../../../src/domain/sale.ts';
import { uuidv7 } from '../../../src/domain/uuid7.ts';
import type { TaskAction } from '../../../src/domain/task.ts';
import type { ProductRecord, StaffRecord, StockRecord, StoreRecord } from '../../../src/protocol/entities.ts';
import type { Change, PullResponse, PushResponse, SnapshotPage } from '../../../src/protocol/messages.ts';
import { PROTOCOL_VERSION } from '../../../src/protocol/version.ts';
import { seededRandom } from '../../../src/server/demo/demo-retailer.ts';
import type { DemoCredentials } from '../../../src/server/demo/seed-demo.ts';

/**
 * A device as the server sees it: enrolled with a one-time code, reading its
 * store's slice, and pushing a gapless, hash-chained journal of sales built the
 * way `src/local/commit-sale.ts` builds them on the till.
 */

export const PROTOCOL_HEADERS = { 'x-storeside-protocol': String(PROTOCOL_VERSION) } as const;

export type ApiAnswer<T = unknown> = { status: number; body: T; contentType: string };

export type ErrorAnswer = { error: { code: string; message: string; details?: Record<string, unknown> } };

/** One HTTP request with whatever headers and body the test chooses; the answer parsed as JSON. */
export async function apiRequest<T = unknown>(
  baseUrl: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | ReadableStream<Uint8Array> } = {},
): Promise<ApiAnswer<T>> {
  const streamed = init.body !== undefined && typeof init.body !== 'string';
  const response = await fetch(`${baseUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: init.headers ?? {},
    ...(init.body === undefined ? {} : { body: init.body }),
    ...(streamed ? { duplex: 'half' } : {}),
  } as RequestInit);
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  let body: unknown = text;
  if (contentType.startsWith('application/json')) body = JSON.parse(text);
  return { status: response.status, body: body as T, contentType };
}

export function readCredentials(dataDir: string): DemoCredentials {
  return JSON.parse(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8')) as DemoCredentials;
}

/** Codes handed out in this test process, per data dir: a code enrolls one device only. */
const spentCodes = new Set<string>();

/**
 * An unused enrollment code of the demo retailer: of `storeId` when given
 * (otherwise of whichever store still has one), for a tablet unless `role`
 * asks for a kiosk. Never a kiosk's in a tablet's place: the server holds a
 * kiosk to what a customer's screen may do.
 */
export function takeEnrollmentCode(dataDir: string, options: { storeId?: string; role?: 'tablet' | 'kiosk' } = {}): { code: string; storeId: string } {
  const credentials = readCredentials(dataDir);
  const stores = options.storeId ? credentials.stores.filter((s) => s.id === options.storeId) : credentials.stores;
  if (stores.length === 0) throw new Error(`no demo store ${options.storeId} in ${dataDir}`);
  const role = options.role ?? 'tablet';
  for (const store of stores) {
    const code = store.enrollmentCodes[role].find((candidate) => !spentCodes.has(`${dataDir}\n${candidate}`));
    if (!code) continue;
    spentCodes.add(`${dataDir}\n${code}`);
    return { code, storeId: store.id };
  }
  throw new Error(`every ${role} enrollment code of ${options.storeId ?? 'the demo retailer'} is spent`);
}

export type StoreSliceSnapshot = {
  cursor: number;
  store: StoreRecord;
  products: ProductRecord[];
  staff: StaffRecord[];
  stock: StockRecord[];
};

export class DeviceClient {
  constructor(
    readonly url: string,
    readonly deviceId: string,
    readonly storeId: string,
    readonly token: string,
  ) {}

  /** The same device talking to a server at another address (a restarted server gets a new port). */
  at(url: string): DeviceClient {
    return new DeviceClient(url, this.deviceId, this.storeId, this.token);
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...PROTOCOL_HEADERS, authorization: `Bearer ${this.token}`, ...extra };
  }

  /** POST /api/v1/sync/push with this device's token; `deviceId` defaults to this device. */
  push(events: readonly StoreEvent[], deviceId: string = this.deviceId): Promise<ApiAnswer<PushResponse | ErrorAnswer>> {
    return this.postJson('/api/v1/sync/push', { deviceId, events });
  }

  postJson<T = unknown>(path: string, body: unknown): Promise<ApiAnswer<T>> {
    return apiRequest<T>(this.url, path, { method: 'POST', headers: this.headers({ 'content-type': 'application/json' }), body: JSON.stringify(body) });
  }

  get<T = unknown>(path: string): Promise<ApiAnswer<T>> {
    return apiRequest<T>(this.url, path, { headers: this.headers() });
  }

  /** Every change since `cursor`, page after page until the server has no more, as a device pulls them. */
  async pullAll(cursor = 0, pageSize = 5000): Promise<Change[]> {
    const changes: Change[] = [];
    for (;;) {
      const answer = await this.get<PullResponse>(`/api/v1/sync/pull?cursor=${cursor}&limit=${pageSize}`);
      if (answer.status !== 200) throw new Error(`pull answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      changes.push(...answer.body.changes);
      cursor = answer.body.cursor;
      if (!answer.body.hasMore) return changes;
    }
  }

  /** The records of `entity` this device holds after pulling everything, by key: a record deleted since is gone. */
  async pulledRecords<T>(entity: Change['entity']): Promise<Map<string, T>> {
    const records = new Map<string, T>();
    for (const change of await this.pullAll()) {
      if (change.entity !== entity) continue;
      if (change.op === 'put') records.set(change.key, change.value as T);
      else records.delete(change.key);
    }
    return records;
  }

  /** Every page of GET /api/v1/sync/snapshot, as the store's records. */
  async readSnapshot(pageSize = 5000): Promise<StoreSliceSnapshot> {
    const slice: Omit<StoreSliceSnapshot, 'store'> & { store: StoreRecord | null } = { cursor: 0, store: null, products: [], staff: [], stock: [] };
    let after: string | null = null;
    let first = true;
    do {
      const query: string = `limit=${pageSize}${after === null ? '' : `&after=${encodeURIComponent(after)}`}`;
      const answer: ApiAnswer<SnapshotPage> = await this.get<SnapshotPage>(`/api/v1/sync/snapshot?${query}`);
      if (answer.status !== 200) throw new Error(`snapshot answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      if (first) slice.cursor = answer.body.cursor;
      first = false;
      for (const group of answer.body.groups) {
        if (group.entity === 'store') slice.store = group.rows[0] as StoreRecord;
        else if (group.entity === 'product') slice.products.push(...(group.rows as ProductRecord[]));
        else if (group.entity === 'staff') slice.staff.push(...(group.rows as StaffRecord[]));
        else if (group.entity === 'stock') slice.stock.push(...(group.rows as StockRecord[]));
      }
      after = answer.body.next;
    } while (after !== null);
    if (!slice.store) throw new Error(`the snapshot of ${this.storeId} has no store record`);
    return { ...slice, store: slice.store };
  }
}

/** POST /api/v1/devices/enroll with an unused demo code; throws unless the server enrolls the device. */
export async function enrollDevice(server: { url: string; dataDir: string }, options: { storeId?: string; role?: 'tablet' | 'kiosk' } = {}): Promise<DeviceClient> {
  const { code } = takeEnrollmentCode(server.dataDir, options);
  const answer = await apiRequest<{ deviceId: string; storeId: string; role: string; token: string }>(server.url, '/api/v1/devices/enroll', {
    method: 'POST',
    headers: { ...PROTOCOL_HEADERS, 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  if (answer.status !== 201) throw new Error(`enrollment answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return new DeviceClient(server.url, answer.body.deviceId, answer.body.storeId, answer.body.token);
}


export type SaleOptions = {
  /** Cart lines; random products from the snapshot when absent. */
  lines?: CartLine[];
  /** Changes the payload after pricing (to state wrong totals, reuse a sale id, …); the event is hashed after. */
  tamper?: (payload: SaleCompletedPayload) => SaleCompletedPayload;
  /** The `prev` hash to claim instead of the chain's real head. */
  prev?: string;
  /** The event id instead of a fresh UUIDv7. */
  id?: string;
  /** The device's wall clock when the sale completes. It never runs backwards: a time before the chain's clock (which starts at its creation) is lifted to it. */
  at?: number;
  /**
   * How the customer pays other than in cash, given the sale's total: these tenders, then cash, in
   * round notes, for whatever they leave. All in cash when absent.
   */
  paidWith?: (total: number) => TenderRecord[];
  /** The customer the sale is for. */
  customer?: SaleCompletedPayload['customer'];
};

/** The type and payload of an event, for each type. */
type EventBody<E = NewEvent> = E extends { type: infer T; payload: infer P } ? { type: T; payload: P } : never;

/**
 * A device's journal of `sale.completed` events (and any other event): seq from
 * 1 without gaps, each naming the hash of the one before, HLCs ticking forward,
 * totals from the same `priceSale` the till uses (no promotions), paid in cash
 * handed over in round notes unless `paidWith` says otherwise.
 */
export class SaleChain {
  readonly events: StoreEvent[] = [];
  private head: ChainHead = { seq: 0, hash: GENESIS_HASH };
  private hlc: Hlc;
  private receiptCounter = 0;
  private clock: number;
  private readonly random: () => number;

  constructor(
    readonly device: { deviceId: string; storeId: string },
    readonly slice: Pick<StoreSliceSnapshot, 'store' | 'products' | 'staff'>,
    readonly seed = 1,
  ) {
    this.random = seededRandom(seed);
    this.clock = Date.now();
    this.hlc = { wallMs: 0, counter: 0, node: device.deviceId };
  }

  get lastSeq(): number {
    return this.head.seq;
  }

  /** An independent copy at the same head: a second history for the same device. */
  fork(seed = this.seed + 1000): SaleChain {
    const copy = new SaleChain(this.device, this.slice, seed);
    copy.events.push(...this.events);
    copy.head = { ...this.head };
    copy.hlc = { ...this.hlc };
    copy.receiptCounter = this.receiptCounter;
    copy.clock = this.clock;
    return copy;
  }

  /** Random cart lines: 1–3 distinct products, 1–3 units each. */
  randomLines(): CartLine[] {
    const count = 1 + Math.floor(this.random() * 3);
    const chosen = new Map<string, CartLine>();
    while (chosen.size < count) {
      const product = this.slice.products[Math.floor(this.random() * this.slice.products.length)]!;
      chosen.set(product.sku, cartLineFor(product, 1 + Math.floor(this.random() * 3)));
    }
    return [...chosen.values()];
  }

  /** The next sale of this device, appended to the chain. */
  next(options: SaleOptions = {}): StoreEvent {
    const { store } = this.slice;
    const now = this.tick(options.at);
    this.receiptCounter += 1;
    const totals = priceSale(options.lines ?? this.randomLines(), createPromotionBook([], store.id), store.taxConfig, { at: now });
    const tenders = options.paidWith?.(totals.total) ?? [];
    const rest = totals.total - tenders.reduce((sum, tender) => sum + tender.amount, 0);
    if (rest > 0) {
      // Customers hand over round notes: the next multiple of 500 minor units at or above what is left.
      const cash = cashTender(rest, Math.ceil(rest / 500) * 500);
      if ('error' in cash) throw new Error(cash.error);
      tenders.push(cash);
    }
    let payload: SaleCompletedPayload = completedSalePayload({
      saleId: uuidv7(now, randomBytes(10)),
      receiptNumber: formatReceiptNumber(store.receiptPrefix, this.device.deviceId, this.receiptCounter),
      currency: store.currency,
      totals,
      pricing: { at: now, staffPurchase: false, manualDiscounts: [] },
      tenders,
      cashRounding: 0,
      customer: options.customer ?? null,
      receiptToken: Array.from(randomBytes(16), (byte) => byte.toString(16).padStart(2, '0')).join(''),
      overrides: [],
      completedAt: now,
    });
    if (options.tamper) payload = options.tamper(payload);
    const staff = this.slice.staff[this.receiptCounter % Math.max(1, this.slice.staff.length)];
    const { event, head } = appendToChain(options.prev === undefined ? this.head : { seq: this.head.seq, hash: options.prev }, {
      id: options.id ?? uuidv7(now, randomBytes(10)),
      deviceId: this.device.deviceId,
      storeId: this.device.storeId,
      ...(staff ? { staffId: staff.id } : {}),
      hlc: this.hlc,
      type: 'sale.completed',
      payload,
    }, sha256Hex);
    this.head = head;
    this.events.push(event);
    return event;
  }

  /** The next event of this device: a claim or completion of a store task by one of the store's staff. */
  taskStep(taskId: string, move: { what: 'claim' } | { what: 'done'; action: TaskAction }, options: { at?: number; staffIndex?: number } = {}): StoreEvent {
    const staffName = this.slice.staff[options.staffIndex ?? 0]!.name;
    return move.what === 'claim'
      ? this.append({ type: 'task.claimed', payload: { taskId, staffName } }, options)
      : this.append({ type: 'task.completed', payload: { taskId, staffName, action: move.action } }, options);
  }

  /** The next event of this device, of any type but a sale, made by one of the store's staff. */
  append(body: Exclude<EventBody, { type: 'sale.completed' }>, options: { at?: number; staffIndex?: number } = {}): StoreEvent {
    const now = this.tick(options.at);
    const staff = this.slice.staff[options.staffIndex ?? 0]!;
    const { event, head } = appendToChain(
      this.head,
      { id: uuidv7(now, randomBytes(10)), deviceId: this.device.deviceId, storeId: this.device.storeId, staffId: staff.id, hlc: this.hlc, ...body } as NewEvent,
      sha256Hex,
    );
    this.head = head;
    this.events.push(event);
    return event;
  }

  /** Moves this device's clock on (to `at`, or a few seconds) and its HLC with it. */
  private tick(at?: number): number {
    this.clock = Math.max(this.clock + 1, at ?? this.clock + 1 + Math.floor(this.random() * 5000));
    this.hlc = hlcTick(this.hlc, this.clock);
    return this.clock;
  }

  /** The next `count` sales. */
  take(count: number): StoreEvent[] {
    return Array.from({ length: count }, () => this.next());
  }
}


export const salePayload = (event: StoreEvent): SaleCompletedPayload => {
  if (event.type !== 'sale.completed' || event.v !== 3) throw new Error(`event ${event.id} carries a version ${event.v} payload; these tests build version 3`);
  return event.payload;
};

/** Units sold per SKU across a list of sale events. */
export function unitsSoldBySku(events: readonly StoreEvent[]): Map<string, number> {
  const sold = new Map<string, number>();
  for (const event of events) {
    for (const line of salePayload(event).lines) sold.set(line.sku, (sold.get(line.sku) ?? 0) + line.quantity);
  }
  return sold;
}

/**
 * Pushes `events` (a device's whole journal, seq 1..N in order) from `fromSeq` in
 * batches, the way a device drains its outbox: a 409 seq_gap rewinds to the
 * server's expected seq, `duplicate` counts as success, and the server's
 * ackedThroughSeq says where to continue. With `everyBatch`, every batch from
 * `fromSeq` on is sent even when the server has acknowledged past it (a device
 * that lost its acks and replays its whole journal).
 */
export async function pushJournal(
  client: DeviceClient,
  events: readonly StoreEvent[],
  options: { fromSeq?: number; batchSize?: number; everyBatch?: boolean } = {},
): Promise<{ statuses: Map<number, string>; gaps: number }> {
  const batchSize = options.batchSize ?? 500;
  const statuses = new Map<number, string>();
  let gaps = 0;
  let nextSeq = options.fromSeq ?? 1;
  const lastSeq = events.at(-1)?.seq ?? 0;
  while (nextSeq <= lastSeq) {
    const batch = events.slice(nextSeq - 1, nextSeq - 1 + batchSize);
    const answer = await client.push(batch);
    if (answer.status === 409 && 'error' in answer.body && answer.body.error.code === 'seq_gap') {
      gaps += 1;
      if (gaps > 10) throw new Error('the server keeps answering seq_gap');
      nextSeq = Number(answer.body.error.details?.expectedSeq);
      continue;
    }
    if (answer.status !== 200 || !('results' in answer.body)) throw new Error(`push answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    for (const result of answer.body.results) statuses.set(result.seq, result.status);
    nextSeq = options.everyBatch ? batch.at(-1)!.seq + 1 : answer.body.ackedThroughSeq + 1;
  }
  return { statuses, gaps };
}
