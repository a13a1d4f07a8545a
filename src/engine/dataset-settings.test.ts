import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { parseSettings } from './dataset-settings.js';

const FILE = '/data/dashport.yaml';

function settingsError(text: string): ConfigError {
  try {
    parseSettings(text, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('parseSettings', () => {
  it('reads every documented setting', () => {
    const settings = parseSettings(
      `datasets:
  spots:
    title: Radio spots
    description: Reports of stations heard
    time_column: ts
    live: true
  ecg:
    label_column: label
    types: { label: string, sample: float }
    samples_per_class: 20
  pg.orders:
    increasing_column: id
`,
      FILE,
    );
    expect(settings).toEqual({
      spots: {
        title: 'Radio spots',
        description: 'Reports of stations heard',
        time_column: 'ts',
        live: true,
      },
      ecg: {
        label_column: 'label',
        types: { label: 'string', sample: 'float' },
        samples_per_class: 20,
      },
      'pg.orders': { increasing_column: 'id' },
    });
  });

  it('accepts an empty file and an empty datasets map', () => {
    expect(parseSettings('', FILE)).toEqual({});
    expect(parseSettings('datasets: {}\n', FILE)).toEqual({});
  });

  it('names the file and the path of an unknown type', () => {
    const error = settingsError('datasets:\n  ecg:\n    types: { label: text }\n');
    expect(error.message).toMatch(/^\/data\/dashport\.yaml: datasets\.ecg\.types\.label: /);
    expect(error.message).toMatch(/integer/);
  });

  it('names the file and the path of an unknown key', () => {
    const error = settingsError('datasets:\n  spots:\n    time_colum: ts\n');
    expect(error.message).toMatch(/^\/data\/dashport\.yaml: datasets\.spots: /);
    expect(error.message).toContain('time_colum');
  });

  it('names the file and the path of a wrongly typed value', () => {
    expect(settingsError('datasets:\n  spots:\n    live: sometimes\n').message).toMatch(
      /^\/data\/dashport\.yaml: datasets\.spots\.live: /,
    );
    expect(settingsError('datasets:\n  ecg:\n    samples_per_class: 0\n').message).toMatch(
      /^\/data\/dashport\.yaml: datasets\.ecg\.samples_per_class: /,
    );
  });

  it('names the file at the root', () => {
    expect(settingsError('dataset:\n  spots: {}\n').message).toMatch(
      /^\/data\/dashport\.yaml: \(root\): /,
    );
  });

  it('names the file of invalid YAML', () => {
    expect(settingsError('datasets:\n  spots: [unclosed\n').message).toMatch(
      /^\/data\/dashport\.yaml: not valid YAML: /,
    );
  });
});
