import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { exceptionText } from '../words/failure-text.ts';

/** Modules loaded so far, by the loader that loaded them: a view whose module is here renders at once. */
const loaded = new WeakMap<() => Promise<unknown>, unknown>();

/**
 * Loads a view's module ahead of its first use, e.g. the receipt while the
 * sale is rung up: when the view is shown it renders in the same frame,
 * rather than a frame or two later, after its module arrives. A failure here
 * is the view's to report when it is shown (it loads again then).
 */
export function preload<M>(load: () => Promise<M>): void {
  if (loaded.has(load)) return;
  load().then(
    (module) => loaded.set(load, module),
    (error: unknown) => console.warn('a view could not be loaded ahead of its use; it is loaded again when shown', error),
  );
}

/**
 * Renders a screen from a module loaded on first use. Screens a till sees once
 * (enrollment) or once a shift (sign-in) stay out of the JavaScript the
 * checkout needs to start; the service worker has them cached, so offline
 * they load as fast as the rest. A module loaded before (or `preload`ed)
 * renders at once.
 */
export function LazyView<M>({ load, render }: { load: () => Promise<M>; render: (module: M) => ComponentChildren }) {
  const [module, setModule] = useState<{ module: M } | null>(() => (loaded.has(load) ? { module: loaded.get(load) as M } : null));
  const [failure, setFailure] = useState<string | null>(null);
  const ready = module !== null;
  useEffect(() => {
    if (ready) return;
    let current = true;
    load().then(
      (next) => {
        loaded.set(load, next);
        if (current) setModule({ module: next });
      },
      (error: unknown) => current && setFailure(exceptionText(error, 'This screen could not be loaded')),
    );
    return () => {
      current = false;
    };
  }, [load, ready]);
  if (failure) {
    return (
      <p class="error centered" role="alert">
        {failure} Reload the app.
      </p>
    );
  }
  return module ? <>{render(module.module)}</> : null;
}
