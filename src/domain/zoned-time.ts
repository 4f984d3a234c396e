/**
 * Times as the store keeps them: in the store's IANA time zone, whatever zone
 * the device (or the server) is set to. A receipt, a return's sale time and
 * a day searched for are the store's, so a tablet set to UTC in Austin still
 * says 9:00 for a sale rung up at 9:00.
 */

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** How far the zone's wall clock is ahead of UTC at `instant`, in ms (negative west of Greenwich). */
export function zoneOffsetMs(instant: number, timeZone: string): number {
  let formatter = offsetFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    offsetFormatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(instant);
  const value = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(value('year'), value('month') - 1, value('day'), value('hour'), value('minute'), value('second'));
  return wall - (instant - (((instant % 1000) + 1000) % 1000));
}

/** The instant the wall-clock time `wallMs` (a UTC-based count of the local date and time) happens in `timeZone`. */
function instantOfWall(wallMs: number, timeZone: string): number {
  // The offset at the guess is right unless a change of offset (daylight saving) lies between the two: check once more.
  const first = wallMs - zoneOffsetMs(wallMs, timeZone);
  const second = wallMs - zoneOffsetMs(first, timeZone);
  return second;
}

/** `YYYY-MM-DD` as the store's day: from its first instant to the next day's, in ms. Null when it is not a date. */
export function zonedDayBounds(day: string, timeZone: string): { from: number; to: number } | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return null;
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const start = Date.UTC(year, month - 1, date);
  const check = new Date(start);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== date) return null;
  return { from: instantOfWall(start, timeZone), to: instantOfWall(Date.UTC(year, month - 1, date + 1), timeZone) };
}

/** The store's calendar day of `instant`, as `YYYY-MM-DD`. */
export function zonedDay(instant: number, timeZone: string): string {
  const wall = new Date(instant + zoneOffsetMs(instant, timeZone));
  return wall.toISOString().slice(0, 10);
}
