import fs from 'node:fs';
import path from 'node:path';
import { parseLog, parseSignature, type EventInput, type Signature, type TimePointInput, type Value } from '../../src/policies';

/**
 * The workload of `npm run bench:policies`: each conformance case's signature and formula, and a generator of
 * plausible events for them, learnt from the case's log: the gaps between timestamps, the events per time
 * point, the predicates' frequencies and, per argument, the values seen (a column that only grows in the log,
 * such as an event id, keeps growing). Timestamps advance as in the log, so that a window holds a bounded
 * number of events whatever the length of the run, and the values come from the log's domains, so that
 * joins and aggregations find partners as often as in the case.
 */
export interface PolicyCase {
  readonly name: string;
  readonly signatureText: string;
  readonly signature: Signature;
  readonly formula: string;
  readonly negate: boolean;
  readonly log: string;
}

export function loadCases(dir: string, only?: ReadonlySet<string>): PolicyCase[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && (only === undefined || only.has(entry.name)))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const read = (file: string) => fs.readFileSync(path.join(dir, name, file), 'utf8');
      const signatureText = read('sig');
      const flags = fs.existsSync(path.join(dir, name, 'flags')) ? read('flags') : '';
      return { name, signatureText, signature: parseSignature(signatureText), formula: read('mfotl').trim(), negate: /(^|\s)-negate(\s|$)/.test(flags), log: read('log') };
    });
}

/** mulberry32: a small seeded generator, so that every run feeds the same events. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Column {
  readonly values: readonly Value[];
  /** Grows by one at each event of its predicate (the log's values only ever grow: an id). */
  counter?: number;
}

/** Time points with about `events` events in all (the last time point may overshoot by a few), in order. */
export class EventGenerator {
  private readonly next: () => number;
  private readonly gaps: number[] = [];
  private readonly sizes: number[] = [];
  private readonly preds: string[] = [];
  private readonly columns = new Map<string, Column[]>();
  private ts = 0;

  constructor(policy: PolicyCase, seed = 15) {
    this.next = random(seed);
    const points = parseLog(policy.log, policy.signature);
    let last: number | undefined;
    const seen = new Map<string, Value[][]>();
    for (const point of points) {
      if (last !== undefined && point.ts >= last) this.gaps.push(point.ts - last);
      last = point.ts;
      this.sizes.push(point.events.length);
      for (const event of point.events) {
        this.preds.push(event.pred);
        const columns = seen.get(event.pred) ?? event.args.map(() => []);
        event.args.forEach((v, i) => columns[i]?.push(v));
        seen.set(event.pred, columns);
      }
    }
    if (this.gaps.length === 0) this.gaps.push(1);
    if (this.preds.length === 0) this.preds.push(...policy.signature.keys());
    for (const [pred, p] of policy.signature) {
      const observed = seen.get(pred);
      this.columns.set(
        pred,
        p.types.map((type, i) => {
          const values = observed?.[i] ?? [];
          const growing = values.length > 2 && type === 'int' && values.every((v, k) => k === 0 || (v as number) > (values[k - 1] as number));
          if (growing) return { values, counter: values[values.length - 1] as number };
          if (values.length > 0) return { values: [...new Set(values)] };
          return { values: type === 'string' ? ['a', 'b', 'c', 'd'] : type === 'float' ? [0.125, 0.5, 1.25, 2] : [1, 2, 3, 4] };
        }),
      );
    }
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)] as T;
  }

  /** The next time point: a gap, a size and events as the log has them. */
  timePoint(): TimePointInput {
    this.ts += this.pick(this.gaps);
    const size = this.pick(this.sizes);
    const events: EventInput[] = [];
    for (let n = 0; n < size; n++) {
      const pred = this.pick(this.preds);
      const args = (this.columns.get(pred) ?? []).map((c) => (c.counter !== undefined ? ++c.counter : this.pick(c.values)));
      events.push({ pred, args });
    }
    return { ts: this.ts, events };
  }

  /** Time points until they hold at least `events` events. */
  *timePoints(events: number): Generator<TimePointInput> {
    let produced = 0;
    while (produced < events) {
      const point = this.timePoint();
      produced += point.events.length;
      yield point;
    }
  }
}

/** Past-only: no future operator (NEXT, EVENTUALLY, ALWAYS, UNTIL) in the formula, the target's class. */
export function pastOnly(formula: string): boolean {
  return !/\b(NEXT|EVENTUALLY|SOMETIMES|ALWAYS|UNTIL)\b/.test(formula);
}
