import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import {
  parseRateLimit,
  readEnum,
  readInt,
  readList,
  readNumber,
  readPercent,
  readString,
  readUrl,
} from './parse-env.js';

function message(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('readString', () => {
  it('trims, and treats missing, empty and blank alike', () => {
    expect(readString({ A: '  x  ' }, 'A')).toBe('x');
    expect(readString({ A: '' }, 'A')).toBeUndefined();
    expect(readString({ A: ' \t' }, 'A')).toBeUndefined();
    expect(readString({}, 'A')).toBeUndefined();
  });
});

describe('readInt', () => {
  it('falls back when unset and reads integers in range', () => {
    expect(readInt({}, 'N', 7, 1, 10)).toBe(7);
    expect(readInt({ N: '10' }, 'N', 7, 1, 10)).toBe(10);
    expect(readInt({ N: '-3' }, 'N', 0, -5, 5)).toBe(-3);
  });
  it.each(['11', '0', '1.5', 'ten', '9007199254740993'])('rejects %j', (value) => {
    expect(message(() => readInt({ N: value }, 'N', 7, 1, 10))).toBe(
      `N must be an integer 1-10, got "${value}"`,
    );
  });
});

describe('readNumber', () => {
  it('reads decimals in range', () => {
    expect(readNumber({ R: '0.5' }, 'R', 1, 0, 1)).toBe(0.5);
    expect(readNumber({ R: '.25' }, 'R', 1, 0, 1)).toBe(0.25);
    expect(readNumber({ R: '1.' }, 'R', 0, 0, 1)).toBe(1);
  });
  it('falls back when empty', () => {
    expect(readNumber({ R: '' }, 'R', 0.75, 0, 1)).toBe(0.75);
  });
  it.each(['1.5', 'NaN', 'Infinity', '1e-3', '0x1'])('rejects %j', (value) => {
    expect(message(() => readNumber({ R: value }, 'R', 1, 0, 1))).toBe(
      `R must be a number 0-1, got "${value}"`,
    );
  });
});

describe('readPercent', () => {
  it('accepts 1-100', () => {
    expect(readPercent({ P: '100' }, 'P', 75)).toBe(100);
    expect(message(() => readPercent({ P: '0' }, 'P', 75))).toBe(
      'P must be a number 1-100, got "0"',
    );
  });
});

describe('readEnum', () => {
  it('lower-cases and matches', () => {
    expect(readEnum({ E: 'B' }, 'E', 'a', ['a', 'b'])).toBe('b');
    expect(readEnum({}, 'E', 'a', ['a', 'b'])).toBe('a');
  });
  it('lists what it accepts', () => {
    expect(message(() => readEnum({ E: 'c' }, 'E', 'a', ['a', 'b']))).toBe(
      'E must be one of a, b, got "c"',
    );
  });
});

describe('readList', () => {
  it('splits on commas and drops empty items', () => {
    expect(readList({ L: ' a, b ,,c ' }, 'L')).toEqual(['a', 'b', 'c']);
    expect(readList({}, 'L')).toEqual([]);
  });
});

describe('readUrl', () => {
  it('accepts the listed schemes', () => {
    expect(readUrl({ U: 'redis://h:1/0' }, 'U', ['redis:'])).toBe('redis://h:1/0');
    expect(readUrl({}, 'U', ['redis:'])).toBeUndefined();
  });
  it('never echoes the value, which may carry a password', () => {
    const wrongScheme = message(() =>
      readUrl({ U: 'http://user:pa55word@h' }, 'U', ['redis:', 'rediss:']),
    );
    expect(wrongScheme).toBe('U must be a URL starting with redis:// or rediss://, got "http://…"');
    const notUrl = message(() => readUrl({ U: 'user:pa55word' }, 'U', ['redis:']));
    expect(notUrl).not.toContain('pa55word');
  });
});

describe('parseRateLimit', () => {
  it('reads every unit and its abbreviations', () => {
    expect(
      parseRateLimit('R', '1/s,2/sec,3/m,4/min,5/h,6/d,7/days').map((w) => w.windowSeconds),
    ).toEqual([1, 1, 60, 60, 3600, 86_400, 86_400]);
  });
  it('reads off, false and 0 as no limit', () => {
    expect(parseRateLimit('R', 'OFF')).toEqual([]);
    expect(parseRateLimit('R', 'false')).toEqual([]);
    expect(parseRateLimit('R', '0')).toEqual([]);
  });
  it('names the variable and the accepted form', () => {
    expect(message(() => parseRateLimit('R', '100/minute,often'))).toBe(
      'R must be "off" or a comma-separated list of N/unit with unit second, minute, hour or day (e.g. 100/minute,1000/hour), got "100/minute,often"',
    );
  });
});
