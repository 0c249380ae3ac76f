/**
 * Counts renders of rows and countdowns, for the figure "rows re-rendered per
 * countdown tick: 1". Off unless enabled (a test, or the bench page), so the
 * cost in normal use is one boolean check per render.
 */
const counts = new Map<string, number>();
let enabled = false;

export function enableRenderCount(on = true): void {
  enabled = on;
}

export function countRender(key: string): void {
  if (enabled) counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** Renders per key since the last reset, e.g. "row:m42" or "countdown:m42". */
export function renderCounts(): ReadonlyMap<string, number> {
  return new Map(counts);
}

export function resetRenderCounts(): void {
  counts.clear();
}
