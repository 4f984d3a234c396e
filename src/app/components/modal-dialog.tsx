import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

const FOCUSABLE = 'button:not(:disabled), [href], input:not(:disabled), select:not(:disabled), textarea:not(:disabled), [tabindex]:not([tabindex="-1"])';

/**
 * A dialog the associate must answer before going on, drawn in the till
 * (a locked kiosk browser suppresses the browser's own confirm()). It is
 * labelled by its title, takes the focus as it opens (the element marked
 * data-autofocus, else the dialog itself), keeps Tab inside, closes on Escape
 * or a tap beside it, and gives the focus back where it was — the scan field,
 * which leaves the focus alone while an aria-modal dialog is open
 * (scan-field.tsx).
 */
export function ModalDialog({ titleId, class: className, onCancel, children }: { titleId: string; class?: string; onCancel: () => void; children: ComponentChildren }) {
  const dialog = useRef<HTMLElement>(null);
  // The latest onCancel, so the key listener set up once always calls the current one.
  const cancel = useRef(onCancel);
  cancel.current = onCancel;
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const section = dialog.current!;
    (section.querySelector<HTMLElement>('[data-autofocus]') ?? section).focus({ preventScroll: true });
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        cancel.current();
        return;
      }
      if (event.key !== 'Tab') return;
      const focusable = [...section.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((element) => element.checkVisibility());
      const first = focusable[0];
      const last = focusable.at(-1);
      if (!first || !last) return event.preventDefault();
      const active = document.activeElement;
      if (event.shiftKey && (active === first || !section.contains(active))) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (active === last || !section.contains(active))) {
        event.preventDefault();
        first.focus();
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => {
      document.removeEventListener('keydown', onKeyDown);
      if (before?.isConnected) before.focus({ preventScroll: true });
    };
  }, []);
  return (
    <div
      class="overlay"
      onClick={(event) => {
        // A tap on the shade beside the dialog, not in it: the associate meant "not now".
        if (event.target === event.currentTarget) onCancel();
      }}
    >
      <section ref={dialog} class={className ? `receipt ${className}` : 'receipt'} role="dialog" aria-modal="true" aria-labelledby={titleId} tabIndex={-1}>
        {children}
      </section>
    </div>
  );
}
