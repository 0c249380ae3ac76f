/**
 * Every limit the TypeScript side knows, written once: main, the renderer
 * and the tests import them from here. The helper enforces its own limits
 * (its defaults, a root-owned config; protocol v2 sends them to every client
 * in its greeting as `limits`, docs/helper-protocol-v2.md). Where a figure
 * here mirrors one of the helper's, it is what the app assumes until the
 * helper has said its own, and the helper's word wins once it has.
 */

// ---- a freeze's auto-thaw (freeze.start, freeze.extend) ----
/** The shortest auto-thaw anyone may ask for. */
export const MIN_TIMEOUT_MS = 1000;
/** The auto-thaw the Freeze dialog offers first. */
export const DEFAULT_TIMEOUT_MS = 60_000;
/** The longest auto-thaw assumed before the helper said its own (its default maximum). */
export const DEFAULT_MAX_TIMEOUT_MS = 900_000;
/** The most a contract call may carry at all; the helper's own maximum refuses less. */
export const CONTRACT_MAX_TIMEOUT_MS = 86_400_000;
/**
 * A filesystem marked dangerous (the root filesystem, the helper's own) is
 * frozen only with allowUnsafe, and then for at most this long at a time:
 * the helper's cap (v2: `dangerousHoldMs`).
 */
export const DANGEROUS_MAX_TIMEOUT_MS = 30_000;

// ---- a backup plan's windows (after Windows VSS: ~60 s to quiesce, ~10 s to hold writes) ----
export const MIN_WINDOW_MS = 1000;
export const MAX_WINDOW_MS = 3_600_000;
export const DEFAULT_QUIESCE_WINDOW_MS = 60_000;
export const DEFAULT_HOLD_WINDOW_MS = 10_000;

// ---- a hold hook's release after the thaw (stdin closed, then SIGTERM) ----
export const MIN_RELEASE_TIMEOUT_MS = 100;
export const MAX_RELEASE_TIMEOUT_MS = 600_000;
export const DEFAULT_RELEASE_TIMEOUT_MS = 5000;

// ---- retention ----
/** The most runs of one plan that retention may be told to keep. */
export const MAX_RETENTION_KEEP = 1000;
