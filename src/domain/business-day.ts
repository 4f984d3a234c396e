/**
 * A store's business day: the calendar day in the store's own time zone
 * (`store.timezone`, an IANA name), as the instants it runs between. A day is
 * 23 or 25 hours long where the clocks change. Pure: the time zone rules come
 * from Intl, the instants are passed in.
 */

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const HOUR_MS = 3_600_000;

/** Whether `day` is a real date written YYYY-MM-DD (no 2026-02-30). */
export function isCalendarDay(day: string): boolean {
  const match = DAY_PATTERN.exec(day);
  if (!match) return false;
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const utc = new Date(Date.UTC(year, month - 1, date));
  return utc.getUTCFullYear() === year && utc.getUTCMonth() === month - 1 && utc.getUTCDate() === date;
}

/** Whether Intl knows `timeZone` (a store record's is checked before a day is computed in it). */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    // RangeError is how Intl says it does not know the zone: that is the answer, not a failure.
    return false;
  }
}

/** One formatter per zone: making one costs far more than using it. Pure all the same: a cache of Intl's rules. */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock reading in `timeZone` at `ms`, as if it were UTC: its difference from `ms` is the zone's offset then. */
function wallClockAsUtc(ms: number, timeZone: string): number {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(ms)
      .map((part) => [part.type, part.value]),
  );
  return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second)) + (ms % 1000 + 1000) % 1000;
}

/**
 * The first instant of a calendar day (YYYY-MM-DD) in `timeZone`: midnight
 * there, or where midnight does not exist (a zone that springs forward at
 * 00:00) the first moment after it.
 */
function startOfDay(day: string, timeZone: string): number {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const midnightAsUtc = Date.UTC(year, month - 1, date);
  // The offset at a guess, then at the instant that guess gives: two steps settle it across a change of offset.
  let instant = midnightAsUtc - (wallClockAsUtc(midnightAsUtc, timeZone) - midnightAsUtc);
  instant = midnightAsUtc - (wallClockAsUtc(instant, timeZone) - instant);
  // Midnight skipped by a change of clocks: the day starts when its wall clock does.
  while (wallClockAsUtc(instant, timeZone) < midnightAsUtc) instant += HOUR_MS;
  while (wallClockAsUtc(instant - HOUR_MS, timeZone) >= midnightAsUtc) instant -= HOUR_MS;
  return instant;
}

/** The day's span in the store's time zone: `start` ≤ t < `end`, in ms since the epoch. */
export function businessDay(day: string, timeZone: string): { start: number; end: number } {
  if (!isCalendarDay(day)) throw new Error(`${day} is not a calendar day (YYYY-MM-DD)`);
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(year, month - 1, date + 1)).toISOString().slice(0, 10);
  return { start: startOfDay(day, timeZone), end: startOfDay(next, timeZone) };
}

/** The calendar day (YYYY-MM-DD) it is in `timeZone` at `ms`. */
export function calendarDayAt(ms: number, timeZone: string): string {
  return new Date(wallClockAsUtc(ms, timeZone)).toISOString().slice(0, 10);
}
