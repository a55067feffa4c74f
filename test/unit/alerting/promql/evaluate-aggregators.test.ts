/** Aggregation operators, ported from Prometheus 2.42's promql/testdata/aggregators.test. */
import { agg, bin, call, load, M, num, paren, S, sel, str } from '../../../support/promql-ast';
import { expectVector, instant } from '../../../support/promql-eval';

const HTTP_SPEC = {
  'http_requests{job="api-server", instance="0", group="production"}': '0+10x10',
  'http_requests{job="api-server", instance="1", group="production"}': '0+20x10',
  'http_requests{job="api-server", instance="0", group="canary"}': '0+30x10',
  'http_requests{job="api-server", instance="1", group="canary"}': '0+40x10',
  'http_requests{job="app-server", instance="0", group="production"}': '0+50x10',
  'http_requests{job="app-server", instance="1", group="production"}': '0+60x10',
  'http_requests{job="app-server", instance="0", group="canary"}': '0+70x10',
  'http_requests{job="app-server", instance="1", group="canary"}': '0+80x10',
};
const HTTP = load(5 * M, { ...HTTP_SPEC, 'foo{job="api-server", instance="0", region="europe"}': '0+90x10', 'foo{job="api-server"}': '0+100x10' });
const T50 = 50 * M;
const http = (m = ''): ReturnType<typeof sel> => sel('http_requests', m);
const api = (): ReturnType<typeof sel> => http('job="api-server"');

describe('sum, avg, count, min, max with by / without', () => {
  it('by', () => {
    const want = { '{group="canary"}': 700, '{group="production"}': 300 };
    expectVector(instant(agg('sum', api(), { by: ['group'] }), T50, HTTP), want);
    expectVector(instant(agg('sum', paren(paren(api())), { by: ['group'] }), T50, HTTP), want);
    expectVector(instant(agg('avg', api(), { by: ['group'] }), T50, HTTP), { '{group="canary"}': 350, '{group="production"}': 150 });
    expectVector(instant(agg('count', api(), { by: ['group'] }), T50, HTTP), { '{group="canary"}': 2, '{group="production"}': 2 });
  });
  it('without drops the listed labels and the metric name', () => {
    expectVector(instant(agg('sum', api(), { without: ['instance'] }), T50, HTTP), {
      '{group="canary",job="api-server"}': 700,
      '{group="production",job="api-server"}': 300,
    });
    expectVector(instant(agg('sum', http('job="api-server",group="production"'), { without: [] }), T50, HTTP), {
      '{group="production",job="api-server",instance="0"}': 100,
      '{group="production",job="api-server",instance="1"}': 200,
    });
    expectVector(instant(agg('sum', bin('or', api(), sel('foo')), { without: ['instance'] }), T50, HTTP), {
      '{group="canary",job="api-server"}': 700,
      '{group="production",job="api-server"}': 300,
      '{region="europe",job="api-server"}': 900,
      '{job="api-server"}': 1000,
    });
  });
  it('empty by and no clause aggregate everything', () => {
    expectVector(instant(agg('sum', api(), { by: [] }), T50, HTTP), { '{}': 1000 });
    expectVector(instant(agg('sum', api()), T50, HTTP), { '{}': 1000 });
    expectVector(instant(agg('sum', agg('sum', api(), { by: ['group'] }), { by: ['job'] }), T50, HTTP), { '{}': 1000 });
    expectVector(instant(agg('sum', http()), T50, HTTP), { '{}': 3600 });
  });
  it('per job, with labels missing from the series left out', () => {
    expectVector(instant(agg('sum', http('instance="0"'), { by: ['job'] }), T50, HTTP), { '{job="api-server"}': 400, '{job="app-server"}': 1200 });
    expectVector(instant(agg('sum', http(), { by: ['job', 'nonexistent'] }), T50, HTTP), { '{job="api-server"}': 1000, '{job="app-server"}': 2600 });
    expectVector(instant(agg('count', http(), { by: ['job'] }), T50, HTTP), { '{job="api-server"}': 4, '{job="app-server"}': 4 });
    expectVector(instant(agg('sum', http(), { by: ['job', 'group'] }), T50, HTTP), {
      '{group="canary", job="api-server"}': 700,
      '{group="canary", job="app-server"}': 1500,
      '{group="production", job="api-server"}': 300,
      '{group="production", job="app-server"}': 1100,
    });
    expectVector(instant(agg('avg', http(), { by: ['job'] }), T50, HTTP), { '{job="api-server"}': 250, '{job="app-server"}': 650 });
    expectVector(instant(agg('min', http(), { by: ['job'] }), T50, HTTP), { '{job="api-server"}': 100, '{job="app-server"}': 500 });
    expectVector(instant(agg('max', http(), { by: ['job'] }), T50, HTTP), { '{job="api-server"}': 400, '{job="app-server"}': 800 });
    const all = bin('+', bin('+', bin('+', agg('sum', http(), { by: ['job'] }), agg('min', http(), { by: ['job'] })), agg('max', http(), { by: ['job'] })), agg('avg', http(), { by: ['job'] }));
    expectVector(instant(all, T50, HTTP), { '{job="app-server"}': 4550, '{job="api-server"}': 1750 });
  });
  it('grouping keys keep label boundaries (regression for a missing separator)', () => {
    const d = load(5 * M, { 'label_grouping_test{a="aa", b="bb"}': '0+10x10', 'label_grouping_test{a="a", b="abb"}': '0+20x10' });
    expectVector(instant(agg('sum', sel('label_grouping_test'), { by: ['a', 'b'] }), T50, d), { '{a="a", b="abb"}': 200, '{a="aa", b="bb"}': 100 });
  });
  it('by (__name__) keeps the name', () => {
    expectVector(instant(agg('count', bin('or', api(), sel('foo')), { by: ['__name__'] }), T50, HTTP), { 'http_requests{}': 4, 'foo{}': 2 });
  });
});

describe('stddev and stdvar', () => {
  it('population deviation and variance', () => {
    const d = load(5 * M, HTTP_SPEC);
    expectVector(instant(agg('stddev', http()), T50, d), { '{}': 229.128784747792 });
    expectVector(instant(agg('stddev', http(), { by: ['instance'] }), T50, d), { '{instance="0"}': 223.606797749979, '{instance="1"}': 223.606797749979 });
    expectVector(instant(agg('stdvar', http()), T50, d), { '{}': 52500 });
    expectVector(instant(agg('stdvar', http(), { by: ['instance'] }), T50, d), { '{instance="0"}': 50000, '{instance="1"}': 50000 });
  });
  it('equal values give exactly 0 (Welford)', () => {
    const d = load(5 * M, {
      'http_requests{job="api-server", instance="0", group="production"}': '0+1.33x10',
      'http_requests{job="api-server", instance="1", group="production"}': '0+1.33x10',
      'http_requests{job="api-server", instance="0", group="canary"}': '0+1.33x10',
    });
    expectVector(instant(agg('stddev', http()), T50, d), { '{}': 0 });
    expectVector(instant(agg('stdvar', http()), T50, d), { '{}': 0 });
  });
});

describe('min and max with NaN', () => {
  const d = load(5 * M, {
    'http_requests{job="api-server", instance="0", group="production"}': '1',
    'http_requests{job="api-server", instance="1", group="production"}': '2',
    'http_requests{job="api-server", instance="0", group="canary"}': 'NaN',
    'http_requests{job="api-server", instance="1", group="canary"}': '3',
    'http_requests{job="api-server", instance="2", group="canary"}': '4',
  });
  it('ignore NaN unless everything is NaN', () => {
    expectVector(instant(agg('max', http()), 0, d), { '{}': 4 });
    expectVector(instant(agg('min', http()), 0, d), { '{}': 1 });
    expectVector(instant(agg('max', http(), { by: ['group'] }), 0, d), { '{group="production"}': 2, '{group="canary"}': 4 });
    expectVector(instant(agg('min', http(), { by: ['group'] }), 0, d), { '{group="production"}': 1, '{group="canary"}': 3 });
    expectVector(instant(agg('max', http('group="canary", instance="0"')), 0, d), { '{}': NaN });
  });
});

describe('topk and bottomk', () => {
  const d = load(5 * M, {
    ...HTTP_SPEC,
    'http_requests{job="api-server", instance="2", group="production"}': 'NaN NaN NaN NaN NaN NaN NaN NaN NaN NaN NaN',
    foo: '3+0x10',
  });
  it('keep the full labels, ordered from the top', () => {
    const top3 = {
      'http_requests{group="canary", instance="1", job="app-server"}': 800,
      'http_requests{group="canary", instance="0", job="app-server"}': 700,
      'http_requests{group="production", instance="1", job="app-server"}': 600,
    };
    expectVector(instant(agg('topk', http(), { param: num(3) }), T50, d), top3, true);
    expectVector(instant(agg('topk', paren(http()), { param: paren(num(3)) }), T50, d), top3, true);
    expectVector(instant(agg('topk', http(), { param: call('scalar', sel('foo')) }), T50, d), top3, true);
    expectVector(
      instant(agg('topk', http('group="canary",job="app-server"'), { param: num(5) }), T50, d),
      { 'http_requests{group="canary", instance="1", job="app-server"}': 800, 'http_requests{group="canary", instance="0", job="app-server"}': 700 },
      true,
    );
  });
  it('bottomk', () => {
    expectVector(
      instant(agg('bottomk', http(), { param: num(3) }), T50, d),
      {
        'http_requests{group="production", instance="0", job="api-server"}': 100,
        'http_requests{group="production", instance="1", job="api-server"}': 200,
        'http_requests{group="canary", instance="0", job="api-server"}': 300,
      },
      true,
    );
    expectVector(
      instant(agg('bottomk', http('group="canary",job="app-server"'), { param: num(5) }), T50, d),
      { 'http_requests{group="canary", instance="0", job="app-server"}': 700, 'http_requests{group="canary", instance="1", job="app-server"}': 800 },
      true,
    );
  });
  it('by group', () => {
    expectVector(instant(agg('topk', http(), { by: ['group'], param: num(1) }), T50, d), {
      'http_requests{group="production", instance="1", job="app-server"}': 600,
      'http_requests{group="canary", instance="1", job="app-server"}': 800,
    });
    expectVector(instant(agg('bottomk', http(), { by: ['group'], param: num(2) }), T50, d), {
      'http_requests{group="canary", instance="0", job="api-server"}': 300,
      'http_requests{group="canary", instance="1", job="api-server"}': 400,
      'http_requests{group="production", instance="0", job="api-server"}': 100,
      'http_requests{group="production", instance="1", job="api-server"}': 200,
    });
  });
  it('NaN sorts away from the top and the bottom', () => {
    const want = {
      'http_requests{job="api-server", instance="1", group="production"}': 200,
      'http_requests{job="api-server", instance="0", group="production"}': 100,
      'http_requests{job="api-server", instance="2", group="production"}': NaN,
    };
    expectVector(instant(agg('topk', http('job="api-server",group="production"'), { param: num(3) }), T50, d), want, true);
    expectVector(instant(agg('topk', http('job="api-server",group="production"'), { param: num(9999999999) }), T50, d), want, true);
    expectVector(
      instant(agg('bottomk', http('job="api-server",group="production"'), { param: num(3) }), T50, d),
      {
        'http_requests{job="api-server", instance="0", group="production"}': 100,
        'http_requests{job="api-server", instance="1", group="production"}': 200,
        'http_requests{job="api-server", instance="2", group="production"}': NaN,
      },
      true,
    );
  });
  it('k below 1 gives nothing, k that overflows int64 is an error', () => {
    expectVector(instant(agg('topk', http(), { param: num(0.5) }), T50, d), {});
    expect(() => instant(agg('topk', http(), { param: num(1e19) }), T50, d)).toThrow('Scalar value 1e+19 overflows int64');
    expect(() => instant(agg('topk', http(), { param: num(NaN) }), T50, d)).toThrow('Scalar value NaN overflows int64');
  });
});

describe('count_values', () => {
  const d = load(5 * M, {
    'version{job="api-server", instance="0", group="production"}': '6',
    'version{job="api-server", instance="1", group="production"}': '6',
    'version{job="api-server", instance="2", group="production"}': '6',
    'version{job="api-server", instance="0", group="canary"}': '8',
    'version{job="api-server", instance="1", group="canary"}': '8',
    'version{job="app-server", instance="0", group="production"}': '6',
    'version{job="app-server", instance="1", group="production"}': '6',
    'version{job="app-server", instance="0", group="canary"}': '7',
    'version{job="app-server", instance="1", group="canary"}': '7',
  });
  const T = 5 * M;
  it('counts per value', () => {
    const want = { '{version="6"}': 5, '{version="7"}': 2, '{version="8"}': 2 };
    expectVector(instant(agg('count_values', sel('version'), { param: str('version') }), T, d), want);
    expectVector(instant(agg('count_values', sel('version'), { param: paren(paren(str('version'))) }), T, d), want);
  });
  it('without and by', () => {
    expectVector(instant(agg('count_values', sel('version'), { param: str('version'), without: ['instance'] }), T, d), {
      '{job="api-server", group="production", version="6"}': 3,
      '{job="api-server", group="canary", version="8"}': 2,
      '{job="app-server", group="production", version="6"}': 2,
      '{job="app-server", group="canary", version="7"}': 2,
    });
    const overwritten = { '{job="6", group="production"}': 5, '{job="8", group="canary"}': 2, '{job="7", group="canary"}': 2 };
    expectVector(instant(agg('count_values', sel('version'), { param: str('job'), without: ['instance'] }), T, d), overwritten);
    expectVector(instant(agg('count_values', sel('version'), { param: str('job'), by: ['job', 'group'] }), T, d), overwritten);
  });
  it('formats values like Go strconv.FormatFloat(v, f, -1, 64)', () => {
    const values = load(5 * M, { 'v{i="1"}': '0.1', 'v{i="2"}': '1e21', 'v{i="3"}': '-2.5e-7', 'v{i="4"}': 'NaN', 'v{i="5"}': '-Inf', 'v{i="6"}': '100' });
    expectVector(instant(agg('count_values', sel('v'), { param: str('x') }), 0, values), {
      '{x="0.1"}': 1,
      '{x="1000000000000000000000"}': 1,
      '{x="-0.00000025"}': 1,
      '{x="NaN"}': 1,
      '{x="-Inf"}': 1,
      '{x="100"}': 1,
    });
  });
  it('an invalid label name is an execution error', () => {
    expect(() => instant(agg('count_values', sel('version'), { param: str('a-b') }), T, d)).toThrow('invalid label name "a-b"');
  });
});

describe('quantile and group', () => {
  const d = load(10 * S, {
    'data{test="two samples",point="a"}': '0',
    'data{test="two samples",point="b"}': '1',
    'data{test="three samples",point="a"}': '0',
    'data{test="three samples",point="b"}': '1',
    'data{test="three samples",point="c"}': '2',
    'data{test="uneven samples",point="a"}': '0',
    'data{test="uneven samples",point="b"}': '1',
    'data{test="uneven samples",point="c"}': '4',
    foo: '.8',
  });
  it('interpolates between ranks', () => {
    const want = { '{test="two samples"}': 0.8, '{test="three samples"}': 1.6, '{test="uneven samples"}': 2.8 };
    expectVector(instant(agg('quantile', sel('data'), { param: num(0.8), without: ['point'] }), M, d), want);
    expectVector(instant(agg('quantile', sel('data'), { param: call('scalar', sel('foo')), without: ['point'] }), M, d), want);
    expectVector(instant(agg('quantile', sel('data'), { param: paren(call('scalar', sel('foo'))), without: ['point'] }), M, d), want);
  });
  it('out of range quantiles are infinities', () => {
    expectVector(instant(agg('quantile', sel('data'), { param: num(-1), without: ['point'] }), M, d), {
      '{test="two samples"}': -Infinity,
      '{test="three samples"}': -Infinity,
      '{test="uneven samples"}': -Infinity,
    });
    expectVector(instant(agg('quantile', sel('data', 'test="two samples"'), { param: num(2) }), M, d), { '{}': Infinity });
  });
  it('group is 1 per group', () => {
    expectVector(instant(agg('group', sel('data'), { without: ['point'] }), M, d), { '{test="two samples"}': 1, '{test="three samples"}': 1, '{test="uneven samples"}': 1 });
    expectVector(instant(agg('group', sel('foo')), M, d), { '{}': 1 });
  });
});

describe('avg with infinities and huge values (2.42 incremental mean)', () => {
  const d = load(10 * S, {
    'data{test="ten",point="a"}': '8',
    'data{test="ten",point="b"}': '10',
    'data{test="ten",point="c"}': '12',
    'data{test="inf",point="a"}': '0',
    'data{test="inf",point="b"}': 'Inf',
    'data{test="inf",point="d"}': 'Inf',
    'data{test="inf",point="c"}': '0',
    'data{test="-inf",point="a"}': '-Inf',
    'data{test="-inf",point="b"}': '-Inf',
    'data{test="-inf",point="c"}': '0',
    'data{test="inf2",point="a"}': 'Inf',
    'data{test="inf2",point="b"}': '0',
    'data{test="inf2",point="c"}': 'Inf',
    'data{test="-inf2",point="a"}': '-Inf',
    'data{test="-inf2",point="b"}': '0',
    'data{test="-inf2",point="c"}': '-Inf',
    'data{test="inf3",point="b"}': 'Inf',
    'data{test="inf3",point="c"}': 'Inf',
    'data{test="inf3",point="d"}': '-Inf',
    'data{test="-inf3",point="b"}': '-Inf',
    'data{test="-inf3",point="d"}': '-Inf',
    'data{test="-inf3",point="c"}': 'Inf',
    'data{test="nan",point="a"}': '-Inf',
    'data{test="nan",point="b"}': '0',
    'data{test="nan",point="c"}': 'Inf',
    'data{test="big",point="a"}': '9.988465674311579e+307',
    'data{test="big",point="b"}': '9.988465674311579e+307',
    'data{test="big",point="c"}': '9.988465674311579e+307',
    'data{test="big",point="d"}': '9.988465674311579e+307',
    'data{test="-big",point="a"}': '-9.988465674311579e+307',
    'data{test="-big",point="b"}': '-9.988465674311579e+307',
    'data{test="-big",point="c"}': '-9.988465674311579e+307',
    'data{test="-big",point="d"}': '-9.988465674311579e+307',
    'data{test="bigzero",point="a"}': '-9.988465674311579e+307',
    'data{test="bigzero",point="b"}': '-9.988465674311579e+307',
    'data{test="bigzero",point="c"}': '9.988465674311579e+307',
    'data{test="bigzero",point="d"}': '9.988465674311579e+307',
  });
  const avg = (test: string): ReturnType<typeof instant> => instant(agg('avg', sel('data', `test="${test}"`)), M, d);
  it.each([
    ['ten', 10],
    ['inf', Infinity],
    ['inf2', Infinity],
    ['inf3', NaN],
    ['-inf', -Infinity],
    ['-inf2', -Infinity],
    ['-inf3', NaN],
    ['nan', NaN],
    ['big', 9.988465674311579e307],
    ['-big', -9.988465674311579e307],
  ])('avg(data{test="%s"}) = %d', (test, want) => {
    expectVector(avg(test), { '{}': want });
  });
  it('avg of huge values of both signs is 0 (no overflow)', () => {
    const v = avg('bigzero');
    if (v.type !== 'vector') throw new Error('not a vector');
    expect(Math.abs(v.samples[0]?.v ?? NaN)).toBeLessThan(1e292);
  });
});
