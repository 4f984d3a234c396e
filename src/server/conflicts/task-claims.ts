import type { StoreEvent } from '../../domain/events.ts';
import { withTaskStep, type TaskStep } from '../../domain/task.ts';
import type { LedgerTx } from '../ledger/ledger-tx.ts';

export const TASK_CLAIM_RULE = 'the first claim by the tills’ hybrid logical clocks wins; a later claimant is told who has the task';

type TaskEvent = Extract<StoreEvent, { type: 'task.claimed' | 'task.completed' }>;

/**
 * Tasks (DESIGN.md "Conflicts"): a claim or completion made on any device,
 * offline too, is added to the task's steps; who holds it follows from them by
 * HLC (domain/task.ts), whatever order the devices' pushes arrive in. The
 * updated task syncs back to every device of the store. Returns why the event
 * cannot apply, or null.
 */
export async function applyTaskEvent(tx: LedgerTx, event: TaskEvent): Promise<string | null> {
  const task = await tx.sliceRecord(event.storeId, 'task', event.payload.taskId);
  if (!task) return `store ${event.storeId} has no task ${event.payload.taskId}`;
  if (event.type === 'task.completed' && !task.actions.includes(event.payload.action)) {
    return `task ${task.id} cannot be finished by ${event.payload.action}; it offers ${task.actions.join(', ')}`;
  }
  const step: TaskStep = {
    what: event.type === 'task.claimed' ? 'claim' : 'done',
    staffId: event.staffId,
    staffName: event.payload.staffName,
    deviceId: event.deviceId,
    hlc: event.hlc,
    ...(event.type === 'task.completed' ? { action: event.payload.action } : {}),
  };
  await tx.saveSliceRecord(event.storeId, 'task', task.id, withTaskStep(task, step));
  return null;
}
