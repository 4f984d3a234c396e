/**
 * Writes the cart in progress to the device after every change, off the
 * scan's path: a change hands over its snapshot and goes on; at most one
 * write runs at a time, and snapshots that arrive meanwhile collapse into the
 * newest, so a fast scanner costs a write per burst, not per scan, and the
 * last change always lands last.
 *
 *   idle ──keep(s)──▶ writing s ──done──▶ (newer pending? write it) ──▶ idle
 *                        ▲ keep(t) while writing: t replaces what is pending
 *   pause(): drops what is pending, holds new snapshots — Complete's own
 *            transaction then decides (it deletes the draft); a write already
 *            started was created first, and IndexedDB commits it first.
 *   resume(s): writes s (the sale's new state, when it failed to complete), or
 *            nothing (undefined: it completed, and its transaction deleted the draft).
 */
export function createDraftKeeper<T>(save: (snapshot: T | null) => Promise<void>, onError: (error: unknown) => void) {
  /** undefined: nothing pending */
  let pending: { snapshot: T | null } | undefined;
  let writing: Promise<void> | null = null;
  let paused = false;

  async function drain() {
    while (pending && !paused) {
      const { snapshot } = pending;
      pending = undefined;
      try {
        await save(snapshot);
      } catch (error) {
        onError(error);
      }
    }
    writing = null;
  }

  return {
    keep(snapshot: T | null) {
      pending = { snapshot };
      if (!writing && !paused) writing = drain();
    },
    pause() {
      paused = true;
      pending = undefined;
    },
    /** `snapshot` is the sale's new state; undefined: the device holds it already (Complete's transaction wrote it), nothing to write. */
    resume(snapshot: T | null | undefined) {
      paused = false;
      if (snapshot === undefined) return;
      pending = { snapshot };
      if (!writing) writing = drain();
    },
    /** Settles once every snapshot handed over so far is written: tests and a page about to unload wait on it. */
    async settled(): Promise<void> {
      while (writing) await writing;
    },
  };
}

export type DraftKeeper<T> = ReturnType<typeof createDraftKeeper<T>>;
