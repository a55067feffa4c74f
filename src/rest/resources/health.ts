import { Router } from 'express';
import type { HealthCheck } from '../../services/contracts';

const CHECK_TIMEOUT_MS = 2000;

function withTimeout(check: HealthCheck): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), CHECK_TIMEOUT_MS);
  });
  const run = check.check().then(
    () => 'ok',
    (error: unknown) => `unavailable: ${error instanceof Error ? error.message : String(error)}`,
  );
  return Promise.race([run, timeout]).finally(() => clearTimeout(timer));
}

/** /health/live says the process runs; /health/ready says MySQL and RabbitMQ answer (for balancers and probes). */
export function healthResource(checks: readonly HealthCheck[]): Router {
  const router = Router();
  router.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/health/ready', async (_req, res) => {
    const results = await Promise.all(checks.map(async (c) => [c.name, await withTimeout(c)] as const));
    const ready = results.every(([, result]) => result === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ok' : 'unavailable', checks: Object.fromEntries(results) });
  });
  return router;
}
