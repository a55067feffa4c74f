/** A polite live region saying something is loading. */
export function Loading({ label = 'Loading' }: { label?: string }) {
  return (
    <p class="loading" role="status" aria-live="polite">
      {label}…
    </p>
  );
}
