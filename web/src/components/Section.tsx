import type { ComponentChildren } from 'preact';
import type { Loaded } from '../hooks';
import { ErrorMessage } from './ErrorMessage';
import { Loading } from './Loading';

/**
 * A titled part of a page that shows its own loading state and error (with request id), so one failing
 * call never blanks the page: `<Section title="Firing alerts" loaded={alerts}>{(data) => ...}</Section>`.
 */
export function Section<T>({
  title,
  loaded,
  children,
  id,
}: {
  title: string;
  loaded: Loaded<T>;
  children: (data: T) => ComponentChildren;
  id?: string;
}) {
  const headingId = id ?? `section-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <section class="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {loaded.error ? <ErrorMessage error={loaded.error} onRetry={loaded.reload} /> : null}
      {loaded.data !== undefined ? children(loaded.data) : loaded.error ? null : <Loading />}
    </section>
  );
}
