import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { compareHlc, formatHlc, hlcReceive, hlcTick, parseHlc, type Hlc } from '../../src/domain/hlc.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const START_MS = Date.UTC(2025, 2, 30, 1, 59, 59); // a fixed reading; the domain never reads the clock itself

/** How the till's wall clock moves between two events: steady, stalled, or corrected backwards. */
const clockStep = fc.oneof(
  fc.integer({ min: 1, max: 5_000 }),
  fc.constant(0),
  fc.integer({ min: -5_000, max: -1 }),
  fc.constant(-DAY_MS),
  fc.integer({ min: -2 * DAY_MS, max: 2 * DAY_MS }),
);

const nodeId = fc.string({ minLength: 1, maxLength: 64 });

const hlcArb: fc.Arbitrary<Hlc> = fc.record({
  wallMs: fc.integer({ min: START_MS - 3 * DAY_MS, max: START_MS + 3 * DAY_MS }),
  counter: fc.nat({ max: 1_000 }),
  node: nodeId,
});

describe('hlcTick', () => {
  it('starts a new millisecond at counter 0 and counts up within a millisecond', () => {
    const first = hlcTick({ wallMs: 0, counter: 0, node: 'till-1' }, START_MS);
    expect(first).toEqual({ wallMs: START_MS, counter: 0, node: 'till-1' });
    expect(hlcTick(first, START_MS)).toEqual({ wallMs: START_MS, counter: 1, node: 'till-1' });
  });

  it('keeps the wall part when the clock is set back a day, and counts on', () => {
    const before = { wallMs: START_MS, counter: 4, node: 'till-1' };
    expect(hlcTick(before, START_MS - DAY_MS)).toEqual({ wallMs: START_MS, counter: 5, node: 'till-1' });
  });

  it('gives formatted timestamps that sort in tick order whatever the wall clock does', () => {
    fc.assert(
      fc.property(nodeId, fc.array(clockStep, { minLength: 1, maxLength: 200 }), (node, steps) => {
        let now = START_MS;
        let last: Hlc = { wallMs: 0, counter: 0, node };
        const stamps: string[] = [];
        for (const step of steps) {
          now += step;
          last = hlcTick(last, now);
          expect(last.wallMs).toBeGreaterThanOrEqual(now);
          stamps.push(formatHlc(last));
        }
        for (let i = 1; i < stamps.length; i++) expect(stamps[i - 1]! < stamps[i]!).toBe(true);
        // the same order through compareHlc and a plain sort of the strings
        expect([...stamps].reverse().sort(compareHlc)).toEqual(stamps);
        expect([...stamps].reverse().sort()).toEqual(stamps);
      }),
    );
  });
});

describe('hlcReceive', () => {
  it('moves past a remote timestamp that is ahead of the local clock', () => {
    const local = { wallMs: START_MS, counter: 2, node: 'till-1' };
    const remote = { wallMs: START_MS + 60_000, counter: 7, node: 'till-2' };
    expect(hlcReceive(local, remote, START_MS + 1)).toEqual({ wallMs: START_MS + 60_000, counter: 8, node: 'till-1' });
  });

  it('counts on from the larger counter when both timestamps share a millisecond', () => {
    const local = { wallMs: START_MS, counter: 2, node: 'till-1' };
    const remote = { wallMs: START_MS, counter: 7, node: 'till-2' };
    expect(hlcReceive(local, remote, START_MS - 5)).toEqual({ wallMs: START_MS, counter: 8, node: 'till-1' });
    expect(hlcReceive(remote, local, START_MS - 5)).toEqual({ wallMs: START_MS, counter: 8, node: 'till-2' });
  });

  it('takes the wall clock with counter 0 when it is ahead of both', () => {
    const local = { wallMs: START_MS, counter: 2, node: 'till-1' };
    const remote = { wallMs: START_MS + 10, counter: 7, node: 'till-2' };
    expect(hlcReceive(local, remote, START_MS + 11)).toEqual({ wallMs: START_MS + 11, counter: 0, node: 'till-1' });
  });

  it('gives a timestamp later than both the local and the remote one, and keeps the local node', () => {
    fc.assert(
      fc.property(hlcArb, hlcArb, fc.boolean(), fc.integer({ min: START_MS - 4 * DAY_MS, max: START_MS + 4 * DAY_MS }), (local, other, sameMs, now) => {
        // often in the same millisecond as the local clock, where only the counters decide
        const remote = sameMs ? { ...other, wallMs: local.wallMs } : other;
        const merged = hlcReceive(local, remote, now);
        expect(merged.node).toBe(local.node);
        expect(merged.wallMs).toBeGreaterThanOrEqual(now);
        expect(formatHlc(merged) > formatHlc(local)).toBe(true);
        expect(formatHlc(merged) > formatHlc(remote)).toBe(true);
      }),
    );
  });

  it('makes the next local tick sort after the received timestamp, even on a slow clock', () => {
    fc.assert(
      fc.property(hlcArb, hlcArb, fc.integer({ min: -DAY_MS, max: 0 }), (local, remote, lag) => {
        const merged = hlcReceive(local, remote, remote.wallMs + lag);
        const next = hlcTick(merged, remote.wallMs + lag);
        expect(formatHlc(next) > formatHlc(remote)).toBe(true);
      }),
    );
  });
});

describe('formatHlc and parseHlc', () => {
  it('writes a fixed-width wall and counter so the string sorts like the timestamp', () => {
    expect(formatHlc({ wallMs: 1_743_299_999_000, counter: 12, node: 'till-1' })).toBe('001743299999000-000012-till-1');
  });

  it('round-trip any timestamp', () => {
    fc.assert(
      fc.property(
        fc.record({ wallMs: fc.integer({ min: 0, max: 999_999_999_999_999 }), counter: fc.nat({ max: 999_999 }), node: nodeId }),
        (hlc) => {
          expect(parseHlc(formatHlc(hlc))).toEqual(hlc);
        },
      ),
    );
  });

  it('keeps dashes inside the node id', () => {
    const hlc = { wallMs: START_MS, counter: 3, node: '0195e1a2-7c4b-7000-8000-000000000001' };
    expect(parseHlc(formatHlc(hlc))).toEqual(hlc);
  });

  it('returns null for text that is not a timestamp', () => {
    expect(parseHlc('')).toBeNull();
    expect(parseHlc('1743299999000-000012-till-1')).toBeNull(); // wall not 15 digits
    expect(parseHlc('001743299999000-12-till-1')).toBeNull(); // counter not 6 digits
    expect(parseHlc('001743299999000-000012-')).toBeNull(); // no node
  });
});
