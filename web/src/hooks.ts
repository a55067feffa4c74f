import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, type Query } from './api/client';
import { session, type SessionState } from './session';

export function useSession(): SessionState {
  const [, setTick] = useState(0);
  useEffect(() => session.subscribe(() => setTick((n) => n + 1)), []);
  return session.state();
}

export interface Loaded<T> {
  data?: T;
  error?: ApiError;
  loading: boolean;
  /** Loads again now (e.g. after a change). */
  reload: () => void;
}

function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, 'Something went wrong', error instanceof Error ? error.message : String(error), undefined);
}

/**
 * Runs `load` now, whenever `deps` change and, with refreshMs, every refreshMs while the page is shown
 * (the previous data stays on screen during a refresh; a failed refresh shows the error beside it).
 */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[], refreshMs?: number): Loaded<T> {
  const [result, setResult] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: true });
  const [version, setVersion] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      try {
        const data = await loadRef.current(controller.signal);
        if (!controller.signal.aborted) setResult({ data, loading: false });
      } catch (error) {
        if (controller.signal.aborted) return;
        setResult((previous) => ({ data: previous.data, error: asApiError(error), loading: false }));
      }
      if (refreshMs && !controller.signal.aborted) timer = setTimeout(() => void run(), refreshMs);
    };
    setResult((previous) => ({ ...previous, loading: true }));
    void run();
    return () => {
      controller.abort();
      if (timer) clearTimeout(timer);
    };
  }, [...deps, version, refreshMs]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { ...result, reload };
}

/** GET path?query as JSON: `const { data, error, loading } = useApi<HealthReport>('/health-report')`. */
export function useApi<T>(path: string | null, query?: Query, refreshMs?: number): Loaded<T> {
  const key = path === null ? null : JSON.stringify([path, query ?? {}]);
  return useLoad<T>(
    (signal) => (path === null ? Promise.resolve(undefined as T) : api.get<T>(path, query, { signal })),
    [key],
    refreshMs,
  );
}
