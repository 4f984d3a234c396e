import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { businessDay, calendarDayAt, isCalendarDay, isTimeZone } from '../../src/domain/business-day.ts';

const HOUR = 3_600_000;

describe('a store’s business day', () => {
  it('runs from midnight to midnight in the store’s time zone, not the server’s', () => {
    expect(businessDay('2030-07-15', 'America/Chicago')).toEqual({ start: Date.UTC(2030, 6, 15, 5), end: Date.UTC(2030, 6, 16, 5) });
    expect(businessDay('2030-07-15', 'Europe/Berlin')).toEqual({ start: Date.UTC(2030, 6, 14, 22), end: Date.UTC(2030, 6, 15, 22) });
    expect(businessDay('2026-06-01', 'Asia/Kolkata')).toEqual({ start: Date.UTC(2026, 4, 31, 18, 30), end: Date.UTC(2026, 5, 1, 18, 30) });
  });

  it('is 23 hours long where the clocks spring forward and 25 where they fall back', () => {
    const spring = businessDay('2026-03-08', 'America/Chicago');
    expect(spring).toEqual({ start: Date.UTC(2026, 2, 8, 6), end: Date.UTC(2026, 2, 9, 5) });
    const autumn = businessDay('2026-11-01', 'America/Chicago');
    expect((autumn.end - autumn.start) / HOUR).toBe(25);
    const berlin = businessDay('2026-03-29', 'Europe/Berlin');
    expect((berlin.end - berlin.start) / HOUR).toBe(23);
  });

  it('starts when the wall clock does where midnight itself was skipped', () => {
    // Chile sprang forward at midnight: 2022-09-11 began at 01:00 local, 04:00 UTC.
    expect(businessDay('2022-09-11', 'America/Santiago').start).toBe(Date.UTC(2022, 8, 11, 4));
  });

  it('holds every instant of the day and none of the next (property, several zones)', () => {
    const zones = ['America/Chicago', 'Europe/Berlin', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'UTC'];
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) }), fc.constantFrom(...zones), (at, zone) => {
        const day = calendarDayAt(at, zone);
        const { start, end } = businessDay(day, zone);
        expect(start <= at && at < end).toBe(true);
        expect(calendarDayAt(start, zone)).toBe(day);
        expect(calendarDayAt(start - 1, zone)).not.toBe(day);
        expect(calendarDayAt(end, zone)).not.toBe(day);
      }),
      { numRuns: 300 },
    );
  });

  it('is asked for only by real calendar days and known time zones', () => {
    expect(isCalendarDay('2026-02-28')).toBe(true);
    expect(isCalendarDay('2028-02-29')).toBe(true);
    for (const wrong of ['2026-02-29', '2026-13-01', '2026-1-1', '20260101', '2026-01-01T00:00', '']) expect(isCalendarDay(wrong), wrong).toBe(false);
    expect(() => businessDay('2026-02-30', 'UTC')).toThrow(/not a calendar day/);
    expect(isTimeZone('America/Chicago')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});
