import { hostname } from 'node:os';
import { inject, injectable } from 'inversify';
import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors';
import { TYPES } from '../../identifiers';
import {
  parseLog,
  PolicyEventError,
  PolicySyntaxError,
  restoreMonitor,
  type Monitor,
  type MonitorOptions,
  type MonitorSnapshot,
  type TimePointInput,
  type Verdict,
} from '../../policies';
import { compareTuples } from '../../policies/values';
import type { AlertStateStore } from '../../storage/alerting-stores';
import type { Policy, PolicyMonitorRow, PolicyStore, StoredTimePointRow } from '../../storage/policy-stores';
import type { Transactor } from '../../storage/stores';
import { compiledPolicy, type CompiledPolicy } from './compiled-policy';
import { firingToJson, parseFiring, POLICY_GROUP_ID, violationTransitions } from './policy-alerts';
import type { PolicyEventIngest, PolicyEventsBody, PolicyIngestOptions, PolicyIngestResult, PolicyTimePointRejection } from './ports';

/** Monitors kept in memory between calls, one per policy. */
const CACHED_MONITORS = 1000;
/** A rejection's stored body is cut here: the reason says what was wrong, the body only helps to find it. */
const BODY_KEPT = 64 * 1024;

/** The monitor this process advanced last, valid while the row's (generation, fencing) is still the one it wrote. */
interface CachedMonitor {
  readonly generation: number;
  readonly fencing: number;
  readonly monitor: Monitor;
  /** Time points pushed but not answered yet. */
  readonly pending: number;
}

interface Candidate {
  readonly index: number;
  readonly point?: TimePointInput;
  /** Where a log's time point starts, for the reason. */
  readonly where?: string;
  readonly problem?: string;
  /** The timestamp of a time point refused before the monitor saw it (a log's time point that does not fit the signature). */
  readonly ts?: number;
  readonly body: string;
}

/**
 * A reason is cut here: it quotes what the client sent (a predicate name, a timestamp's text) and
 * policy_rejections.reason is a TEXT (65,535 bytes, up to 4 a character): a longer one was a storage error, a 500.
 */
const REASON_KEPT = 2000;

function clip(text: string): string {
  return text.length <= BODY_KEPT ? text : `${text.slice(0, BODY_KEPT)}…`;
}

function clipReason(text: string): string {
  return text.length <= REASON_KEPT ? text : `${text.slice(0, REASON_KEPT)}…`;
}

/** A JSON body's items: each a time point or the reason it is not one (validated one by one: one bad item does not refuse the others). */
function jsonCandidates(value: unknown): Candidate[] {
  if (!Array.isArray(value)) throw new ValidationError('the body must be a JSON array of time points [{ts, events: [{pred, args}]}]', { field: 'body' });
  return value.map((item: unknown, index): Candidate => {
    const body = JSON.stringify(item) ?? 'null';
    const refuse = (problem: string): Candidate => ({ index, problem: `time point ${index}: ${problem}`, body });
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return refuse('is not an object {ts, events}');
    const { ts, events } = item as { ts?: unknown; events?: unknown };
    if (typeof ts !== 'number' || !Number.isSafeInteger(ts) || ts < 0) return refuse('ts must be a non-negative integer (at most 2^53 - 1)');
    if (events !== undefined && !Array.isArray(events)) return refuse('events must be an array');
    const list: { pred: string; args: (string | number)[] }[] = [];
    for (const [n, event] of ((events ?? []) as unknown[]).entries()) {
      if (typeof event !== 'object' || event === null || Array.isArray(event)) return refuse(`event ${n + 1} is not an object {pred, args}`);
      const { pred, args } = event as { pred?: unknown; args?: unknown };
      if (typeof pred !== 'string') return refuse(`event ${n + 1}: pred must be a string`);
      if (args !== undefined && !Array.isArray(args)) return refuse(`event ${n + 1}: args must be an array`);
      const values = (args ?? []) as unknown[];
      for (const [i, arg] of values.entries()) {
        if (typeof arg !== 'string' && typeof arg !== 'number') return refuse(`event ${n + 1}: argument ${i + 1} of ${pred} must be a number or a string`);
      }
      list.push({ pred, args: values as (string | number)[] });
    }
    return { index, point: { ts, events: list }, body };
  });
}

/**
 * PolicyEventIngest over MySQL (issue 15, PLAN: one transaction per call). The transaction locks the policy's
 * policy_monitors row (SELECT ... FOR UPDATE: one monitor per policy at a time; a killed process's lock goes
 * with its connection), restores the monitor from the row's snapshot unless this process's cached monitor is
 * the one that wrote it (same generation and fencing), pushes the time points one by one (a refused one is a
 * rejection row, the others go on), writes the time points, events, verdicts, rejections and alert
 * transitions, and the monitor row with fencing + 1, checked. Any failure discards the cached monitor: it
 * advanced in memory, not in the database.
 */
@injectable()
export class PolicyEventIngestService implements PolicyEventIngest {
  private readonly cache = new Map<number, CachedMonitor>();
  private readonly holder = `${hostname()}:${process.pid}`;

  constructor(
    @inject(TYPES.PolicyStore) private readonly store: PolicyStore,
    @inject(TYPES.AlertStateStore) private readonly alerts: AlertStateStore,
    @inject(TYPES.Transactor) private readonly tx: Transactor,
  ) {}

  async ingest(policyId: number, body: PolicyEventsBody, options: PolicyIngestOptions): Promise<PolicyIngestResult> {
    try {
      return await this.tx.inTransaction(() => this.ingestLocked(policyId, body, options));
    } catch (error) {
      this.cache.delete(policyId);
      if (error instanceof PolicySyntaxError || (error instanceof ValidationError && error.details?.field === 'body')) {
        // The body could not be split into time points: nothing was fed; the refusal is stored with its reason.
        const reason = clipReason(error.message);
        const rejectionId = await this.store.insertRejection({
          policyId,
          source: options.source,
          reason,
          body: clip(body.kind === 'log' ? body.text : (JSON.stringify(body.value) ?? '')),
        });
        throw new ValidationError(reason, { ...error.details, rejection_id: rejectionId });
      }
      throw error;
    }
  }

  private async ingestLocked(policyId: number, body: PolicyEventsBody, options: PolicyIngestOptions): Promise<PolicyIngestResult> {
    // First statement: the lock. What is read after it is what the previous holder committed.
    const row = await this.store.lockMonitor(policyId);
    const policy = row === undefined ? undefined : await this.store.get(policyId);
    if (row === undefined || policy === undefined) throw new NotFoundError(`policy ${policyId} not found`);
    // Under the lock: a redelivered message (ingested, its ack lost) is seen here and feeds nothing.
    if (options.deliveryId !== undefined && !(await this.store.claimDelivery(policyId, options.deliveryId))) {
      return { accepted: 0, rejected: [], verdicts: 0, ended: row.ended, nextTp: row.nextTp, duplicate: true };
    }
    const compiled = compiledPolicy(policy);
    const candidates = this.candidates(body, compiled);
    const { monitor, pending: pendingBefore } = this.monitorFor(policy, compiled, row);

    const accepted: StoredTimePointRow[] = [];
    const verdicts: Verdict[] = [];
    const refused: { candidate: Candidate; reason: string }[] = [];
    let nextTp = row.nextTp;
    let lastTs = row.lastTs;
    for (const candidate of candidates) {
      if (candidate.point === undefined) {
        refused.push({ candidate, reason: clipReason(candidate.problem ?? 'not a time point') });
        continue;
      }
      try {
        verdicts.push(...monitor.push(candidate.point));
      } catch (error) {
        if (!(error instanceof PolicyEventError)) throw error;
        refused.push({ candidate, reason: clipReason(`${candidate.where ?? `time point ${candidate.index}`}: ${error.message}`) });
        continue;
      }
      accepted.push({ tp: nextTp++, ts: candidate.point.ts, events: candidate.point.events });
      lastTs = candidate.point.ts;
    }
    const ending = options.final && !row.ended;
    if (ending) verdicts.push(...monitor.finish());

    const rejectionIds = await this.store.insertRejections(
      refused.map(({ candidate, reason }) => ({ policyId, source: options.source, reason, body: clip(candidate.body) })),
    );
    const rejected: PolicyTimePointRejection[] = refused.map(({ candidate, reason }, n) => ({
      index: candidate.index,
      ...((candidate.point?.ts ?? candidate.ts) === undefined ? {} : { ts: candidate.point?.ts ?? candidate.ts }),
      reason,
      rejectionId: rejectionIds[n] as number,
    }));
    if (accepted.length === 0 && !ending) {
      // Nothing fed: the monitor and its row are unchanged (the cached one stays valid).
      const result = { accepted: 0, rejected, verdicts: 0, ended: row.ended, nextTp: row.nextTp };
      await options.beforeCommit?.(result);
      return result;
    }

    const snapshot: MonitorSnapshot = monitor.snapshot();
    await this.store.insertTimePoints(policyId, accepted);
    await this.store.insertVerdicts(
      policyId,
      row.generation,
      verdicts.map((v) => ({ tp: v.tp, ts: v.ts, tuples: [...v.tuples].sort(compareTuples), line: monitor.format(v) })),
    );
    const fencing = row.fencing + 1;
    await this.alertTransitions(policy, compiled, row, verdicts, {
      // Time points before first_tp are a replayed monitor's: their verdicts are the old generation's, not answered here.
      fromTp: Math.max(row.firstTp, row.nextTp - pendingBefore),
      toTp: nextTp - snapshot.pending.length,
      fencing,
    });
    const saved = await this.store.saveMonitor(policyId, row.fencing, {
      generation: row.generation,
      firstTp: row.firstTp,
      nextTp,
      lastTs,
      ended: row.ended || ending,
      snapshot: JSON.stringify(snapshot),
      holder: this.holder,
    });
    if (!saved) throw new ConflictError(`policy ${policyId}: another process wrote its monitor meanwhile (stale fencing token); send the events again`);
    const result = { accepted: accepted.length, rejected, verdicts: verdicts.length, ended: row.ended || ending, nextTp };
    await options.beforeCommit?.(result);
    // Most recently fed last; past CACHED_MONITORS policies the least recently fed is dropped (it restores from its row).
    this.cache.delete(policyId);
    this.cache.set(policyId, { generation: row.generation, fencing, monitor, pending: snapshot.pending.length });
    if (this.cache.size > CACHED_MONITORS) this.cache.delete(this.cache.keys().next().value as number);
    return result;
  }

  private candidates(body: PolicyEventsBody, compiled: CompiledPolicy): Candidate[] {
    if (body.kind === 'json') return jsonCandidates(body.value);
    // A time point whose events do not fit the signature is refused alone (422), as a JSON one: only a syntax error refuses the log (400).
    return parseLog(body.text, compiled.signature, { perTimePoint: true }).map((point, index): Candidate => {
      const where = `time point ${index} (log ${point.pos.line}:${point.pos.column})`;
      const text = JSON.stringify({ ts: point.ts, events: point.events });
      if (point.problem !== undefined) {
        return { index, where, ts: point.ts, problem: `${where}: log ${point.problem.pos.line}:${point.problem.pos.column}: ${point.problem.reason}`, body: text };
      }
      return { index, point: { ts: point.ts, events: point.events }, where, body: text };
    });
  }

  private monitorFor(policy: Policy, compiled: CompiledPolicy, row: PolicyMonitorRow): { monitor: Monitor; pending: number } {
    const cached = this.cache.get(policy.id);
    if (cached !== undefined && cached.generation === row.generation && cached.fencing === row.fencing) return cached;
    if (row.snapshot === null) throw new Error(`policy ${policy.id}: its monitor row has no snapshot`);
    const snapshot = JSON.parse(row.snapshot) as MonitorSnapshot;
    // firstTimePoint (issue 15, P2): a monitor started mid-trace numbers its verdicts as in the whole trace.
    const monitorOptions = { negate: policy.negate, firstTimePoint: row.firstTp } as MonitorOptions;
    return { monitor: restoreMonitor(compiled.signature, compiled.formula, monitorOptions, snapshot), pending: snapshot.pending.length };
  }

  private async alertTransitions(
    policy: Policy,
    compiled: CompiledPolicy,
    row: PolicyMonitorRow,
    verdicts: readonly Verdict[],
    answered: { fromTp: number; toTp: number; fencing: number },
  ): Promise<void> {
    if (answered.toTp <= answered.fromTp) return;
    const state = parseFiring(await this.store.firingAlerts(row.policyId));
    if (state.firing.size === 0 && verdicts.length === 0) return;
    const transitions = violationTransitions(
      state,
      { policy: policy.name, experiment: policy.experiment, variables: compiled.variables, types: compiled.types },
      answered,
      verdicts,
      Date.now(),
    );
    if (transitions.length === 0) return;
    await this.alerts.appendTransitions(POLICY_GROUP_ID, policy.experimentId, answered.fencing, transitions);
    await this.store.saveFiringAlerts(row.policyId, firingToJson(state));
  }
}
