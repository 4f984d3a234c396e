import type { ApiFailure } from '../../sync/api-client.ts';
import type { ErrorCode } from '../../protocol/errors.ts';
import { EventRefused } from '../../local/event-refused.ts';

/**
 * What a failed request means to the person at the device, by the server's
 * error code (protocol/errors.ts): never the server's own message, which is
 * written for the developer reading the log, and may name internals.
 */
const HTTP_WORDS: Partial<Record<ErrorCode, string>> = {
  enrollment_code_invalid: 'This enrollment code is not known or was used already. Ask a manager for a new one.',
  unauthorized: 'This device is no longer enrolled: its access was withdrawn. Ask a manager to enroll it again.',
  forbidden: 'This device may not do that.',
  unsupported_protocol: 'This app is older than the server accepts. Reload it to update.',
  payload_too_large: 'That was too much to send at once. Try again with less.',
  journal_lost: 'This device’s sales record is behind the server’s. It is being checked; keep selling.',
  edit_conflict: 'Someone changed this meanwhile. Look at it again and redo the change.',
  not_found: 'The server does not have that (any more).',
};

export function failureText(failure: ApiFailure): string {
  switch (failure.kind) {
    case 'offline':
      return 'The server cannot be reached. Check the network and try again.';
    case 'invalid_response':
      return 'The server answered something this app does not understand. Reload the app; if that does not help, the network may be asking you to sign in to it.';
    case 'journal_diverged':
      return 'This device’s sales record disagrees with the server’s. Call support before clearing anything.';
    case 'local':
      return 'This device could not store data. If its storage is full, tell a manager; sales already made are kept.';
    case 'http': {
      if (failure.status >= 500 || failure.status === 429) return 'The server is busy or failing. The device keeps working and tries again.';
      const known = failure.code === 'unknown' ? undefined : HTTP_WORDS[failure.code];
      return known ?? `The server refused the request (${failure.code === 'unknown' ? failure.status : failure.code}). Reload the app; if it happens again, call support.`;
    }
  }
}

/**
 * A step on the device that threw: what the person is told, and the cause
 * kept for the console (and support) — never the exception's own message.
 */
export function exceptionText(error: unknown, what: string): string {
  // A refusal the journal explains in its own words (a card number in a reason): the person can mend it.
  if (error instanceof EventRefused) return `${what}: ${error.message}.`;
  console.error(`${what}:`, error);
  if (isQuotaExceeded(error)) return `${what}: this device’s storage is full. Tell a manager; sales already made are kept.`;
  return `${what}. Try again; if it happens again, call support.`;
}

/** The browser's storage is full: a DOMException, or Dexie's wrapping of one (its `inner`). */
function isQuotaExceeded(error: unknown): boolean {
  const named = (value: unknown) => typeof value === 'object' && value !== null && (value as { name?: unknown }).name === 'QuotaExceededError';
  return named(error) || (typeof error === 'object' && error !== null && named((error as { inner?: unknown }).inner));
}
