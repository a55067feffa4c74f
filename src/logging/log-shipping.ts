/** What the Logstash transport has done so far: the figures /metrics exposes. */
export interface LogShippingStats {
  /** False when LOGSTASH_HOST is unset: nothing is shipped, nothing is dropped. */
  enabled: boolean;
  /** Events held at most while Logstash is unreachable or slow. */
  capacity: number;
  /** Events waiting to be written to the socket now. */
  queued: number;
  /** Events written to the socket (json_lines has no acknowledgement: a connection lost mid-write loses them). */
  sent: number;
  /** Events discarded because the queue was full, by kind. */
  dropped: { app: number; audit: number };
}

/** LogShipping reports on the shipping of log events to Logstash. */
export interface LogShipping {
  stats(): LogShippingStats;
}

/** The LogShipping of a process that ships nothing (LOGSTASH_HOST unset). */
export const NO_SHIPPING: LogShipping = {
  stats: () => ({ enabled: false, capacity: 0, queued: 0, sent: 0, dropped: { app: 0, audit: 0 } }),
};
