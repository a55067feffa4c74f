import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { problem } from './problem';

/**
 * Requests Node.js refuses before Express sees them (a head over 16 KiB, a malformed request line) get
 * the same answer as any other refusal: problem+json with X-Request-Id and X-MyMONIT-Instance, rather
 * than Node's bare status line.
 */
export function answerClientError(instance: string): (error: Error & { code?: string }, socket: Socket) => void {
  return (error, socket) => {
    if (!socket.writable || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const requestId = randomUUID();
    const body = JSON.stringify({
      ...problem(status, status === 431 ? 'the request line and headers exceed 16 KiB' : 'the request is not valid HTTP'),
      requestId,
    });
    socket.end(
      [
        `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}`,
        'Content-Type: application/problem+json',
        `Content-Length: ${Buffer.byteLength(body)}`,
        `X-Request-Id: ${requestId}`,
        `X-MyMONIT-Instance: ${instance}`,
        'Connection: close',
        '',
        body,
      ].join('\r\n'),
    );
  };
}
