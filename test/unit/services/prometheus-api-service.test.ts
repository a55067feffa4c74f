import type { LabelMatcher } from '../../../src/alerting/promql/ast';
import { PromqlError, type PromqlEngine, type SeriesSource } from '../../../src/alerting/promql/engine-api';
import type { Labels, StoredSeries } from '../../../src/alerting/promql/values';
import { testConfig } from '../../support/real-services';
import { User } from '../../../src/domain/user';
import { PrometheusApiService } from '../../../src/services/prometheus-api-service';
import type { CatalogWindow, SeriesCatalog, SeriesScope, SeriesSourceFactory } from '../../../src/storage/alerting-stores';
import { InMemoryExperimentStore, InMemoryUserStore } from '../../support/in-memory-stores';

function user(id: number, role: 'ADMIN' | 'SCIENTIST'): User {
  const at = new Date(0);
  return new User({ id, pseudonym: `p${id}`, userId: `u${id}`, name: null, username: `u${id}`, email: null, role, createdAt: at, updatedAt: at, erasedAt: null });
}

/** A fake engine: `parseSelector` reads `name` or `{l="v"}`; instant selects the matchers of the query text read the same way. */
function parse(text: string): LabelMatcher[] {
  const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)?(?:\{(.*)\})?$/.exec(text.trim());
  if (!match) throw new PromqlError('bad_data', `1:1: parse error: cannot read ${text}`);
  const matchers: LabelMatcher[] = match[1] ? [{ name: '__name__', type: '=', value: match[1] }] : [];
  for (const part of (match[2] ?? '').split(',').filter(Boolean)) {
    const [, name = '', type = '=', value = ''] = /^\s*(\w+)\s*(=~|!~|!=|=)\s*"(.*)"\s*$/.exec(part) ?? [];
    matchers.push({ name, type: type as LabelMatcher['type'], value });
  }
  return matchers;
}

class FakeEngine implements PromqlEngine {
  /** A query that never finishes: only the timeout can answer it. */
  hang = false;
  async instant(query: string, timeMs: number, source: SeriesSource) {
    if (this.hang) await new Promise(() => undefined);
    const series = await source.select({ matchers: parse(query), startMs: timeMs - 300_000, endMs: timeMs });
    return { type: 'vector' as const, samples: series.map((s) => ({ labels: s.labels, t: timeMs, v: s.points.length })) };
  }
  async range(): Promise<never> {
    throw new PromqlError('execution', 'not in the fake');
  }
  parseSelector(text: string) {
    return parse(text);
  }
  check() {
    return undefined;
  }
}

const lbl = (entries: Record<string, string>): Labels => new Map(Object.entries(entries));

describe('PrometheusApiService', () => {
  const scopes: SeriesScope[] = [];
  const all: Array<{ experimentId: number; labels: Labels; points: number }> = [];
  const factory: SeriesSourceFactory = {
    scoped(scope) {
      scopes.push(scope);
      return {
        async select(): Promise<StoredSeries[]> {
          return all
            .filter((s) => scope.kind === 'all' || scope.experimentIds.includes(s.experimentId))
            .map((s) => ({ labels: s.labels, points: Array.from({ length: s.points }, (_, t) => ({ t, v: 1 })) }));
        },
      };
    },
  };
  const catalog: SeriesCatalog = {
    async labelSets(scope: SeriesScope, matchers: readonly LabelMatcher[], _window: CatalogWindow) {
      return all
        .filter((s) => scope.kind === 'all' || scope.experimentIds.includes(s.experimentId))
        .filter((s) => matchers.every((m) => m.type !== '=' || (s.labels.get(m.name) ?? '') === m.value))
        .map((s) => s.labels);
    },
  };
  let experiments: InMemoryExperimentStore;
  let engine: FakeEngine;
  let service: PrometheusApiService;

  beforeEach(async () => {
    scopes.length = 0;
    all.length = 0;
    experiments = new InMemoryExperimentStore(new InMemoryUserStore());
    const a = await experiments.insert({ code: 'A', name: 'a' });
    const b = await experiments.insert({ code: 'B', name: 'b' });
    await experiments.associate(a.id, 7);
    all.push(
      { experimentId: a.id, labels: lbl({ __name__: 'temp', experiment: 'A' }), points: 2 },
      { experimentId: b.id, labels: lbl({ __name__: 'temp', experiment: 'B', rack: 'r1' }), points: 3 },
    );
    engine = new FakeEngine();
    const config = testConfig({ PROMQL_MAX_SAMPLES: '4', PROMQL_QUERY_TIMEOUT_MS: '1000' });
    service = new PrometheusApiService(engine, factory, catalog, experiments, config);
  });

  it("scopes a SCIENTIST to their experiments and an ADMIN to all", async () => {
    await expect(service.series(user(7, 'SCIENTIST'), [[{ name: '__name__', type: '=', value: 'temp' }]], {})).resolves.toEqual([
      lbl({ __name__: 'temp', experiment: 'A' }),
    ]);
    expect(await service.labelValues(user(7, 'SCIENTIST'), 'experiment', [], {})).toEqual(['A']);
    expect(await service.labelValues(user(1, 'ADMIN'), 'experiment', [], {})).toEqual(['A', 'B']);
    expect(await service.labelNames(user(7, 'SCIENTIST'), [], {})).toEqual(['__name__', 'experiment']);
    expect(await service.labelNames(user(1, 'ADMIN'), [], {})).toEqual(['__name__', 'experiment', 'rack']);
    expect(scopes).toEqual([]);
  });

  it('a SCIENTIST with no experiment reads through an empty scope', async () => {
    const value = await service.instant(user(8, 'SCIENTIST'), 'temp', 1000);
    expect(value).toEqual({ type: 'vector', samples: [] });
    expect(scopes).toEqual([{ kind: 'experiments', experimentIds: [] }]);
  });

  it('unions match[] sets without duplicates, sorted', async () => {
    const sets = service.parseMatchSets(['temp', '{experiment="B"}', '{experiment="A"}']);
    const series = await service.series(user(1, 'ADMIN'), sets, {});
    expect(series.map((s) => s.get('experiment'))).toEqual(['A', 'B']);
  });

  it('refuses a match[] whose every matcher matches the empty string', () => {
    expect(() => service.parseMatchSets(['{rack=""}'])).toThrow('match[] must contain at least one non-empty matcher');
    expect(() => service.parseMatchSets(['{rack=~".*"}'])).toThrow('match[] must contain at least one non-empty matcher');
    expect(service.parseMatchSets(['{rack=~".+"}'])).toHaveLength(1);
  });

  it('counts samples over the whole query', async () => {
    await expect(service.instant(user(7, 'SCIENTIST'), 'temp', 1000)).resolves.toMatchObject({ type: 'vector' });
    await expect(service.instant(user(1, 'ADMIN'), 'temp', 1000)).rejects.toMatchObject({
      errorType: 'execution',
      message: 'query would read more than 4 samples',
    });
  });

  it('times out with Prometheus\'s error', async () => {
    engine.hang = true;
    await expect(service.instant(user(7, 'SCIENTIST'), 'temp', 1000, 20)).rejects.toMatchObject({
      errorType: 'timeout',
      message: 'query timed out in query execution',
    });
    await expect(service.instant(user(7, 'SCIENTIST'), 'temp', 1000, 0)).rejects.toMatchObject({ errorType: 'timeout' });
  });
});
