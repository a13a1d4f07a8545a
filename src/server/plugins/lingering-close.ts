/**
 * Lingering close, as nginx does it (`lingering_close`, `lingering_time`): a connection that is
 * answered before its request body was read (a 413 for a declared `Content-Length` over
 * DASHPORT_BODY_LIMIT_MB) must not be closed with that body still arriving. Closing a socket
 * with unread data makes the kernel send RST instead of FIN, and a client that is still
 * uploading then sees ECONNRESET/EPIPE and loses the 413 that was already on the wire (issue 9,
 * defect 2). Instead the answer is sent, our side is half-closed (FIN), and what the client
 * still sends is read and discarded, within a bound of time and bytes, before the socket is
 * destroyed. A client that reads while it uploads, as curl and undici do, gets the 413.
 */
import type { Socket } from 'node:net';

/** How long to keep discarding after the answer; nginx's lingering_timeout is 5 s too. */
export const LINGER_MAX_MS = 5_000;
/**
 * How much to discard at most: enough for a client on a fast link to notice the answer
 * (64 MiB is half a second at 1 Gbit/s), small enough that a client which never stops costs a
 * worker a few tens of milliseconds of CPU, not a gigabyte's worth.
 */
export const LINGER_MAX_BYTES = 64 * 1024 * 1024;
/** How often the byte count is looked at: the HTTP parser consumes the socket directly, so no JS `data` event tells us. */
export const LINGER_POLL_MS = 50;

export interface LingerLimits {
  readonly maxMs: number;
  readonly maxBytes: number;
  readonly pollMs: number;
}

export const LINGER_DEFAULTS: LingerLimits = Object.freeze({
  maxMs: LINGER_MAX_MS,
  maxBytes: LINGER_MAX_BYTES,
  pollMs: LINGER_POLL_MS,
});

/**
 * Makes the close that node:http does after a `Connection: close` answer a lingering one, for
 * this socket alone. node:http ends such a connection with `socket.destroySoon()` once the
 * response has finished (and keeps feeding what arrives to the parser, which discards the rest
 * of the body); the socket's own `destroySoon` is replaced, so the response is flushed and
 * followed by FIN as before, but the destroy waits until the client has finished sending, or
 * the limits are reached.
 */
export function lingerOnClose(socket: Socket, limits: LingerLimits = LINGER_DEFAULTS): void {
  if (socket.destroyed) return;
  socket.destroySoon = () => linger(socket, limits);
}

function linger(socket: Socket, limits: LingerLimits): void {
  if (socket.destroyed) return;
  const bytesAtStart = socket.bytesRead;
  const stop = (): void => {
    clearTimeout(deadline);
    clearInterval(poll);
    socket.destroy();
  };
  // The client closed its side: nothing unread is left, a close now is a clean one.
  socket.once('end', stop);
  socket.once('close', stop);
  const deadline = setTimeout(stop, limits.maxMs);
  const poll = setInterval(() => {
    if (socket.bytesRead - bytesAtStart > limits.maxBytes) stop();
  }, limits.pollMs);
  // A lingering connection never keeps a stopping process alive.
  deadline.unref();
  poll.unref();
  // Flushes the answer, then sends FIN; reading goes on (node:http servers allow half-open).
  if (socket.writable) socket.end();
}
