import fc from 'fast-check';
import * as v from 'valibot';
import 'fake-indexeddb/auto';
import { typedText } from '../../src/domain/typed-text.ts';
import { TillCashMovedPayloadSchema } from '../../src/domain/till-session.ts';
import { StoresideDb } from '../../src/local/db.ts';
import { parkCart } from '../../src/local/parked-carts.ts';
import { moveCash, openTill } from '../../src/local/till-session.ts';
import { describe, expect, it } from 'vitest';
import { cardNumbersIn, luhnValid } from '../../src/domain/card-number.ts';
import { cardNumbersInValue } from '../support/card-numbers.ts';

/** A Luhn-valid number: `body` with its check digit. */
function withCheckDigit(body: string): string {
  for (let check = 0; check <= 9; check++) if (luhnValid(body + check)) return body + check;
  throw new Error('unreachable: one check digit always fits');
}

describe('the card-number scan the payment-rule tests use', () => {
  it('finds test card numbers of every major scheme, bare or grouped as printed', () => {
    for (const pan of ['4111111111111111', '5555555555554444', '378282246310005', '6011111111111117', '3530111333300000', '2223003122003222', '4222222222222']) {
      expect(cardNumbersIn(`paid with ${pan} today`)).toEqual([pan]);
    }
    expect(cardNumbersIn('card 4111 1111 1111 1111 exp')).toEqual(['4111 1111 1111 1111']);
    expect(cardNumbersIn('4111-1111-1111-1111')).toEqual(['4111-1111-1111-1111']);
    expect(cardNumbersInValue({ tenders: [{ ref: 'x', note: 'pan=5555555555554444' }] })).toEqual([{ path: '$.tenders[0].note', found: '5555555555554444' }]);
  });

  it('ignores runs that fail Luhn, are too short or long, or start like no card scheme: clocks, ids, receipt numbers', () => {
    expect(cardNumbersIn('4111111111111112')).toEqual([]);
    expect(cardNumbersIn('411111111111')).toEqual([]);
    expect(cardNumbersIn('41111111111111111111')).toEqual([]);
    expect(cardNumbersIn('AUS-8F3A-000042')).toEqual([]);
    // An event id whose digits run across its dashes into a Luhn-valid 2-series Mastercard number
    // (seen in a whole-shift run), bare and inside an event's JSON: an id, not a card.
    expect(cardNumbersIn('abc23685-9268-7015-a1b2-c3d4e5f6a7b8')).toEqual(['23685-9268-7015']);
    expect(cardNumbersInValue({ id: 'abc23685-9268-7015-a1b2-c3d4e5f6a7b8', body: '{"id":"abc23685-9268-7015-a1b2-c3d4e5f6a7b8"}' })).toEqual([]);
    fc.assert(
      fc.property(fc.integer({ min: 1_600_000_000_000, max: 1_999_999_999_999 }), fc.integer({ min: 0, max: 999_999 }), (wallMs, counter) => {
        // A completedAt, and an HLC with its 15-digit wall clock.
        expect(cardNumbersInValue({ completedAt: wallMs, hlc: `${String(wallMs).padStart(15, '0')}-${String(counter).padStart(6, '0')}-till-1` })).toEqual([]);
      }),
    );
  });

  it('does not take an id the device generated for a card number, alone or inside an HLC, but does the same digits typed into a note', () => {
    // A UUIDv7 seen in a whole-shift run: its digit groups "23634-5639-7363" pass the scheme and Luhn checks.
    const id = 'a9f23634-5639-7363-a1b2-0c3d4e5f6a7b';
    expect(cardNumbersIn(id)).toEqual(['23634-5639-7363']);
    expect(cardNumbersInValue({ id, hlc: `001795000000000-000000-${id}` })).toEqual([]);
    expect(cardNumbersInValue({ note: 'ref 23634-5639-7363' })).toEqual([{ path: '$.note', found: '23634-5639-7363' }]);
  });

  it('does not take a hash or token the system made for a card number, but does the same digits typed into a note', () => {
    // A staff member's PBKDF2 hash in a whole-shift run held "65578831598021", which passes the scheme and Luhn checks.
    const pinHash = `9c${'65578831598021'}e${'ab'.repeat(23)}c`;
    expect(pinHash).toMatch(/^[0-9a-f]{64}$/);
    expect(cardNumbersIn(pinHash)).toEqual(['65578831598021']);
    expect(cardNumbersInValue({ staff: [{ pinHash, pinSalt: pinHash.slice(0, 32) }], receiptToken: pinHash.slice(0, 32) })).toEqual([]);
    expect(cardNumbersInValue({ note: 'ref 65578831598021' })).toEqual([{ path: '$.note', found: '65578831598021' }]);
  });

  it('finds any Luhn-valid Visa-like run of 13 to 19 digits inside other text', () => {
    fc.assert(
      fc.property(fc.integer({ min: 12, max: 18 }), fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), (length, before, after) => {
        const pan = withCheckDigit('4' + '7'.repeat(length - 1));
        fc.pre(!/\d$/.test(before) && !/^\d/.test(after) && !/[ -]$/.test(before) && !/^[ -]/.test(after));
        expect(cardNumbersIn(before + pan + after)).toContain(pan);
      }),
    );
  });
});

describe('text typed at the till that the journal keeps', () => {
  const note = typedText('the note', 200);
  const problems = (text: string) => v.safeParse(note, text).issues?.map((issue) => issue.message) ?? [];

  it('refuses a card number in a note, a reason or a label, grouped however it was typed', () => {
    for (const text of ['customer card 4111111111111111', 'pan 4111 1111 1111 1111', 'ref 5555-5555-5555-4444', 'x 4111.1111.1111.1111']) {
      expect(problems(text), text).toEqual(["the note could hold a card number; record the terminal's reference, never the card's number"]);
    }
  });

  it('keeps what associates write: sizes, phone numbers, order numbers, a barcode', () => {
    for (const text of ['gift wrap, size 42', 'call 512 555 0101', 'order AUS-8F3A-000042', 'back in 2 weeks', 'order 1234567890123', 'swapped for 4006381333931']) expect(problems(text), text).toEqual([]);
  });

  it('is checked where it is typed for fields the journal already held before (the server still reads them as they were)', async () => {
    const db = new StoresideDb('typed-text-at-the-till');
    await db.setMeta('enrollment', { deviceId: 'till-1', storeId: 'store-1', role: 'tablet', token: 't' });
    const env = { now: () => 1_800_000_000_000, randomBytes: (n: number) => new Uint8Array(n).fill(3) };
    const staff = { id: 'staff-1', name: 'Ana' };
    expect(await openTill(db, env, staff, 'USD', { 2000: 1 })).toBeNull();
    expect(await moveCash(db, env, staff, { kind: 'paid_out', amount: 100, reason: 'refund to 4111 1111 1111 1111' })).toEqual({ problem: { code: 'typed_text', text: "The reason could hold a card number; record the terminal's reference, never the card's number" } });
    await expect(parkCart(db, env, staff, { label: '5555555555554444', lines: [], coupons: [], staffPurchase: false, taxExemptCertificate: null, managerDiscounts: [] })).rejects.toThrow(/The label could hold a card number/);
    expect(await db.journal.count()).toBe(1);
    // What an older till sent with such text is still read by the server: its push is not refused whole.
    expect(v.safeParse(TillCashMovedPayloadSchema, { sessionId: '0190f3e2-0000-7000-8000-000000000001', staffName: 'Ana', kind: 'paid_out', amount: 100, reason: 'order 4111111111111111' }).success).toBe(true);
  });
});
