import type { ProbeStep } from '../model';
import type { CheckJob, CheckRunResult, JsonValue } from '../ports';
import { abortedFinding, describeError, runBounded, since, type CheckFinding } from './bounded-run';
import { DEFAULT_CHECK_OPTIONS, paramsOf, type BuiltinCheckOptions } from './check-options';
import { bodyMatcher, describeStatuses, quote, statusAccepted } from './http-expectations';
import { httpExchange, TlsRefused } from './http-exchange';
import { requestHeaders, targetUrl, TargetUrlError } from './target-url';

type StepOutcome = CheckFinding['outcome'] | 'skipped';

/** One step's line in a probe's details. */
interface StepReport {
  readonly name: string;
  readonly outcome: StepOutcome;
  readonly durationMs?: number;
  readonly status?: number;
  readonly message?: string;
}

/**
 * A functional probe (the data lake's upload / download / delete): the steps' HTTP requests in order, each on
 * a fresh connection with the TLS certificate verified; stops at the first failing step, the later ones
 * reported as skipped. value = total ms; fields step_<name>_ms; details = one report per step.
 */
export function runProbeCheck(job: CheckJob, signal: AbortSignal, options: BuiltinCheckOptions = DEFAULT_CHECK_OPTIONS): Promise<CheckRunResult> {
  return runBounded(job, signal, async (bounded) => {
    const { steps } = paramsOf(job, 'probe');
    const start = performance.now();
    const reports: StepReport[] = [];
    const fields = new Map<string, number>();
    let failed: StepReport | undefined;
    for (const step of steps) {
      if (failed) {
        reports.push({ name: step.name, outcome: 'skipped' });
        continue;
      }
      const report = await runStep(step, job.host.address, bounded, options);
      reports.push(report);
      if (report.durationMs !== undefined) fields.set(stepField(step.name), report.durationMs);
      if (report.outcome !== 'ok') failed = report;
    }
    const totalMs = since(start);
    const found = { value: totalMs, fields, details: reports.map(reportJson) };
    if (!failed) {
      const statuses = reports.map((report) => `${report.name} ${report.status ?? ''}`.trim()).join(', ');
      return { ...found, outcome: 'ok', message: `${steps.length} steps in ${totalMs} ms: ${statuses}` };
    }
    const skipped = reports.filter((report) => report.outcome === 'skipped').length;
    const outcome = failed.outcome === 'skipped' ? 'error' : failed.outcome;
    return { ...found, outcome, message: `step ${failed.name} ${failed.outcome}: ${failed.message ?? ''}${skipped > 0 ? `; ${skipped} skipped` : ''}` };
  });
}

async function runStep(step: ProbeStep, address: string, signal: AbortSignal, options: BuiltinCheckOptions): Promise<StepReport> {
  const start = performance.now();
  const ended = (outcome: StepOutcome, message: string, status?: number): StepReport => ({
    name: step.name,
    outcome,
    durationMs: since(start),
    ...(status === undefined ? {} : { status }),
    ...(message === '' ? {} : { message }),
  });
  try {
    const { url, authorization } = targetUrl(step.url, address);
    const exchange = await httpExchange(
      {
        url,
        method: step.method,
        headers: requestHeaders(step.headers, authorization),
        ...(step.body === undefined ? {} : { body: step.body }),
        verifyTls: true,
        ...(options.trust ? { trust: options.trust } : {}),
        maxBodyBytes: options.maxBodyBytes,
      },
      signal,
    );
    const report = { ...ended('ok', '', exchange.status), durationMs: exchange.latencyMs };
    if (!statusAccepted(exchange.status, step.expectStatus)) {
      return { ...report, outcome: 'failed', message: `HTTP ${exchange.status}, expected ${describeStatuses(step.expectStatus)}` };
    }
    if (step.bodyMatch !== undefined && !bodyMatcher(step.bodyMatch, false)(exchange.body)) {
      return { ...report, outcome: 'failed', message: `HTTP ${exchange.status} but the body does not contain ${quote(step.bodyMatch)}` };
    }
    return report;
  } catch (error) {
    if (signal.aborted) {
      const aborted = abortedFinding(signal, '');
      return ended(aborted.outcome, aborted.message);
    }
    if (error instanceof TargetUrlError) return ended('error', error.message);
    if (error instanceof TlsRefused) return ended('failed', error.message);
    return ended('failed', describeError(error));
  }
}

/** The field of a step's duration: `step_<name>_ms`, the name reduced to what a field name may hold. */
export function stepField(name: string): string {
  return `step_${name.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 56)}_ms`;
}

function reportJson(report: StepReport): JsonValue {
  const json: { [key: string]: JsonValue } = { name: report.name, outcome: report.outcome };
  if (report.durationMs !== undefined) json.durationMs = report.durationMs;
  if (report.status !== undefined) json.status = report.status;
  if (report.message !== undefined) json.message = report.message;
  return json;
}
