import * as v from 'valibot';
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

/** "events.0.payload.lines: a sale needs at least one line; deviceId: Invalid type…" */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => {
      const path = v.getDotPath(issue);
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/** Parses untrusted input against a schema from src/protocol, or throws a 400 naming the problem. */
export function parseOrThrow<S extends v.GenericSchema>(schema: S, input: unknown, code: 'invalid_body' | 'invalid_query' = 'invalid_body'): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (!result.success) throw new ApiError(code, describeIssues(result.issues));
  return result.output;
}
