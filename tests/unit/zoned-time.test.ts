import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { zonedDay, zonedDayBounds } from '../../src/domain/zoned-time.ts';

const ZONES = ['America/Chicago', 'Europe/Berlin', 'Europe/London', 'Asia/Kolkata', 'Pacific/Auckland', 'UTC'];

describe("the store's day", () => {
  it('begins at local midnight, whatever zone the device is in: 2026-03-08 in Austin is 23 hours long (clocks go forward)', () => {
    expect(zonedDayBounds('2026-03-08', 'America/Chicago')).toEqual({ from: Date.UTC(2026, 2, 8, 6), to: Date.UTC(2026, 2, 9, 5) });
    expect(zonedDayBounds('2026-10-25', 'Europe/Berlin')).toEqual({ from: Date.UTC(2026, 9, 24, 22), to: Date.UTC(2026, 9, 25, 23) });
  });

  it('refuses what is not a calendar date', () => {
    expect(zonedDayBounds('2026-02-30', 'UTC')).toBeNull();
    expect(zonedDayBounds('2026-2-3', 'UTC')).toBeNull();
  });

  it('holds exactly the instants the store calls that day', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }), fc.constantFrom(...ZONES), (instant, zone) => {
        const day = zonedDay(instant, zone);
        const bounds = zonedDayBounds(day, zone)!;
        expect(instant).toBeGreaterThanOrEqual(bounds.from);
        expect(instant).toBeLessThan(bounds.to);
        expect(zonedDay(bounds.from, zone)).toBe(day);
        expect(zonedDay(bounds.to - 1, zone)).toBe(day);
      }),
    );
  });
});
