/**
 * Requests Node's HTTP parser refuses before the app sees them, answered as the API answers
 * errors (JSON with a code and a message, shaped and given its status by the API's one error
 * helper, `errorResponse` in lib/api/http.ts) instead of Node's bare `400 Bad Request` with no body.
 * The one a user meets first: `curl "http://localhost:3000/search?q=介護"` sends the kanji
 * unencoded, which HTTP does not allow in a URL.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { type ErrorBody, errorResponse } from '../lib/api/http.ts';

/** The status, reason phrase and JSON error body for a request the parser refused. */
export function clientErrorResponse(err: { code?: string; message?: string; rawPacket?: unknown }): {
  status: number;
  reason: string;
  body: ErrorBody;
} {
  const raw = Buffer.isBuffer(err.rawPacket) ? err.rawPacket : Buffer.alloc(0);
  const line = raw.subarray(0, Math.max(0, raw.indexOf('\r\n'))).toString('utf8');
  const requestId = randomUUID();
  const { status, body } =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? errorResponse('headers_too_large', 'request headers are too large', requestId)
      : err.code === 'HPE_INVALID_URL' && /[^\x20-\x7e]/.test(line)
        ? errorResponse(
            'validation_error',
            // The query (or path) as typed, for the message: the characters to encode.
            `the URL has characters that are not percent-encoded (${(line.split(' ')[1] ?? '').slice(0, 80)}): encode them, e.g. curl -G '<api>/search' --data-urlencode 'q=介護', or let a browser or an HTTP library build the URL`,
            requestId,
          )
        : errorResponse(
            'validation_error',
            `not a valid HTTP request (${err.code ?? 'parse error'}: ${err.message ?? ''})`.trim(),
            requestId,
          );
  return { status, reason: STATUS_CODES[status] ?? 'Error', body };
}

/** Answers parser-refused requests on `server` with {@link clientErrorResponse}. */
export function answerClientErrors(server: {
  on(event: 'clientError', listener: (err: Error, socket: Socket) => void): unknown;
}): void {
  server.on('clientError', (err, socket) => {
    const code = (err as { code?: string }).code;
    // A connection the client dropped has no one to answer.
    if (code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const { status, reason, body } = clientErrorResponse(err as never);
    const json = JSON.stringify(body);
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; charset=UTF-8\r\ncontent-length: ${Buffer.byteLength(json)}\r\nconnection: close\r\n\r\n${json}`,
    );
  });
}
