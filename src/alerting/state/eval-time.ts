/**
 * When a group evaluates, as Prometheus 2.42's Group.EvalTimestamp places it: every group has an offset
 * (its hash modulo the interval) so that groups spread over the interval, and evaluates at the multiples
 * of the interval plus that offset. Prometheus hashes the group's name and file; MyMONIT has no file and
 * hashes the group's experiment and name (FNV-1a 32), so the offset is stable across processes and restarts.
 */
export function groupOffsetMs(experiment: string, name: string, intervalMs: number): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(`${experiment}\xff${name}`)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % intervalMs;
}

/** The latest slot at or before `nowMs`. */
export function evalSlotAtOrBefore(nowMs: number, intervalMs: number, offsetMs: number): number {
  const adjusted = nowMs - offsetMs;
  return adjusted - mod(adjusted, intervalMs) + offsetMs;
}

/** The first slot strictly after `afterMs`. */
export function nextEvalSlot(afterMs: number, intervalMs: number, offsetMs: number): number {
  return evalSlotAtOrBefore(afterMs, intervalMs, offsetMs) + intervalMs;
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}
