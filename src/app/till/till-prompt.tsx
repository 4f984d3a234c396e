import type { TillGate } from './till-gate.ts';

/**
 * The till gate's question, over whatever screen asked it (till-gate.ts):
 * open the till now — the Till panel's count of the float — or not now. The
 * screen underneath keeps its cart or return, to complete once the till is open.
 * It takes no focus: the checkout's scan field keeps it, so a scan while the
 * question shows still goes into the cart.
 */
export function TillPrompt({ gate, onOpenTill }: { gate: TillGate; onOpenTill: () => void }) {
  const text = gate.prompt.value;
  if (!text) return null;
  return (
    <div class="overlay till-prompt">
      <section class="receipt" role="alertdialog" aria-labelledby="till-prompt-title" aria-describedby="till-prompt-text">
        <h2 id="till-prompt-title">Open the till first</h2>
        <p id="till-prompt-text">{text}</p>
        <span class="approval-actions">
          <button
            type="button"
            class="primary"
            onClick={() => {
              gate.dismiss();
              onOpenTill();
            }}
          >
            Open the till…
          </button>
          <button type="button" onClick={() => gate.dismiss()}>
            Not now
          </button>
        </span>
      </section>
    </div>
  );
}
