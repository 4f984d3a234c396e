import { liveQuery } from 'dexie';
import { useEffect, useState } from 'preact/hooks';
import type { TaskAction } from '../../domain/task.ts';
import type { StoresideDb } from '../../local/db.ts';
import { browserEnv } from '../../local/journal.ts';
import { localTasks, takeTaskStep, type TaskMove, type TaskView } from '../../local/store-tasks.ts';
import { exceptionText } from '../words/failure-text.ts';

export const ACTION_DONE_LABELS: Record<TaskAction, string> = {
  substitute: 'Substitute given',
  backorder: 'Backordered',
  refund: 'Refunded',
  write_off: 'Written off',
  collect: 'Collected from the customer',
};
const ACTION_TODO_LABELS: Record<TaskAction, string> = {
  substitute: 'offer a substitute',
  backorder: 'backorder',
  refund: 'refund',
  write_off: 'write it off',
  collect: 'collect it from the customer',
};

type Props = { db: StoresideDb; staff: { id: string; name: string }; onStepTaken: () => void; onClose: () => void };

/** The store's tasks: claim one, then say how it was done. Works offline; claims are settled by the server's rule. */
export function TasksPanel({ db, staff, onStepTaken, onClose }: Props) {
  const [views, setViews] = useState<TaskView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const subscription = liveQuery(() => localTasks(db)).subscribe({
      next: (all) => setViews(all.sort((a, b) => b.task.createdAt - a.task.createdAt)),
      error: () => setViews([]),
    });
    return () => subscription.unsubscribe();
  }, [db]);

  const take = async (taskId: string, move: TaskMove) => {
    setError(null);
    try {
      await takeTaskStep(db, browserEnv, staff, taskId, move);
      onStepTaken();
    } catch (failure) {
      setError(exceptionText(failure, 'That was not saved'));
    }
  };
  const open = views?.filter((view) => !view.state.done) ?? [];
  const done = views?.filter((view) => view.state.done).slice(0, 10) ?? [];
  return (
    <div class="overlay">
      <section class="receipt tasks" role="dialog" aria-labelledby="tasks-title">
        <h2 id="tasks-title">Store tasks</h2>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {views === null ? (
          <p class="muted">Loading…</p>
        ) : open.length === 0 ? (
          <p>Nothing to do.</p>
        ) : (
          <ul class="task-list">
            {open.map((view) => (
              <OpenTask key={view.task.id} view={view} staffId={staff.id} onTake={(move) => void take(view.task.id, move)} />
            ))}
          </ul>
        )}
        {done.length > 0 && (
          <>
            <h3>Done</h3>
            <ul class="task-list muted">
              {done.map(({ task, state, unsent }) => (
                <li key={task.id}>
                  {task.title}: {ACTION_DONE_LABELS[state.done!.action!].toLowerCase()} by {state.done!.staffName}
                  {unsent && ' (not sent yet)'}
                </li>
              ))}
            </ul>
          </>
        )}
        <button type="button" class="primary big" onClick={onClose}>
          Close
        </button>
      </section>
    </div>
  );
}

function OpenTask({ view, staffId, onTake }: { view: TaskView; staffId: string; onTake: (move: TaskMove) => void }) {
  const { task, state, unsent } = view;
  const claim = state.claim;
  const mine = claim?.staffId === staffId;
  const overruledMine = state.overruled.find((step) => step.staffId === staffId);
  return (
    <li data-task={task.id}>
      <strong>{task.title}</strong>
      <div class="muted">
        To do: {task.actions.map((action) => ACTION_TODO_LABELS[action]).join(', or ')}. {claim ? `Claimed by ${mine ? 'you' : claim.staffName}.` : 'Nobody has it yet.'}
        {unsent && ' Not sent yet.'}
      </div>
      {overruledMine && !mine && claim && (
        <div class="warning" role="status">
          {claim.staffName} claimed this first, so it is theirs: what you {overruledMine.what === 'done' ? 'recorded' : 'claimed'} later does not count.
        </div>
      )}
      {/* Only whoever holds the task finishes it. */}
      {(!claim || mine) && (
        <div class="task-actions">
          {!claim && (
            <button type="button" onClick={() => onTake({ what: 'claim' })}>
              Claim
            </button>
          )}
          {task.actions.map((action) => (
            <button type="button" key={action} onClick={() => onTake({ what: 'done', action })}>
              {ACTION_DONE_LABELS[action]}
            </button>
          ))}
        </div>
      )}
    </li>
  );
}
