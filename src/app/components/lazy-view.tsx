import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { exceptionText } from '../words/failure-text.ts';

/**
 * Renders a screen from a module loaded on first use. Screens a till sees once
 * (enrollment) or once a shift (sign-in) stay out of the JavaScript the
 * checkout needs to start; the service worker has them cached, so offline
 * they load as fast as the rest.
 */
export function LazyView<M>({ load, render }: { load: () => Promise<M>; render: (module: M) => ComponentChildren }) {
  const [loaded, setLoaded] = useState<{ module: M } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    load().then(
      (module) => current && setLoaded({ module }),
      (error: unknown) => current && setFailure(exceptionText(error, 'This screen could not be loaded')),
    );
    return () => {
      current = false;
    };
  }, [load]);
  if (failure) {
    return (
      <p class="error centered" role="alert">
        {failure} Reload the app.
      </p>
    );
  }
  return loaded ? <>{render(loaded.module)}</> : null;
}
