import type { Expr, LabelMatcher, VectorSelector } from '../../../../src/alerting/promql/ast';
import { PromqlError } from '../../../../src/alerting/promql/engine-api';
import { parsePromql, typeOf } from '../../../../src/alerting/promql/parse';

const eq = (name: string, value: string): LabelMatcher => ({ name, type: '=', value });
const sel = (name: string, ...more: LabelMatcher[]): VectorSelector => ({
  type: 'VectorSelector',
  matchers: [eq('__name__', name), ...more],
  offsetMs: 0,
});
const num = (value: number): Expr => ({ type: 'NumberLiteral', value });
const bin = (op: string, lhs: Expr, rhs: Expr): Expr => ({ type: 'Binary', op, lhs, rhs, returnBool: false }) as Expr;

/** The bad_data message of a query that must not parse. */
function errorOf(query: string): string {
  try {
    parsePromql(query);
  } catch (err) {
    expect(err).toBeInstanceOf(PromqlError);
    expect((err as PromqlError).errorType).toBe('bad_data');
    return (err as PromqlError).message;
  }
  throw new Error(`${query} parsed`);
}

describe('number literals', () => {
  it.each([
    ['1', 1],
    ['1.5', 1.5],
    ['.5', 0.5],
    ['1e3', 1000],
    ['1E-3', 0.001],
    ['0x1f', 31],
    ['0X1F', 31],
    ['010', 8],
    ['09', 9],
    ['Inf', Infinity],
    ['inf', Infinity],
    ['+Inf', Infinity],
    ['-Inf', -Infinity],
    ['-1', -1],
    ['- 1', -1],
    ['+1', 1],
  ])('%s is %d', (query, value) => {
    expect(parsePromql(query)).toEqual(num(value));
  });

  it('NaN in any case', () => {
    for (const q of ['NaN', 'nan', 'NAN']) {
      const e = parsePromql(q);
      expect(e.type === 'NumberLiteral' && Number.isNaN(e.value)).toBe(true);
    }
  });

  it('a duration is not a number (2.42 has no durations as numbers)', () => {
    expect(errorOf('5m')).toBe('1:1: parse error: unexpected duration "5m"');
    expect(errorOf('1 + 1h')).toMatch(/^1:5: parse error: unexpected duration "1h"/);
  });

  it('reads 5. as 5, as Go does', () => {
    expect(parsePromql('5.')).toEqual(num(5));
    expect(errorOf('1..2')).toBe('1:3: parse error: unexpected number ".2"');
  });

  it('refuses a number beyond float64, at the number', () => {
    expect(errorOf('1e309')).toBe('1:1: parse error: error parsing number: strconv.ParseFloat: parsing "1e309": value out of range');
    expect(errorOf('-1e309')).toMatch(/^1:2: parse error: error parsing number/);
  });

  it('refuses digit separators, which came after 2.42', () => {
    expect(errorOf('1_000')).toMatch(/^1:1: parse error: bad number or duration syntax/);
  });
});

describe('string literals', () => {
  it.each([
    ['"abc"', 'abc'],
    ["'abc'", 'abc'],
    ['`a\\nb`', 'a\\nb'],
    ['"a\\nb\\tc"', 'a\nb\tc'],
    ['"a\\\\b"', 'a\\b'],
    ['"a\\"b"', 'a"b'],
    ["'a\\'b'", "a'b"],
    ['"\\x41"', 'A'],
    ['"\\u00e9"', 'é'],
    ['"\\U0001F600"', '😀'],
    ['"\\101"', 'A'],
    ['"\\a\\b\\f\\r\\v"', '\x07\b\f\r\v'],
    ['"é"', 'é'],
  ])('%s is %j', (query, value) => {
    expect(parsePromql(query)).toEqual({ type: 'StringLiteral', value });
  });

  it.each([
    ['"abc', '1:1: parse error: unterminated quoted string'],
    ['"a\\qb"', "1:1: parse error: unknown escape sequence U+0071 'q'"],
    ["'a\\\"'", `1:1: parse error: unknown escape sequence U+0022 '"'`],
    ['"\\x4g"', "1:1: parse error: illegal character U+0067 'g' in escape sequence"],
    ['"\\ud800"', '1:1: parse error: escape sequence is an invalid Unicode code point'],
    ['"\\400"', '1:1: parse error: escape sequence is an invalid Unicode code point'],
    ['foo{a="\\q"}', "1:7: parse error: unknown escape sequence U+0071 'q'"],
  ])('%s is refused: %s', (query, message) => {
    expect(errorOf(query)).toBe(message);
  });
});

describe('vector selectors', () => {
  it('puts the metric name first, as a __name__ = matcher', () => {
    expect(parsePromql('foo{a="b", c!="d", e=~"x.*", f!~"y"}')).toEqual({
      type: 'VectorSelector',
      matchers: [
        eq('__name__', 'foo'),
        eq('a', 'b'),
        { name: 'c', type: '!=', value: 'd' },
        { name: 'e', type: '=~', value: 'x.*' },
        { name: 'f', type: '!~', value: 'y' },
      ],
      offsetMs: 0,
    });
  });

  it('accepts names with colons, {__name__=~...}, a trailing comma, empty braces after a name', () => {
    expect(parsePromql('job:rate5m')).toEqual(sel('job:rate5m'));
    expect(parsePromql('{__name__=~"fo.*"}')).toEqual({ type: 'VectorSelector', matchers: [{ name: '__name__', type: '=~', value: 'fo.*' }], offsetMs: 0 });
    expect(parsePromql('foo{a="b",}')).toEqual(sel('foo', eq('a', 'b')));
    expect(parsePromql('foo{}')).toEqual(sel('foo'));
  });

  it('__proto__ and keywords are ordinary label names', () => {
    expect(parsePromql('{__proto__="x"}')).toEqual({ type: 'VectorSelector', matchers: [eq('__proto__', 'x')], offsetMs: 0 });
    expect(parsePromql('foo{on="x", by="y"}')).toEqual(sel('foo', eq('on', 'x'), eq('by', 'y')));
  });

  it.each(['{}', '{a=""}', '{a=~".*"}', '{a!~"x"}', '{a=~"x?"}'])('%s: a selector must have a matcher that does not match ""', (query) => {
    expect(errorOf(query)).toBe('1:1: parse error: vector selector must contain at least one non-empty matcher');
  });

  it('accepts a selector whose only non-empty matcher is != ""', () => {
    expect(parsePromql('{a!=""}')).toEqual({ type: 'VectorSelector', matchers: [{ name: 'a', type: '!=', value: '' }], offsetMs: 0 });
  });

  it('refuses the metric name given twice', () => {
    expect(errorOf('foo{__name__="bar"}')).toBe('1:1: parse error: metric name must not be set twice: "foo" or "bar"');
  });

  it('validates regexes as RE2 at parse time, at the matcher', () => {
    expect(errorOf('foo{a=~"(?=x)"}')).toBe('1:5: parse error: error parsing regexp: invalid or unsupported Perl syntax: `(?=`');
    expect(errorOf('foo{a="b", c!~"(x"}')).toMatch(/^1:12: parse error: error parsing regexp: missing closing \)/);
    expect(parsePromql('foo{a=~"\\\\d+"}')).toEqual(sel('foo', { name: 'a', type: '=~', value: '\\d+' }));
  });

  it('refuses quoted label names (UTF-8 names came after 2.42)', () => {
    expect(errorOf('foo{"a"="b"}')).toMatch(/^1:5: parse error: a quoted label name is not supported/);
    expect(errorOf('{"foo"}')).toMatch(/^1:2: parse error: a quoted label name is not supported/);
  });

  it('refuses a missing comma, with its position', () => {
    expect(errorOf('foo{a="b" c="d"}')).toBe('1:11: parse error: unexpected identifier "c"');
  });
});

describe('matrix selectors and durations', () => {
  it.each([
    ['foo[5m]', 300_000],
    ['foo[1h30m]', 5_400_000],
    ['foo[500ms]', 500],
    ['foo[2d]', 172_800_000],
    ['foo[1w]', 604_800_000],
    ['foo[1y]', 31_536_000_000],
    ['foo[ 5m ]', 300_000],
  ])('%s has range %d ms', (query, rangeMs) => {
    expect(parsePromql(query)).toEqual({ type: 'MatrixSelector', vector: sel('foo'), rangeMs });
  });

  it.each([
    ['foo[0s]', '1:5: parse error: duration must be greater than 0'],
    ['foo[5]', '1:5: parse error: missing unit character in duration'],
    ['foo[1m+1m]', '1:5: parse error: duration expression "1m+1m" (only a duration literal like 5m is allowed) is not supported'],
    ['foo[step()]', '1:5: parse error: duration expression "step()" (only a duration literal like 5m is allowed) is not supported'],
    ['(foo)[5m]', '1:6: parse error: ranges only allowed for vector selectors'],
    ['foo offset 5m [5m]', '1:15: parse error: no offset modifiers allowed before range'],
    ['foo @ 10 [5m]', '1:10: parse error: no @ modifiers allowed before range'],
    ['foo[5m', '1:7: parse error: unexpected end of input'],
    ['foo[1h1h]', '1:5: parse error: not a valid duration string: "1h1h"'],
    ['foo offset 1d1w', '1:12: parse error: not a valid duration string: "1d1w"'],
    ['foo[1.5m]', '1:5: parse error: bad number or duration syntax: "1.5m"'],
  ])('%s is refused: %s', (query, message) => {
    expect(errorOf(query)).toBe(message);
  });
});

describe('offset and @', () => {
  it('offset applies to instant and range selectors, negative too', () => {
    expect(parsePromql('foo offset 5m')).toEqual({ ...sel('foo'), offsetMs: 300_000 });
    expect(parsePromql('foo offset -5m')).toEqual({ ...sel('foo'), offsetMs: -300_000 });
    expect(parsePromql('foo[1m] offset 1h')).toEqual({ type: 'MatrixSelector', vector: { ...sel('foo'), offsetMs: 3_600_000 }, rangeMs: 60_000 });
  });

  it('foo offset 5m @ 100 and foo @ 100 offset 5m are the same', () => {
    const expected = { ...sel('foo'), offsetMs: 300_000, at: { kind: 'time', ms: 100_000 } };
    expect(parsePromql('foo offset 5m @ 100')).toEqual(expected);
    expect(parsePromql('foo @ 100 offset 5m')).toEqual(expected);
  });

  it('@ takes float seconds (to ms), signed, and start() / end()', () => {
    expect(parsePromql('foo @ 1.5')).toEqual({ ...sel('foo'), at: { kind: 'time', ms: 1500 } });
    expect(parsePromql('foo @ -10')).toEqual({ ...sel('foo'), at: { kind: 'time', ms: -10_000 } });
    expect(parsePromql('foo @ 1e3')).toEqual({ ...sel('foo'), at: { kind: 'time', ms: 1_000_000 } });
    expect(parsePromql('foo @ 0.0005')).toEqual({ ...sel('foo'), at: { kind: 'time', ms: 1 } });
    expect(parsePromql('foo @ start()')).toEqual({ ...sel('foo'), at: { kind: 'start' } });
    expect(parsePromql('foo[5m] @ end()')).toEqual({ type: 'MatrixSelector', vector: { ...sel('foo'), at: { kind: 'end' } }, rangeMs: 300_000 });
  });

  it.each([
    ['foo offset 0s', '1:12: parse error: duration must be greater than 0'],
    ['foo offset 5', '1:12: parse error: unexpected number "5" in offset, expected duration'],
    ['foo offset --5m', '1:13: parse error: unexpected "-" in offset, expected duration'],
    ['foo offset 5m offset 3m', '1:1: parse error: offset may not be set multiple times'],
    ['(foo) offset 5m', '1:1: parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery'],
    ['rate(foo[5m]) offset 5m', '1:1: parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery'],
    ['foo @ 1 @ 2', '1:1: parse error: @ <timestamp> may not be set multiple times'],
    ['1 @ 2', '1:1: parse error: @ modifier must be preceded by an instant vector selector or range vector selector or a subquery'],
    ['foo @ Inf', '1:1: parse error: timestamp out of bounds for @ modifier: Infinity'],
    ['foo @ 5m', '1:7: parse error: unexpected duration "5m" in @, expected timestamp'],
    ['-1 offset 1m', '1:2: parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery'],
  ])('%s is refused: %s', (query, message) => {
    expect(errorOf(query)).toBe(message);
  });
});

describe('subqueries', () => {
  it('with and without a step, with offset and @', () => {
    expect(parsePromql('foo[30m:1m]')).toEqual({ type: 'Subquery', expr: sel('foo'), rangeMs: 1_800_000, stepMs: 60_000, offsetMs: 0 });
    expect(parsePromql('foo[30m:]')).toEqual({ type: 'Subquery', expr: sel('foo'), rangeMs: 1_800_000, offsetMs: 0 });
    expect(parsePromql('rate(foo[5m])[30m:1m] offset 1h @ 100')).toEqual({
      type: 'Subquery',
      expr: { type: 'Call', func: 'rate', args: [{ type: 'MatrixSelector', vector: sel('foo'), rangeMs: 300_000 }] },
      rangeMs: 1_800_000,
      stepMs: 60_000,
      offsetMs: 3_600_000,
      at: { kind: 'time', ms: 100_000 },
    });
  });

  it('nests and feeds range functions', () => {
    const e = parsePromql('max_over_time(max_over_time(rate(foo[1m])[10m:])[1h:5m])');
    expect(errorOf('max_over_time(rate(foo[1m])[10m:][1h:5m])')).toBe('1:15: parse error: subquery is only allowed on instant vector, got matrix instead');
    expect(e.type).toBe('Call');
    expect(typeOf(e)).toBe('vector');
  });

  it.each([
    ['foo[5m][5m:]', '1:1: parse error: subquery is only allowed on instant vector, got matrix instead'],
    ['1[5m:]', '1:1: parse error: subquery is only allowed on instant vector, got scalar instead'],
    ['foo[5m:1]', '1:8: parse error: unexpected number "1" in subquery selector, expected duration'],
    ['foo[5m:0s]', '1:8: parse error: duration must be greater than 0'],
  ])('%s is refused: %s', (query, message) => {
    expect(errorOf(query)).toBe(message);
  });
});

describe('operators', () => {
  it('a + b * c ^ d ^ e: ^ binds tightest and is right-associative', () => {
    expect(parsePromql('a + b * c ^ d ^ e')).toEqual(bin('+', sel('a'), bin('*', sel('b'), bin('^', sel('c'), bin('^', sel('d'), sel('e'))))));
  });

  it('left-associative + and *, and the precedence of comparisons and set operators', () => {
    expect(parsePromql('1 - 2 - 3')).toEqual(bin('-', bin('-', num(1), num(2)), num(3)));
    expect(parsePromql('a / b % c')).toEqual(bin('%', bin('/', sel('a'), sel('b')), sel('c')));
    expect(parsePromql('a or b and c')).toEqual({ type: 'Binary', op: 'or', lhs: sel('a'), rhs: { type: 'Binary', op: 'and', lhs: sel('b'), rhs: sel('c'), returnBool: false }, returnBool: false });
    expect(parsePromql('a > b + 1')).toEqual(bin('>', sel('a'), bin('+', sel('b'), num(1))));
    expect(parsePromql('a atan2 b * c')).toEqual(bin('*', bin('atan2', sel('a'), sel('b')), sel('c')));
  });

  it('-2 ^ 2 is -(2 ^ 2): unary minus binds less tightly than ^', () => {
    expect(parsePromql('-2 ^ 2')).toEqual({ type: 'Unary', op: '-', expr: bin('^', num(2), num(2)) });
    expect(parsePromql('-foo ^ 2')).toEqual({ type: 'Unary', op: '-', expr: bin('^', sel('foo'), num(2)) });
    expect(parsePromql('2 ^ -1')).toEqual(bin('^', num(2), num(-1)));
    expect(parsePromql('1 + -2 ^ 2')).toEqual(bin('+', num(1), { type: 'Unary', op: '-', expr: bin('^', num(2), num(2)) }));
    expect(parsePromql('-2 * 3')).toEqual(bin('*', num(-2), num(3)));
  });

  it('ranges, subqueries, offset and @ bind tighter than unary minus', () => {
    expect(parsePromql('-foo offset 5m')).toEqual({ type: 'Unary', op: '-', expr: { ...sel('foo'), offsetMs: 300_000 } });
    expect(parsePromql('-foo offset 5m @ 10')).toEqual({ type: 'Unary', op: '-', expr: { ...sel('foo'), offsetMs: 300_000, at: { kind: 'time', ms: 10_000 } } });
    expect(parsePromql('- -foo @ 10')).toEqual({ type: 'Unary', op: '-', expr: { type: 'Unary', op: '-', expr: { ...sel('foo'), at: { kind: 'time', ms: 10_000 } } } });
    expect(errorOf('-foo[5m:]')).toBe('1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "range vector"');
  });

  it('ranges, subqueries, offset and @ bind tighter than binary operators', () => {
    expect(parsePromql('a + b offset 5m')).toEqual(bin('+', sel('a'), { ...sel('b'), offsetMs: 300_000 }));
    expect(parsePromql('a - b offset 1d @ 10')).toEqual(bin('-', sel('a'), { ...sel('b'), offsetMs: 86_400_000, at: { kind: 'time', ms: 10_000 } }));
    expect(parsePromql('a * b ^ c @ end()')).toEqual(bin('*', sel('a'), bin('^', sel('b'), { ...sel('c'), at: { kind: 'end' } })));
    expect(parsePromql('-2 ^ x offset 5m')).toEqual({ type: 'Unary', op: '-', expr: bin('^', num(2), { ...sel('x'), offsetMs: 300_000 }) });
    expect(parsePromql('(a + b)[5m:]')).toMatchObject({ type: 'Subquery', expr: { type: 'Paren' } });
    expect(errorOf('sum(x) + b[5m:]')).toBe('1:10: parse error: binary expression must contain only scalar and instant vector types');
    expect(errorOf('stddev_over_time(5-x[5m])')).toBe('1:20: parse error: binary expression must contain only scalar and instant vector types');
    expect(errorOf('a + b offset 5m [1m]')).toBe('1:17: parse error: no offset modifiers allowed before range');
  });

  it('unary minus on a vector, parentheses kept', () => {
    expect(parsePromql('-foo')).toEqual({ type: 'Unary', op: '-', expr: sel('foo') });
    expect(parsePromql('-(1)')).toEqual({ type: 'Unary', op: '-', expr: { type: 'Paren', expr: num(1) } });
    expect(parsePromql('(foo)')).toEqual({ type: 'Paren', expr: sel('foo') });
  });

  it('1 > bool 2 compares scalars to a scalar', () => {
    const e = parsePromql('1 > bool 2');
    expect(e).toEqual({ type: 'Binary', op: '>', lhs: num(1), rhs: num(2), returnBool: true });
    expect(typeOf(e)).toBe('scalar');
  });

  it('on/ignoring and group_left/group_right give the matching and its cardinality', () => {
    expect(parsePromql('a + on(b) group_left(c) d')).toMatchObject({ matching: { kind: 'on', labels: ['b'], card: 'many-to-one', include: ['c'] } });
    expect(parsePromql('a / ignoring(x, y) group_right d')).toMatchObject({ matching: { kind: 'ignoring', labels: ['x', 'y'], card: 'one-to-many', include: [] } });
    expect(parsePromql('a == bool on() d')).toMatchObject({ returnBool: true, matching: { kind: 'on', labels: [], card: 'one-to-one' } });
    expect(parsePromql('a and on(x) b')).toMatchObject({ matching: { kind: 'on', labels: ['x'], card: 'many-to-many' } });
    expect(parsePromql('a unless b')).not.toHaveProperty('matching');
    expect(parsePromql('a + b')).not.toHaveProperty('matching');
  });

  it('drops an empty matching clause when a side is a scalar', () => {
    expect(parsePromql('1 + on() foo')).not.toHaveProperty('matching');
  });

  it.each([
    ['1 > 2', '1:3: parse error: comparisons between scalars must use BOOL modifier'],
    ['a + bool b', '1:3: parse error: bool modifier can only be used on comparison operators'],
    ['a and on(x) group_left b', '1:1: parse error: no grouping allowed for "and" operation'],
    ['a or ignoring(x) group_right b', '1:1: parse error: no grouping allowed for "or" operation'],
    ['1 and foo', '1:1: parse error: set operator "and" not allowed in binary scalar expression'],
    ['foo unless 1', '1:1: parse error: set operator "unless" not allowed in binary scalar expression'],
    ['1 + on(a) foo', '1:1: parse error: vector matching only allowed between instant vectors'],
    ['a + on(x) group_left(x) b', '1:3: parse error: label "x" must not occur in ON and GROUP clause at once'],
    ['foo[5m] + 1', '1:1: parse error: binary expression must contain only scalar and instant vector types'],
    ['1 + "a"', '1:5: parse error: binary expression must contain only scalar and instant vector types'],
    ['-"a"', '1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "string"'],
    ['-foo[5m]', '1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "range vector"'],
    ['a </ b', '1:3: parse error: the operator "</" is not supported'],
    ['a + fill(0) b', '1:5: parse error: the fill modifier is not supported'],
    ['1 +', '1:4: parse error: unexpected end of input'],
    ['atan2(x, y)', '1:1: parse error: unexpected <op:atan2>'],
  ])('%s is refused: %s', (query, message) => {
    expect(errorOf(query)).toBe(message);
  });
});

describe('aggregations', () => {
  const sumByA = { type: 'Aggregate', op: 'sum', expr: sel('x'), grouping: ['a'], without: false };

  it('sum by (a) (x) is sum(x) by (a)', () => {
    expect(parsePromql('sum by (a) (x)')).toEqual(sumByA);
    expect(parsePromql('sum(x) by (a)')).toEqual(sumByA);
    expect(parsePromql('SUM BY (a) (x)')).toEqual(sumByA);
  });

  it('without, no clause, empty and trailing-comma groupings', () => {
    expect(parsePromql('avg without (a, b) (x)')).toEqual({ type: 'Aggregate', op: 'avg', expr: sel('x'), grouping: ['a', 'b'], without: true });
    expect(parsePromql('count(x)')).toEqual({ type: 'Aggregate', op: 'count', expr: sel('x'), grouping: [], without: false });
    expect(parsePromql('max by () (x)')).toMatchObject({ grouping: [], without: false });
    expect(parsePromql('min by (a,) (x)')).toMatchObject({ grouping: ['a'] });
    expect(parsePromql('group by (__proto__) (x)')).toMatchObject({ op: 'group', grouping: ['__proto__'] });
  });

  it('the parameter of topk, bottomk, quantile and count_values', () => {
    expect(parsePromql('topk(3, x)')).toMatchObject({ op: 'topk', param: num(3), expr: sel('x') });
    expect(parsePromql('bottomk by (a) (scalar(y), x)')).toMatchObject({ op: 'bottomk', param: { type: 'Call', func: 'scalar' } });
    expect(parsePromql('quantile(0.9, x)')).toMatchObject({ op: 'quantile', param: num(0.9) });
    expect(parsePromql('count_values("v", x)')).toMatchObject({ op: 'count_values', param: { type: 'StringLiteral', value: 'v' } });
    expect(parsePromql('stddev(x)')).not.toHaveProperty('param');
  });

  it.each([
    ['sum(1)', '1:5: parse error: expected type instant vector in aggregation expression, got scalar'],
    ['sum(x[5m])', '1:5: parse error: expected type instant vector in aggregation expression, got range vector'],
    ['topk(x, y)', '1:6: parse error: expected type scalar in aggregation parameter, got instant vector'],
    ['count_values(1, x)', '1:14: parse error: expected type string in aggregation parameter, got scalar'],
    ['topk(x)', '1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, got 1'],
    ['sum(x, y)', '1:1: parse error: wrong number of arguments for aggregate expression provided, expected 1, got 2'],
    ['sum()', '1:1: parse error: no arguments for aggregate expression provided'],
    ['sum(x) by (a) by (b)', '1:15: parse error: unexpected <by>'],
    ['limitk(1, x)', '1:1: parse error: the aggregation "limitk" is not supported'],
    ['limit_ratio(0.5, x)', '1:1: parse error: the aggregation "limit_ratio" is not supported'],
    ['sum by ("a") (x)', '1:9: parse error: a quoted label name is not supported'],
    ['sum(', '1:5: parse error: unexpected end of input'],
  ])('%s is refused: %s', (query, message) => {
    expect(errorOf(query)).toBe(message);
  });
});

describe('function calls', () => {
  it('checks calls against the signatures', () => {
    expect(parsePromql('rate(foo[5m])')).toEqual({ type: 'Call', func: 'rate', args: [{ type: 'MatrixSelector', vector: sel('foo'), rangeMs: 300_000 }] });
    expect(parsePromql('time()')).toEqual({ type: 'Call', func: 'time', args: [] });
    expect(typeOf(parsePromql('time()'))).toBe('scalar');
    expect(typeOf(parsePromql('scalar(foo)'))).toBe('scalar');
    expect(parsePromql('round(foo)')).toMatchObject({ func: 'round', args: [sel('foo')] });
    expect(parsePromql('round(foo, 5)')).toMatchObject({ func: 'round', args: [sel('foo'), num(5)] });
    expect(parsePromql('label_join(foo, "d", ",", "a", "b", "c")')).toMatchObject({ func: 'label_join' });
    expect(parsePromql('label_join(foo, "d", ",")')).toMatchObject({ func: 'label_join' });
    expect(parsePromql('histogram_quantile(0.9, sum by (le) (rate(x[5m])))')).toMatchObject({ func: 'histogram_quantile' });
    expect(parsePromql('quantile_over_time(0.5, x[5m:])')).toMatchObject({ func: 'quantile_over_time' });
    expect(parsePromql('label_replace(up, "a", "$1", "b", "(.*)")')).toMatchObject({ func: 'label_replace' });
  });

  it.each([
    ['rate(foo)', '1:6: parse error: expected type range vector in call to function "rate", got instant vector'],
    ['abs(foo[5m])', '1:5: parse error: expected type instant vector in call to function "abs", got range vector'],
    ['clamp(foo, 1, "a")', '1:15: parse error: expected type scalar in call to function "clamp", got string'],
    ['label_join(foo, "a", ",", 1)', '1:27: parse error: expected type string in call to function "label_join", got scalar'],
    ['rate(foo[5m], 1)', '1:1: parse error: expected 1 argument(s) in call to "rate", got 2'],
    ['time(1)', '1:1: parse error: expected 0 argument(s) in call to "time", got 1'],
    ['round(foo, 1, 2)', '1:1: parse error: expected at most 2 argument(s) in call to "round", got 3'],
    ['round()', '1:1: parse error: expected at least 1 argument(s) in call to "round", got 0'],
    ['label_join(foo, "a")', '1:1: parse error: expected at least 3 argument(s) in call to "label_join", got 2'],
    ['holt_winters(foo[5m], 0.1, 0.1)', '1:1: parse error: function "holt_winters" is not supported'],
    ['sum(holt_winters(foo[5m], 0.1, 0.1))', '1:5: parse error: function "holt_winters" is not supported'],
    ['sqrt(foo)', '1:1: parse error: function "sqrt" is not supported'],
    ['histogram_count(foo)', '1:1: parse error: function "histogram_count" is not supported'],
    ['info(foo)', '1:1: parse error: unknown function with name "info"'],
    ['double_exponential_smoothing(foo[5m], 0.1, 0.1)', '1:1: parse error: unknown function with name "double_exponential_smoothing"'],
    ['nosuch(foo)', '1:1: parse error: unknown function with name "nosuch"'],
    ['rate(foo[5m],)', '1:13: parse error: trailing commas not allowed in function call args'],
    ['clamp_min(x, sca(ainf(y)))', '1:18: parse error: unknown function with name "ainf"'],
    ['foo(x) + bar(y)', '1:1: parse error: unknown function with name "foo"'],
    ['nosuch(x', '1:9: parse error: unexpected end of input'],
    ['nosuch(x $)', "1:10: parse error: unexpected character: '$'"],
    ['up(x)', '1:1: parse error: unknown function with name "up"'],
    ['job:rate(x)', '1:9: parse error: unexpected "("'],
  ])('%s is refused: %s', (query, message) => {
    expect(errorOf(query)).toBe(message);
  });
});

describe('constructs after 2.42 are refused, naming them', () => {
  it.each([
    ['foo[5m] anchored', /the "anchored" modifier is not supported/],
    ['foo[5m] smoothed', /the "smoothed" modifier is not supported/],
    ['foo[5m:step()]', /duration expression "step\(\)"/],
    ['foo offset (1m * 2)', /duration expression/],
    ['{{schema:1}}', /parse error/],
  ])('%s', (query, message) => {
    expect(errorOf(query)).toMatch(message);
  });
});

describe('syntax errors carry line:column', () => {
  it.each([
    ['foo bar', '1:5: parse error: unexpected identifier "bar"'],
    ['foo $ bar', "1:5: parse error: unexpected character: '$'"],
    ['foo\n  + $', "2:5: parse error: unexpected character: '$'"],
    ['"é" + $', "1:8: parse error: unexpected character: '$'"],
    ['', '1:1: parse error: no expression found in input'],
    ['  # only a comment', '1:1: parse error: no expression found in input'],
    ['foo )', "1:6: parse error: unexpected right parenthesis ')'"],
    ['@', '1:1: parse error: unexpected "@"'],
  ])('%j: %s', (query, message) => {
    expect(errorOf(query)).toBe(message);
  });

  it('comments are ignored', () => {
    expect(parsePromql('foo # the metric\n + 1')).toEqual(bin('+', sel('foo'), num(1)));
  });
});

describe('typeOf', () => {
  it.each([
    ['1', 'scalar'],
    ['"a"', 'string'],
    ['foo', 'vector'],
    ['foo[5m]', 'matrix'],
    ['foo[5m:]', 'matrix'],
    ['(foo[5m])', 'matrix'],
    ['-foo', 'vector'],
    ['1 + 2', 'scalar'],
    ['foo + 2', 'vector'],
    ['sum(foo)', 'vector'],
    ['vector(1)', 'vector'],
    ['scalar(foo)', 'scalar'],
  ])('%s is %s', (query, type) => {
    expect(typeOf(parsePromql(query))).toBe(type);
  });
});
