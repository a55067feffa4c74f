/** Logger is what every component receives: leveled methods with structured metadata, and scoped children. */
export interface Logger {
  error(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  debug(message: string, meta?: Record<string, unknown>): void;
  child(meta: Record<string, unknown>): Logger;
  /** Flushes what is still queued for remote transports (bounded in time) and closes them; called at shutdown. */
  close?(): Promise<void>;
}
