import type { ReadonlySignal } from '@preact/signals';

/**
 * What the associate (or the customer at a kiosk) is told about the sale: one
 * line at a time. `error`: the step did not happen; `warning`: it did, but
 * there is something to know (the store's count says it has none left).
 */
export type Notice = { tone: 'info' | 'warning' | 'error'; text: string };

/** Whether the till reaches the server, and when it last did (the offline policy's clock). */
export type Connectivity = { online: ReadonlySignal<boolean>; lastSyncAt: ReadonlySignal<number | null>; now: ReadonlySignal<number> };
