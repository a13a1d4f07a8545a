// The baseline of the runtime benchmark: a bare Fastify hello-world (no logging, no hooks) on
// PORT, with HELLO_WORKERS processes sharing the port through node:cluster as dashport's do.
import cluster from 'node:cluster';
import process from 'node:process';
import Fastify from 'fastify';

const workers = Number(process.env.HELLO_WORKERS ?? 1);
if (cluster.isPrimary && workers > 1) {
  for (let i = 0; i < workers; i += 1) cluster.fork();
  process.on('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
    process.exit(0);
  });
} else {
  const app = Fastify();
  app.get('/', async () => ({ hello: 'world' }));
  await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
}
