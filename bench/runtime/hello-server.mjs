// The limit of the runtime benchmark: a bare node:http server (no framework, no logging, no
// hooks) answering a small JSON body on PORT, with HELLO_WORKERS processes sharing the port
// through node:cluster as dashport's workers do.
import cluster from 'node:cluster';
import http from 'node:http';
import { Buffer } from 'node:buffer';
import process from 'node:process';

const workers = Number(process.env.HELLO_WORKERS ?? 1);
if (cluster.isPrimary && workers > 1) {
  for (let i = 0; i < workers; i += 1) cluster.fork();
  process.on('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
    process.exit(0);
  });
} else {
  http
    .createServer((_request, response) => {
      const body = JSON.stringify({ status: 'healthy', timestamp: new Date().toISOString() });
      response.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
      });
      response.end(body);
    })
    .listen(Number(process.env.PORT), '127.0.0.1');
}
