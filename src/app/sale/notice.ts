import type { ReadonlySignal } from '@preact/signals';

/** What the associate (or the customer at a kiosk) is told about the sale: one line at a time. */
export type Notice = { tone: 'info' | 'error'; text: string };

/** Whether the till reaches the server, and when it last did (the offline policy's clock). */
export type Connectivity = { online: ReadonlySignal<boolean>; lastSyncAt: ReadonlySignal<number | null>; now: ReadonlySignal<number> };
