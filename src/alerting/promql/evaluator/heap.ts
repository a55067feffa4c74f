/**
 * Go's container/heap over an array with Prometheus's comparators, so topk/bottomk pick exactly the
 * samples Prometheus picks (ties and NaN included).
 */
import type { VectorSample } from '../values';

export type Less = (a: VectorSample, b: VectorSample) => boolean;

/** vectorByValueHeap.Less: NaN is always "less". */
export const byValue: Less = (a, b) => Number.isNaN(a.v) || a.v < b.v;
/** vectorByReverseValueHeap.Less. */
export const byReverseValue: Less = (a, b) => Number.isNaN(a.v) || a.v > b.v;

function swap(h: VectorSample[], i: number, j: number): void {
  const a = h[i];
  const b = h[j];
  if (a === undefined || b === undefined) return;
  h[i] = b;
  h[j] = a;
}

function less(h: VectorSample[], less: Less, i: number, j: number): boolean {
  const a = h[i];
  const b = h[j];
  return a !== undefined && b !== undefined && less(a, b);
}

function up(h: VectorSample[], lessFn: Less, start: number): void {
  let j = start;
  for (;;) {
    const i = Math.trunc((j - 1) / 2);
    if (i === j || !less(h, lessFn, j, i)) break;
    swap(h, i, j);
    j = i;
  }
}

function down(h: VectorSample[], lessFn: Less, i0: number, n: number): void {
  let i = i0;
  for (;;) {
    const j1 = 2 * i + 1;
    if (j1 >= n || j1 < 0) break;
    let j = j1;
    const j2 = j1 + 1;
    if (j2 < n && less(h, lessFn, j2, j1)) j = j2;
    if (!less(h, lessFn, j, i)) break;
    swap(h, i, j);
    i = j;
  }
}

export function heapPush(h: VectorSample[], lessFn: Less, x: VectorSample): void {
  h.push(x);
  up(h, lessFn, h.length - 1);
}

export function heapPop(h: VectorSample[], lessFn: Less): void {
  const n = h.length - 1;
  swap(h, 0, n);
  down(h, lessFn, 0, n);
  h.pop();
}

/** sort.Sort(sort.Reverse(h)) (stable here; Go's is too for the small groups topk usually has). */
export function sortReversed(h: VectorSample[], lessFn: Less): VectorSample[] {
  return [...h].sort((a, b) => (lessFn(b, a) ? -1 : lessFn(a, b) ? 1 : 0));
}
