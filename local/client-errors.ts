/**
 * Requests Node's HTTP parser refuses before the app sees them, answered as the API answers
 * errors (JSON with a code and a message) instead of Node's bare `400 Bad Request` with no body.
 * The one a user meets first: `curl "http://localhost:3000/search?q=介護"` sends the kanji
 * unencoded, which HTTP does not allow in a URL.
 */
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';

/** The status, reason phrase and JSON error body for a request the parser refused. */
export function clientErrorResponse(err: { code?: string; message?: string; rawPacket?: unknown }): {
  status: number;
  reason: string;
  body: { error: { code: string; message: string; requestId: string } };
} {
  const raw = Buffer.isBuffer(err.rawPacket) ? err.rawPacket : Buffer.alloc(0);
  const line = raw.subarray(0, Math.max(0, raw.indexOf('\r\n'))).toString('utf8');
  const requestId = randomUUID();
  if (err.code === 'HPE_HEADER_OVERFLOW')
    return {
      status: 431,
      reason: 'Request Header Fields Too Large',
      body: { error: { code: 'validation_error', message: 'request headers are too large', requestId } },
    };
  if (err.code === 'HPE_INVALID_URL' && /[^\x20-\x7e]/.test(line)) {
    // The query (or path) as typed, for the message: the characters to encode.
    const target = line.split(' ')[1] ?? '';
    return {
      status: 400,
      reason: 'Bad Request',
      body: {
        error: {
          code: 'validation_error',
          message: `the URL has characters that are not percent-encoded (${target.slice(0, 80)}): encode them, e.g. curl -G '<api>/search' --data-urlencode 'q=介護', or let a browser or an HTTP library build the URL`,
          requestId,
        },
      },
    };
  }
  return {
    status: 400,
    reason: 'Bad Request',
    body: {
      error: {
        code: 'validation_error',
        message: `not a valid HTTP request (${err.code ?? 'parse error'}: ${err.message ?? ''})`.trim(),
        requestId,
      },
    },
  };
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
