import * as v from 'valibot';

/**
 * Every error the API answers, with its HTTP status. The wire shape is always
 * `{ error: { code, message, details? } }`; clients map `code` to user text in
 * one place and decide from `retryable` whether trying again can help.
 */
export const ERRORS = {
  invalid_json: { status: 400, retryable: false },
  invalid_body: { status: 400, retryable: false },
  invalid_query: { status: 400, retryable: false },
  missing_protocol: { status: 400, retryable: false },
  invalid_header: { status: 400, retryable: false },
  unauthorized: { status: 401, retryable: false },
  enrollment_code_invalid: { status: 403, retryable: false },
  forbidden: { status: 403, retryable: false },
  not_found: { status: 404, retryable: false },
  method_not_allowed: { status: 405, retryable: false },
  seq_gap: { status: 409, retryable: true },
  edit_conflict: { status: 409, retryable: false },
  journal_lost: { status: 409, retryable: false },
  /** a store's own record cannot answer the request (a time zone Intl does not know): HQ must fix the record */
  store_misconfigured: { status: 409, retryable: false },
  payload_too_large: { status: 413, retryable: false },
  unsupported_media_type: { status: 415, retryable: false },
  unsupported_protocol: { status: 426, retryable: false },
  internal: { status: 500, retryable: true },
} as const;

export type ErrorCode = keyof typeof ERRORS;

export const ErrorBodySchema = v.object({
  error: v.object({
    code: v.picklist(Object.keys(ERRORS) as ErrorCode[]),
    message: v.string(),
    details: v.optional(v.record(v.string(), v.unknown())),
  }),
});

export type ErrorBody = v.InferOutput<typeof ErrorBodySchema>;

export function errorBody(code: ErrorCode, message: string, details?: Record<string, unknown>): ErrorBody {
  return { error: details ? { code, message, details } : { code, message } };
}
