/**
 * Drains an HTTP server without failing a request: stop accepting, let each keep-alive
 * connection finish its request in flight (the edge adds `Connection: close` to that answer),
 * close connections that stay idle, and only at the deadline cut what is left.
 *
 * Node's `server.close()` would destroy every connection without a request in progress at
 * once — including those whose next request is already in the socket buffer, unread, which
 * the client then sees fail. So we close the listening handle alone (`net.Server#close`) and
 * track requests per connection ourselves.
 */
import type { Server } from 'node:http';
import net from 'node:net';
import type { Socket } from 'node:net';

/** A connection with no request for this long is closed during a drain. */
export const DRAIN_IDLE_CLOSE_MS = 250;
const DRAIN_POLL_MS = 25;

export interface DrainResult {
  /** Connections still open at the deadline, cut. */
  readonly forced: number;
}

export interface ConnectionTracker {
  readonly size: number;
  /** Stop accepting and wait until every connection closed or the deadline passed. */
  drain(deadlineMs: number): Promise<DrainResult>;
}

interface ConnectionState {
  active: number;
  lastActiveAt: number;
}

export function trackConnections(
  server: Server,
  now: () => number = () => performance.now(),
): ConnectionTracker {
  const connections = new Map<Socket, ConnectionState>();

  server.on('connection', (socket: Socket) => {
    connections.set(socket, { active: 0, lastActiveAt: now() });
    socket.once('close', () => connections.delete(socket));
  });
  server.on('request', (request, response) => {
    const state = connections.get(request.socket);
    if (state === undefined) return;
    state.active += 1;
    state.lastActiveAt = now();
    response.once('close', () => {
      state.active -= 1;
      state.lastActiveAt = now();
    });
  });

  return {
    get size() {
      return connections.size;
    },
    async drain(deadlineMs) {
      const deadline = now() + deadlineMs;
      if (server.listening) net.Server.prototype.close.call(server);
      while (connections.size > 0 && now() < deadline) {
        const cutoff = now() - DRAIN_IDLE_CLOSE_MS;
        for (const [socket, state] of connections) {
          if (state.active === 0 && state.lastActiveAt <= cutoff) socket.destroy();
        }
        await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
      }
      const forced = connections.size;
      for (const socket of connections.keys()) socket.destroy();
      return { forced };
    },
  };
}
