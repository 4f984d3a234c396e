import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { EVENT_TYPE_NAMES, EVENT_TYPES, EventSchema, GENESIS_HASH } from '../../src/domain/events.ts';

/**
 * EventSchema is built from the map of event types (src/domain/events.ts
 * EVENT_TYPES): each type reads exactly the payload versions it declares, and
 * names its staff member where it must.
 */
const envelope = {
  id: '0195e1a2-7c4b-7fff-bfff-ffffffffffff',
  deviceId: 'till-1',
  seq: 1,
  storeId: 'store-1',
  staffId: 'staff-1',
  hlc: '001800000000000-000000-till-1',
  prev: GENESIS_HASH,
};

/** Dotted paths of what EventSchema refuses in `input`. */
function refusedAt(input: unknown): string[] {
  const result = v.safeParse(EventSchema, input);
  return result.success ? [] : result.issues.map((issue) => v.getDotPath(issue) ?? '');
}

const versionsRead = (type: keyof typeof EVENT_TYPES) => Object.keys(EVENT_TYPES[type].payloads).map(Number);

describe('the map of event types', () => {
  it('writes, for every type, a payload version it reads', () => {
    for (const type of EVENT_TYPE_NAMES) expect(versionsRead(type), type).toContain(EVENT_TYPES[type].writes);
  });

  it('reads every version a type declares, and goes on to check its payload', () => {
    for (const type of EVENT_TYPE_NAMES) {
      for (const version of versionsRead(type)) {
        const refused = refusedAt({ ...envelope, type, v: version, payload: {} });
        expect(refused.length, `${type} v${version}`).toBeGreaterThan(0);
        for (const path of refused) expect(path, `${type} v${version}`).toMatch(/^payload\b/);
      }
    }
  });

  it('refuses a version a type does not declare', () => {
    for (const type of EVENT_TYPE_NAMES) {
      const newest = Math.max(...versionsRead(type));
      expect(refusedAt({ ...envelope, type, v: newest + 1, payload: {} }), type).toContain('v');
      expect(refusedAt({ ...envelope, type, v: 0, payload: {} }), type).toContain('v');
    }
  });

  it('requires the staff member on the types that must name one, and only there', () => {
    for (const type of EVENT_TYPE_NAMES) {
      const { staffId: _staffId, ...withoutStaff } = envelope;
      const refused = refusedAt({ ...withoutStaff, type, v: EVENT_TYPES[type].writes, payload: {} });
      expect(refused.includes('staffId'), type).toBe(EVENT_TYPES[type].staffRequired);
    }
  });
});
