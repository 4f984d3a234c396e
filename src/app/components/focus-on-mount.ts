/**
 * A ref that puts the focus in a field when it appears. Preact only sets the
 * `autofocus` attribute, which browsers honour on page load, not for a dialog
 * opened later; and without the focus, the scan field behind the dialog takes
 * what a scanner types (scan-field.tsx gives it up only to another text field).
 */
export const focusOnMount = (element: HTMLInputElement | null): void => element?.focus({ preventScroll: true });
