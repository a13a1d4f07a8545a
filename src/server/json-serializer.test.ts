import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deepFreeze } from '../resilience/response-cache.js';
import { serializeJson } from './json-serializer.js';

describe('serializeJson', () => {
  it('writes exactly what JSON.stringify writes, frozen or not', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, freeze) => {
        const expected = JSON.stringify(value);
        const wrapped = {
          part: freeze ? deepFreeze(structuredClone(value)) : value,
          meta: { n: 1 },
        };
        expect(serializeJson(freeze ? deepFreeze(structuredClone(value)) : value)).toBe(expected);
        expect(serializeJson(wrapped)).toBe(JSON.stringify(wrapped));
      }),
    );
  });

  it('leaves out undefined and function properties and keeps toJSON and Dates', () => {
    const date = new Date(0);
    const value = { a: undefined, b: () => 1, c: date, d: { toJSON: () => 'j' }, e: null };
    expect(serializeJson(value)).toBe(JSON.stringify(value));
    expect(serializeJson({ toJSON: () => ({ z: 1 }) })).toBe('{"z":1}');
    expect(serializeJson(Object.create({ inherited: 1 }) as object)).toBe('{}');
  });

  it('reuses the text of a frozen part: the same object gives the same text', () => {
    const cached = deepFreeze({ x: ['a', 'b'], series: [{ name: 'count', y: [1, 2] }] });
    const first = serializeJson({ x: cached.x, series: cached.series, meta: { cached: false } });
    const second = serializeJson({ x: cached.x, series: cached.series, meta: { cached: true } });
    expect(first).toBe(
      '{"x":["a","b"],"series":[{"name":"count","y":[1,2]}],"meta":{"cached":false}}',
    );
    expect(second).toBe(
      '{"x":["a","b"],"series":[{"name":"count","y":[1,2]}],"meta":{"cached":true}}',
    );
  });
});
