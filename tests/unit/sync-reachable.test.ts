import { describe, expect, it } from 'vitest';
import { reachableAfter } from '../../src/sync/sync-engine.ts';

describe('whether a failed sync round leaves the server reachable (what the offline policy goes by)', () => {
  it('counts only the server’s own answer: a 5xx from it or a proxy, or a page that is not the protocol, is as good as offline', () => {
    for (const status of [500, 502, 503, 504]) expect(reachableAfter({ kind: 'http', status, code: 'unknown', message: 'Service Unavailable' }, true), String(status)).toBe(false);
    expect(reachableAfter({ kind: 'invalid_response', message: 'a captive portal’s page' }, true)).toBe(false);
    expect(reachableAfter({ kind: 'offline', message: 'Failed to fetch' }, true)).toBe(false);
  });

  it('is reachable when the server itself answered, even with a refusal, and unchanged by a failure on the device', () => {
    expect(reachableAfter({ kind: 'http', status: 409, code: 'journal_lost', message: 'behind' }, false)).toBe(true);
    expect(reachableAfter({ kind: 'local', message: 'QuotaExceededError' }, false)).toBe(false);
    expect(reachableAfter({ kind: 'local', message: 'QuotaExceededError' }, null)).toBeNull();
  });
});
