import { afterEach, describe, expect, it, vi } from 'vitest';
import { ERRORS, type ErrorCode } from '../../src/protocol/errors.ts';
import { EventRefused } from '../../src/local/journal.ts';
import { exceptionText, failureText } from '../../src/app/words/failure-text.ts';
import { tillStepProblemText } from '../../src/app/words/problem-text.ts';
import { storeWords } from '../../src/app/words/store-words.ts';

const INTERNAL = 'SQLITE_BUSY: database is locked at /srv/storeside/data/storeside.db';

describe('what a failure says to the person at the till', () => {
  afterEach(() => vi.restoreAllMocks());

  it('never repeats the server’s own message, for any error code it sends', () => {
    for (const code of Object.keys(ERRORS) as ErrorCode[]) {
      const text = failureText({ kind: 'http', status: ERRORS[code].status, code, message: INTERNAL });
      expect(text, code).not.toContain('SQLITE');
      expect(text.length, code).toBeGreaterThan(20);
    }
    expect(failureText({ kind: 'http', status: 502, code: 'unknown', message: 'Bad Gateway' })).toMatch(/keeps working and tries again/);
    expect(failureText({ kind: 'http', status: 401, code: 'unauthorized', message: INTERNAL })).toMatch(/enroll it again/);
  });

  it('never shows an exception’s message, only what failed and what to do; the cause goes to the console', () => {
    const console = vi.spyOn(globalThis.console, 'error').mockImplementation(() => {});
    const cause = new TypeError("Cannot read properties of undefined (reading 'sku')");
    expect(exceptionText(cause, 'The sale was not saved')).toBe('The sale was not saved. Try again; if it happens again, call support.');
    expect(console).toHaveBeenCalledWith('The sale was not saved:', cause);
    const full = Object.assign(new Error('wrapped'), { name: 'AbortError', inner: new DOMException('quota', 'QuotaExceededError') });
    expect(exceptionText(full, 'The sale was not saved')).toMatch(/storage is full/);
  });

  it('says a refusal of the journal in its own words, which the associate can act on', () => {
    expect(exceptionText(new EventRefused('the reason must not hold a card number'), 'The refund was not saved')).toBe('The refund was not saved: the reason must not hold a card number.');
  });
});

describe('what the till says when a step of its session is refused', () => {
  it('says amounts in the store’s money and counts records in words', () => {
    const words = storeWords({ currency: 'USD', locale: 'en-US', timezone: 'America/Chicago' });
    expect(tillStepProblemText({ code: 'unknown_denomination', currency: 'USD', denomination: 200 }, words)).toBe('USD has no note or coin of $2.00.');
    expect(tillStepProblemText({ code: 'unsent_records', count: 1 }, words)).toMatch(/^1 record of this till has not reached the server yet/);
    expect(tillStepProblemText({ code: 'unsent_records', count: 3 }, words)).toMatch(/^3 records of this till have not reached/);
  });
});
