import { taskState, withTaskStep, type TaskAction, type TaskRecord, type TaskState } from '../domain/task.ts';
import type { ConflictRecord } from '../protocol/entities.ts';
import type { StoresideDb } from './db.ts';
import { appendStaffEvent, type DeviceEnv } from './journal.ts';

export type TaskView = { task: TaskRecord; state: TaskState; /** this device has steps on it the server has not acknowledged */ unsent: boolean };

/**
 * The store's tasks as this device's journal will make them: the server's
 * record with this device's unsent steps folded in by the same rule the server
 * uses, so a claim shows at once, offline too, and does not flicker when the
 * server's record arrives.
 */
export async function localTasks(db: StoresideDb): Promise<TaskView[]> {
  return db.transaction('r', [db.tasks, db.journal, db.meta], async () => {
    const acked = (await db.getMeta('ackedSeq')) ?? 0;
    const tasks = new Map((await db.tasks.toArray()).map((task) => [task.id, task]));
    const unsent = new Set<string>();
    await db.journal.where('seq').above(acked).each((event) => {
      if (event.type !== 'task.claimed' && event.type !== 'task.completed') return;
      const task = tasks.get(event.payload.taskId);
      if (!task) return;
      const step = { staffId: event.staffId, staffName: event.payload.staffName, deviceId: event.deviceId, hlc: event.hlc };
      tasks.set(task.id, withTaskStep(task, event.type === 'task.completed' ? { ...step, what: 'done', action: event.payload.action } : { ...step, what: 'claim' }));
      unsent.add(task.id);
    });
    return [...tasks.values()].map((task) => ({ task, state: taskState(task), unsent: unsent.has(task.id) }));
  });
}

export type TaskMove = { what: 'claim' } | { what: 'done'; action: TaskAction };

/** Claims or finishes a task for `staff`: a journal event, sent like a sale. */
export async function takeTaskStep(db: StoresideDb, env: DeviceEnv, staff: { id: string; name: string }, taskId: string, move: TaskMove): Promise<void> {
  const payload = { taskId, staffName: staff.name };
  await appendStaffEvent(db, env, staff, move.what === 'claim' ? { type: 'task.claimed', payload } : { type: 'task.completed', payload: { ...payload, action: move.action } });
}

export type ConflictView = { conflict: ConflictRecord; task: TaskView | undefined };

/** Conflicts the server settled in this store whose task is not done yet, newest first. */
export async function openConflicts(db: StoresideDb): Promise<ConflictView[]> {
  const tasks = new Map((await localTasks(db)).map((view) => [view.task.id, view]));
  return (await db.conflicts.toArray())
    .map((conflict) => ({ conflict, task: tasks.get(conflict.taskId) }))
    .filter(({ task }) => !task?.state.done)
    .sort((a, b) => b.conflict.detectedAt - a.conflict.detectedAt);
}
