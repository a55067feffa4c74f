/**
 * Go 1.19's sort.Sort (pattern-defeating quicksort), ported step for step. Prometheus 2.42 (built with
 * Go 1.19) sorts with it, and its order of equal or NaN-valued elements follows from this exact algorithm,
 * so sort(), sort_desc(), quantile_over_time() and histogram_quantile() use it to give the same results.
 */

/** less(i, j): element i sorts before element j; swap exchanges two elements. */
export interface SortTarget {
  readonly length: number;
  less(i: number, j: number): boolean;
  swap(i: number, j: number): void;
}

/** Sorts a copy-free array in place with `less` comparing elements, Go's sort.Sort order. */
export function goSortArray<T>(items: T[], less: (a: T, b: T) => boolean): void {
  goSort({
    length: items.length,
    less: (i, j) => less(items[i] as T, items[j] as T),
    swap: (i, j) => {
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    },
  });
}

export function goSort(data: SortTarget): void {
  const n = data.length;
  if (n <= 1) {
    return;
  }
  pdqsort(data, 0, n, bitsLen(n));
}

/** sort.Search: the smallest index in [0, n) for which f is true, or n. */
export function goSearch(n: number, f: (i: number) => boolean): number {
  let i = 0;
  let j = n;
  while (i < j) {
    const h = (i + j) >>> 1;
    if (!f(h)) {
      i = h + 1;
    } else {
      j = h;
    }
  }
  return i;
}

const UNKNOWN_HINT = 0;
const INCREASING_HINT = 1;
const DECREASING_HINT = 2;

function bitsLen(x: number): number {
  return x === 0 ? 0 : Math.floor(Math.log2(x)) + 1;
}

function insertionSort(data: SortTarget, a: number, b: number): void {
  for (let i = a + 1; i < b; i++) {
    for (let j = i; j > a && data.less(j, j - 1); j--) {
      data.swap(j, j - 1);
    }
  }
}

function siftDown(data: SortTarget, lo: number, hi: number, first: number): void {
  let root = lo;
  for (;;) {
    let child = 2 * root + 1;
    if (child >= hi) {
      return;
    }
    if (child + 1 < hi && data.less(first + child, first + child + 1)) {
      child++;
    }
    if (!data.less(first + root, first + child)) {
      return;
    }
    data.swap(first + root, first + child);
    root = child;
  }
}

function heapSort(data: SortTarget, a: number, b: number): void {
  const first = a;
  const lo = 0;
  const hi = b - a;
  for (let i = Math.trunc((hi - 1) / 2); i >= 0; i--) {
    siftDown(data, i, hi, first);
  }
  for (let i = hi - 1; i >= 0; i--) {
    data.swap(first, first + i);
    siftDown(data, lo, i, first);
  }
}

function pdqsort(data: SortTarget, a0: number, b0: number, limit0: number): void {
  const maxInsertion = 12;
  let a = a0;
  let b = b0;
  let limit = limit0;
  let wasBalanced = true;
  let wasPartitioned = true;
  for (;;) {
    const length = b - a;
    if (length <= maxInsertion) {
      insertionSort(data, a, b);
      return;
    }
    if (limit === 0) {
      heapSort(data, a, b);
      return;
    }
    if (!wasBalanced) {
      breakPatterns(data, a, b);
      limit--;
    }
    let [pivot, hint] = choosePivot(data, a, b);
    if (hint === DECREASING_HINT) {
      reverseRange(data, a, b);
      pivot = b - 1 - (pivot - a);
      hint = INCREASING_HINT;
    }
    if (wasBalanced && wasPartitioned && hint === INCREASING_HINT) {
      if (partialInsertionSort(data, a, b)) {
        return;
      }
    }
    if (a > 0 && !data.less(a - 1, pivot)) {
      a = partitionEqual(data, a, b, pivot);
      continue;
    }
    const [mid, alreadyPartitioned] = partition(data, a, b, pivot);
    wasPartitioned = alreadyPartitioned;
    const leftLen = mid - a;
    const rightLen = b - mid;
    const balanceThreshold = Math.trunc(length / 8);
    if (leftLen < rightLen) {
      wasBalanced = leftLen >= balanceThreshold;
      pdqsort(data, a, mid, limit);
      a = mid + 1;
    } else {
      wasBalanced = rightLen >= balanceThreshold;
      pdqsort(data, mid + 1, b, limit);
      b = mid;
    }
  }
}

function partition(data: SortTarget, a: number, b: number, pivot: number): [number, boolean] {
  data.swap(a, pivot);
  let i = a + 1;
  let j = b - 1;
  while (i <= j && data.less(i, a)) {
    i++;
  }
  while (i <= j && !data.less(j, a)) {
    j--;
  }
  if (i > j) {
    data.swap(j, a);
    return [j, true];
  }
  data.swap(i, j);
  i++;
  j--;
  for (;;) {
    while (i <= j && data.less(i, a)) {
      i++;
    }
    while (i <= j && !data.less(j, a)) {
      j--;
    }
    if (i > j) {
      break;
    }
    data.swap(i, j);
    i++;
    j--;
  }
  data.swap(j, a);
  return [j, false];
}

function partitionEqual(data: SortTarget, a: number, b: number, pivot: number): number {
  data.swap(a, pivot);
  let i = a + 1;
  let j = b - 1;
  for (;;) {
    while (i <= j && !data.less(a, i)) {
      i++;
    }
    while (i <= j && data.less(a, j)) {
      j--;
    }
    if (i > j) {
      break;
    }
    data.swap(i, j);
    i++;
    j--;
  }
  return i;
}

function partialInsertionSort(data: SortTarget, a: number, b: number): boolean {
  const maxSteps = 5;
  const shortestShifting = 50;
  let i = a + 1;
  for (let step = 0; step < maxSteps; step++) {
    while (i < b && !data.less(i, i - 1)) {
      i++;
    }
    if (i === b) {
      return true;
    }
    if (b - a < shortestShifting) {
      return false;
    }
    data.swap(i, i - 1);
    // Go 1.19 bounds this loop by 1, not by a: kept as is for the same order.
    if (i - a >= 2) {
      for (let j = i - 1; j >= 1; j--) {
        if (!data.less(j, j - 1)) {
          break;
        }
        data.swap(j, j - 1);
      }
    }
    if (b - i >= 2) {
      for (let j = i + 1; j < b; j++) {
        if (!data.less(j, j - 1)) {
          break;
        }
        data.swap(j, j - 1);
      }
    }
  }
  return false;
}

const MASK64 = (1n << 64n) - 1n;

function breakPatterns(data: SortTarget, a: number, b: number): void {
  const length = b - a;
  if (length >= 8) {
    let random = BigInt(length);
    const modulus = 2 ** bitsLen(length);
    for (let idx = a + Math.trunc(length / 4) * 2 - 1; idx <= a + Math.trunc(length / 4) * 2 + 1; idx++) {
      // xorshift with Go 1.19's shifts (13, 17, 5) on a uint64.
      random ^= (random << 13n) & MASK64;
      random ^= random >> 17n;
      random ^= (random << 5n) & MASK64;
      let other = Number(random & BigInt(modulus - 1));
      if (other >= length) {
        other -= length;
      }
      data.swap(idx, a + other);
    }
  }
}

function choosePivot(data: SortTarget, a: number, b: number): [number, number] {
  const shortestNinther = 50;
  const maxSwaps = 4 * 3;
  const l = b - a;
  const swaps = { n: 0 };
  let i = a + Math.trunc(l / 4) * 1;
  let j = a + Math.trunc(l / 4) * 2;
  let k = a + Math.trunc(l / 4) * 3;
  if (l >= 8) {
    if (l >= shortestNinther) {
      i = median(data, i - 1, i, i + 1, swaps);
      j = median(data, j - 1, j, j + 1, swaps);
      k = median(data, k - 1, k, k + 1, swaps);
    }
    j = median(data, i, j, k, swaps);
  }
  if (swaps.n === 0) {
    return [j, INCREASING_HINT];
  }
  if (swaps.n === maxSwaps) {
    return [j, DECREASING_HINT];
  }
  return [j, UNKNOWN_HINT];
}

function order2(data: SortTarget, a: number, b: number, swaps: { n: number }): [number, number] {
  if (data.less(b, a)) {
    swaps.n++;
    return [b, a];
  }
  return [a, b];
}

function median(data: SortTarget, a0: number, b0: number, c0: number, swaps: { n: number }): number {
  let a = a0;
  let b = b0;
  let c = c0;
  [a, b] = order2(data, a, b, swaps);
  [b, c] = order2(data, b, c, swaps);
  [a, b] = order2(data, a, b, swaps);
  void a;
  void c;
  return b;
}

function reverseRange(data: SortTarget, a: number, b: number): void {
  let i = a;
  let j = b - 1;
  while (i < j) {
    data.swap(i, j);
    i++;
    j--;
  }
}
