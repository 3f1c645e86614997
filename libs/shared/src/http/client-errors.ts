import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Node's HTTP parser refuses some requests before any handler sees them: headers or a request line
 * over `maxHeaderSize` (16 KiB), malformed request lines or headers, a request too slow to arrive.
 * By default it answers those with a bare status line; here they get GitLab's error body as JSON
 * like every other 4xx, and the connection is closed (the request cannot be read to its end).
 */
export function answerClientErrorsAsJson(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, reason] =
      error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large'] : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'Request Timeout'] : [400, 'Bad Request'];
    const body = JSON.stringify({ message: `${status} ${reason}` });
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
}
