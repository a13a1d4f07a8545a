/**
 * "All panels drawn": the moment every panel of a page has drawn its data (or settled on an
 * error), as a User Timing mark the budget benchmark reads (`performance.getEntriesByName`).
 */
import { useCallback, useRef } from 'react';

/** The mark's name; its startTime is milliseconds since navigation start. */
export const ALL_PANELS_DRAWN_MARK = 'dashport:all-panels-drawn';

let drawnCount = 0;

function markAllDrawn(): void {
  drawnCount += 1;
  performance.mark(ALL_PANELS_DRAWN_MARK, { detail: { count: drawnCount } });
  // For tests and tools that watch the DOM rather than the performance timeline.
  document.documentElement.dataset['panelsDrawn'] = String(drawnCount);
}

/**
 * Returns `settled(panelId)`; once all `panelIds` settled for the current `generation` (the
 * data they show), the mark is set. A new generation starts a new count.
 */
export function useDrawTracker(
  panelIds: readonly string[],
  generation: string,
): (panelId: string) => void {
  const settled = useRef(new Set<string>());
  const done = useRef(false);
  const expected = panelIds.join('\n');
  // Reset during render, not in an effect: panels report from their own effects, which run
  // before their parent's, so an effect here would wipe the reports of the same commit.
  const counted = useRef('');
  const current = `${generation}\0${expected}`;
  if (counted.current !== current) {
    counted.current = current;
    settled.current = new Set();
    done.current = false;
  }
  return useCallback(
    (panelId: string) => {
      if (done.current) return;
      settled.current.add(panelId);
      const ids = expected.split('\n');
      if (ids.every((id) => settled.current.has(id))) {
        done.current = true;
        markAllDrawn();
      }
    },
    [expected],
  );
}
