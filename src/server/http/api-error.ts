import * as v from 'valibot';
import { describeIssues } from '../../protocol/describe-issues.ts';
import { ERRORS, errorBody, type ErrorBody, type ErrorCode } from '../../protocol/errors.ts';

/** An error the API answers on purpose, with the status its code implies. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get status(): number {
    return ERRORS[this.code].status;
  }

  toBody(): ErrorBody {
    return errorBody(this.code, this.message, this.details);
  }
}

/** Parses untrusted input against a schema from src/protocol, or throws a 400 naming the problem. */
export function parseOrThrow<S extends v.GenericSchema>(schema: S, input: unknown, code: 'invalid_body' | 'invalid_query' = 'invalid_body'): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (!result.success) throw new ApiError(code, describeIssues(result.issues));
  return result.output;
}
