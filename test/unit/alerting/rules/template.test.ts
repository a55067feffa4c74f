import fc from 'fast-check';
import { checkTemplate, compileTemplate, renderTemplate } from '../../../../src/alerting/rules/template';

const labels = new Map([
  ['instance', 'db1:9100'],
  ['job', 'Node'],
  ['__proto__', 'proto-value'],
  ['ratio', '0.25'],
]);

function render(text: string, value = 1234567.891): string {
  return renderTemplate(compileTemplate(text), { labels, value });
}

describe('alert templates: the supported subset renders like Prometheus 2.42', () => {
  it.each([
    ['plain text, no action', 'disk full', 'disk full'],
    ['{{ $labels.name }}', 'on {{ $labels.instance }}', 'on db1:9100'],
    ['{{$labels.name}} without spaces', '{{$labels.job}}', 'Node'],
    ['a missing label by field', '[{{ $labels.nope }}]', '[]'],
    ['index of a missing label', '[{{ index $labels "nope" }}]', '[]'],
    ['index $labels "name"', '{{ index $labels "instance" }}', 'db1:9100'],
    ['$labels.__proto__ is a label', '{{ $labels.__proto__ }}', 'proto-value'],
    ['$value as %v', '{{ $value }}', '1.234567891e+06'],
    ['humanize $value', '{{ humanize $value }}', '1.235M'],
    ['$value | humanize', '{{ $value | humanize }}', '1.235M'],
    ['humanizeDuration', '{{ humanizeDuration $value }}', '14d 6h 56m 7s'],
    ['humanizePercentage of a label', '{{ humanizePercentage $labels.ratio }}', '25%'],
    ['printf "%.2f"', '{{ printf "%.2f" $value }}', '1234567.89'],
    ['printf with a label', '{{ printf "%s=%.1f" $labels.job $value }}', 'Node=1234567.9'],
    ['toUpper of a label', '{{ toUpper $labels.job }}', 'NODE'],
    ['pipe into toLower', '{{ $labels.job | toLower }}', 'node'],
    ['a chain of pipes', '{{ $value | humanize | toUpper }}', '1.235M'],
    ['trim markers', 'a  {{- $labels.job -}}  b', 'aNodeb'],
    ['a comment', 'x{{/* ignored */}}y', 'xy'],
    ['$externalLabels (none in MyMONIT)', '[{{ $externalLabels.region }}]', '[]'],
    ['a raw string literal', '{{ index $labels `job` }}', 'Node'],
  ])('%s', (_what, text, expected) => {
    expect(render(text)).toBe(expected);
  });

  it.each([
    [0, '0'],
    [1, '1'],
    [999.5, '999.5'],
    [1000, '1k'],
    [0.001, '1m'],
    [0.000001234, '1.234u'],
    [-1500, '-1.5k'],
    [1e30, '1e+06Y'],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
  ])('humanize %p is %p', (value, expected) => {
    expect(render('{{ humanize $value }}', value)).toBe(expected);
  });

  it.each([
    [0, '0s'],
    [0.5, '500ms'],
    [59.9, '59.9s'],
    [60, '1m 0s'],
    [3661, '1h 1m 1s'],
    [-90, '-1m 30s'],
    [0.000002, '2us'],
  ])('humanizeDuration %p is %p', (value, expected) => {
    expect(render('{{ humanizeDuration $value }}', value)).toBe(expected);
  });

  it('an execution error renders as Prometheus marks it', () => {
    expect(render('{{ humanize $labels.job }}')).toMatch(/^<error expanding template: .*ParseFloat.*"Node"/);
  });

  it('printf marks a wrong verb like Go', () => {
    expect(render('{{ printf "%d" $value }}', 1.5)).toBe('%!d(float64=1.5)');
    expect(render('{{ printf "%5.1f|%-4s|" $value $labels.job }}', 2.25)).toBe('  2.2|Node|');
  });
});

describe('alert templates: anything else is refused at creation, naming the construct and its position', () => {
  it.each([
    ['if', '{{ if gt $value 1.0 }}x{{ end }}', /^1:4: if is not supported/],
    ['range', 'a\n {{ range $labels }}{{ end }}', /^2:5: range is not supported/],
    ['query', '{{ query "up" | first | value }}', /query is not supported/],
    ['the dot', '{{ .Labels.job }}', /the dot \(\.\) is not supported/],
    ['another variable', '{{ $externalURL }}', /variable \$externalURL is not supported/],
    ['a variable declaration', '{{ $x := 1 }}', /variable declarations are not supported/],
    ['parentheses', '{{ humanize (index $labels "x") }}', /parentheses are not supported/],
    ['an unknown function', '{{ frobnicate $value }}', /frobnicate is not a known function/],
    ['reReplaceAll', '{{ reReplaceAll "a" "b" $labels.job }}', /reReplaceAll is not supported/],
    ['toUpper of a number', '{{ toUpper $value }}', /toUpper: argument 1 is a number, want a string/],
    ['a whole label set', '{{ $labels }}', /a whole label set cannot be printed/],
    ['a non-literal printf format', '{{ printf $labels.job }}', /literal format string/],
    ['an unsupported printf verb', '{{ printf "%x" $value }}', /printf verb "%x" is not supported/],
    ['wrong arity', '{{ humanize $value $value }}', /wrong number of arguments for humanize/],
    ['an unclosed action', 'x {{ $value', /unclosed action/],
    ['an argument to a value', '{{ $value 1 }}', /can't give an argument to a non-function/],
    ['a field of a label value', '{{ $labels.a.b }}', /a label value has no fields/],
    // Once a 500: rendering built a string of a billion characters.
    ['a printf width past 1000', '{{ printf "%0999999999d" 1 }}', /printf "%0999999999d": width and precision are at most 1000/],
    ['a printf precision past 1000', '{{ $value | printf "%.1001f" }}', /width and precision are at most 1000/],
  ])('%s', (_what, text, message) => {
    expect(checkTemplate(text)).toMatch(message);
  });

  it('accepts the supported forms', () => {
    expect(checkTemplate('{{ $labels.x }} {{ $value | printf "%.2f" }}')).toBeUndefined();
    expect(checkTemplate('{{ $value | printf "%1000.1000f" }}')).toBeUndefined();
  });
});

describe('alert templates: any text', () => {
  // Built from the pieces templates are made of, so that the parser meets near-misses, not only noise.
  const piece = fc.constantFrom('{{', '}}', '{{-', '-}}', ' ', '$labels', '$value', '.job', '|', 'humanize', 'printf', '"%.2f"', '"', '`', '/*', '*/', '(', 'index', 'x', '1.5', '\n');
  const text = fc.oneof(fc.string(), fc.array(piece, { maxLength: 12 }).map((p) => p.join('')));
  const anyValue = fc.oneof(fc.double(), fc.constantFrom(NaN, Infinity, -Infinity, 0, -0));

  it('is either refused with a TemplateError or renders without throwing', () => {
    fc.assert(
      fc.property(text, anyValue, (template, value) => {
        const problem = checkTemplate(template);
        if (problem !== undefined) return;
        expect(typeof renderTemplate(compileTemplate(template), { labels, value })).toBe('string');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('template literals are checked as the values they render', () => {
  it.each([
    ['an integer past 2^53', '{{ printf "%d" 9007199254740993 }}', /number 9007199254740993 is out of range/],
    ['a float past the double range', '{{ printf "%f" 1e400 }}', /number 1e400 is out of range/],
    ['an escape beyond U+10FFFF', '{{ printf "\\U00110000" }}', /is not a valid code point/],
    ['a surrogate escape', '{{ printf "\\ud800" }}', /is not a valid code point/],
  ])('%s is refused at creation, not rendered differently (or thrown) later', (_name, text, message) => {
    expect(checkTemplate(text)).toMatch(message);
  });

  it('keeps what a double holds exactly', () => {
    expect(checkTemplate('{{ printf "%d" 9007199254740991 }} {{ printf "\\U0001F600" }}')).toBeUndefined();
  });
});
