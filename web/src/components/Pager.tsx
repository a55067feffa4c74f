import { useCallback, useState } from 'preact/hooks';

/**
 * Cursor pagination state for a list: `cursor` to pass to getPage, next(n) with the page's `next`,
 * previous() back through the cursors seen, first() back to the start (e.g. when filters change).
 */
export function useCursor() {
  const [stack, setStack] = useState<Array<string | undefined>>([undefined]);
  const cursor = stack[stack.length - 1];
  const next = useCallback((nextCursor: string) => setStack((s) => [...s, nextCursor]), []);
  const previous = useCallback(() => setStack((s) => (s.length > 1 ? s.slice(0, -1) : s)), []);
  const first = useCallback(() => setStack([undefined]), []);
  return { cursor, page: stack.length, next, previous, first };
}

/** Previous / next buttons for a cursor-paginated list (useCursor gives the state). */
export function Pager({
  page,
  next,
  onNext,
  onPrevious,
  label = 'Pages',
}: {
  page: number;
  next?: string;
  onNext: (cursor: string) => void;
  onPrevious: () => void;
  label?: string;
}) {
  return (
    <nav class="pager" aria-label={label}>
      <button type="button" onClick={onPrevious} disabled={page <= 1}>
        Previous
      </button>
      <span aria-live="polite">Page {page}</span>
      <button type="button" onClick={() => next !== undefined && onNext(next)} disabled={next === undefined}>
        Next
      </button>
    </nav>
  );
}
