import { ApiError } from '../api/client';

/**
 * An API failure as a readable message: the problem's title and detail, the field errors, and the request
 * id the operator can look up in the logs. Pages render it instead of (or above) their content: never an
 * empty screen.
 */
export function ErrorMessage({ error, onRetry, context }: { error: unknown; onRetry?: () => void; context?: string }) {
  const apiError = error instanceof ApiError ? error : undefined;
  const title = apiError?.title ?? 'Something went wrong';
  const detail = apiError ? apiError.detail : error instanceof Error ? error.message : String(error);
  return (
    <div class="error-message" role="alert">
      <p class="error-title">
        <strong>{context ? `${context}: ` : ''}{title}</strong>
        {apiError && apiError.status > 0 ? <span class="muted"> (HTTP {apiError.status})</span> : null}
      </p>
      {detail ? <p class="error-detail">{detail}</p> : null}
      {apiError && apiError.errors.length > 0 ? (
        <ul>
          {apiError.errors.map((e) => (
            <li key={e.path + e.message}>
              <code>{e.path}</code> {e.message}
            </li>
          ))}
        </ul>
      ) : null}
      {apiError?.requestId ? (
        <p class="error-request">
          Request id: <code class="request-id">{apiError.requestId}</code>
        </p>
      ) : null}
      {onRetry ? (
        <button type="button" onClick={onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}
