import { useEffect, useRef } from 'preact/hooks';

/** Inputs that take a tap, not text: the scan field takes the focus back from them. */
const NOT_TYPED_INTO = new Set(['checkbox', 'radio', 'button', 'submit', 'reset']);

/**
 * The field a keyboard-wedge scanner types into. It takes the focus back from
 * buttons and the receipt, so a scan is never lost to a button that kept it;
 * only another text field (cash, a coupon code, a line's quantity) may hold the
 * focus, and a modal dialog while it is open.
 */
export function ScanField({ onSubmit }: { onSubmit: (text: string) => void }) {
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const refocus = () => {
      const active = document.activeElement;
      const typingElsewhere = active instanceof HTMLInputElement && active !== input.current && !NOT_TYPED_INTO.has(active.type);
      // A modal dialog (a void to confirm) holds the focus until it is answered, and gives it back as it closes (modal-dialog.tsx).
      const answering = document.querySelector('[aria-modal="true"]') !== null;
      if (!typingElsewhere && !answering) input.current?.focus({ preventScroll: true });
    };
    refocus();
    const onFocusOut = () => setTimeout(refocus, 0);
    // A tap on a button must not take the focus at all: a scan right after
    // tapping "New sale" would otherwise type its first digits into the button.
    const keepFocusOffButtons = (event: MouseEvent) => {
      if (event.target instanceof Element && event.target.closest('button')) event.preventDefault();
    };
    document.addEventListener('focusout', onFocusOut);
    document.addEventListener('click', onFocusOut);
    document.addEventListener('mousedown', keepFocusOffButtons, true);
    return () => {
      document.removeEventListener('focusout', onFocusOut);
      document.removeEventListener('click', onFocusOut);
      document.removeEventListener('mousedown', keepFocusOffButtons, true);
    };
  }, []);
  return (
    <input
      ref={input}
      class="scan-field"
      type="search"
      aria-label="Scan or search"
      placeholder="Scan a barcode, or type a name or SKU and press Enter"
      autoComplete="off"
      spellcheck={false}
      enterKeyHint="search"
      onKeyDown={(event) => {
        if (event.key !== 'Enter') return;
        event.preventDefault();
        const text = event.currentTarget.value;
        event.currentTarget.value = '';
        onSubmit(text);
      }}
    />
  );
}
