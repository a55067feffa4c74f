/** Binary and unary operators, ported from Prometheus 2.42's promql/testdata/operators.test. */
import { PromqlError } from '../../../../src/alerting/promql/engine-api';
import { agg, bin, call, load, M, neg, num, paren, pos, sel } from '../../../support/promql-ast';
import { expectScalar, expectVector, instant } from '../../../support/promql-eval';

const HTTP = load(5 * M, {
  'http_requests{job="api-server", instance="0", group="production"}': '0+10x10',
  'http_requests{job="api-server", instance="1", group="production"}': '0+20x10',
  'http_requests{job="api-server", instance="0", group="canary"}': '0+30x10',
  'http_requests{job="api-server", instance="1", group="canary"}': '0+40x10',
  'http_requests{job="app-server", instance="0", group="production"}': '0+50x10',
  'http_requests{job="app-server", instance="1", group="production"}': '0+60x10',
  'http_requests{job="app-server", instance="0", group="canary"}': '0+70x10',
  'http_requests{job="app-server", instance="1", group="canary"}': '0+80x10',
  'vector_matching_a{l="x"}': '0+1x100',
  'vector_matching_a{l="y"}': '0+2x50',
  'vector_matching_b{l="x"}': '0+4x25',
});
const T50 = 50 * M;
const http = (m = ''): ReturnType<typeof sel> => sel('http_requests', m);
const sumByJob = (): ReturnType<typeof agg> => agg('sum', http(), { by: ['job'] });
const ALL_HTTP = {
  'http_requests{group="canary", instance="0", job="api-server"}': 300,
  'http_requests{group="canary", instance="1", job="api-server"}': 400,
  'http_requests{group="canary", instance="0", job="app-server"}': 700,
  'http_requests{group="canary", instance="1", job="app-server"}': 800,
  'http_requests{group="production", instance="0", job="api-server"}': 100,
  'http_requests{group="production", instance="1", job="api-server"}': 200,
  'http_requests{group="production", instance="0", job="app-server"}': 500,
  'http_requests{group="production", instance="1", job="app-server"}': 600,
};

describe('arithmetic', () => {
  it('vector minus vector matches on all labels', () => {
    expectVector(instant(bin('-', sumByJob(), agg('count', http(), { by: ['job'] })), T50, HTTP), { '{job="api-server"}': 996, '{job="app-server"}': 2596 });
  });
  it('scalar minus vector', () => {
    expectVector(instant(bin('-', num(2), sumByJob()), T50, HTTP), { '{job="api-server"}': -998, '{job="app-server"}': -2598 });
  });
  it('unary minus drops the metric name, unary plus keeps it', () => {
    const one = http('job="api-server",instance="0",group="production"');
    expectVector(instant(neg(one), T50, HTTP), { '{job="api-server",instance="0",group="production"}': -100 });
    expectVector(instant(pos(one), T50, HTTP), { 'http_requests{job="api-server",instance="0",group="production"}': 100 });
    expectVector(instant(neg(neg(neg(sumByJob()))), T50, HTTP), { '{job="api-server"}': -1000, '{job="app-server"}': -2600 });
  });
  it('scalar arithmetic with precedence as built', () => {
    expectScalar(instant(neg(neg(neg(num(1)))), T50, HTTP), -1);
    // -2^---1*3 = -(2^-1)*3
    expectScalar(instant(bin('*', neg(bin('^', num(2), neg(neg(neg(num(1)))))), num(3)), T50, HTTP), -1.5);
    // 2/-2^---1*3+2
    expectScalar(instant(bin('+', bin('*', bin('/', num(2), neg(bin('^', num(2), neg(neg(neg(num(1))))))), num(3)), num(2)), T50, HTTP), -10);
  });
  it('-10^3 * - SUM(http_requests) BY (job) ^ -1', () => {
    const e = bin('*', neg(bin('^', num(10), num(3))), neg(bin('^', sumByJob(), neg(num(1)))));
    expectVector(instant(e, T50, HTTP), { '{job="api-server"}': 1, '{job="app-server"}': 0.38461538461538464 });
    expectVector(instant(bin('/', num(1000), sumByJob()), T50, HTTP), { '{job="api-server"}': 1, '{job="app-server"}': 0.38461538461538464 });
  });
  it('modulo and power like Go', () => {
    expectVector(instant(bin('-', sumByJob(), num(2)), T50, HTTP), { '{job="api-server"}': 998, '{job="app-server"}': 2598 });
    expectVector(instant(bin('%', sumByJob(), num(3)), T50, HTTP), { '{job="api-server"}': 1, '{job="app-server"}': 2 });
    expectVector(instant(bin('%', sumByJob(), num(0.3)), T50, HTTP), { '{job="api-server"}': 0.1, '{job="app-server"}': 0.2 });
    expectVector(instant(bin('^', sumByJob(), num(2)), T50, HTTP), { '{job="api-server"}': 1000000, '{job="app-server"}': 6760000 });
    expectVector(instant(bin('%', sumByJob(), bin('^', num(3), num(2))), T50, HTTP), { '{job="api-server"}': 1, '{job="app-server"}': 8 });
    expectVector(instant(bin('%', sumByJob(), bin('^', num(2), paren(bin('^', num(3), num(2))))), T50, HTTP), { '{job="api-server"}': 488, '{job="app-server"}': 40 });
    expectVector(instant(bin('%', sumByJob(), bin('^', num(2), bin('^', num(3), bin('^', num(2), num(2))))), T50, HTTP), {
      '{job="api-server"}': 1000,
      '{job="app-server"}': 2600,
    });
    const count = agg('count', http(), { by: ['job'] });
    expectVector(instant(bin('^', count, count), T50, HTTP), { '{job="api-server"}': 256, '{job="app-server"}': 256 });
  });
  it('division by zero gives infinities and NaN like Go', () => {
    const one = http('group="canary", instance="0", job="api-server"');
    expectVector(instant(bin('/', sumByJob(), num(0)), T50, HTTP), { '{job="api-server"}': Infinity, '{job="app-server"}': Infinity });
    expectVector(instant(bin('/', one, num(0)), T50, HTTP), { '{group="canary", instance="0", job="api-server"}': Infinity });
    expectVector(instant(bin('/', bin('*', neg(num(1)), one), num(0)), T50, HTTP), { '{group="canary", instance="0", job="api-server"}': -Infinity });
    expectVector(instant(bin('/', bin('*', num(0), one), num(0)), T50, HTTP), { '{group="canary", instance="0", job="api-server"}': NaN });
    expectVector(instant(bin('%', bin('*', num(0), one), num(0)), T50, HTTP), { '{group="canary", instance="0", job="api-server"}': NaN });
  });
  it('Go math.Pow special cases: 1^NaN = 1, (-1)^Inf = 1', () => {
    expectScalar(instant(bin('^', num(1), num(NaN)), 0, []), 1);
    expectScalar(instant(bin('^', num(-1), num(Infinity)), 0, []), 1);
    expectScalar(instant(bin('^', num(NaN), num(0)), 0, []), 1);
  });
  it('vector plus vector and parenthesised', () => {
    expectVector(instant(bin('+', sumByJob(), sumByJob()), T50, HTTP), { '{job="api-server"}': 2000, '{job="app-server"}': 5200 });
    expectVector(instant(bin('+', paren(agg('sum', paren(http()), { by: ['job'] })), sumByJob()), T50, HTTP), { '{job="api-server"}': 2000, '{job="app-server"}': 5200 });
  });
});

describe('set operators', () => {
  it('and', () => {
    expectVector(instant(bin('and', http('group="canary"'), http('instance="0"')), T50, HTTP), {
      'http_requests{group="canary", instance="0", job="api-server"}': 300,
      'http_requests{group="canary", instance="0", job="app-server"}': 700,
    });
    const plus1 = paren(bin('+', http('group="canary"'), num(1)));
    const want = { '{group="canary", instance="0", job="api-server"}': 301, '{group="canary", instance="0", job="app-server"}': 701 };
    expectVector(instant(bin('and', plus1, http('instance="0"')), T50, HTTP), want);
    expectVector(instant(bin('and', plus1, http('instance="0", group="production"'), { on: ['instance', 'job'] }), T50, HTTP), want);
    expectVector(instant(bin('and', plus1, http('instance="0", group="production"'), { on: ['instance'] }), T50, HTTP), want);
    expectVector(instant(bin('and', plus1, http('instance="0", group="production"'), { ignoring: ['group'] }), T50, HTTP), want);
    expectVector(instant(bin('and', plus1, http('instance="0", group="production"'), { ignoring: ['group', 'job'] }), T50, HTTP), want);
  });
  it('or', () => {
    expectVector(instant(bin('or', http('group="canary"'), http('group="production"')), T50, HTTP), ALL_HTTP);
    const plus1 = paren(bin('+', http('group="canary"'), num(1)));
    expectVector(instant(bin('or', plus1, http('instance="1"')), T50, HTTP), {
      '{group="canary", instance="0", job="api-server"}': 301,
      '{group="canary", instance="1", job="api-server"}': 401,
      '{group="canary", instance="0", job="app-server"}': 701,
      '{group="canary", instance="1", job="app-server"}': 801,
      'http_requests{group="production", instance="1", job="api-server"}': 200,
      'http_requests{group="production", instance="1", job="app-server"}': 600,
    });
    const others = paren(bin('or', bin('or', http(), sel('cpu_count')), sel('vector_matching_a')));
    const want = {
      '{group="canary", instance="0", job="api-server"}': 301,
      '{group="canary", instance="1", job="api-server"}': 401,
      '{group="canary", instance="0", job="app-server"}': 701,
      '{group="canary", instance="1", job="app-server"}': 801,
      'vector_matching_a{l="x"}': 10,
      'vector_matching_a{l="y"}': 20,
    };
    expectVector(instant(bin('or', plus1, others, { on: ['instance'] }), T50, HTTP), want);
    expectVector(instant(bin('or', plus1, others, { ignoring: ['l', 'group', 'job'] }), T50, HTTP), want);
  });
  it('unless', () => {
    const want = {
      'http_requests{group="canary", instance="1", job="api-server"}': 400,
      'http_requests{group="canary", instance="1", job="app-server"}': 800,
    };
    expectVector(instant(bin('unless', http('group="canary"'), http('instance="0"')), T50, HTTP), want);
    expectVector(instant(bin('unless', http('group="canary"'), http('instance="0"'), { on: ['job'] }), T50, HTTP), {});
    expectVector(instant(bin('unless', http('group="canary"'), http('instance="0"'), { on: ['job', 'instance'] }), T50, HTTP), want);
    expectVector(instant(bin('unless', http('group="canary"'), http('instance="0"'), { ignoring: ['group', 'instance'] }), T50, HTTP), {});
    expectVector(instant(bin('unless', http('group="canary"'), http('instance="0"'), { ignoring: ['group'] }), T50, HTTP), want);
  });
  it('and on(dummy) / ignoring all with vector(1) keeps every series (issue 1489)', () => {
    expectVector(instant(bin('and', http(), call('vector', num(1)), { on: ['dummy'] }), T50, HTTP), ALL_HTTP);
    expectVector(instant(bin('and', http(), call('vector', num(1)), { ignoring: ['group', 'instance', 'job'] }), T50, HTTP), ALL_HTTP);
  });
});

describe('one-to-one matching', () => {
  it('on and ignoring keep only the matching labels / drop the ignored ones', () => {
    const want = {
      '{instance="0", job="api-server"}': 3,
      '{instance="0", job="app-server"}': 1.4,
      '{instance="1", job="api-server"}': 2,
      '{instance="1", job="app-server"}': 1.3333333333333333,
    };
    expectVector(instant(bin('/', http('group="canary"'), http('group="production"'), { on: ['instance', 'job'] }), T50, HTTP), want);
    expectVector(instant(bin('/', http('group="canary"'), http('group="production"'), { ignoring: ['group'] }), T50, HTTP), want);
  });
  it('on() and ignoring() with no labels', () => {
    const ab = load(5 * M, { 'metricA{baz="meh"}': '3', 'metricB{baz="meh"}': '4' });
    expectVector(instant(bin('+', sel('metricA'), sel('metricB'), { on: [] }), 5 * M, ab), { '{}': 7 });
    expectVector(instant(bin('+', sel('metricA'), sel('metricB'), { ignoring: [] }), 5 * M, ab), { '{baz="meh"}': 7 });
    expectVector(instant(bin('+', sel('metricA'), sel('metricB')), 5 * M, ab), { '{baz="meh"}': 7 });
  });
  it('many matches on the left without group_left is an execution error', () => {
    expect(() => instant(bin('+', http(), http('instance="0"'), { on: ['job', 'group'] }), T50, HTTP)).toThrow(
      'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)',
    );
  });
  it('duplicates on the one side are an execution error naming the match group', () => {
    let error: unknown;
    try {
      instant(bin('+', http('instance="0"'), http(), { on: ['job', 'group'] }), T50, HTTP);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PromqlError);
    expect((error as PromqlError).errorType).toBe('execution');
    expect((error as PromqlError).message).toMatch(
      /^found duplicate series for the match group \{group="canary", job="api-server"\} on the right hand-side of the operation: \[.*\];many-to-many matching not allowed: matching labels must be unique on one side$/,
    );
  });
});

describe('comparisons', () => {
  it('filter, keeping the vector value on either side', () => {
    expectVector(instant(bin('>', sumByJob(), num(1000)), T50, HTTP), { '{job="app-server"}': 2600 });
    expectVector(instant(bin('<', num(1000), sumByJob()), T50, HTTP), { '{job="app-server"}': 2600 });
    expectVector(instant(bin('<=', sumByJob(), num(1000)), T50, HTTP), { '{job="api-server"}': 1000 });
    expectVector(instant(bin('!=', sumByJob(), num(1000)), T50, HTTP), { '{job="app-server"}': 2600 });
    expectVector(instant(bin('==', sumByJob(), num(1000)), T50, HTTP), { '{job="api-server"}': 1000 });
  });
  it('bool gives 0/1 and drops the name', () => {
    expectVector(instant(bin('==', sumByJob(), num(1000), { bool: true }), T50, HTTP), { '{job="api-server"}': 1, '{job="app-server"}': 0 });
    expectVector(instant(bin('==', sumByJob(), sumByJob(), { bool: true }), T50, HTTP), { '{job="api-server"}': 1, '{job="app-server"}': 1 });
    expectVector(instant(bin('!=', sumByJob(), sumByJob(), { bool: true }), T50, HTTP), { '{job="api-server"}': 0, '{job="app-server"}': 0 });
    expectScalar(instant(bin('==', num(0), num(1), { bool: true }), T50, HTTP), 0);
    expectScalar(instant(bin('==', num(1), num(1), { bool: true }), T50, HTTP), 1);
    expectVector(instant(bin('==', http('job="api-server", instance="0", group="production"'), num(100), { bool: true }), T50, HTTP), {
      '{job="api-server", instance="0", group="production"}': 1,
    });
  });
  it('vector comparison keeps the metric name of the left side (2.42)', () => {
    const d = load(5 * M, { 'test_total{instance="localhost"}': '50', 'test_smaller{instance="localhost"}': '10' });
    expectVector(instant(bin('>', sel('test_total'), sel('test_smaller'), { bool: true }), 5 * M, d), { '{instance="localhost"}': 1 });
    expectVector(instant(bin('>', sel('test_total'), sel('test_smaller')), 5 * M, d), { 'test_total{instance="localhost"}': 50 });
    expectVector(instant(bin('<', sel('test_total'), sel('test_smaller'), { bool: true }), 5 * M, d), { '{instance="localhost"}': 0 });
    expectVector(instant(bin('<', sel('test_total'), sel('test_smaller')), 5 * M, d), {});
  });
  it('comparisons with NaN never match', () => {
    const d = load(5 * M, { 'x{a="1"}': 'NaN' });
    expectVector(instant(bin('==', sel('x'), sel('x')), 0, d), {});
    expectVector(instant(bin('!=', sel('x'), sel('x'), { bool: true }), 0, d), { '{a="1"}': 1 });
  });
});

describe('group_left / group_right', () => {
  const NODES = load(5 * M, {
    'node_var{instance="abc",job="node"}': '2',
    'node_role{instance="abc",job="node",role="prometheus"}': '1',
    'node_cpu{instance="abc",job="node",mode="idle"}': '3',
    'node_cpu{instance="abc",job="node",mode="user"}': '1',
    'node_cpu{instance="def",job="node",mode="idle"}': '8',
    'node_cpu{instance="def",job="node",mode="user"}': '2',
    'random{foo="bar"}': '1',
    'threshold{instance="abc",job="node",target="a@b.com"}': '0',
  });
  const T = 5 * M;
  const cpu = sel('node_cpu');
  it('copies the role label across', () => {
    const want = { '{instance="abc",job="node",role="prometheus"}': 2 };
    expectVector(instant(bin('*', sel('node_role'), sel('node_var'), { on: ['instance'], groupRight: ['role'] }), T, NODES), want);
    expectVector(instant(bin('*', sel('node_var'), sel('node_role'), { on: ['instance'], groupLeft: ['role'] }), T, NODES), want);
    expectVector(instant(bin('*', sel('node_var'), sel('node_role'), { ignoring: ['role'], groupLeft: ['role'] }), T, NODES), want);
    expectVector(instant(bin('*', sel('node_role'), sel('node_var'), { ignoring: ['role'], groupRight: ['role'] }), T, NODES), want);
  });
  it('with instrumentation labels', () => {
    const want = { '{instance="abc",job="node",mode="idle",role="prometheus"}': 3, '{instance="abc",job="node",mode="user",role="prometheus"}': 1 };
    expectVector(instant(bin('*', cpu, sel('node_role'), { ignoring: ['role', 'mode'], groupLeft: ['role'] }), T, NODES), want);
    expectVector(instant(bin('*', cpu, sel('node_role'), { on: ['instance'], groupLeft: ['role'] }), T, NODES), want);
  });
  it('ratio of total', () => {
    const want = {
      '{instance="abc",job="node",mode="idle"}': 0.75,
      '{instance="abc",job="node",mode="user"}': 0.25,
      '{instance="def",job="node",mode="idle"}': 0.8,
      '{instance="def",job="node",mode="user"}': 0.2,
    };
    expectVector(instant(bin('/', cpu, agg('sum', cpu, { by: ['instance', 'job'] }), { on: ['instance'], groupLeft: [] }), T, NODES), want);
    expectVector(instant(bin('/', cpu, agg('sum', cpu, { without: ['mode'] }), { ignoring: ['mode'], groupLeft: [] }), T, NODES), want);
    expectVector(instant(bin('/', cpu, agg('sum', cpu, { without: ['mode'] }), { ignoring: ['mode'], groupLeft: ['dummy'] }), T, NODES), want);
    const byMode = bin('/', agg('sum', cpu, { by: ['mode', 'job'] }), agg('sum', cpu, { by: ['job'] }), { on: ['job'], groupLeft: [] });
    expectVector(instant(byMode, T, NODES), { '{job="node",mode="idle"}': 0.7857142857142857, '{job="node",mode="user"}': 0.21428571428571427 });
    expectVector(instant(agg('sum', byMode), T, NODES), { '{}': 1 });
    const without = bin('/', agg('sum', cpu, { without: ['instance'] }), agg('sum', cpu, { without: ['instance', 'mode'] }), { ignoring: ['mode'], groupLeft: [] });
    expectVector(instant(without, T, NODES), { '{job="node",mode="idle"}': 0.7857142857142857, '{job="node",mode="user"}': 0.21428571428571427 });
  });
  it('copies a label from a metric with no common labels', () => {
    expectVector(instant(bin('+', cpu, bin('*', sel('random'), num(0)), { on: ['dummy'], groupLeft: ['foo'] }), T, NODES), {
      '{instance="abc",job="node",mode="idle",foo="bar"}': 3,
      '{instance="abc",job="node",mode="user",foo="bar"}': 1,
      '{instance="def",job="node",mode="idle",foo="bar"}': 8,
      '{instance="def",job="node",mode="user",foo="bar"}': 2,
    });
  });
  it('thresholds from a metric, with a default', () => {
    expectVector(instant(bin('>', cpu, sel('threshold'), { on: ['job', 'instance'], groupLeft: ['target'] }), T, NODES), {
      'node_cpu{instance="abc",job="node",mode="idle",target="a@b.com"}': 3,
      'node_cpu{instance="abc",job="node",mode="user",target="a@b.com"}': 1,
    });
    const fallback = paren(bin('or', sel('threshold'), paren(bin('+', bin('*', agg('sum', cpu, { by: ['job', 'instance'] }), num(0)), num(1))), { on: ['job', 'instance'] }));
    expectVector(instant(bin('>', cpu, fallback, { on: ['job', 'instance'], groupLeft: ['target'] }), T, NODES), {
      'node_cpu{instance="abc",job="node",mode="idle",target="a@b.com"}': 3,
      'node_cpu{instance="abc",job="node",mode="user",target="a@b.com"}': 1,
      'node_cpu{instance="def",job="node",mode="idle"}': 8,
      'node_cpu{instance="def",job="node",mode="user"}': 2,
    });
  });
  it('group_right comparison keeps the left (one side) value and the right labels', () => {
    expectVector(instant(bin('<', sel('threshold'), cpu, { on: ['job', 'instance'], groupRight: ['target'] }), T, NODES), {
      'node_cpu{instance="abc",job="node",mode="idle",target="a@b.com"}': 0,
      'node_cpu{instance="abc",job="node",mode="user",target="a@b.com"}': 0,
    });
  });
  it('arithmetic drops the metric name', () => {
    const want = (f: (v: number) => number): Record<string, number> => ({
      '{instance="abc",job="node",mode="idle"}': f(3),
      '{instance="abc",job="node",mode="user"}': f(1),
      '{instance="def",job="node",mode="idle"}': f(8),
      '{instance="def",job="node",mode="user"}': f(2),
    });
    expectVector(instant(bin('+', cpu, num(2)), T, NODES), want((v) => v + 2));
    expectVector(instant(bin('-', cpu, num(2)), T, NODES), want((v) => v - 2));
    expectVector(instant(bin('/', cpu, num(2)), T, NODES), want((v) => v / 2));
    expectVector(instant(bin('*', cpu, num(2)), T, NODES), want((v) => v * 2));
    expectVector(instant(bin('^', cpu, num(2)), T, NODES), want((v) => v ** 2));
    expectVector(instant(bin('%', cpu, num(2)), T, NODES), want((v) => v % 2));
  });
  it('grouping labels that do not make matches unique are an error', () => {
    expect(() => instant(bin('*', cpu, sel('node_cpu', 'mode="idle"'), { on: ['job'], groupLeft: [] }), T, NODES)).toThrow(
      /^found duplicate series for the match group \{job="node"\} on the right hand-side/,
    );
    const many = load(5 * M, { 'a{x="1",y="1"}': '1', 'a{x="1",y="2"}': '1', 'b{x="1"}': '1' });
    expect(() => instant(bin('*', sel('a'), sel('b'), { on: ['x'], groupLeft: [] }), 0, many)).not.toThrow();
    expect(() => instant(bin('*', sel('a'), sel('b'), { ignoring: ['y'], groupLeft: [] }), 0, many)).not.toThrow();
    const clash = load(5 * M, { 'a{x="1",y="1"}': '1', 'c{x="1",y="1"}': '1', 'b{x="1"}': '1' });
    expect(() => instant(bin('*', sel(undefined, '__name__=~"a|c"'), sel('b'), { on: ['x'], groupLeft: [] }), 0, clash)).toThrow(
      'multiple matches for labels: grouping labels must ensure unique matches',
    );
  });
});

describe('duplicate label sets and atan2', () => {
  it('unary minus over two metrics with the same labels fails', () => {
    const d = load(5 * M, { 'testmetric1{src="a",dst="b"}': '0', 'testmetric2{src="a",dst="b"}': '1' });
    expect(() => instant(neg(sel(undefined, '__name__=~"testmetric1|testmetric2"')), 0, d)).toThrow('vector cannot contain metrics with the same labelset');
    expect(() => instant(bin('*', sel(undefined, '__name__=~"testmetric1|testmetric2"'), num(1)), 0, d)).toThrow('vector cannot contain metrics with the same labelset');
    // A comparison keeps the names, so no clash.
    expectVector(instant(bin('>=', sel(undefined, '__name__=~"testmetric1|testmetric2"'), num(0)), 0, d), {
      'testmetric1{src="a",dst="b"}': 0,
      'testmetric2{src="a",dst="b"}': 1,
    });
  });
  it('atan2 keeps the metric name in 2.42', () => {
    const d = load(5 * M, { 'trigy{}': '10', 'trigx{}': '20', 'trigNaN{}': 'NaN' });
    expectVector(instant(bin('atan2', sel('trigy'), sel('trigx')), 5 * M, d), { 'trigy{}': 0.4636476090008061 });
    expectVector(instant(bin('atan2', sel('trigy'), sel('trigNaN')), 5 * M, d), { 'trigy{}': NaN });
    expectScalar(instant(bin('atan2', num(10), num(20)), 5 * M, d), 0.4636476090008061);
    expectScalar(instant(bin('atan2', num(10), num(NaN)), 5 * M, d), NaN);
  });
});
