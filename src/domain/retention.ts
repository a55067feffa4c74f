import { floorTo, HOUR_US } from './aggregate';

const DAY_US = 24 * HOUR_US;

/**
 * The instant before which rows older than `days` days are expired, floored to the hour so that the
 * retention pass and the rollup job, which compute it at different moments, agree on whole minutes and
 * hours. Undefined for 0 (keep forever).
 */
export function retentionHorizonUs(days: number, nowMs: number): number | undefined {
  if (days <= 0) return undefined;
  return floorTo(nowMs * 1000 - days * DAY_US, HOUR_US);
}
