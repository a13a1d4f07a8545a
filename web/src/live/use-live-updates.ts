/**
 * Live datasets push `rows` and `version` events over Server-Sent Events
 * (`/api/v1/datasets/{id}/events`); each burst of events triggers one refresh. Where the
 * stream is not offered (an older server, a proxy that refuses it) the page stays as it is:
 * a closed stream is not retried and nothing is reported to the user.
 */
import { useEffect, useRef } from 'react';
import { eventsUrl } from '../api/client.js';

/** Rows often arrive in bursts; one refresh per burst is enough. */
export const LIVE_REFRESH_DEBOUNCE_MS = 500;
const EVENTS = ['rows', 'version'] as const;

export function useLiveUpdates(datasetIds: readonly string[], onChange: () => void): void {
  const callback = useRef(onChange);
  callback.current = onChange;
  const key = [...new Set(datasetIds)].sort().join('\n');

  useEffect(() => {
    if (key === '' || typeof EventSource === 'undefined') return undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const changed = () => {
      clearTimeout(timer);
      timer = setTimeout(() => callback.current(), LIVE_REFRESH_DEBOUNCE_MS);
    };
    const sources = key.split('\n').map((id) => {
      const source = new EventSource(eventsUrl(id));
      for (const name of EVENTS) source.addEventListener(name, changed);
      source.addEventListener('error', () => {
        // CLOSED: the server refused the stream (404, not an event stream); CONNECTING: the
        // browser reconnects by itself after a dropped connection or a server restart.
        if (source.readyState === EventSource.CLOSED) source.close();
      });
      return source;
    });
    return () => {
      clearTimeout(timer);
      for (const source of sources) source.close();
    };
  }, [key]);
}
