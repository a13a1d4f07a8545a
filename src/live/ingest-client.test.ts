import { describe, expect, it } from 'vitest';
import { detectFormat, postBatch, splitBatches } from './ingest-client.js';

describe('detectFormat', () => {
  it('uses the extension, else the first character', () => {
    expect(detectFormat('a.CSV', '')).toBe('csv');
    expect(detectFormat('a.jsonl', '')).toBe('ndjson');
    expect(detectFormat('a.json', '')).toBe('json');
    expect(detectFormat('-', ' [{"a":1}]')).toBe('json');
    expect(detectFormat('-', '{"a":1}\n')).toBe('ndjson');
    expect(detectFormat('-', 'a,b\n1,2')).toBe('csv');
  });
});

describe('splitBatches', () => {
  it('repeats the CSV header and keeps quoted line breaks inside their record', () => {
    const csv = 'a,b\n1,"x\ny"\n2,z\n3,w\n';
    expect(splitBatches(csv, 'csv', 2)).toEqual(['a,b\n1,"x\ny"\n2,z\n', 'a,b\n3,w\n']);
  });

  it('splits NDJSON by line and JSON arrays by element', () => {
    expect(splitBatches('{"a":1}\n\n{"a":2}\n{"a":3}\n', 'ndjson', 2)).toEqual([
      '{"a":1}\n{"a":2}\n',
      '{"a":3}\n',
    ]);
    expect(splitBatches('[{"a":1},{"a":2},{"a":3}]', 'json', 2)).toEqual([
      '[{"a":1},{"a":2}]',
      '[{"a":3}]',
    ]);
    expect(() => splitBatches('{"a":1}', 'json')).toThrow('array of objects');
  });
});

describe('postBatch', () => {
  const fake = (status: number, body: unknown): typeof fetch =>
    (async () => new Response(JSON.stringify(body), { status })) as typeof fetch;

  it('returns the rows inserted', async () => {
    const inserted = await postBatch({
      url: 'http://x',
      token: 't',
      dataset: 'spots',
      format: 'csv',
      body: 'a\n1\n',
      fetch: fake(201, { inserted: 1 }),
    });
    expect(inserted).toBe(1);
  });

  it("throws the server's error with its code", async () => {
    const error = await postBatch({
      url: 'http://x',
      token: 't',
      dataset: 'spots',
      format: 'json',
      body: '[]',
      fetch: fake(400, { code: 'DASHPORT_ERR_BAD_BODY', message: 'body: row 1: bad' }),
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'DASHPORT_ERR_BAD_BODY',
      message: 'http://x answered 400: body: row 1: bad',
      exitCode: 2,
    });
  });

  it('says when the server cannot be reached', async () => {
    const refused = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    await expect(
      postBatch({
        url: 'http://x',
        token: undefined,
        dataset: 'd',
        format: 'json',
        body: '[]',
        fetch: refused,
      }),
    ).rejects.toThrow('cannot reach http://x (fetch failed); is the server running? (--url)');
  });
});
