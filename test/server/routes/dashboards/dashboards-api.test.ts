/**
 * `/api/v1/dashboards…` on the real app and engine over a small data dir: the list with an
 * invalid file, one definition, the JSON Schema, and every panel's data in one response.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  DashboardDataResponse,
  DashboardListResponse,
} from '../../../../src/shared/dashboard-types.js';
import { type TestApp, createTestApp } from '../../../helpers/test-app.js';

const TRENDS = [
  'date,tool,source,value',
  '2020-01-01,A,x,1',
  '2020-02-01,A,x,3',
  '2020-01-01,B,x,10',
  '2020-02-01,B,y,20',
  '2021-01-01,A,y,5',
].join('\n');
const NOTES = ['date,tool,note', '2020-01-15,A,first', '2020-02-10,B,second'].join('\n');
const TOOLS = `
title: Tools
dataset: trends
filters:
  - column: tool
    default: A
  - column: date
    type: date-range
panels:
  - id: line
    type: line
    x: date
    bucket: month
    y: value
    agg: sum
    annotations: { dataset: notes, time: date, text: note }
  - id: count
    type: number
  - id: rows
    type: table
    select: [date, value]
    order: date
    limit: 2
  - id: bad
    type: number
    y: nope
    agg: sum
`;
const BROKEN = 'title: Broken\ndataset: trends\npanels:\n  - type: pie\n';

let root: string;
let testApp: TestApp;

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'dashport-dashboards-'));
  const dataDir = path.join(root, 'data');
  mkdirSync(path.join(dataDir, 'dashboards'), { recursive: true });
  writeFileSync(path.join(dataDir, 'trends.csv'), TRENDS);
  writeFileSync(path.join(dataDir, 'notes.csv'), NOTES);
  writeFileSync(path.join(dataDir, 'dashboards', 'tools.yaml'), TOOLS);
  writeFileSync(path.join(dataDir, 'dashboards', 'broken.yaml'), BROKEN);
  testApp = await createTestApp({ dataDir, cacheDir: path.join(root, 'cache') });
});

afterAll(async () => {
  await testApp?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

async function data(query = ''): Promise<DashboardDataResponse> {
  const response = await testApp.app.inject(`/api/v1/dashboards/tools/data${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as DashboardDataResponse;
}

describe('GET /api/v1/dashboards', () => {
  it('lists valid dashboards with their definition and invalid ones with file, line, path and problem', async () => {
    const response = await testApp.app.inject('/api/v1/dashboards');
    expect(response.statusCode).toBe(200);
    const body = response.json() as DashboardListResponse;
    expect(body.schema).toBe('/api/v1/dashboards/schema.json');
    expect(body.dashboards.map((entry) => [entry.id, entry.valid])).toEqual([
      ['broken', false],
      ['tools', true],
    ]);
    expect(body.dashboards[0]?.problems).toEqual([
      {
        file: 'broken.yaml',
        path: 'panels[0].type',
        line: 4,
        message: expect.stringMatching(/line.*number/),
      },
    ]);
    expect(body.dashboards[1]?.definition?.panels.map((panel) => panel.id)).toEqual([
      'line',
      'count',
      'rows',
      'bad',
    ]);
  });

  it('serves one definition, 404 for an unknown id and the problems of an invalid one', async () => {
    const tools = await testApp.app.inject('/api/v1/dashboards/tools');
    expect(tools.json()).toMatchObject({
      id: 'tools',
      filters: [
        { column: 'tool', defaultValues: ['A'] },
        { column: 'date', kind: 'date-range' },
      ],
    });
    const missing = await testApp.app.inject('/api/v1/dashboards/nope');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({
      code: 'DASHPORT_ERR_DASHBOARD_NOT_FOUND',
      message: expect.stringContaining('broken, tools'),
    });
    const broken = await testApp.app.inject('/api/v1/dashboards/broken');
    expect(broken.statusCode).toBe(500);
    expect(broken.json().message).toContain('broken.yaml:4 panels[0].type');
  });

  it('serves the JSON Schema of a dashboard file', async () => {
    const response = await testApp.app.inject('/api/v1/dashboards/schema.json');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('application/schema+json');
    expect(response.json()).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['title', 'dataset', 'panels']),
    });
  });
});

describe('GET /api/v1/dashboards/{id}/data', () => {
  it('answers every panel with the default filters, notes and filter options', async () => {
    const body = await data();
    expect(body.filters).toEqual({ tool: ['A'], date: [] });
    expect(body.options).toEqual({
      tool: { values: ['A', 'B'] },
      date: { min: '2020-01-01', max: '2021-01-01' },
    });
    const line = body.panels['line'];
    expect(line?.kind).toBe('aggregate');
    if (line?.kind !== 'aggregate') return;
    expect(line.data.x).toHaveLength(3);
    expect(line.data.series[0]?.y).toEqual([1, 3, 5]);
    expect(line.annotations).toEqual({ x: ['2020-01-15'], text: ['first'] });
    expect(body.panels['count']).toMatchObject({
      kind: 'aggregate',
      data: { series: [{ y: [3] }] },
    });
    expect(body.panels['rows']).toMatchObject({
      kind: 'rows',
      query: 'select=date%2Cvalue&order=date&filter.tool=eq.A',
      data: {
        rows: [
          ['2020-01-01', 1],
          ['2020-02-01', 3],
        ],
        limit: 2,
      },
    });
    expect(body.panels['bad']).toMatchObject({
      kind: 'error',
      error: { statusCode: 400, parameter: 'y' },
    });
  });

  it('applies equality, operator and date-range values from the query string', async () => {
    expect((await data('?tool=B')).panels['count']).toMatchObject({
      data: { series: [{ y: [2] }] },
    });
    expect(
      (await data('?tool=in.(A,B)&date=gte.2020-02-01&date=lt.2021-01-01')).panels['count'],
    ).toMatchObject({ data: { series: [{ y: [2] }] } });
    expect((await data('?tool=')).panels['count']).toMatchObject({
      data: { series: [{ y: [5] }] },
    });
  });

  it('refuses an unknown filter and a bad filter value with 400', async () => {
    const unknown = await testApp.app.inject('/api/v1/dashboards/tools/data?colour=red');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({
      parameter: 'colour',
      message: expect.stringContaining('tool, date'),
    });
    const body = await data('?date=gte.yesterday');
    expect(body.panels['count']).toMatchObject({ kind: 'error', error: { statusCode: 400 } });
  });

  it('answers a repeated request with 304 when nothing changed', async () => {
    const first = await testApp.app.inject('/api/v1/dashboards/tools/data?tool=B');
    const etag = first.headers['etag'];
    expect(typeof etag).toBe('string');
    const again = await testApp.app.inject({
      url: '/api/v1/dashboards/tools/data?tool=B',
      headers: { 'if-none-match': String(etag) },
    });
    expect(again.statusCode).toBe(304);
    const other = await testApp.app.inject({
      url: '/api/v1/dashboards/tools/data?tool=A',
      headers: { 'if-none-match': String(etag) },
    });
    expect(other.statusCode).toBe(200);
  });

  it('answers 404 for an unknown dashboard', async () => {
    expect((await testApp.app.inject('/api/v1/dashboards/nope/data')).statusCode).toBe(404);
  });
});
