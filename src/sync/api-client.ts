import * as v from 'valibot';
import { ErrorBodySchema, type ErrorCode } from '../protocol/errors.ts';
import { PROTOCOL_VERSION } from '../protocol/version.ts';

/**
 * Why a request to the server did not succeed, as a value. `offline` covers
 * everything where no answer came back (network down, server down, timeout):
 * trying again later can help. `http` is an answer from the server.
 */
export type ApiFailure =
  | { kind: 'offline'; message: string }
  | { kind: 'http'; status: number; code: ErrorCode | 'unknown'; message: string; details?: Record<string, unknown> }
  | { kind: 'invalid_response'; message: string }
  /** this device's journal and the server's record of it disagree; retrying cannot mend it */
  | { kind: 'journal_diverged'; message: string }
  /** something on the device failed (storage full, database closed), not the server */
  | { kind: 'local'; message: string };

export type ApiResult<T> = { ok: true; value: T } | { ok: false; failure: ApiFailure };

export type ApiClient = {
  request<S extends v.GenericSchema>(
    method: 'GET' | 'POST',
    path: string,
    schema: S,
    body?: unknown,
  ): Promise<ApiResult<v.InferOutput<S>>>;
};

export function createApiClient(options: { baseUrl: string; token?: () => string | undefined; timeoutMs?: number; fetch?: typeof fetch }): ApiClient {
  const doFetch = options.fetch ?? fetch.bind(globalThis);
  return {
    async request(method, path, schema, body) {
      const headers: Record<string, string> = { 'x-storeside-protocol': String(PROTOCOL_VERSION) };
      const token = options.token?.();
      if (token) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      let response: Response;
      try {
        response = await doFetch(new URL(path, options.baseUrl), {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
          cache: 'no-store',
        });
      } catch (error) {
        return { ok: false, failure: { kind: 'offline', message: (error as Error).message } };
      }
      let json: unknown;
      try {
        json = await response.json();
      } catch (error) {
        if (!response.ok) return { ok: false, failure: { kind: 'http', status: response.status, code: 'unknown', message: response.statusText } };
        return { ok: false, failure: { kind: 'invalid_response', message: `answer to ${path} is not JSON: ${(error as Error).message}` } };
      }
      if (!response.ok) {
        const parsed = v.safeParse(ErrorBodySchema, json);
        return parsed.success
          ? { ok: false, failure: { kind: 'http', status: response.status, ...parsed.output.error } }
          : { ok: false, failure: { kind: 'http', status: response.status, code: 'unknown', message: response.statusText } };
      }
      const parsed = v.safeParse(schema, json);
      if (!parsed.success) return { ok: false, failure: { kind: 'invalid_response', message: `answer to ${path} does not match the protocol: ${parsed.issues[0]?.message}` } };
      return { ok: true, value: parsed.output };
    },
  };
}
