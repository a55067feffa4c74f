import tls from 'node:tls';
import type { CheckParams } from '../model';
import type { CheckJob } from '../ports';

/** What the built-in checks share across runs. */
export interface BuiltinCheckOptions {
  /** The certificates TLS peers are verified against; default: node's bundled roots. */
  readonly trust?: tls.SecureContext;
  /** Bytes of an HTTP body read at most (searched by bodyMatch); the rest is not downloaded. */
  readonly maxBodyBytes: number;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export const DEFAULT_CHECK_OPTIONS: BuiltinCheckOptions = { maxBodyBytes: DEFAULT_MAX_BODY_BYTES };

/** A context trusting node's bundled roots and `extra` (PEM): tls's `ca` replaces the roots, so they are named too. */
export function trustingAlso(extra: readonly string[]): tls.SecureContext {
  return tls.createSecureContext({ ca: [...tls.rootCertificates, ...extra] });
}

/** The job's parameters, which must be of `kind` (the executor routes by kind; a mismatch is a wiring error). */
export function paramsOf<K extends CheckParams['kind']>(job: Pick<CheckJob, 'params'>, kind: K): Extract<CheckParams, { kind: K }> {
  const { params } = job;
  if (params.kind !== kind) throw new Error(`a ${kind} check was given ${params.kind} parameters`);
  return params as Extract<CheckParams, { kind: K }>;
}
