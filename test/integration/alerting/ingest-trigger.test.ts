import { TYPES } from '../../../src/identifiers';
import type { RuleEvaluator } from '../../../src/services/rule-evaluator';
import type { ExperimentStore } from '../../../src/storage/stores';
import { alertRule, FakeEngine, FakeRuleReader, FakeSeriesSources } from '../../support/alerting-fakes';
import { call, eventually, startPlatform, type TestPlatform } from '../../support/platform';

/**
 * The committed-measures port end to end: measures published to RabbitMQ are committed by the consumer,
 * MeasureService hands them to the evaluator (bound as a CommittedMeasuresListener), which evaluates the
 * group of their experiment at once, long before its next slot (the group's interval is an hour).
 */
describe('evaluation on ingest', () => {
  let p: TestPlatform;
  const engine = new FakeEngine();
  const reader = new FakeRuleReader();

  beforeAll(async () => {
    p = await startPlatform({
      consume: true,
      components: ['rule-evaluator'],
      configure: (container) => {
        container.rebindSync(TYPES.PromqlEngine).toConstantValue(engine);
        container.rebindSync(TYPES.SeriesSourceFactory).toConstantValue(new FakeSeriesSources());
        container.rebindSync(TYPES.RuleGroupReader).toConstantValue(reader);
        container.bind(TYPES.RuleEvaluatorOptions).toConstantValue({ refreshMs: 100, debounceMs: 50 });
      },
    });
    const experiment = await p.container.get<ExperimentStore>(TYPES.ExperimentStore).insert({ code: 'ING', name: 'ingest' });
    reader.groups = [{ id: 1, experiment: 'ING', experimentId: experiment.id, name: 'g', intervalMs: 3_600_000, version: 1, rules: [alertRule(1, 'Hot', 'temp > 30')] }];
  });

  afterAll(async () => {
    await p.stop();
  });

  it('evaluates the group of an experiment whose measures were just committed', async () => {
    const evaluator = p.container.get<RuleEvaluator>(TYPES.RuleEvaluator);
    // This process takes the group's lease (its first slot may be an hour away).
    await eventually(async () => (await evaluator.evaluateNow(1), engine.calls), (calls) => calls > 0, { what: 'the lease' });
    const calls = engine.calls;
    engine.results.set('temp > 30', [{ labels: { __name__: 'temp', source: 'probe' }, v: 31 }]);
    await p.publish({ experiment: 'ING', metric: 'temp', source: 'probe', value: 31, timestamp: new Date().toISOString() });
    const token = await p.tokenFor(p.admin);
    const history = await eventually(
      () => call(p.baseUrl, 'GET', '/alerts/history', { token }),
      (r) => r.body?.items?.length === 1,
      { what: 'the alert fired on ingest' },
    );
    expect(history.body.items[0]).toMatchObject({ alertname: 'Hot', from: 'inactive', to: 'firing', value: '31', labels: { source: 'probe' } });
    expect(engine.calls).toBeGreaterThan(calls);
  });
});
