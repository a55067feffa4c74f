import { comparePromAnswers, dropLabel, formatSampleValue, type PromAnswer } from '../../support/promql-compare';
import { generateDataset, openMetricsSeconds, toMeasures, toOpenMetrics } from '../../support/promql-dataset';
import { DIFF_EXPRESSIONS } from '../../support/promql-expressions';

/** The differential harness's own rules: a comparison that cannot fail proves nothing. */
describe('PromQL differential harness', () => {
  const vector = (series: Array<[Record<string, string>, number, string]>, status = 200): PromAnswer => ({
    status,
    body: { status: 'success', data: { resultType: 'vector', result: series.map(([metric, t, v]) => ({ metric, value: [t, v] })) } },
  });
  const matrix = (series: Array<[Record<string, string>, Array<[number, string]>]>): PromAnswer => ({
    status: 200,
    body: { status: 'success', data: { resultType: 'matrix', result: series.map(([metric, values]) => ({ metric, values })) } },
  });
  const error = (status: number, errorType: string, message = 'x'): PromAnswer => ({ status, body: { status: 'error', errorType, error: message } });

  it('accepts the same answer, series in another order, and values within relative 1e-9', () => {
    const a = vector([
      [{ a: '1' }, 10, '1.5'],
      [{ a: '2' }, 10, '100000'],
    ]);
    const b = vector([
      [{ a: '2' }, 10, '100000.00000001'],
      [{ a: '1' }, 10, '1.5'],
    ]);
    expect(comparePromAnswers(a, b)).toEqual([]);
  });

  it('reports a value, a timestamp, a missing and an extra series, and a wrong resultType', () => {
    const a = vector([
      [{ a: '1' }, 10, '1.5'],
      [{ a: '2' }, 10, '2'],
    ]);
    expect(comparePromAnswers(a, vector([[{ a: '1' }, 10, '1.5000001'], [{ a: '2' }, 10, '2']])).join()).toMatch(/value 1.5000001 instead of 1.5/);
    expect(comparePromAnswers(a, vector([[{ a: '1' }, 10.001, '1.5'], [{ a: '2' }, 10, '2']])).join()).toMatch(/timestamp 10.001 instead of 10/);
    expect(comparePromAnswers(a, vector([[{ a: '1' }, 10, '1.5']])).join()).toMatch(/missing 1 series, first: \{a="2"\}/);
    expect(comparePromAnswers(a, vector([...[[{ a: '1' }, 10, '1.5'], [{ a: '2' }, 10, '2']] as Array<[Record<string, string>, number, string]>, [{ a: '3' }, 10, '3']])).join()).toMatch(
      /1 extra series/,
    );
    expect(comparePromAnswers(a, matrix([[{ a: '1' }, [[10, '1.5']]]])).join()).toMatch(/resultType matrix instead of vector/);
  });

  it('reads NaN and infinities as Prometheus spells them, and insists on its spelling of a float', () => {
    const a = vector([[{}, 1, 'NaN'], [{ b: '1' }, 1, '+Inf'], [{ b: '2' }, 1, '0.0000001']]);
    expect(comparePromAnswers(a, vector([[{}, 1, 'NaN'], [{ b: '1' }, 1, '+Inf'], [{ b: '2' }, 1, '0.0000001']]))).toEqual([]);
    expect(comparePromAnswers(a, vector([[{}, 1, 'NaN'], [{ b: '1' }, 1, '-Inf'], [{ b: '2' }, 1, '0.0000001']])).join()).toMatch(/-Inf instead of \+Inf/);
    expect(comparePromAnswers(a, vector([[{}, 1, 'NaN'], [{ b: '1' }, 1, '+Inf'], [{ b: '2' }, 1, '1e-7']])).join()).toMatch(/spelled "1e-7"/);
    expect(formatSampleValue(1e-7)).toBe('0.0000001');
    expect(formatSampleValue(1e21)).toBe('1000000000000000000000');
    expect(formatSampleValue(1.5e-10)).toBe('0.00000000015');
    expect(formatSampleValue(-2.5e22)).toBe('-25000000000000000000000');
    expect(formatSampleValue(0.30000000000000004)).toBe('0.30000000000000004');
    expect(formatSampleValue(-0)).toBe('-0');
    expect(formatSampleValue(5e-324)).toBe(`0.${'0'.repeat(323)}5`);
    expect(formatSampleValue(123456789012345680)).toBe('123456789012345680');
  });

  it('compares errors by HTTP status and errorType, not by message', () => {
    expect(comparePromAnswers(error(400, 'bad_data', 'one'), error(400, 'bad_data', 'two'))).toEqual([]);
    expect(comparePromAnswers(error(400, 'bad_data'), error(422, 'execution')).join()).toMatch(/HTTP 422 instead of 400.*errorType execution instead of bad_data/);
    expect(comparePromAnswers(error(422, 'execution'), vector([])).join()).toMatch(/success \(vector\) instead of error execution/);
  });

  it('drops the experiment label from the target only, and checks the order of sorted answers', () => {
    const normalizeTarget = dropLabel('experiment', 'promdiff');
    const a = vector([[{ r: 'x' }, 1, '1'], [{ r: 'y' }, 1, '2']]);
    const b = vector([[{ r: 'y', experiment: 'promdiff' }, 1, '2'], [{ r: 'x', experiment: 'promdiff' }, 1, '1']]);
    expect(comparePromAnswers(a, b, { normalizeTarget })).toEqual([]);
    expect(comparePromAnswers(a, b, { normalizeTarget, ordered: true }).join()).toMatch(/order differs at position 0/);
    expect(comparePromAnswers(a, vector([[{ r: 'x', experiment: 'other' }, 1, '1'], [{ r: 'y' }, 1, '2']]), { normalizeTarget }).join()).toMatch(/missing/);
  });

  it('matrix: a missing point is named by its timestamp', () => {
    const a = matrix([[{ a: '1' }, [[1, '1'], [2, '2'], [3, '3']]]]);
    const b = matrix([[{ a: '1' }, [[1, '1'], [3, '3']]]]);
    expect(comparePromAnswers(a, b).join()).toMatch(/2 points instead of 3; first missing at 2/);
  });

  it('the data set is the same on every run, and its exports agree with each other', () => {
    const one = generateDataset();
    expect(generateDataset()).toEqual(one);
    expect(one.series.length).toBeGreaterThanOrEqual(40);
    expect(toMeasures(one)).toHaveLength(one.sampleCount);
    const text = toOpenMetrics(one);
    expect(text.endsWith('# EOF\n')).toBe(true);
    expect(text.split('\n').filter((line) => line !== '' && !line.startsWith('#'))).toHaveLength(one.sampleCount);
    for (const s of one.series) {
      for (const { t, v } of s.samples) {
        expect(Number.isInteger(t) && Number.isFinite(v)).toBe(true);
        expect(Math.trunc(Number(openMetricsSeconds(t)) * 1000)).toBe(t);
      }
    }
  });

  it.each([
    ...['rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'predict_linear', 'resets', 'changes'],
    ...['avg', 'min', 'max', 'sum', 'count', 'last', 'stddev', 'stdvar', 'quantile', 'present', 'absent'].map((f) => `${f}_over_time`),
    ...['absent', 'abs', 'ceil', 'floor', 'round', 'clamp', 'clamp_min', 'clamp_max', 'time', 'timestamp', 'vector', 'scalar'],
    ...['label_replace', 'label_join', 'sort', 'sort_desc', 'histogram_quantile'],
    ...['sum', 'avg', 'min', 'max', 'count', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'count_values', 'group'],
  ])('some expression calls %s', (fn) => {
    expect(DIFF_EXPRESSIONS.some(({ expr }) => new RegExp(`(^|[^a-z_])${fn}\\s*(by\\s*\\([^)]*\\)\\s*|without\\s*\\([^)]*\\)\\s*)?\\(`).test(expr))).toBe(true);
  });

  it.each([
    ' by (', ' without (', ' + ', ' - ', ' * ', ' / ', ' % ', ' ^ ', ' == ', ' != ', ' > ', ' < ', ' bool ', ' and ', ' or ', ' unless ',
    ' on (', ' ignoring (', ' group_left', ' group_right', ' offset 5m', ' offset -5m', ' @ 17', '@ start()', '@ end()', ':1m]', ':])',
    '=~', '!~', '{__name__=~', '[5m]',
  ])('some expression uses %j', (construct) => {
    expect(DIFF_EXPRESSIONS.some(({ expr }) => expr.includes(construct))).toBe(true);
  });

  it('has at least 80 expressions, none naming the experiment label', () => {
    expect(DIFF_EXPRESSIONS.length).toBeGreaterThanOrEqual(80);
    expect(DIFF_EXPRESSIONS.filter(({ expr }) => expr.includes('experiment'))).toEqual([]);
    expect(new Set(DIFF_EXPRESSIONS.map(({ expr }) => expr)).size).toBe(DIFF_EXPRESSIONS.length);
  });
});
