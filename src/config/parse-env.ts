/**
 * Small, pure parsers for environment values. Each throws a `ConfigError` whose message names
 * the variable, the value it got and what it accepts — `PORT must be an integer 1-65535, got "abc"`.
 */
import { ConfigError } from '../errors.js';

export type Env = Readonly<Record<string, string | undefined>>;

function fail(name: string, accepted: string, raw: string): never {
  throw new ConfigError(`${name} must be ${accepted}, got "${raw}"`, name);
}

/** The trimmed value, or undefined when unset or empty. */
export function readString(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  return trimmed === '' ? undefined : trimmed;
}

export function readInt(
  env: Env,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = readString(env, name);
  if (raw === undefined) return fallback;
  if (!/^-?\d+$/.test(raw)) fail(name, `an integer ${min}-${max}`, raw);
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    fail(name, `an integer ${min}-${max}`, raw);
  }
  return value;
}

export function readNumber(
  env: Env,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = readString(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^-?(\d+\.?\d*|\.\d+)$/.test(raw) || !Number.isFinite(value) || value < min || value > max) {
    fail(name, `a number ${min}-${max}`, raw);
  }
  return value;
}

export function readEnum<T extends string>(
  env: Env,
  name: string,
  fallback: T,
  allowed: readonly T[],
): T {
  const raw = readString(env, name);
  if (raw === undefined) return fallback;
  const lower = raw.toLowerCase();
  const match = allowed.find((value) => value === lower);
  if (match === undefined) fail(name, `one of ${allowed.join(', ')}`, raw);
  return match;
}

export function readList(env: Env, name: string): string[] {
  const raw = readString(env, name);
  if (raw === undefined) return [];
  return raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

export function readUrl(env: Env, name: string, protocols: readonly string[]): string | undefined {
  const raw = readString(env, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // Never echo a URL that may carry a password: show only its shape.
    throw new ConfigError(
      `${name} must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}, got a value that is not a URL`,
      name,
    );
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(
      `${name} must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}, got "${url.protocol}//…"`,
      name,
    );
  }
  return raw;
}

/** A rate-limit window such as `100/minute`. */
export interface RateLimitWindow {
  readonly max: number;
  readonly windowSeconds: number;
  readonly label: string;
}

const WINDOW_SECONDS: Record<string, number> = {
  second: 1,
  sec: 1,
  s: 1,
  minute: 60,
  min: 60,
  m: 60,
  hour: 3600,
  h: 3600,
  day: 86_400,
  d: 86_400,
};

/** `100/minute,1000/hour` → windows; `off` → []. */
export function parseRateLimit(name: string, raw: string): RateLimitWindow[] {
  const trimmed = raw.trim().toLowerCase();
  if (trimmed === 'off' || trimmed === 'false' || trimmed === '0') return [];
  const accepted = `"off" or a comma-separated list of N/unit with unit second, minute, hour or day (e.g. 100/minute,1000/hour)`;
  const windows = trimmed.split(',').map((part) => {
    const match = /^\s*(\d+)\s*\/\s*(\d*)\s*([a-z]+?)s?\s*$/.exec(part);
    if (!match) fail(name, accepted, raw);
    const [, maxText, multiplierText, unit] = match;
    const seconds = WINDOW_SECONDS[unit ?? ''];
    const max = Number(maxText);
    const multiplier =
      multiplierText === '' || multiplierText === undefined ? 1 : Number(multiplierText);
    if (seconds === undefined || max < 1 || multiplier < 1) fail(name, accepted, raw);
    return { max, windowSeconds: seconds * multiplier, label: part.trim() };
  });
  return windows;
}

/** Percentages of a budget, e.g. memory thresholds. */
export function readPercent(env: Env, name: string, fallback: number): number {
  return readNumber(env, name, fallback, 1, 100);
}
