import { Writable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { lazyChildLoggerFactory } from './lazy-child-logger.js';

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  const logger = pino({ level }, stream);
  let children = 0;
  const child = logger.child.bind(logger);
  logger.child = ((...args: Parameters<typeof child>) => {
    children += 1;
    return child(...args);
  }) as typeof logger.child;
  return { logger: logger as unknown as FastifyBaseLogger, lines, children: () => children };
}

describe('lazyChildLoggerFactory', () => {
  it('makes no child while nothing is logged at an enabled level', () => {
    const { logger, lines, children } = capture('warn');
    const log = lazyChildLoggerFactory(logger, { reqId: 'r1' }, {});
    log.debug({ a: 1 }, 'quiet');
    log.info('quiet too');
    expect(log.level).toBe('warn');
    expect(children()).toBe(0);
    expect(lines).toEqual([]);
  });

  it('binds the request id on the first enabled line, and keeps that child', async () => {
    const { logger, lines, children } = capture('info');
    const log = lazyChildLoggerFactory(logger, { reqId: 'r2' }, {});
    log.info({ status: 200 }, 'first');
    log.error('second');
    await new Promise((resolve) => setImmediate(resolve));
    expect(children()).toBe(1);
    expect(lines.map((line) => [line['reqId'], line['msg']])).toEqual([
      ['r2', 'first'],
      ['r2', 'second'],
    ]);
    expect(lines[0]?.['status']).toBe(200);
  });

  it('gives a route with its own level a real child at once', () => {
    const { logger, children } = capture('info');
    const log = lazyChildLoggerFactory(logger, { reqId: 'r3' }, { level: 'debug' });
    expect(children()).toBe(1);
    expect(log.level).toBe('debug');
  });
});
