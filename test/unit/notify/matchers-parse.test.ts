import { formatMatchers, parseLabelArguments, parseMatcher, parseMatchers } from '../../../src/notify/matchers-parse';

describe("Alertmanager's matcher syntax", () => {
  it('parses lists, quotes and escapes as pkg/labels', () => {
    const ms = parseMatchers('{foo = "bar", dings != "bums", }');
    expect(ms.map(({ name, type, value }) => ({ name, type, value }))).toEqual([
      { name: 'foo', type: '=', value: 'bar' },
      { name: 'dings', type: '!=', value: 'bums' },
    ]);
    expect(parseMatchers('quote="She said: \\"Hi, ladies!\\""')[0]?.value).toBe('She said: "Hi, ladies!"');
    expect(parseMatchers('a=b,c=~"x,y"').map((m) => m.value)).toEqual(['b', 'x,y']);
    expect(parseMatcher('a="\\n\\q\\\\"').value).toBe('\n\\q\\');
    expect(parseMatcher('a=b\\').value).toBe('b\\');
    expect(parseMatcher('a=').value).toBe('');
  });

  it('refuses what Alertmanager refuses, with its messages', () => {
    expect(() => parseMatcher('a')).toThrow('bad matcher format: a');
    expect(() => parseMatcher('a="b"c"')).toThrow('matcher value contains unescaped double quote: "b"c"');
    expect(() => parseMatcher('a="b')).toThrow('matcher value contains unescaped double quote: "b');
    expect(() => parseMatcher('a=~"("')).toThrow(/missing closing \)/);
    expect(() => parseMatcher('1a=b')).toThrow('bad matcher format: 1a=b');
  });

  it('matches anchored, missing labels as empty', () => {
    const re = parseMatcher('a=~"b|c"');
    expect([re.matches('b'), re.matches('bc'), re.matches('')]).toEqual([true, false, false]);
    expect(parseMatcher('a!=x').matches('')).toBe(true);
    expect(parseMatcher('a=""').matches('')).toBe(true);
    expect(parseMatcher('a!~".+"').matches('')).toBe(true);
  });

  it('formats as Matchers.String()', () => {
    expect(formatMatchers(parseMatchers('a="x\\"y\\n",b!~"\\\\d"'))).toBe('{a="x\\"y\\n",b!~"\\\\d"}');
  });

  it('reads label arguments as amtool', () => {
    expect([...parseLabelArguments(['a=b', 'c="x,y"', 'd=1,e=2'])]).toEqual([
      ['a', 'b'],
      ['c', 'x,y'],
      ['d', '1'],
      ['e', '2'],
    ]);
    expect(() => parseLabelArguments(['a!=b'])).toThrow('labels must be specified as key=value pairs');
  });
});
