/**
 * Fastify's `childLoggerFactory`: the per-request logger (`request.log`, bound to the request
 * id) is made only when the request logs something at an enabled level. pino's `child()` costs
 * about as much as the rest of a /health/quick answer, and most requests never log a line in
 * production: the access line of a probe is at debug, and a 2xx API answer logs only its
 * access line (issue 9, the hot path). A log call at a disabled level returns at once, as pino's
 * own no-op methods do; the first call at an enabled level creates the real child.
 */
import type { FastifyBaseLogger } from 'fastify';

type Bindings = Record<string, unknown>;
type ChildOptions = Parameters<FastifyBaseLogger['child']>[1];
type LevelName = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
type LogArgs = Parameters<FastifyBaseLogger['info']>;

interface PinoLike extends FastifyBaseLogger {
  isLevelEnabled?(level: string): boolean;
}

class LazyChildLogger {
  #child: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: PinoLike,
    private readonly bindings: Bindings,
    private readonly options: ChildOptions,
  ) {}

  #real(): FastifyBaseLogger {
    this.#child ??= this.parent.child(this.bindings, this.options);
    return this.#child;
  }

  #log(level: LevelName, args: LogArgs): void {
    if (this.#child === undefined && this.parent.isLevelEnabled?.(level) === false) return;
    (this.#real()[level] as (...rest: LogArgs) => void)(...args);
  }

  get level(): string {
    return this.#child?.level ?? this.parent.level;
  }

  set level(level: string) {
    this.#real().level = level;
  }

  fatal(...args: LogArgs): void {
    this.#log('fatal', args);
  }
  error(...args: LogArgs): void {
    this.#log('error', args);
  }
  warn(...args: LogArgs): void {
    this.#log('warn', args);
  }
  info(...args: LogArgs): void {
    this.#log('info', args);
  }
  debug(...args: LogArgs): void {
    this.#log('debug', args);
  }
  trace(...args: LogArgs): void {
    this.#log('trace', args);
  }
  silent(): void {}

  child(bindings: Bindings, options?: ChildOptions): FastifyBaseLogger {
    return this.#real().child(bindings, options);
  }

  isLevelEnabled(level: string): boolean {
    const real = (this.#child ?? this.parent) as PinoLike;
    return real.isLevelEnabled?.(level) ?? true;
  }
}

/**
 * Pass as Fastify's `childLoggerFactory`. A route with its own `logLevel` gets its child at
 * once (its level differs from the parent's, so the parent cannot answer for it).
 */
export function lazyChildLoggerFactory(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildOptions,
): FastifyBaseLogger {
  if (options?.level !== undefined) return logger.child(bindings, options);
  return new LazyChildLogger(logger, bindings, options) as unknown as FastifyBaseLogger;
}
