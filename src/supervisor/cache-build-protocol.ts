/** Messages between the supervisor and its cache-builder child process. */
import type { LogLevel } from '../config/config.js';

/** Supervisor → builder: what to build; the only message it sends. */
export interface BuildStartMessage {
  readonly type: 'dashport:build-start';
  readonly dataDir: string;
  readonly cacheDir: string;
  /** Whose rollups the build writes. */
  readonly dashboardsDir?: string;
  readonly version: string;
  readonly logLevel: LogLevel;
  readonly logFormat: 'text' | 'json';
  readonly memoryLimit: string;
}

/** Builder → supervisor: a dataset started, committed, was fresh or failed. */
export interface BuildEventMessage {
  readonly type: 'dashport:build-event';
  readonly id: string;
  readonly status: string;
  readonly progress: number;
}

/** Builder → supervisor, every second: its resident memory, part of the server's total. */
export interface BuildRssMessage {
  readonly type: 'dashport:build-rss';
  readonly rssBytes: number;
}

/** Builder → supervisor, at the end: how long each dataset took. */
export interface BuildReportMessage {
  readonly type: 'dashport:build-report';
  readonly seconds: number;
  readonly outcomes: readonly {
    readonly id: string;
    readonly status: string;
    readonly seconds: number;
  }[];
}

export type BuilderMessage = BuildEventMessage | BuildRssMessage | BuildReportMessage;

export function isBuilderMessage(message: unknown): message is BuilderMessage {
  if (typeof message !== 'object' || message === null) return false;
  const type = (message as { type?: unknown }).type;
  return (
    type === 'dashport:build-event' ||
    type === 'dashport:build-rss' ||
    type === 'dashport:build-report'
  );
}

export function isBuildStartMessage(message: unknown): message is BuildStartMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === 'dashport:build-start'
  );
}
