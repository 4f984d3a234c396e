import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { taskState, withTaskStep, type TaskRecord, type TaskStep } from '../../src/domain/task.ts';

const task: TaskRecord = { id: 'task/1', kind: 'oversell', title: '1 × Oat milk', conflictId: 'oversell/1', actions: ['substitute', 'backorder', 'refund'], createdAt: 0, steps: [] };

const hlc = (wallMs: number, counter = 0, node = 'n') => `${String(wallMs).padStart(15, '0')}-${String(counter).padStart(6, '0')}-${node}`;
const claim = (staffId: string, deviceId: string, at: number): TaskStep => ({ what: 'claim', staffId, staffName: staffId.toUpperCase(), deviceId, hlc: hlc(at, 0, deviceId) });
const done = (staffId: string, deviceId: string, at: number, action: TaskStep['action'] = 'refund'): TaskStep => ({ ...claim(staffId, deviceId, at), what: 'done', action });
const fold = (steps: readonly TaskStep[]) => steps.reduce(withTaskStep, task);

describe('a store task', () => {
  it('goes to the first claim by HLC, and the later claimant is told', () => {
    const state = taskState(fold([claim('bo', 'till-2', 200), claim('ann', 'till-1', 100)]));
    expect(state.claim).toMatchObject({ staffId: 'ann' });
    expect(state.overruled).toEqual([expect.objectContaining({ staffId: 'bo', what: 'claim' })]);
    expect(state.done).toBeNull();
  });

  it('is claimed by finishing it, and the first completion stands', () => {
    const state = taskState(fold([done('bo', 'till-2', 300, 'refund'), done('ann', 'till-1', 250, 'substitute')]));
    expect(state.claim).toMatchObject({ staffId: 'ann' });
    expect(state.done).toMatchObject({ staffId: 'ann', action: 'substitute' });
    expect(state.overruled).toEqual([expect.objectContaining({ staffId: 'bo', what: 'done' })]);
  });

  it('is done only by whoever holds it: a completion by someone else after the claim is overruled', () => {
    const state = taskState(fold([claim('ann', 'till-1', 100), done('bo', 'till-2', 150, 'refund'), done('ann', 'till-1', 180, 'substitute')]));
    expect(state.claim).toMatchObject({ staffId: 'ann' });
    expect(state.done).toMatchObject({ staffId: 'ann', action: 'substitute' });
    expect(state.overruled).toEqual([expect.objectContaining({ staffId: 'bo', what: 'done' })]);
    // Until the holder finishes it, the task is not done, whatever someone else recorded.
    expect(taskState(fold([claim('ann', 'till-1', 100), done('bo', 'till-2', 150)])).done).toBeNull();
  });

  it('keeps a claimant’s own claim and completion together, overruling nobody', () => {
    const state = taskState(fold([claim('ann', 'till-1', 100), done('ann', 'till-1', 400)]));
    expect(state.claim).toMatchObject({ what: 'claim', staffId: 'ann' });
    expect(state.done).toMatchObject({ staffId: 'ann' });
    expect(state.overruled).toEqual([]);
  });

  it('ends in the same record in any arrival order, with resends changing nothing', () => {
    const step = fc
      .record({ what: fc.constantFrom('claim' as const, 'done' as const), staff: fc.constantFrom('ann', 'bo', 'cy'), device: fc.constantFrom('till-1', 'till-2'), at: fc.integer({ min: 0, max: 50 }) })
      .map(({ what, staff, device, at }) => (what === 'claim' ? claim(staff, device, at) : done(staff, device, at)));
    // A device never stamps two events with one HLC.
    const steps = fc.uniqueArray(step, { maxLength: 8, selector: (s) => `${s.deviceId} ${s.hlc}` });
    fc.assert(
      fc.property(steps.chain((steps) => fc.tuple(fc.constant(steps), fc.shuffledSubarray(steps, { minLength: steps.length }))), ([steps, shuffled]) => {
        const inOrder = fold(steps);
        const resent = fold([...shuffled, ...steps.slice(0, 2)]);
        expect(resent).toEqual(inOrder);
        expect(taskState(resent)).toEqual(taskState(inOrder));
      }),
      { numRuns: 300 },
    );
  });
});
