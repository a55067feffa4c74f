import { PromqlError } from '../../../../../src/alerting/promql/engine-api';
import { call, expectSamples, load, m, str, vectorAt } from './support';

const testmetric = load(m(5), {
  'testmetric{src="source-value-10",dst="original-destination-value"}': '0',
  'testmetric{src="source-value-20",dst="original-destination-value"}': '1',
});
const replace = (dst: string, repl: string, src: string, regex: string, input = vectorAt(testmetric, 0)) =>
  call('label_replace', [input, str(dst), str(repl), str(src), str(regex)], 0);

describe('label_replace() (promql/testdata/functions.test)', () => {
  it('matches the whole source value and expands $1', () => {
    expectSamples(replace('dst', 'destination-value-$1', 'src', 'source-value-(.*)'), [
      ['testmetric{src="source-value-10",dst="destination-value-10"}', 0],
      ['testmetric{src="source-value-20",dst="destination-value-20"}', 1],
    ]);
  });

  it('does not match a substring', () => {
    expectSamples(replace('dst', 'destination-value-$1', 'src', 'value-(.*)'), [
      ['testmetric{src="source-value-10",dst="original-destination-value"}', 0],
      ['testmetric{src="source-value-20",dst="original-destination-value"}', 1],
    ]);
  });

  it('expands several groups', () => {
    expectSamples(replace('dst', '$1-value-$2', 'src', '(.*)-value-(.*)'), [
      ['testmetric{src="source-value-10",dst="source-value-10"}', 0],
      ['testmetric{src="source-value-20",dst="source-value-20"}', 1],
    ]);
  });

  it('matches a missing source label as the empty string', () => {
    expectSamples(replace('dst', 'value-$1', 'nonexistent-src', 'source-value-(.*)'), [
      ['testmetric{src="source-value-10",dst="original-destination-value"}', 0],
      ['testmetric{src="source-value-20",dst="original-destination-value"}', 1],
    ]);
    expectSamples(replace('dst', 'value-$1', 'nonexistent-src', '(.*)'), [
      ['testmetric{src="source-value-10",dst="value-"}', 0],
      ['testmetric{src="source-value-20",dst="value-"}', 1],
    ]);
  });

  it('removes the destination label when the result is empty', () => {
    expectSamples(replace('dst', '', 'dst', '.*'), [
      ['testmetric{src="source-value-10"}', 0],
      ['testmetric{src="source-value-20"}', 1],
    ]);
  });

  it('fails on an invalid regex or destination name, even over an empty vector', () => {
    expect(() => replace('dst', 'value-$1', 'src', '(.*')).toThrow(new PromqlError('execution', 'invalid regular expression in label_replace(): (.*'));
    expect(() => replace('invalid-label-name', '', 'src', '(.*)')).toThrow('invalid destination label name in label_replace(): invalid-label-name');
    expect(() => replace('dst', '', 'src', '(.*', { type: 'vector', samples: [] })).toThrow(PromqlError);
  });

  it('refuses what Go 1.19 refuses: (?<name>) groups, lookbehind, \\C', () => {
    for (const regex of ['(?<n>a)', '(?<=a)b', '\\C', 'a**']) {
      expect(() => replace('dst', '$1', 'src', regex)).toThrow('invalid regular expression');
    }
    expectSamples(replace('dst', '${n}', 'src', '(?P<n>source)-.*'), [
      ['testmetric{src="source-value-10",dst="source"}', 0],
      ['testmetric{src="source-value-20",dst="source"}', 1],
    ]);
    // `(?<` inside a class or \Q...\E is a literal.
    expect(() => replace('dst', '$1', 'src', '[(?<]x|\\Q(?<\\E')).not.toThrow();
  });

  it('expands templates like Go: $$, ${1}x, $1x names group "1x", malformed $ kept', () => {
    const input = load(m(5), { 'm{src="ab"}': '1' });
    const expand = (template: string) => {
      const out = replace('dst', template, 'src', '(?P<first>a)(b)', vectorAt(input, 0));
      return out.type === 'vector' ? out.samples[0]?.labels.get('dst') : undefined;
    };
    expect(expand('$$1')).toBe('$1');
    expect(expand('${1}x')).toBe('ax');
    expect(expand('$1x')).toBeUndefined();
    expect(expand('$first-$2')).toBe('a-b');
    expect(expand('$9')).toBeUndefined();
    expect(expand('$0')).toBe('ab');
    expect(expand('a$')).toBe('a$');
    expect(expand('${first')).toBe('${first');
    expect(expand('$01')).toBeUndefined();
  });

  it('anchors $ at the end of the text, not before a newline', () => {
    const input = load(m(5), { 'm{src="a\\n"}': '1' });
    expectSamples(replace('dst', 'x', 'src', 'a', vectorAt(input, 0)), [['m{src="a\\n"}', 1]]);
  });
});

describe('label_join() (promql/testdata/functions.test)', () => {
  const join = (dst: string, sep: string, ...src: string[]) =>
    call('label_join', [vectorAt(joinable, 0), str(dst), str(sep), ...src.map(str)], 0);
  const joinable = load(m(5), {
    'testmetric{src="a",src1="b",src2="c",dst="original-destination-value"}': '0',
    'testmetric{src="d",src1="e",src2="f",dst="original-destination-value"}': '1',
  });

  it('joins the source values in order, missing ones as empty', () => {
    expectSamples(join('dst', '-', 'src', 'src1', 'src2'), [
      ['testmetric{src="a",src1="b",src2="c",dst="a-b-c"}', 0],
      ['testmetric{src="d",src1="e",src2="f",dst="d-e-f"}', 1],
    ]);
    expectSamples(join('dst', '-', 'src', 'src3', 'src1'), [
      ['testmetric{src="a",src1="b",src2="c",dst="a--b"}', 0],
      ['testmetric{src="d",src1="e",src2="f",dst="d--e"}', 1],
    ]);
  });

  it('removes the destination label when the join is empty, or without sources', () => {
    expectSamples(join('dst', '', 'emptysrc', 'emptysrc1', 'emptysrc2'), [
      ['testmetric{src="a",src1="b",src2="c"}', 0],
      ['testmetric{src="d",src1="e",src2="f"}', 1],
    ]);
    expectSamples(join('dst', ', '), [
      ['testmetric{src="a",src1="b",src2="c"}', 0],
      ['testmetric{src="d",src1="e",src2="f"}', 1],
    ]);
  });

  it('fails on invalid label names, sources first', () => {
    expect(() => join('bad-dst', '-', 'bad-src')).toThrow('invalid source label name in label_join(): bad-src');
    expect(() => join('bad-dst', '-', 'src')).toThrow('invalid destination label name in label_join(): bad-dst');
  });
});
