/**
 * The error catalog. Every error Dashport raises on purpose is a `DashportError` with a
 * stable `code` that clients and scripts match on, the HTTP status the API answers with and
 * the exit code the CLI ends with. `docs/errors.md` lists every code; a test checks that.
 */

export const EXIT_OK = 0;
export const EXIT_RUNTIME = 1;
export const EXIT_USAGE = 2;

interface CatalogEntry {
  readonly status: number;
  readonly exitCode: number;
  readonly title: string;
}

/** Stable codes; the message of each error says what exactly went wrong. */
export const ERROR_CATALOG = {
  DASHPORT_ERR_CONFIG: { status: 500, exitCode: EXIT_USAGE, title: 'Invalid configuration' },
  DASHPORT_ERR_USAGE: { status: 400, exitCode: EXIT_USAGE, title: 'Invalid command usage' },
  DASHPORT_ERR_BAD_PARAMETER: { status: 400, exitCode: EXIT_USAGE, title: 'Bad Request' },
  DASHPORT_ERR_UNKNOWN_COLUMN: { status: 400, exitCode: EXIT_USAGE, title: 'Bad Request' },
  DASHPORT_ERR_BAD_BODY: { status: 400, exitCode: EXIT_USAGE, title: 'Bad Request' },
  DASHPORT_ERR_UNAUTHORIZED: { status: 401, exitCode: EXIT_RUNTIME, title: 'Unauthorized' },
  DASHPORT_ERR_WRITES_DISABLED: { status: 403, exitCode: EXIT_RUNTIME, title: 'Forbidden' },
  DASHPORT_ERR_FORBIDDEN: { status: 403, exitCode: EXIT_RUNTIME, title: 'Forbidden' },
  DASHPORT_ERR_CSRF: { status: 403, exitCode: EXIT_RUNTIME, title: 'Forbidden' },
  DASHPORT_ERR_NOT_FOUND: { status: 404, exitCode: EXIT_RUNTIME, title: 'Not Found' },
  DASHPORT_ERR_DATASET_NOT_FOUND: { status: 404, exitCode: EXIT_RUNTIME, title: 'Not Found' },
  DASHPORT_ERR_DASHBOARD_NOT_FOUND: { status: 404, exitCode: EXIT_RUNTIME, title: 'Not Found' },
  DASHPORT_ERR_ANALYSIS_NOT_APPLICABLE: { status: 404, exitCode: EXIT_RUNTIME, title: 'Not Found' },
  DASHPORT_ERR_BODY_TOO_LARGE: { status: 413, exitCode: EXIT_RUNTIME, title: 'Payload Too Large' },
  DASHPORT_ERR_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    exitCode: EXIT_RUNTIME,
    title: 'Unsupported Media Type',
  },
  DASHPORT_ERR_RATE_LIMITED: { status: 429, exitCode: EXIT_RUNTIME, title: 'Too Many Requests' },
  DASHPORT_ERR_DATASET_NOT_READY: {
    status: 503,
    exitCode: EXIT_RUNTIME,
    title: 'Service Unavailable',
  },
  DASHPORT_ERR_DATASET_BROKEN: {
    status: 503,
    exitCode: EXIT_RUNTIME,
    title: 'Service Unavailable',
  },
  DASHPORT_ERR_SOURCE_UNAVAILABLE: {
    status: 503,
    exitCode: EXIT_RUNTIME,
    title: 'Service Unavailable',
  },
  DASHPORT_ERR_QUERY_TIMEOUT: { status: 503, exitCode: EXIT_RUNTIME, title: 'Service Unavailable' },
  DASHPORT_ERR_OUT_OF_MEMORY: { status: 503, exitCode: EXIT_RUNTIME, title: 'Service Unavailable' },
  DASHPORT_ERR_SHUTTING_DOWN: { status: 503, exitCode: EXIT_RUNTIME, title: 'Service Unavailable' },
  DASHPORT_ERR_DATA: { status: 500, exitCode: EXIT_RUNTIME, title: 'Internal Server Error' },
  DASHPORT_ERR_DUPLICATE_DATASET: {
    status: 500,
    exitCode: EXIT_USAGE,
    title: 'Internal Server Error',
  },
  DASHPORT_ERR_CACHE: { status: 500, exitCode: EXIT_RUNTIME, title: 'Internal Server Error' },
  DASHPORT_ERR_UNREACHABLE: { status: 503, exitCode: EXIT_RUNTIME, title: 'Service Unavailable' },
  DASHPORT_ERR_OIDC_STATE: { status: 400, exitCode: EXIT_RUNTIME, title: 'Bad Request' },
  DASHPORT_ERR_OIDC_REFUSED: { status: 401, exitCode: EXIT_RUNTIME, title: 'Unauthorized' },
  DASHPORT_ERR_OIDC_UNAVAILABLE: {
    status: 503,
    exitCode: EXIT_RUNTIME,
    title: 'Service Unavailable',
  },
  DASHPORT_ERR_INTERNAL: { status: 500, exitCode: EXIT_RUNTIME, title: 'Internal Server Error' },
} as const satisfies Record<string, CatalogEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export interface DashportErrorOptions {
  /** The request parameter, variable or field at fault, when there is one. */
  readonly parameter?: string;
  /** Seconds after which retrying makes sense (503, 429). */
  readonly retryAfterSeconds?: number;
  /** Response headers the answer needs (`WWW-Authenticate` of a 401). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly cause?: unknown;
}

/** Base class of every deliberate error; `code` is stable, `message` is for people. */
export class DashportError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly exitCode: number;
  readonly parameter: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(code: ErrorCode, message: string, options: DashportErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = ERROR_CATALOG[code].status;
    this.exitCode = ERROR_CATALOG[code].exitCode;
    this.parameter = options.parameter;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.headers = options.headers;
  }
}

/** A configuration value that cannot be used: names the variable, the value and what is accepted. */
export class ConfigError extends DashportError {
  constructor(message: string, variable?: string) {
    super('DASHPORT_ERR_CONFIG', message, variable === undefined ? {} : { parameter: variable });
  }
}

/** A CLI invocation that cannot be understood. */
export class UsageError extends DashportError {
  constructor(message: string) {
    super('DASHPORT_ERR_USAGE', message);
  }
}

/** A request parameter with a value we cannot accept. */
export class BadParameterError extends DashportError {
  constructor(parameter: string, message: string) {
    super('DASHPORT_ERR_BAD_PARAMETER', message, { parameter });
  }
}

/**
 * A computed measure (`y: "sum(revenue) / sum(units)"`) that cannot be read: names the
 * parameter, the text and the 1-based position of the problem in it.
 */
export class MeasureSyntaxError extends BadParameterError {
  readonly position: number;
  constructor(parameter: string, text: string, position: number, problem: string) {
    super(parameter, `${parameter}: ${problem} at position ${position} of ${JSON.stringify(text)}`);
    this.position = position;
  }
}

/** A column name that is not in the dataset's schema. */
export class UnknownColumnError extends DashportError {
  /** `where`: more about the place, e.g. ` at position 5 of "sum(x)"` for a measure. */
  constructor(parameter: string, column: string, available: readonly string[], where = '') {
    const shown = available.slice(0, 30).join(', ') + (available.length > 30 ? ', …' : '');
    super(
      'DASHPORT_ERR_UNKNOWN_COLUMN',
      `${parameter}: unknown column "${column}"${where}; columns are: ${shown}`,
      { parameter },
    );
  }
}

export class NotFoundError extends DashportError {
  constructor(
    code: Extract<ErrorCode, `${string}NOT_FOUND` | 'DASHPORT_ERR_ANALYSIS_NOT_APPLICABLE'>,
    message: string,
  ) {
    super(code, message);
  }
}

/** The dataset exists but cannot answer yet (cache building) or at all (source down). */
export class UnavailableError extends DashportError {
  constructor(
    code: Extract<
      ErrorCode,
      | 'DASHPORT_ERR_DATASET_NOT_READY'
      | 'DASHPORT_ERR_DATASET_BROKEN'
      | 'DASHPORT_ERR_SOURCE_UNAVAILABLE'
      | 'DASHPORT_ERR_QUERY_TIMEOUT'
      | 'DASHPORT_ERR_OUT_OF_MEMORY'
      | 'DASHPORT_ERR_SHUTTING_DOWN'
      | 'DASHPORT_ERR_UNREACHABLE'
    >,
    message: string,
    retryAfterSeconds = 5,
  ) {
    super(code, message, { retryAfterSeconds });
  }
}

/**
 * 401: no identity, or a credential that does not check out (wrong password, unknown key).
 * `challenge` becomes `WWW-Authenticate` (set where HTTP Basic is on, so clients know to ask).
 */
export class UnauthenticatedError extends DashportError {
  constructor(message: string, challenge?: string) {
    super(
      'DASHPORT_ERR_UNAUTHORIZED',
      message,
      challenge === undefined ? {} : { headers: { 'www-authenticate': challenge } },
    );
  }
}

/** 403: a known identity that the rules do not admit to the resource or action. */
export class ForbiddenError extends DashportError {
  constructor(message: string) {
    super('DASHPORT_ERR_FORBIDDEN', message);
  }
}

/** A data file that cannot be read: names the file, the line when known and the reason. */
export class DataError extends DashportError {
  readonly file: string | undefined;
  readonly line: number | undefined;
  constructor(message: string, details: { file?: string; line?: number; cause?: unknown } = {}) {
    super(
      'DASHPORT_ERR_DATA',
      message,
      details.cause === undefined ? {} : { cause: details.cause },
    );
    this.file = details.file;
    this.line = details.line;
  }
}

/**
 * An OpenID Connect sign-in that cannot complete: the browser's state is missing, expired or
 * does not match (400), the provider refused or answered something that fails validation
 * (401), or the provider cannot be reached (503). Messages never carry a secret or a token.
 */
export class OidcError extends DashportError {
  constructor(
    code: Extract<
      ErrorCode,
      'DASHPORT_ERR_OIDC_STATE' | 'DASHPORT_ERR_OIDC_REFUSED' | 'DASHPORT_ERR_OIDC_UNAVAILABLE'
    >,
    message: string,
    options: DashportErrorOptions = {},
  ) {
    super(code, message, options);
  }
}

export function isDashportError(error: unknown): error is DashportError {
  return error instanceof DashportError;
}
