import { Router, type Request, type Response } from 'express';
import type { RecordedResult } from '../../checks/ports';
import type { CheckResultService } from '../../services/checks/check-result-service';
import type { HostCheckResult } from '../../storage/check-result-stores';
import { integerParameter } from '../integer-parameters';
import { queryString, queryTimeUs } from './query';

/** An instant as RFC 3339; null for none (the columns hold years 0000-9999 only, which a Date holds exactly). */
function iso(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}

/** Milliseconds at or after `us`: a slot at millisecond m is at or after b µs exactly when m >= ceil(b / 1000). */
function ceilMs(us: bigint | undefined): number | undefined {
  if (us === undefined) return undefined;
  const quotient = us / 1000n;
  return Number(us % 1000n > 0n ? quotient + 1n : quotient);
}

export function checkResultJson(result: RecordedResult): Record<string, unknown> {
  return {
    id: result.id,
    check_id: result.checkId,
    host_id: result.hostId,
    slot_at: iso(result.slotMs),
    outcome: result.outcome,
    value: result.value ?? null,
    message: result.message,
    severity: result.severity,
    reason: result.reason ?? null,
    started_at: iso(result.startedAtMs),
    duration_ms: result.durationMs ?? null,
    details: result.details ?? null,
  };
}

function hostResultJson(result: HostCheckResult): Record<string, unknown> {
  return { ...checkResultJson(result), check_name: result.checkName };
}

/** An optional integer query parameter, as the strict integer layer parsed it. */
function optionalInteger(res: Response, name: string): number | undefined {
  return (res.locals.integers as Map<string, number> | undefined)?.get(name);
}

/** Check results (docs/checks.md, "Results and classification"). openapi.yaml checks the parameters. */
export function checkResultsResource(results: CheckResultService): Router {
  const router = Router();
  router.get('/checks/:checkId/results', async (req: Request, res: Response) => {
    const hostId = optionalInteger(res, 'host');
    const fromMs = ceilMs(queryTimeUs(req, 'from'));
    const toMs = ceilMs(queryTimeUs(req, 'to'));
    const page = await results.listOfCheck(res.locals.actor, integerParameter(res, 'checkId'), {
      ...(hostId === undefined ? {} : { hostId }),
      ...(fromMs === undefined ? {} : { fromMs }),
      ...(toMs === undefined ? {} : { toMs }),
      limit: integerParameter(res, 'limit'),
      cursor: queryString(req, 'cursor'),
    });
    res.json({ items: page.items.map(checkResultJson), next: page.next });
  });
  router.get('/hosts/:hostId/results', async (_req: Request, res: Response) => {
    const items = await results.latestOfHost(res.locals.actor, integerParameter(res, 'hostId'));
    res.json({ items: items.map(hostResultJson) });
  });
  return router;
}
