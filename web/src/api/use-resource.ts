/**
 * Loads one resource for a component: re-runs when `key` changes, aborts the request it no
 * longer needs, and keeps the last data while the next one loads so charts do not flash.
 */
import { useEffect, useState } from 'react';
import { takePreloaded } from './preload.js';

export interface Resource<T> {
  readonly data: T | undefined;
  readonly error: Error | undefined;
  /** A request for the current key is under way. */
  readonly loading: boolean;
  /** The key `data` (or `error`) belongs to; differs from the current key while loading. */
  readonly dataKey: string | undefined;
}

interface State<T> {
  readonly data: T | undefined;
  readonly error: Error | undefined;
  readonly dataKey: string | undefined;
}

export function useResource<T>(
  key: string | null,
  load: (signal: AbortSignal) => Promise<T>,
): Resource<T> {
  const [state, setState] = useState<State<T>>({
    data: undefined,
    error: undefined,
    dataKey: undefined,
  });
  useEffect(() => {
    if (key === null) return undefined;
    const controller = new AbortController();
    (takePreloaded<T>(key) ?? load(controller.signal)).then(
      (data) => {
        if (!controller.signal.aborted) setState({ data, error: undefined, dataKey: key });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        const failure = error instanceof Error ? error : new Error(String(error));
        setState({ data: undefined, error: failure, dataKey: key });
      },
    );
    return () => controller.abort();
    // `load` is recreated on every render; `key` names what it loads, so it alone re-runs it.
  }, [key]);
  return { ...state, loading: key !== null && state.dataKey !== key };
}
