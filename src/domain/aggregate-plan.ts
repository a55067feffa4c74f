import { ceilUs as ceilTo, floorUs as floorTo, HOUR_US, MINUTE_US } from '../../lib/contract/timestamp';

/** Where a piece of a window is read from: hourly rollups, minute rollups or the raw measures. */
export type Level = 'hour' | 'minute' | 'raw';

export interface Piece {
  level: Level;
  fromUs: bigint;
  toUs: bigint;
}

const WIDTH: Record<Exclude<Level, 'raw'>, bigint> = { hour: HOUR_US, minute: MINUTE_US };

/**
 * Splits [fromUs, toUs) into pieces, each read from the coarsest source that is exact for it:
 *
 * - a rollup level serves only whole granules (a granule must lie inside one step bucket, so the level's
 *   width must divide the step), so the window's unaligned edges fall to finer levels, down to raw rows;
 * - a granule that holds a minute ingest has marked and the rollup job has not recomputed yet is stale,
 *   so it, too, falls to finer levels: the answer is exact even before the job catches up.
 *
 * `dirtyMinutes` are the starts of the marked minutes, ascending. Pieces come out in time order, with
 * adjacent pieces of one level merged.
 */
export function planPieces(fromUs: bigint, toUs: bigint, stepUs: bigint, dirtyMinutes: readonly bigint[]): Piece[] {
  const levels: Array<Exclude<Level, 'raw'>> = [];
  if (stepUs % HOUR_US === 0n) levels.push('hour');
  if (stepUs % MINUTE_US === 0n) levels.push('minute');
  const pieces: Piece[] = [];
  cover(fromUs, toUs, levels, dirtyMinutes, pieces);
  return coalesce(pieces);
}

function cover(
  fromUs: bigint,
  toUs: bigint,
  levels: ReadonlyArray<Exclude<Level, 'raw'>>,
  dirtyMinutes: readonly bigint[],
  out: Piece[],
): void {
  if (fromUs >= toUs) return;
  if (levels.length === 0) {
    out.push({ level: 'raw', fromUs, toUs });
    return;
  }
  const [level, ...finer] = levels;
  const width = WIDTH[level];
  const first = ceilTo(fromUs, width);
  const end = floorTo(toUs, width);
  if (first >= end) {
    cover(fromUs, toUs, finer, dirtyMinutes, out);
    return;
  }
  cover(fromUs, first, finer, dirtyMinutes, out);
  let runStart = first;
  for (const stale of staleGranules(first, end, width, dirtyMinutes)) {
    if (stale > runStart) out.push({ level, fromUs: runStart, toUs: stale });
    cover(stale, stale + width, finer, dirtyMinutes, out);
    runStart = stale + width;
  }
  if (runStart < end) out.push({ level, fromUs: runStart, toUs: end });
  cover(end, toUs, finer, dirtyMinutes, out);
}

/** Starts of the granules of `width` in [fromUs, toUs) that contain a dirty minute, ascending, once each. */
function staleGranules(fromUs: bigint, toUs: bigint, width: bigint, dirtyMinutes: readonly bigint[]): bigint[] {
  const starts: bigint[] = [];
  for (const minute of dirtyMinutes) {
    if (minute < fromUs || minute >= toUs) continue;
    const start = floorTo(minute, width);
    if (starts[starts.length - 1] !== start) starts.push(start);
  }
  return starts;
}

function coalesce(pieces: Piece[]): Piece[] {
  const merged: Piece[] = [];
  for (const piece of pieces) {
    const last = merged[merged.length - 1];
    if (last && last.level === piece.level && last.toUs === piece.fromUs) last.toUs = piece.toUs;
    else merged.push({ ...piece });
  }
  return merged;
}
