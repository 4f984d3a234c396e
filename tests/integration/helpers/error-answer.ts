import * as v from 'valibot';
import { expect } from 'vitest';
import { ErrorBodySchema } from '../../../src/protocol/errors.ts';
import type { ApiAnswer, ErrorAnswer } from './device-client.ts';

/**
 * Checks that `answer` is a refusal as the server must give one: `status`,
 * JSON in the one error shape every error body has (src/protocol/errors.ts),
 * `code`, and a message matching `message`. The error, for what more a test
 * checks of it.
 */
export function expectErrorAnswer(answer: ApiAnswer, status: number, code: string, message: RegExp): ErrorAnswer['error'] {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.contentType).toMatch(/^application\/json/);
  expect(v.is(ErrorBodySchema, answer.body), `error shape of ${JSON.stringify(answer.body)}`).toBe(true);
  const { error } = answer.body as ErrorAnswer;
  expect(error.code).toBe(code);
  expect(error.message).toMatch(message);
  return error;
}
