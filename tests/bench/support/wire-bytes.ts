import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Bytes that crossed a server's TCP connections, counted on its sockets: what
 * the client sent (request lines, headers, bodies) and what the server sent
 * back (status lines, headers, bodies as sent — gzipped where they were —,
 * Server-Sent Events). TCP/IP and TLS framing are not included.
 */
export type WireBytes = { received: number; sent: number; total: number };

export type WireCounter = {
  /** totals since the counter was attached, over every connection, open or closed */
  read(): WireBytes;
  connections(): number;
};

export function countWireBytes(server: Server): WireCounter {
  const open = new Set<Socket>();
  let closed = { received: 0, sent: 0 };
  let connections = 0;
  server.on('connection', (socket: Socket) => {
    connections += 1;
    open.add(socket);
    socket.once('close', () => {
      open.delete(socket);
      closed = { received: closed.received + socket.bytesRead, sent: closed.sent + socket.bytesWritten };
    });
  });
  return {
    read() {
      let { received, sent } = closed;
      for (const socket of open) {
        received += socket.bytesRead;
        sent += socket.bytesWritten;
      }
      return { received, sent, total: received + sent };
    },
    connections: () => connections,
  };
}

export function wireDelta(before: WireBytes, after: WireBytes): WireBytes {
  return { received: after.received - before.received, sent: after.sent - before.sent, total: after.total - before.total };
}
