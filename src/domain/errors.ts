/**
 * DomainError is the root of every operational error: something a caller did or asked that the platform
 * answers with a clear refusal. Each kind carries a stable `type` slug that REST maps to problem+json and
 * AMQP stores as a rejection reason. Anything that is not a DomainError is a programmer or I/O error.
 */
export abstract class DomainError extends Error {
  abstract readonly type: string;
  constructor(message: string, readonly details?: Readonly<Record<string, unknown>>) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  readonly type = 'not-found';
}

export class ConflictError extends DomainError {
  readonly type = 'conflict';
}

export class ValidationError extends DomainError {
  readonly type = 'validation';
}

/** The caller is authenticated but not allowed. Scientists get NotFoundError instead where existence would leak. */
export class ForbiddenError extends DomainError {
  readonly type = 'forbidden';
}

export class UnauthenticatedError extends DomainError {
  readonly type = 'unauthenticated';
}

/**
 * Storage cannot answer now (server down, connection lost, lock conflict, failover) and will again: the
 * same request or message succeeds later. Not a DomainError: the caller did nothing wrong. The consumer
 * holds and retries a message on it; REST answers 503. Storage throws it; nothing above storage looks at
 * driver error codes.
 */
export class StorageUnavailableError extends Error {
  /** The driver's code of the failure (ECONNREFUSED, ER_LOCK_DEADLOCK...), for logs. */
  readonly code: string | undefined;
  constructor(message: string, options: { cause: unknown; code?: string }) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
  }
}
