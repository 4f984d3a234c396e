import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { grantAllotments } from '../../src/server/conflicts/escrow.ts';
import type { Allotment, LedgerTx } from '../../src/server/ledger/ledger-tx.ts';

/**
 * The escrow rule against a store in memory: tills that sell only within their
 * allotments, and send their sales whenever the network lets them, can never
 * sell more of a scarce product than the store had.
 */

const SKU = 'SKU-1';

/** The slice of the ledger the rule reads and writes: one store, one scarce SKU. */
function storeInMemory(onHand: number, deviceIds: readonly string[]) {
  const state = { onHand, grants: new Map<string, Allotment>() };
  const tx = {
    scarceSkus: async () => [SKU],
    deviceCount: async () => deviceIds.length,
    onHand: async () => state.onHand,
    allotments: async () => [...state.grants.values()],
    saveAllotment: async (_store: string, _sku: string, allotment: Allotment) => void state.grants.set(allotment.deviceId, allotment),
  } as unknown as LedgerTx;
  return { state, tx };
}

type Till = { id: string; journal: number[]; acked: number };

const unitsLeft = (till: Till, grant: Allotment | undefined) => (grant ? grant.units - till.journal.slice(grant.asOfSeq).reduce((a, b) => a + b, 0) : 0);

describe('escrow allotments', () => {
  it('never let tills apart from each other sell more than the store had, whatever they sell and whenever they reach the server', async () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('sell' as const), till: fc.nat(3), units: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ kind: fc.constant('push' as const), till: fc.nat(3), events: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant('pull' as const), till: fc.nat(3) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 1, max: 4 }), fc.array(step, { maxLength: 60 }), async (stock, count, steps) => {
        const tills: Till[] = Array.from({ length: count }, (_, i) => ({ id: `till-${i}`, journal: [], acked: 0 }));
        const { state, tx } = storeInMemory(stock, tills.map((t) => t.id));
        for (const till of tills) await grantAllotments(tx, 'store', till.id, 0, new Map(), 0);
        for (const action of steps) {
          const till = tills[action.till % count]!;
          if (action.kind === 'sell') {
            // The checkout sells only what its allotment leaves.
            const units = Math.min(action.units, unitsLeft(till, state.grants.get(till.id)));
            if (units > 0) till.journal.push(units);
          } else if (action.kind === 'push') {
            const batch = till.journal.slice(till.acked, till.acked + action.events);
            if (batch.length === 0) continue;
            const sold = batch.reduce((a, b) => a + b, 0);
            state.onHand -= sold;
            till.acked += batch.length;
            await grantAllotments(tx, 'store', till.id, till.acked, new Map([[SKU, sold]]), 0);
          } else {
            await grantAllotments(tx, 'store', till.id, till.acked, new Map(), 0);
          }
          const soldEverywhere = tills.reduce((sum, t) => sum + t.journal.reduce((a, b) => a + b, 0), 0);
          expect(soldEverywhere).toBeLessThanOrEqual(stock);
          expect([...state.grants.values()].reduce((sum, g) => sum + g.units, 0)).toBeLessThanOrEqual(Math.max(0, state.onHand));
          // No grant is less than its till may already have sold beyond it, sent or not.
          for (const t of tills) expect(unitsLeft(t, state.grants.get(t.id))).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 500 },
    );
  });
});
