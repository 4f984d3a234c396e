/**
 * Hybrid logical clock (Kulkarni et al., "Logical Physical Clocks", 2014).
 * Timestamps order events causally even when device clocks are skewed: the wall
 * part never goes backwards, and the counter breaks ties within one millisecond.
 * The string form sorts lexicographically in timestamp order, then by node.
 * Pure: the caller passes the current wall-clock reading.
 */
export type Hlc = { wallMs: number; counter: number; node: string };

const WALL_DIGITS = 15;
const COUNTER_DIGITS = 6;

export function formatHlc(hlc: Hlc): string {
  return `${String(hlc.wallMs).padStart(WALL_DIGITS, '0')}-${String(hlc.counter).padStart(COUNTER_DIGITS, '0')}-${hlc.node}`;
}

export function parseHlc(text: string): Hlc | null {
  const match = /^(\d{15})-(\d{6})-(.+)$/.exec(text);
  if (!match) return null;
  return { wallMs: Number(match[1]), counter: Number(match[2]), node: match[3]! };
}

/** The timestamp for a local event at wall-clock time `nowMs`. */
export function hlcTick(last: Hlc, nowMs: number): Hlc {
  if (nowMs > last.wallMs) return { wallMs: nowMs, counter: 0, node: last.node };
  return { wallMs: last.wallMs, counter: last.counter + 1, node: last.node };
}

/** Merges a timestamp seen from elsewhere so later local events sort after it. */
export function hlcReceive(last: Hlc, remote: Hlc, nowMs: number): Hlc {
  const wallMs = Math.max(last.wallMs, remote.wallMs, nowMs);
  let counter = 0;
  if (wallMs === last.wallMs && wallMs === remote.wallMs) counter = Math.max(last.counter, remote.counter) + 1;
  else if (wallMs === last.wallMs) counter = last.counter + 1;
  else if (wallMs === remote.wallMs) counter = remote.counter + 1;
  return { wallMs, counter, node: last.node };
}

export function compareHlc(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
