import type { ComponentChildren } from 'preact';

export interface Column<T> {
  /** Header text. */
  label: string;
  /** The cell's content. */
  render: (row: T) => ComponentChildren;
  /** A class for the cell (e.g. 'num' right-aligns numbers). */
  class?: string;
}

/**
 * A table with a caption (its accessible name), header cells and an empty-state row. It scrolls sideways
 * inside its own box on a phone instead of widening the page.
 */
export function Table<T>({
  caption,
  columns,
  rows,
  rowKey,
  empty = 'Nothing to show.',
}: {
  caption: string;
  columns: ReadonlyArray<Column<T>>;
  rows: readonly T[];
  rowKey: (row: T) => string | number;
  empty?: string;
}) {
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label={caption}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th scope="col" key={c.label} class={c.class}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={columns.length} class="muted">
                {empty}
              </td>
            </tr>
          ) : (
            rows.map((row) => (
              <tr key={rowKey(row)}>
                {columns.map((c) => (
                  <td key={c.label} class={c.class}>
                    {c.render(row)}
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
