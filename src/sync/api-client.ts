import * as v from 'valibot';
import { ERRORS, ErrorBodySchema, type ErrorCode } from '../protocol/errors.ts';
import { JOURNAL_HEADER, PROTOCOL_VERSION } from '../protocol/version.ts';

/**
 * Why a request to the server did not succeed, as a value. `offline` covers
 * everything where no answer came back (network down, server down, timeout):
 * trying again later can help. `http` is an answer from the server.
 */
export type ApiFailure =
  /** `cause`: the error fetch threw, kept for the console and support */
  | { kind: 'offline'; message: string; cause?: unknown }
  | { kind: 'http'; status: number; code: ErrorCode | 'unknown'; message: string; details?: Record<string, unknown> }
  | { kind: 'invalid_response'; message: string }
  /** this device's journal and the server's record of it disagree; retrying cannot mend it */
  | { kind: 'journal_diverged'; message: string }
  /** something on the device failed (storage full, database closed), not the server */
  | { kind: 'local'; message: string; cause?: unknown };

/**
 * Whether trying the same request again later can succeed. The server says so
 * for each error code (protocol/errors.ts); a 5xx or 429 without a body of
 * ours (a proxy's) can; no answer at all, or a page that is not the protocol
 * (a captive portal's), can once the network is right again. A refusal of
 * the request itself (a revoked token, an app too old for the server) cannot:
 * retrying it fast only hammers the server.
 */
export function isRetryable(failure: ApiFailure): boolean {
  switch (failure.kind) {
    case 'offline':
    case 'invalid_response':
    case 'local':
      return true;
    case 'journal_diverged':
      return false;
    case 'http':
      return failure.code === 'unknown' ? failure.status >= 500 || failure.status === 429 : ERRORS[failure.code].retryable;
  }
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; failure: ApiFailure };

/** One Server-Sent Event: its `event:` name and its `data:` text. */
export type StreamEvent = { event: string; data: string };

export type ApiClient = {
  request<S extends v.GenericSchema>(
    method: 'GET' | 'POST',
    path: string,
    schema: S,
    body?: unknown,
  ): Promise<ApiResult<v.InferOutput<S>>>;
  /**
   * Opens a Server-Sent Events stream with the same headers as every request
   * (EventSource cannot send a bearer token). Resolves when the stream ends,
   * with why; `signal` closes it.
   */
  stream(path: string, onEvent: (event: StreamEvent) => void, signal: AbortSignal): Promise<ApiFailure>;
};

export type ApiClientOptions = {
  baseUrl: string;
  token?: () => string | undefined;
  /**
   * The seq of the newest event in this device's journal, sent with every
   * request (JOURNAL_HEADER) so the server notices a device that lost its data.
   * Read just before each request: the sync lock keeps another context from
   * getting events acknowledged in between.
   */
  journalHead?: () => Promise<number | undefined>;
  timeoutMs?: number;
  fetch?: typeof fetch;
};

export function createApiClient(options: ApiClientOptions): ApiClient {
  const doFetch = options.fetch ?? fetch.bind(globalThis);
  const baseHeaders = () => {
    const headers: Record<string, string> = { 'x-storeside-protocol': String(PROTOCOL_VERSION) };
    const token = options.token?.();
    if (token) headers.authorization = `Bearer ${token}`;
    return headers;
  };
  return {
    async stream(path, onEvent, signal) {
      let response: Response;
      try {
        response = await doFetch(new URL(path, options.baseUrl), { headers: { ...baseHeaders(), accept: 'text/event-stream' }, signal, cache: 'no-store' });
      } catch (error) {
        return { kind: 'offline', message: (error as Error).message, cause: error };
      }
      if (!response.ok || !response.body) {
        const body = await response.json().catch(() => null);
        const parsed = v.safeParse(ErrorBodySchema, body);
        return parsed.success
          ? { kind: 'http', status: response.status, ...parsed.output.error }
          : { kind: 'http', status: response.status, code: 'unknown', message: response.statusText };
      }
      try {
        await readEvents(response.body, onEvent);
        return { kind: 'offline', message: 'the server closed the stream' };
      } catch (error) {
        return { kind: 'offline', message: (error as Error).message, cause: error };
      }
    },

    async request(method, path, schema, body) {
      const headers = baseHeaders();
      const head = await options.journalHead?.();
      if (head !== undefined) headers[JOURNAL_HEADER] = String(head);
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
        return { ok: false, failure: { kind: 'offline', message: (error as Error).message, cause: error } };
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

/** Parses a text/event-stream body into events (the subset the server sends: event, data, comments). */
async function readEvents(body: ReadableStream<Uint8Array>, onEvent: (event: StreamEvent) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length > 0) onEvent({ event, data: data.join('\n') });
    }
  }
}
