import type { PromqlEngine, SeriesSource } from '../../src/alerting/promql/engine-api';
import type { Labels, Value } from '../../src/alerting/promql/values';
import type { RuleGroup, StoredRule } from '../../src/alerting/rules/rule';
import type { RuleGroupReader, SeriesScope, SeriesSourceFactory } from '../../src/storage/alerting-stores';

/**
 * A PromQL engine that answers what the test says: `results` maps an expression to the vector elements
 * it returns (labels + value); `calls` counts instant queries; hang() holds every query until resume().
 */
export class FakeEngine implements PromqlEngine {
  readonly results = new Map<string, Array<{ labels: Record<string, string>; v: number }>>();
  calls = 0;
  /** The evaluation time of the first query held by hang(). */
  hungAt?: number;
  /** The evaluation time of the first query. */
  firstAt?: number;
  failing = new Set<string>();
  private gate?: Promise<void>;
  private release?: () => void;

  /** Holds every query from now on, as a process that hangs, until resume(). */
  hang(): void {
    this.gate = new Promise<void>((resolve) => {
      this.release = resolve;
    });
  }

  resume(): void {
    this.release?.();
    this.gate = undefined;
    this.hungAt = undefined;
  }

  async instant(query: string, timeMs: number): Promise<Value> {
    this.calls += 1;
    this.firstAt ??= timeMs;
    if (this.gate) {
      this.hungAt ??= timeMs;
      await this.gate;
    }
    if (this.failing.has(query)) throw new Error(`fake failure of ${query}`);
    const elements = this.results.get(query) ?? [];
    return {
      type: 'vector',
      samples: elements.map((e) => ({ labels: new Map(Object.entries(e.labels)) as Labels, t: timeMs, v: e.v })),
    };
  }

  range(): never {
    throw new Error('not used');
  }

  parseSelector(): never {
    throw new Error('not used');
  }

  check(): undefined {
    return undefined;
  }
}

export class FakeSeriesSources implements SeriesSourceFactory {
  readonly scopes: SeriesScope[] = [];
  scoped(scope: SeriesScope): SeriesSource {
    this.scopes.push(scope);
    return { select: () => Promise.resolve([]) };
  }
}

export class FakeRuleReader implements RuleGroupReader {
  groups: RuleGroup[] = [];
  listAll(): Promise<readonly RuleGroup[]> {
    return Promise.resolve(this.groups);
  }
  findById(id: number): Promise<RuleGroup | undefined> {
    return Promise.resolve(this.groups.find((g) => g.id === id));
  }
}

export function alertRule(id: number, name: string, expr: string, options: Partial<Extract<StoredRule, { kind: 'alert' }>> = {}): StoredRule {
  return {
    kind: 'alert',
    id,
    name,
    expr,
    forMs: 0,
    keepFiringForMs: 0,
    labels: new Map([['severity', 'major']]),
    annotations: new Map(),
    ...options,
  };
}
