export interface EventuallyOptions {
  timeoutMs?: number;
  /** Pause between probes; short for in-memory conditions, longer for ones that cost a query. */
  intervalMs?: number;
  /** Names the condition in the failure. */
  what?: string;
}

/**
 * Polls until `probe` returns a value that `done` accepts, or fails with the last value seen. The one way
 * tests wait: for the condition itself, never for a fixed time.
 */
export async function eventually<T>(
  probe: () => T | Promise<T>,
  done: (value: T) => boolean,
  options: number | EventuallyOptions = {},
): Promise<T> {
  const { timeoutMs = 20_000, intervalMs = 100, what = 'condition' } = typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms; last value: ${describe(last)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    last = await probe();
  }
  return last;
}

/** eventually() for a condition that is its own probe. */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  await eventually(condition, (holds) => holds, { what, timeoutMs, intervalMs: 10 });
}

/** Resolves once this process's clock reads later than `instant`: for a timestamp that must move. */
export function clockPast(instant: Date | number): Promise<number> {
  const t = typeof instant === 'number' ? instant : instant.getTime();
  return eventually(() => Date.now(), (now) => now > t, { intervalMs: 1, what: `the clock past ${t}` });
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
