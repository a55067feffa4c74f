/** Thrown by publish() in `whenFull: 'fail'` mode when the measures do not fit in the bounded buffer. */
export class BufferFullError extends Error {
  override readonly name = 'BufferFullError';
  constructor(
    readonly requested: number,
    readonly held: number,
    readonly capacity: number,
  ) {
    super(
      `publisher buffer full: ${held} of ${capacity} measures are waiting for the broker, ${requested} more ` +
        `do not fit (raise bufferSize, or use whenFull: 'block' to wait for space)`,
    );
  }
}

/** Thrown by publish() after close() began, and by whenConfirmed() for measures close() had to give up on. */
export class PublisherClosedError extends Error {
  override readonly name = 'PublisherClosedError';
}
