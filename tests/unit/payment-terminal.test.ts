import { describe, expect, it } from 'vitest';
import { simulatedTerminal, type TerminalMemory } from '../../src/devices/payment-terminal.ts';

/** localStorage as a page has it, across reloads of the app. */
function memory(): TerminalMemory {
  const kept = new Map<string, string>();
  return { getItem: (key) => kept.get(key) ?? null, setItem: (key, value) => void kept.set(key, value) };
}

describe('the payment terminal’s twin', () => {
  it('remembers what it charged across a reload of the app, as a real terminal does: a charge made before can still be reversed, once', async () => {
    const storage = memory();
    const before = simulatedTerminal({ memory: storage, now: () => 1_000 });
    const charged = await before.charge(1_137, 'USD');
    if (!charged.approved) throw new Error('the twin declined');

    const after = simulatedTerminal({ memory: storage, now: () => 2_000 });
    expect(await after.reverse(charged.terminalRef)).toEqual({ reversed: true });
    expect(await after.reverse(charged.terminalRef)).toEqual({ reversed: false, reason: `the terminal has no open charge ${charged.terminalRef}` });
    // It goes on counting: a new charge gets a new reference and names the next card.
    const next = await after.charge(500, 'USD');
    expect(next.approved && next.terminalRef).not.toBe(charged.terminalRef);
  });

  it('without a memory forgets its charges with the page, and refuses nothing it never approved', async () => {
    const forgetful = simulatedTerminal();
    const charged = await forgetful.charge(100, 'USD');
    if (!charged.approved) throw new Error('the twin declined');
    expect(await simulatedTerminal().reverse(charged.terminalRef)).toMatchObject({ reversed: false });
  });
});
