import { describe, expect, it } from 'vitest';
import { COLUMN_TYPES } from '../../shared/api-types.js';
import { doubleType, textType, typedPlaceholder } from './dialect.js';

describe('typedPlaceholder', () => {
  it('casts explicitly for DuckDB', () => {
    expect(COLUMN_TYPES.map((type) => typedPlaceholder('duckdb', type, '$1'))).toEqual([
      'CAST($1 AS BIGINT)',
      'CAST($1 AS DOUBLE)',
      '$1',
      'CAST($1 AS BOOLEAN)',
      'CAST($1 AS DATE)',
      'CAST($1 AS TIMESTAMP)',
    ]);
  });

  it('casts with :: for PostgreSQL, leaving timestamps to the column', () => {
    expect(COLUMN_TYPES.map((type) => typedPlaceholder('postgres', type, '$2'))).toEqual([
      '$2::bigint',
      '$2::double precision',
      '$2',
      '$2::boolean',
      '$2::date',
      '$2',
    ]);
  });
});

describe('type names', () => {
  it('spells the float and text types per dialect', () => {
    expect([doubleType('duckdb'), doubleType('postgres')]).toEqual(['DOUBLE', 'double precision']);
    expect([textType('duckdb'), textType('postgres')]).toEqual(['VARCHAR', 'text']);
  });
});
