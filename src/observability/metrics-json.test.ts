import { describe, expect, it } from 'vitest';
import { formatMetricsJson, seriesKey } from './metrics-json.js';
import type { MetricsJson } from './metrics-json.js';

describe('seriesKey', () => {
  it('sorts labels, escapes values and drops omitted labels', () => {
    expect(seriesKey('m', { route: '/a"b', method: 'GET', le: 0.5 }, ['le'])).toBe(
      'm{method="GET",route="/a\\"b"}',
    );
    expect(seriesKey('m', {})).toBe('m');
  });
});

describe('formatMetricsJson', () => {
  it('summarises histograms with count, sum, min, max and avg', () => {
    const metrics = [
      {
        name: 'req_seconds',
        help: 'h',
        type: 'histogram',
        aggregator: 'sum',
        values: [
          { labels: { le: 0.1, route: '/a' }, value: 1, metricName: 'req_seconds_bucket' },
          { labels: { le: '+Inf', route: '/a' }, value: 2, metricName: 'req_seconds_bucket' },
          { labels: { route: '/a' }, value: 0.6, metricName: 'req_seconds_sum' },
          { labels: { route: '/a' }, value: 2, metricName: 'req_seconds_count' },
        ],
      },
      {
        name: 'hits_total',
        help: 'h',
        type: 'counter',
        aggregator: 'sum',
        values: [{ labels: { layer: 'memory' }, value: 3 }],
      },
      {
        name: 'up',
        help: 'h',
        type: 'gauge',
        aggregator: 'sum',
        values: [{ labels: {}, value: 1 }],
      },
    ] as unknown as MetricsJson;
    const extremes = [
      {
        name: 'req_seconds_min',
        help: 'h',
        type: 'gauge',
        aggregator: 'min',
        values: [{ labels: { route: '/a' }, value: 0.05 }],
      },
      {
        name: 'req_seconds_max',
        help: 'h',
        type: 'gauge',
        aggregator: 'max',
        values: [{ labels: { route: '/a' }, value: 0.55 }],
      },
    ] as unknown as MetricsJson;

    expect(formatMetricsJson(metrics, extremes)).toEqual({
      counters: { 'hits_total{layer="memory"}': 3 },
      gauges: { up: 1 },
      histograms: {
        'req_seconds{route="/a"}': { count: 2, sum: 0.6, min: 0.05, max: 0.55, avg: 0.3 },
      },
    });
  });

  it('leaves out a histogram series without observations or without tracked extremes', () => {
    const histogram = (name: string, route: string, count: number, sum: number) => ({
      name,
      help: 'h',
      type: 'histogram',
      aggregator: 'sum',
      values: [
        { labels: { route }, value: sum, metricName: `${name}_sum` },
        { labels: { route }, value: count, metricName: `${name}_count` },
      ],
    });
    const metrics = [
      histogram('empty_seconds', '/a', 0, 0),
      histogram('untracked_seconds', '/b', 4, 1),
      histogram('tracked_seconds', '/c', 2, 1),
    ] as unknown as MetricsJson;
    const extremes = [
      {
        name: 'tracked_seconds_min',
        help: 'h',
        type: 'gauge',
        aggregator: 'min',
        values: [{ labels: { route: '/c' }, value: 0.25 }],
      },
      {
        name: 'tracked_seconds_max',
        help: 'h',
        type: 'gauge',
        aggregator: 'max',
        values: [{ labels: { route: '/c' }, value: 0.75 }],
      },
    ] as unknown as MetricsJson;
    expect(formatMetricsJson(metrics, extremes).histograms).toEqual({
      'tracked_seconds{route="/c"}': { count: 2, sum: 1, min: 0.25, max: 0.75, avg: 0.5 },
    });
  });
});
