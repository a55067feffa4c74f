import type { Formula } from './ast';
import { compile } from './compile';
import { PredNode } from './engine/first-order';
import type { Database, EvalNode } from './engine/node';
import { project } from './engine/relation';
import { PolicyEventError, PolicyNotMonitorableError } from './errors';
import { parseFormula } from './formula-parser';
import { freeVariables } from './free-variables';
import type { TimePointInput } from './log-parser';
import { normalize, renameBound } from './normalize';
import type { Signature } from './signature';
import { inferTypes } from './typing';
import { formatVerdict, type Verdict } from './verdict-format';
import type { Tuple, Value, ValueType } from './values';

export interface MonitorOptions {
  /** Monitor NOT φ: the verdicts are φ's violations (MonPoly's -negate). */
  readonly negate?: boolean;
  /**
   * The index, in the whole trace, of the first time point this monitor is fed (default 0): a monitor started
   * mid-trace (policy change, replay) numbers its verdicts as in the whole trace.
   */
  readonly firstTimePoint?: number;
  /**
   * Verdicts of time points before this index are not answered (default: firstTimePoint): a replayed monitor is
   * fed time points whose verdicts another monitor owned.
   */
  readonly answerFrom?: number;
}

/** The monitor's whole state as plain JSON, to store and to restore on another machine. */
export interface MonitorSnapshot {
  readonly version: 1;
  readonly timePoints: number;
  readonly lastTs: number | null;
  readonly answered: number;
  /** Verdicts of time points before this index are not answered (absent in older snapshots: 0). */
  readonly answerFrom?: number;
  readonly pending: readonly number[];
  readonly ended: boolean;
  /** The evaluation tree's shape (node kinds and columns), to refuse a snapshot of another formula. */
  readonly shape: string;
  readonly nodes: readonly unknown[];
}

export interface Monitor {
  /** The verdicts' columns: the free variables in order of first appearance, with their types. */
  readonly variables: readonly string[];
  readonly types: readonly ValueType[];
  /** Feeds one time point; answers the verdicts (satisfied time points) that became final, in order. */
  push(timePoint: TimePointInput): Verdict[];
  /** Feeds several time points, all or none: one refused time point (say why) leaves the monitor unchanged. */
  pushAll(timePoints: readonly TimePointInput[]): Verdict[];
  /** The log has ended (MonPoly's end of log): every waiting time point gets its verdict. */
  finish(): Verdict[];
  snapshot(): MonitorSnapshot;
  format(verdict: Verdict): string;
}

/**
 * Builds an incremental monitor for a formula (text or parsed) over a signature. Throws PolicySyntaxError,
 * PolicyTypeError or PolicyNotMonitorableError when the formula is refused.
 */
export function createMonitor(signature: Signature, formula: string | Formula, options: MonitorOptions = {}): Monitor {
  const parsed = typeof formula === 'string' ? parseFormula(formula) : formula;
  const monitored: Formula = options.negate === true ? { kind: 'not', arg: parsed, pos: parsed.pos } : parsed;
  const columns = freeVariables(monitored);
  const renamed = renameBound(monitored);
  const typing = inferTypes(renamed, signature);
  const root = compile(normalize(renamed), typing);
  for (const v of columns) {
    if (!root.vars.includes(v)) throw new PolicyNotMonitorableError(parsed.pos, `the free variable ${v} is not bound`);
  }
  const types = columns.map((v) => typing.get(v) ?? 'int');
  const first = options.firstTimePoint ?? 0;
  const answerFrom = options.answerFrom ?? first;
  if (!Number.isSafeInteger(first) || first < 0) throw new RangeError(`firstTimePoint ${String(first)} is not a non-negative integer`);
  if (!Number.isSafeInteger(answerFrom) || answerFrom < 0) throw new RangeError(`answerFrom ${String(answerFrom)} is not a non-negative integer`);
  return new IncrementalMonitor(signature, root, columns, types, first, answerFrom);
}

/** A monitor in the state a snapshot recorded; the signature, formula and options must be the snapshot's. */
export function restoreMonitor(signature: Signature, formula: string | Formula, options: MonitorOptions, snapshot: MonitorSnapshot): Monitor {
  const monitor = createMonitor(signature, formula, options) as IncrementalMonitor;
  monitor.restore(snapshot);
  return monitor;
}

function shapeOf(nodes: readonly EvalNode[]): string {
  return nodes.map((n) => `${n instanceof PredNode ? n.name : n.constructor.name}(${n.vars.join(',')})`).join(' ');
}

function nodesInOrder(root: EvalNode): EvalNode[] {
  const out: EvalNode[] = [];
  const visit = (n: EvalNode): void => {
    out.push(n);
    n.children.forEach(visit);
  };
  visit(root);
  return out;
}

class IncrementalMonitor implements Monitor {
  /** Time points fed and verdicts answered so far, as indexes in the whole trace (from firstTimePoint). */
  private timePoints: number;
  private lastTs: number | null = null;
  private answered: number;
  private pending: number[] = [];
  private ended = false;
  private readonly reorder: number[];

  constructor(
    private readonly signature: Signature,
    private readonly root: EvalNode,
    readonly variables: readonly string[],
    readonly types: readonly ValueType[],
    firstTimePoint: number,
    private answerFrom: number,
  ) {
    this.timePoints = firstTimePoint;
    this.answered = firstTimePoint;
    this.reorder = variables.map((v) => root.vars.indexOf(v));
  }

  push(timePoint: TimePointInput): Verdict[] {
    return this.pushAll([timePoint]);
  }

  pushAll(timePoints: readonly TimePointInput[]): Verdict[] {
    if (this.ended) throw new PolicyEventError('the log has ended: no time point can follow');
    let lastTs = this.lastTs;
    const checked = timePoints.map((timePoint, n) => {
      const { ts } = timePoint;
      const which = timePoints.length > 1 ? `time point ${n + 1} of the batch: ` : '';
      if (!Number.isSafeInteger(ts) || ts < 0) throw new PolicyEventError(`${which}the timestamp ${String(ts)} is not a non-negative integer`);
      if (lastTs !== null && ts < lastTs) {
        throw new PolicyEventError(`${which}the timestamp ${ts} is smaller than the previous one (${lastTs})`);
      }
      lastTs = ts;
      return { ts, db: this.database(timePoint, which) };
    });
    const out: Verdict[] = [];
    for (const { ts, db } of checked) {
      this.lastTs = ts;
      this.timePoints++;
      this.pending.push(ts);
      out.push(...this.verdicts(this.root.step(ts, db)));
    }
    return out;
  }

  finish(): Verdict[] {
    if (this.ended) return [];
    this.ended = true;
    return this.verdicts(this.root.end());
  }

  format(verdict: Verdict): string {
    return formatVerdict(verdict, this.types);
  }

  private database(timePoint: TimePointInput, which: string): Database {
    const db = new Map<string, Tuple[]>();
    timePoint.events.forEach((event, n) => {
      const p = this.signature.get(event.pred);
      if (p === undefined) throw new PolicyEventError(`${which}event ${n + 1}: the predicate ${event.pred} is not in the signature`);
      if (!Array.isArray(event.args) || event.args.length !== p.types.length) {
        throw new PolicyEventError(`${which}event ${n + 1}: ${event.pred} takes ${p.types.length} argument(s)`);
      }
      event.args.forEach((v: Value, i) => {
        const type = p.types[i] as ValueType;
        const ok = type === 'string' ? typeof v === 'string' : type === 'int' ? Number.isSafeInteger(v) : typeof v === 'number' && Number.isFinite(v);
        if (!ok) throw new PolicyEventError(`${which}event ${n + 1}: argument ${i + 1} of ${event.pred} must be ${type === 'int' ? 'an int (at most 2^53 - 1 in magnitude)' : type === 'float' ? 'a finite float' : 'a string'}`);
      });
      // A copy: the monitor's state keeps tuples, the caller keeps its arrays.
      const tuple: Tuple = [...event.args];
      const list = db.get(event.pred);
      if (list === undefined) db.set(event.pred, [tuple]);
      else list.push(tuple);
    });
    return db;
  }

  private verdicts(rels: readonly { neg: boolean; rows: ReadonlyMap<string, Tuple> }[]): Verdict[] {
    const out: Verdict[] = [];
    for (const rel of rels) {
      const tp = this.answered++;
      const ts = this.pending.shift() as number;
      if (rel.neg) throw new Error('the root answered a complement (rejected at compile time)');
      if (rel.rows.size === 0 || tp < this.answerFrom) continue;
      const tuples = [...rel.rows.values()].map((t) => project(t, this.reorder));
      out.push({ tp, ts, tuples });
    }
    return out;
  }

  snapshot(): MonitorSnapshot {
    return {
      version: 1,
      timePoints: this.timePoints,
      lastTs: this.lastTs,
      answered: this.answered,
      answerFrom: this.answerFrom,
      pending: [...this.pending],
      ended: this.ended,
      shape: shapeOf(nodesInOrder(this.root)),
      nodes: nodesInOrder(this.root).map((n) => n.save()),
    };
  }

  restore(s: MonitorSnapshot): void {
    const nodes = nodesInOrder(this.root);
    if (s.version !== 1 || s.shape !== shapeOf(nodes) || s.nodes.length !== nodes.length) {
      throw new PolicyEventError('the snapshot does not belong to this signature, formula and options');
    }
    this.timePoints = s.timePoints;
    this.lastTs = s.lastTs;
    this.answered = s.answered;
    this.answerFrom = s.answerFrom ?? 0;
    this.pending = [...s.pending];
    this.ended = s.ended;
    nodes.forEach((n, i) => n.load(s.nodes[i]));
  }
}
