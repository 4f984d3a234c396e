import * as v from 'valibot';

/**
 * Store tasks: work the server hands to a store's associates (an oversold sale
 * to substitute, backorder or refund; a coupon discount given twice to write
 * off or collect). Associates claim and finish them from any
 * device, offline too, as journal events. Two claims made apart are settled by
 * DESIGN.md's rule: the first by HLC wins, and the other claimant is told. The
 * same fold runs on the server (the record of truth) and on the device (what
 * its own unsent events will make of the record), so both show the same.
 */
export const TASK_ACTIONS = ['substitute', 'backorder', 'refund', 'write_off', 'collect'] as const;
export type TaskAction = (typeof TASK_ACTIONS)[number];
/** A task's title is at most this long; whoever writes one shortens it to fit. */
export const TASK_TITLE_MAX = 300;

const id = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
const staffName = v.pipe(v.string(), v.minLength(1), v.maxLength(100));
const hlc = v.string();

/** A claim, or a completion (which also claims), by one associate on one device at one HLC. */
const TaskStepSchema = v.object({
  what: v.picklist(['claim', 'done']),
  staffId: id,
  staffName,
  deviceId: id,
  hlc,
  action: v.optional(v.picklist(TASK_ACTIONS)),
});

export const TaskRecordSchema = v.object({
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  kind: v.picklist(['oversell', 'coupon_reused', 'return_duplicate']),
  /** what happened, in words an associate acts on */
  title: v.pipe(v.string(), v.maxLength(TASK_TITLE_MAX)),
  /** the conflict that left this task, if one did */
  conflictId: v.nullable(v.pipe(v.string(), v.maxLength(200))),
  actions: v.array(v.picklist(TASK_ACTIONS)),
  createdAt: v.pipe(v.number(), v.safeInteger()),
  /** every claim and completion received, in HLC order; who holds the task follows from them (taskState) */
  steps: v.array(TaskStepSchema),
});

export type TaskRecord = v.InferOutput<typeof TaskRecordSchema>;
export type TaskStep = v.InferOutput<typeof TaskStepSchema>;

export const TaskClaimedPayloadSchema = v.strictObject({ taskId: v.pipe(v.string(), v.minLength(1), v.maxLength(200)), staffName });
export const TaskCompletedPayloadSchema = v.strictObject({ ...TaskClaimedPayloadSchema.entries, action: v.picklist(TASK_ACTIONS) });
export type TaskClaimedPayload = v.InferOutput<typeof TaskClaimedPayloadSchema>;
export type TaskCompletedPayload = v.InferOutput<typeof TaskCompletedPayloadSchema>;

/**
 * The task with one more step. The record is the set of its steps, kept in
 * HLC order, so any arrival order gives the same record on every device and
 * on the server; a step seen before changes nothing.
 */
export function withTaskStep(task: TaskRecord, step: TaskStep): TaskRecord {
  if (task.steps.some((known) => sameStep(known, step))) return task;
  return { ...task, steps: [...task.steps, step].sort(byHlc) };
}

export type TaskState = {
  /** the first claim by HLC (finishing a task claims it too) */
  claim: TaskStep | null;
  /** the first completion by HLC */
  done: TaskStep | null;
  /** claims and completions that came second: their makers are told */
  overruled: TaskStep[];
};

/**
 * Who holds the task and whether it is done, by DESIGN.md's rule: the first
 * claim by HLC wins (finishing a task claims it too). The task is done by the
 * first completion of whoever holds it; a completion by anyone else is
 * overruled, as is every later claim of someone else.
 */
export function taskState(task: TaskRecord): TaskState {
  const claim = task.steps[0] ?? null;
  const done = task.steps.find((step) => step.what === 'done' && sameHand(step, claim)) ?? null;
  const overruled = task.steps.filter((step) => step !== claim && step !== done && (step.what === 'done' || !sameHand(step, claim)));
  return { claim, done, overruled };
}

function byHlc(a: TaskStep, b: TaskStep): number {
  if (a.hlc !== b.hlc) return a.hlc < b.hlc ? -1 : 1;
  if (a.deviceId !== b.deviceId) return a.deviceId < b.deviceId ? -1 : 1;
  return a.what === b.what ? 0 : a.what === 'claim' ? -1 : 1;
}

const sameHand = (a: TaskStep, b: TaskStep | null) => b !== null && a.staffId === b.staffId && a.deviceId === b.deviceId;
const sameStep = (a: TaskStep, b: TaskStep) => a.hlc === b.hlc && a.deviceId === b.deviceId && a.what === b.what;
