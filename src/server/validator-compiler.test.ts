import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { aggregateQuerySchema, rowsQuerySchema } from './routes/datasets/schemas.js';
import { compileValidator, documentsOnly } from './validator-compiler.js';

const compile = (schema: z.ZodType) =>
  compileValidator({ schema, method: 'GET', url: '/x', httpPart: 'querystring' });

/** What fast-querystring gives: string values, or arrays of them for repeated keys. */
const parsedQuery = fc.dictionary(
  fc.string(),
  fc.oneof(fc.string(), fc.array(fc.string(), { minLength: 2 })),
);

describe('compileValidator', () => {
  it('is sound to skip the data API query schemas: they accept every parsed query string', () => {
    fc.assert(
      fc.property(parsedQuery, (query) => {
        expect(rowsQuerySchema.safeParse(query).success).toBe(true);
        expect(aggregateQuerySchema.safeParse(query).success).toBe(true);
      }),
    );
  });

  it('passes a document-only schema through unchanged and still runs every other schema', () => {
    const query = { x: 'tool', band: ['gt.1', 'lt.9'] };
    expect(compile(aggregateQuerySchema)(query)).toEqual({ value: query });
    const strict = compile(documentsOnly(z.object({ n: z.number() })));
    expect(strict({ n: 'not a number' })).toEqual({ value: { n: 'not a number' } });
    const checked = compile(z.object({ id: z.string().max(3) })) as (data: unknown) => {
      error?: unknown;
    };
    expect(checked({ id: 'too long' }).error).toBeDefined();
    expect(checked({ id: 'ok' }).error).toBeUndefined();
  });
});
