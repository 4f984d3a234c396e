import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-error.ts';

/**
 * Reads a JSON request body of at most `maxBytes`. Stops reading as soon as the
 * cap is passed, so an oversize body costs no more memory than the cap.
 */
export async function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) throw new ApiError('unsupported_media_type', 'send the body as application/json');
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw new ApiError('payload_too_large', `body is ${declared} bytes; the limit is ${maxBytes}`);

  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) throw new ApiError('payload_too_large', `body exceeds the limit of ${maxBytes} bytes`);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    // The client went away mid-upload; nothing was read, nothing changes.
    throw new ApiError('invalid_body', `the request body was cut off: ${(error as Error).message}`);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ApiError('invalid_json', `body is not valid JSON: ${(error as Error).message}`);
  }
}
