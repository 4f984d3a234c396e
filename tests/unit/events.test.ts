import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import * as v from 'valibot';
import { createHash } from 'node:crypto';
import { nextEvent, appendToChain, eventHash, EventSchema, GENESIS_HASH, PAYLOAD_VERSION, type ChainHead, type NewEvent, type SaleEvent, type StoreEvent } from '../../src/domain/events.ts';
import { canonicalJson } from '../../src/domain/canonical-json.ts';
import { UUID_PATTERN, uuidv7 } from '../../src/domain/uuid7.ts';
import { sha256Hex } from '../../src/server/sha256.ts';
import { webSha256Hex } from '../../src/local/web-sha256.ts';
import type { SaleCompletedPayload, SaleLine } from '../../src/domain/sale.ts';

const SALE_AT = Date.UTC(2025, 5, 14, 10, 30, 0);
const GENESIS: ChainHead = { seq: 0, hash: GENESIS_HASH };

function bytes(seed: number): Uint8Array {
  return Uint8Array.from({ length: 10 }, (_, i) => (seed * 31 + i * 17) % 256);
}

/** A sale line without discounts: net is the line total, and the customer pays it plus tax. */
function saleLine(line: { sku: string; name: string; quantity: number; unitPrice: number; lineTotal: number; tax: number; taxCategory?: string }): SaleLine {
  return { taxCategory: 'standard', category: 'general', priceVersion: 1, discount: 0, net: line.lineTotal, paid: line.lineTotal + line.tax, taxParts: [line.tax], discounts: [], ...line };
}

function salePayload(overrides: Partial<SaleCompletedPayload> = {}): SaleCompletedPayload {
  return {
    saleId: uuidv7(SALE_AT, bytes(1)),
    receiptNumber: 'S01-T1-000042',
    currency: 'USD',
    lines: [
      saleLine({ sku: 'SODA-12PK', name: 'Cola 12 pack', quantity: 2, unitPrice: 599, lineTotal: 1198, tax: 99 }),
      saleLine({ sku: 'BANANA', name: 'Bananas', quantity: 1, unitPrice: 129, lineTotal: 129, tax: 11 }),
    ],
    discounts: [],
    subtotal: 1327,
    discountTotal: 0,
    tax: 110,
    total: 1437,
    taxIncluded: false,
    taxBreakdown: [{ jurisdiction: 'us-tx', label: 'Sales tax 8.25 %', rate: 82_500, base: 1327, tax: 110 }],
    pricing: { at: SALE_AT, promotionsRevision: 0, taxConfigVersion: 1, coupons: [], staffPurchase: false, taxExemption: null, manualDiscounts: [] },
    tenders: [{ kind: 'cash', amount: 1437, tendered: 2000, change: 563 }],
    cashRounding: 0,
    customer: null,
    receiptToken: '0123456789abcdef0123456789abcdef',
    overrides: [],
    completedAt: SALE_AT,
    ...overrides,
  };
}

function newSale(n: number, payload: SaleCompletedPayload = salePayload()): NewEvent {
  return {
    id: uuidv7(SALE_AT + n, bytes(n + 100)),
    deviceId: 'till-1',
    storeId: 'store-austin',
    staffId: 'staff-7',
    hlc: { wallMs: SALE_AT + n, counter: 0, node: 'till-1' },
    type: 'sale.completed',
    payload,
  };
}

const wellFormed = appendToChain(GENESIS, newSale(0), sha256Hex).event as SaleEvent;

/** Dotted paths of the issues valibot reports, e.g. ["payload.lines"]. */
function rejectedAt(input: unknown): string[] | null {
  const result = v.safeParse(EventSchema, input);
  if (result.success) return null;
  return result.issues.map((issue) => (issue.path ?? []).map((item) => String(item.key)).join('.'));
}

/** The same value with every object's keys in reverse insertion order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).reverse().map(([k, inner]) => [k, reverseKeys(inner)]));
  }
  return value;
}

describe('appendToChain', () => {
  it('starts a device journal at seq 1 pointing at the genesis hash', () => {
    const { event, head } = appendToChain(GENESIS, newSale(0), sha256Hex);
    expect(event.seq).toBe(1);
    expect(event.prev).toBe(GENESIS_HASH);
    expect(event.prev).toBe('0'.repeat(64));
    expect(event.v).toBe(PAYLOAD_VERSION);
    expect(event.hlc).toBe(`${String(SALE_AT).padStart(15, '0')}-000000-till-1`);
    expect(head).toEqual({ seq: 1, hash: eventHash(event, sha256Hex) });
  });

  it('links each event to the hash of the one before and counts seq up by one', () => {
    let head = GENESIS;
    const events: StoreEvent[] = [];
    for (let n = 0; n < 5; n++) {
      const appended = appendToChain(head, newSale(n), sha256Hex);
      events.push(appended.event);
      head = appended.head;
    }
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(events[0]!.prev).toBe(GENESIS_HASH);
    for (let i = 1; i < events.length; i++) expect(events[i]!.prev).toBe(eventHash(events[i - 1]!, sha256Hex));
    expect(head).toEqual({ seq: 5, hash: eventHash(events[4]!, sha256Hex) });
    expect(new Set(events.map((e) => eventHash(e, sha256Hex))).size).toBe(5);
  });

  it('leaves staffId out of the event when no one is signed in', () => {
    const { staffId: _dropped, ...anonymous } = newSale(0);
    const { event } = appendToChain(GENESIS, anonymous, sha256Hex);
    expect('staffId' in event).toBe(false);
    expect(rejectedAt(event)).toBeNull();
  });

  it('produces events the schema accepts', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), fc.stringMatching(/^[0-9a-f]{64}$/), (seq, hash) => {
        expect(rejectedAt(appendToChain({ seq, hash }, newSale(seq), sha256Hex).event)).toBeNull();
      }),
    );
  });
});

describe('eventHash', () => {
  it('is the SHA-256 of the canonical JSON, in lowercase hex', () => {
    const expected = createHash('sha256').update(canonicalJson(wellFormed), 'utf8').digest('hex');
    expect(eventHash(wellFormed, sha256Hex)).toBe(expected);
  });

  it('comes out the same on the device (WebCrypto) as on the server (node:crypto), names in any script included', async () => {
    const umlauts = salePayload({ lines: [saleLine({ sku: 'BROT', name: 'Müller Vollkornbrot – 500 g 🍞', quantity: 1, unitPrice: 249, taxCategory: 'reduced', lineTotal: 249, tax: 16 })] });
    for (const fields of [newSale(3), newSale(4, umlauts)]) {
      const event = nextEvent(GENESIS, fields);
      expect(await webSha256Hex(canonicalJson(event))).toBe(eventHash(event, sha256Hex));
    }
  });

  it('does not depend on the order of keys in the event or its payload', () => {
    const reordered = reverseKeys(wellFormed) as StoreEvent;
    expect(Object.keys(reordered)).not.toEqual(Object.keys(wellFormed));
    expect(eventHash(reordered, sha256Hex)).toBe(eventHash(wellFormed, sha256Hex));
  });

  const edits: Record<string, (e: SaleEvent) => void> = {
    'seq': (e) => (e.seq += 1),
    'prev': (e) => (e.prev = 'f'.repeat(64)),
    'hlc': (e) => (e.hlc = e.hlc.replace('-000000-', '-000001-')),
    'deviceId': (e) => (e.deviceId = 'till-2'),
    'payload.saleId': (e) => (e.payload.saleId = uuidv7(SALE_AT, bytes(2))),
    'payload.receiptNumber': (e) => (e.payload.receiptNumber += '1'),
    'payload.currency': (e) => (e.payload.currency = 'CAD'),
    'payload.lines[0].quantity': (e) => (e.payload.lines[0]!.quantity += 1),
    'payload.lines[0].unitPrice': (e) => (e.payload.lines[0]!.unitPrice += 1),
    'payload.lines[1].tax': (e) => (e.payload.lines[1]!.tax -= 1),
    'payload.lines[1].name': (e) => (e.payload.lines[1]!.name = 'Banana'),
    'payload.lines order': (e) => e.payload.lines.reverse(),
    'payload.subtotal': (e) => (e.payload.subtotal += 1),
    'payload.tax': (e) => (e.payload.tax += 1),
    'payload.total': (e) => (e.payload.total += 1),
    'payload.taxIncluded': (e) => (e.payload.taxIncluded = !e.payload.taxIncluded),
    'payload.pricing.taxConfigVersion': (e) => (e.v === 3 ? (e.payload.pricing.taxConfigVersion += 1) : undefined),
    'payload.tenders[0].amount': (e) => (e.payload.tenders[0]!.amount += 1),
    'payload.completedAt': (e) => (e.payload.completedAt += 1),
  };

  it.each(Object.keys(edits))('changes when %s changes', (field) => {
    const edited = structuredClone(wellFormed);
    edits[field]!(edited);
    expect(eventHash(edited, sha256Hex)).not.toBe(eventHash(wellFormed, sha256Hex));
  });

  it('changes when any money amount in the payload changes by any amount', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('subtotal', 'tax', 'total', 'completedAt') satisfies fc.Arbitrary<keyof SaleCompletedPayload>,
        fc.integer({ min: -1_000_000, max: 1_000_000 }).filter((d) => d !== 0),
        (field, delta) => {
          const edited = structuredClone(wellFormed);
          edited.payload[field] += delta;
          expect(eventHash(edited, sha256Hex)).not.toBe(eventHash(wellFormed, sha256Hex));
        },
      ),
    );
  });
});

describe('canonicalJson', () => {
  it('sorts keys, drops undefined members and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: { z: undefined, y: -2 } })).toBe('{"a":[true,null,"x"],"b":1,"c":{"y":-2}}');
  });

  it('writes −0 as 0, so an amount of −0 hashes like 0 (RFC 8785 §3.2.2.3)', () => {
    expect(canonicalJson({ tax: -0 })).toBe('{"tax":0}');
  });

  it('refuses values JSON cannot carry exactly', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson(Number.POSITIVE_INFINITY)).toThrow(TypeError);
    expect(() => canonicalJson(10n)).toThrow(TypeError);
  });

  it('reads back as the same value and ignores key order', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3, noUnicodeString: false }), (value) => {
        const text = canonicalJson(value);
        // JSON.parse(JSON.stringify(…)) only folds −0 into 0, which RFC 8785 also writes as "0".
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(reverseKeys(value))).toBe(text);
      }),
    );
  });
});

describe('EventSchema', () => {
  it('accepts a well-formed sale.completed event', () => {
    expect(rejectedAt(wellFormed)).toBeNull();
    expect(rejectedAt(structuredClone(wellFormed))).toBeNull();
  });

  it('rejects an event type it does not know', () => {
    expect(rejectedAt({ ...wellFormed, type: 'sale.teleported' })).toEqual(['type']);
  });

  it('rejects seq 0, because a journal starts at 1', () => {
    expect(rejectedAt({ ...wellFormed, seq: 0 })).toEqual(['seq']);
  });

  it('rejects money that is not a whole number of minor units', () => {
    expect(rejectedAt({ ...wellFormed, payload: { ...wellFormed.payload, total: 1.5 } })).toEqual(['payload.total']);
    const lines = [{ ...wellFormed.payload.lines[0]!, unitPrice: 1.5 }];
    expect(rejectedAt({ ...wellFormed, payload: { ...wellFormed.payload, lines } })).toEqual(['payload.lines.0.unitPrice']);
  });

  it('rejects a sale without lines', () => {
    expect(rejectedAt({ ...wellFormed, payload: { ...wellFormed.payload, lines: [] } })).toEqual(['payload.lines']);
  });

  it('rejects fields it does not know, on the envelope, the payload and a line', () => {
    expect(rejectedAt({ ...wellFormed, loyaltyPoints: 100 })).not.toBeNull();
    expect(rejectedAt({ ...wellFormed, payload: { ...wellFormed.payload, loyaltyPoints: 100 } })).not.toBeNull();
    const lines = [{ ...wellFormed.payload.lines[0]!, loyaltyPoints: 100 }];
    expect(rejectedAt({ ...wellFormed, payload: { ...wellFormed.payload, lines } })).not.toBeNull();
  });

  it('rejects a prev that is not a lowercase SHA-256 hex digest', () => {
    for (const prev of ['', 'abc', 'A'.repeat(64), 'a'.repeat(63), 'a'.repeat(65), 'g'.repeat(64)]) {
      expect(rejectedAt({ ...wellFormed, prev })).toEqual(['prev']);
    }
  });

  it('rejects a payload version newer than this code writes', () => {
    expect(rejectedAt({ ...wellFormed, v: PAYLOAD_VERSION + 1 })).toEqual(['v']);
  });
});

describe('uuidv7', () => {
  const time = fc.integer({ min: 0, max: 2 ** 48 - 1 });
  const random = fc.uint8Array({ minLength: 10, maxLength: 10 });

  it('writes the time in the first 48 bits, then version 7 and the RFC 9562 variant', () => {
    const id = uuidv7(0x0195_e1a2_7c4b, new Uint8Array(10).fill(0xff));
    expect(id).toBe('0195e1a2-7c4b-7fff-bfff-ffffffffffff');
  });

  it('always makes a valid version 7 UUID that carries its time', () => {
    fc.assert(
      fc.property(time, random, (ms, bytes) => {
        const id = uuidv7(ms, bytes);
        expect(id).toMatch(UUID_PATTERN);
        expect(id[14]).toBe('7');
        expect('89ab').toContain(id[19]);
        expect(Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16)).toBe(ms);
        expect(v.is(v.pipe(v.string(), v.uuid()), id)).toBe(true);
      }),
    );
  });

  it('sorts ids made later after ids made earlier, whatever the random bytes', () => {
    fc.assert(
      fc.property(time, time, random, random, (t1, t2, r1, r2) => {
        fc.pre(t1 !== t2);
        const [early, late] = t1 < t2 ? [uuidv7(t1, r1), uuidv7(t2, r2)] : [uuidv7(t2, r2), uuidv7(t1, r1)];
        expect(early < late).toBe(true);
      }),
    );
  });

  it('refuses fewer than 10 random bytes', () => {
    expect(() => uuidv7(SALE_AT, new Uint8Array(9))).toThrow(RangeError);
  });
});
