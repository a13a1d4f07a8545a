/**
 * A raw `net` client that declares a request body and keeps uploading it, the way a real
 * client does with a large file: it writes on a steady pace, and reads what the server answers
 * only after a short delay (a client busy writing). With the server closing on unread data the
 * kernel's RST makes its writes fail and the answer is lost; with a lingering close it reads
 * the answer.
 */
import net from 'node:net';

export interface RawUploadOptions {
  readonly port: number;
  readonly path: string;
  readonly contentLength: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Reading starts this long after connecting. */
  readonly readDelayMs?: number;
  readonly chunkBytes?: number;
  /** A chunk is written this often; 0 writes as fast as the socket takes them. */
  readonly intervalMs?: number;
  /** Give up after this long. */
  readonly timeoutMs?: number;
  /** Stop once the answer is read (default), or go on until the server closes. */
  readonly stopAtResponse?: boolean;
  /** Keep uploading after the server's FIN, send it all, then close (default: stop at FIN). */
  readonly sendAll?: boolean;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface RawUploadOutcome {
  /** The whole answer, when one was read. */
  readonly response: RawResponse | undefined;
  /** The socket error, if the connection failed before an answer was read whole. */
  readonly error: string | undefined;
  readonly bytesSent: number;
  /** How the connection ended from the server's side: `end` (FIN), `error` or `open`. */
  readonly ending: 'end' | 'error' | 'open';
  readonly elapsedMs: number;
}

/** Parses one HTTP/1.1 response with a Content-Length; undefined while incomplete. */
export function parseResponse(raw: Buffer): RawResponse | undefined {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine = '', ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? NaN);
  const body = raw.subarray(end + 4);
  if (!Number.isFinite(length) || body.length < length) return undefined;
  return {
    status: Number(statusLine.split(' ')[1]),
    headers,
    body: body.subarray(0, length).toString('utf8'),
  };
}

/** Uploads until the answer is read whole (or the server closes), the connection fails, or the timeout passes. */
export function rawUpload(options: RawUploadOptions): Promise<RawUploadOutcome> {
  const started = performance.now();
  const chunk = Buffer.alloc(options.chunkBytes ?? 64 * 1024, 0x20);
  return new Promise((resolve) => {
    const socket = net.connect({
      port: options.port,
      host: '127.0.0.1',
      allowHalfOpen: options.sendAll === true,
    });
    const received: Buffer[] = [];
    let bytesSent = 0;
    let ending: RawUploadOutcome['ending'] = 'open';
    let error: string | undefined;
    let response: RawResponse | undefined;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ response, error, bytesSent, ending, elapsedMs: performance.now() - started });
    };
    const giveUp = setTimeout(finish, options.timeoutMs ?? 15_000);
    const writeChunk = (): boolean => {
      if (socket.destroyed || !socket.writable) return false;
      if (bytesSent >= options.contentLength) {
        if (options.sendAll === true) socket.end();
        return false;
      }
      const piece = chunk.subarray(0, Math.min(chunk.length, options.contentLength - bytesSent));
      bytesSent += piece.length;
      return socket.write(piece);
    };
    socket.pause();
    setTimeout(() => socket.resume(), options.readDelayMs ?? 200);
    socket.on('connect', () => {
      const head = Object.entries({
        host: 'localhost',
        'content-type': 'application/json',
        ...options.headers,
        'content-length': String(options.contentLength),
      })
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
      socket.write(`POST ${options.path} HTTP/1.1\r\n${head}\r\n`);
      if ((options.intervalMs ?? 5) > 0) {
        timer = setInterval(writeChunk, options.intervalMs ?? 5);
      } else {
        const pump = (): void => {
          while (writeChunk());
        };
        socket.on('drain', pump);
        pump();
      }
    });
    socket.on('data', (data: Buffer) => {
      received.push(data);
      response ??= parseResponse(Buffer.concat(received));
      if (response && options.stopAtResponse !== false) finish();
    });
    socket.on('end', () => {
      ending = 'end';
      if (options.sendAll !== true) finish();
    });
    socket.on('error', (cause: NodeJS.ErrnoException) => {
      ending = 'error';
      error = cause.code ?? cause.message;
      finish();
    });
    socket.on('close', finish);
  });
}
