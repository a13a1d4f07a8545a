import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineFromMessage } from './locate-failure.js';
import { hashFiles, settingsHash } from './source-fingerprint.js';

describe('lineFromMessage', () => {
  it.each([
    ['Error when converting column "n". Line: 12', 12],
    ['CSV Error on Line: 20481\nOriginal Line: 1,abc', 20_481],
    ['Malformed JSON in file "x.json", at byte 4 in line 7: unexpected character', 7],
    ['error on line 3', 3],
    ['failed at line number 42', 42],
    ['Invalid Input Error: No line here', undefined],
    ['pipeline 5 failed', undefined],
    [
      'Malformed JSON in file "a.json", at byte 7 in record/value 3: unexpected end of data.\n\nLINE 1: DESCRIBE SELECT * FROM read_json',
      undefined,
    ],
    ['Malformed JSON at byte 15 in line 3: unexpected end of data.\n\nLINE 1: DESCRIBE SELECT', 3],
  ])('%j → %j', (message, line) => {
    expect(lineFromMessage(message)).toBe(line);
  });
});

describe('settingsHash', () => {
  it('is stable and ignores settings that do not change the build', () => {
    const base = settingsHash({ types: { a: 'string' }, label_column: 'label' });
    expect(settingsHash({ types: { a: 'string' }, label_column: 'label' })).toBe(base);
    expect(
      settingsHash({
        types: { a: 'string' },
        label_column: 'label',
        title: 'T',
        description: 'D',
        time_column: 'ts',
        live: true,
      }),
    ).toBe(base);
    expect(base).toMatch(/^[0-9a-f]{16}$/);
  });

  it('changes with types, the label column and samples per class', () => {
    const base = settingsHash({ types: { a: 'string' }, label_column: 'label' });
    expect(settingsHash({ types: { a: 'integer' }, label_column: 'label' })).not.toBe(base);
    expect(settingsHash({ types: { a: 'string' } })).not.toBe(base);
    expect(
      settingsHash({ types: { a: 'string' }, label_column: 'label', samples_per_class: 10 }),
    ).not.toBe(base);
  });

  it('treats no settings like empty settings and the default sample size', () => {
    expect(settingsHash(undefined)).toBe(settingsHash({}));
    expect(settingsHash({ samples_per_class: 50 })).toBe(settingsHash({}));
  });
});

describe('hashFiles', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'dashport-hash-'));
    await writeFile(path.join(dir, 'a.csv'), 'x\n1\n');
    await writeFile(path.join(dir, 'b.csv'), 'x\n1\n');
    await writeFile(path.join(dir, 'c.csv'), 'x\n2\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('depends on content, file names and the extra tag', async () => {
    const a = await hashFiles([path.join(dir, 'a.csv')]);
    expect(await hashFiles([path.join(dir, 'a.csv')])).toBe(a);
    expect(await hashFiles([path.join(dir, 'c.csv')])).not.toBe(a);
    expect(await hashFiles([path.join(dir, 'b.csv')])).not.toBe(a);
    expect(await hashFiles([path.join(dir, 'a.csv')], 'table:t')).not.toBe(a);
  });
});
