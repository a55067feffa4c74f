import type { Router } from 'express';

/**
 * A set of routes the REST listener mounts (bound under TYPES.RestResource in src/container.ts).
 * 'contract': mounted after authentication and the OpenAPI validator, errors as problem+json.
 * 'self-validating': mounted after authentication but before the validator, for APIs that validate
 * their own input and answer in another program's error format (Prometheus's HTTP API); their paths
 * are still documented in openapi.yaml.
 */
export interface RestResource {
  readonly stage: 'contract' | 'self-validating';
  readonly router: Router;
}
