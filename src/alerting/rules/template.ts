/**
 * A safe subset of Prometheus's alert templates (Go text/template): `{{ $labels.name }}`,
 * `{{ index $labels "name" }}`, `{{ $externalLabels.name }}`, `{{ $value }}`, the functions humanize,
 * humanizePercentage, humanizeDuration, printf (literal format), toUpper, toLower, pipes, `{{- -}}` trim
 * markers and comments. Anything else (if, range, query, variables, `.`) is refused at compile time with
 * its position, never rendered approximately. Rendering matches Prometheus 2.42 for the supported forms.
 */
import type { Command, CompiledTemplate, FunctionName, Operand, TemplatePart, TemplateType } from './template-ast';
import { TemplateError } from './template-ast';
import {
  humanize,
  humanizeDuration,
  humanizePercentage,
  printValue,
  PRINTF_VERB,
  sprintf,
  SUPPORTED_VERBS,
  TemplateExecError,
  toFloat,
  type TemplateValue,
} from './template-functions';

export { TemplateError } from './template-ast';
export type { CompiledTemplate } from './template-ast';

interface Signature {
  readonly params: readonly (readonly TemplateType[])[];
  readonly variadic?: readonly TemplateType[];
}

/** The largest printf width or precision a template may ask for. */
const MAX_PRINTF_WIDTH = 1000;
const NUMERIC: readonly TemplateType[] = ['float', 'int', 'string'];
const SCALAR: readonly TemplateType[] = ['float', 'int', 'string'];

const FUNCTIONS: Readonly<Record<FunctionName, Signature>> = {
  humanize: { params: [NUMERIC] },
  humanizePercentage: { params: [NUMERIC] },
  humanizeDuration: { params: [NUMERIC] },
  printf: { params: [['string']], variadic: SCALAR },
  toUpper: { params: [['string']] },
  toLower: { params: [['string']] },
  index: { params: [['map'], ['string']] },
};

/** Prometheus functions and template keywords that are refused by name (clearer than "unknown"). */
const KNOWN_UNSUPPORTED = new Set([
  'if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue', 'nil', 'true', 'false',
  'query', 'first', 'label', 'value', 'sortByLabel', 'strvalue', 'args', 'safeHtml', 'match', 'reReplaceAll',
  'title', 'graphLink', 'tableLink', 'stripPort', 'stripDomain', 'toTime', 'pathPrefix', 'externalURL', 'parseDuration',
  'humanize1024', 'humanizeTimestamp', 'len', 'and', 'or', 'not', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'print',
  'println', 'html', 'js', 'urlquery', 'slice', 'call',
]);

function isFunction(name: string): name is FunctionName {
  return Object.prototype.hasOwnProperty.call(FUNCTIONS, name);
}

/** Line and column (1-based) of an offset in the template text. */
function position(text: string, offset: number): [number, number] {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return [line, offset - before.lastIndexOf('\n')];
}

type Token =
  | { readonly kind: 'var'; readonly name: string; readonly fields: readonly string[]; readonly at: number }
  | { readonly kind: 'ident'; readonly name: string; readonly at: number }
  | { readonly kind: 'string'; readonly value: string; readonly at: number }
  | { readonly kind: 'number'; readonly value: number; readonly int: boolean; readonly at: number }
  | { readonly kind: 'pipe'; readonly at: number };

class Parser {
  private pos = 0;
  constructor(private readonly text: string) {}

  fail(at: number, reason: string): never {
    const [line, column] = position(this.text, at);
    throw new TemplateError(line, column, reason);
  }

  parse(): CompiledTemplate {
    const parts: TemplatePart[] = [];
    let trimNext = false;
    while (this.pos < this.text.length) {
      const open = this.text.indexOf('{{', this.pos);
      let literal = this.text.slice(this.pos, open === -1 ? undefined : open);
      if (trimNext) literal = literal.replace(/^[ \t\r\n]+/, '');
      if (open === -1) {
        if (literal) parts.push({ kind: 'text', text: literal });
        break;
      }
      this.pos = open + 2;
      if (/^-[ \t\r\n]/.test(this.text.slice(this.pos, this.pos + 2))) {
        literal = literal.replace(/[ \t\r\n]+$/, '');
        this.pos += 1;
      }
      if (literal) parts.push({ kind: 'text', text: literal });
      const { tokens, trimAfter, comment } = this.action(open);
      trimNext = trimAfter;
      if (!comment) parts.push({ kind: 'action', pipeline: this.pipeline(tokens, open) });
    }
    return { parts };
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /[ \t\r\n]/.test(this.text[this.pos] ?? '')) this.pos += 1;
  }

  /** Tokens up to the closing `}}`. */
  private action(open: number): { tokens: Token[]; trimAfter: boolean; comment: boolean } {
    this.skipSpace();
    if (this.text.startsWith('/*', this.pos)) {
      const end = this.text.indexOf('*/', this.pos + 2);
      if (end === -1) this.fail(this.pos, 'unclosed comment');
      this.pos = end + 2;
      return { ...this.close(open), tokens: [], comment: true };
    }
    const tokens: Token[] = [];
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.text.length) this.fail(open, 'unclosed action: missing "}}"');
      if (this.text.startsWith('}}', this.pos) || this.text.startsWith('-}}', this.pos)) {
        return { ...this.close(open), tokens, comment: false };
      }
      tokens.push(this.token());
    }
  }

  private close(open: number): { trimAfter: boolean } {
    this.skipSpace();
    const before = this.text[this.pos - 1] ?? '';
    if (this.text.startsWith('-}}', this.pos) && /[ \t\r\n]/.test(before)) {
      this.pos += 3;
      return { trimAfter: true };
    }
    if (this.text.startsWith('}}', this.pos)) {
      this.pos += 2;
      return { trimAfter: false };
    }
    return this.fail(open, 'unclosed action: missing "}}"');
  }

  private token(): Token {
    const at = this.pos;
    const rest = this.text.slice(at);
    const variable = /^\$([A-Za-z_][A-Za-z0-9_]*)?((?:\.[A-Za-z_][A-Za-z0-9_]*)*)/.exec(rest);
    if (variable) {
      this.pos += variable[0].length;
      if (this.text[this.pos] === '.') this.fail(this.pos, 'a field name must be an identifier: use index $labels "name"');
      if (/^[ \t\r\n]*:?=/.test(this.text.slice(this.pos))) this.fail(at, 'variable declarations are not supported');
      const fields = (variable[2] ?? '').split('.').slice(1);
      return { kind: 'var', name: `$${variable[1] ?? ''}`, fields, at };
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (ident) {
      this.pos += ident[0].length;
      return { kind: 'ident', name: ident[0], at };
    }
    const number = /^[+-]?(?:0x[0-9a-fA-F]+|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)/.exec(rest);
    if (number) {
      this.pos += number[0].length;
      const int = /^[+-]?(0x[0-9a-fA-F]+|\d+)$/.test(number[0]);
      const value = number[0].includes('0x') ? Number.parseInt(number[0], 16) : Number(number[0]);
      // Go reads these as int64 or float64; past what a double holds exactly the rendering would differ.
      if (int ? !Number.isSafeInteger(value) : !Number.isFinite(value)) this.fail(at, `number ${number[0]} is out of range`);
      return { kind: 'number', value, int, at };
    }
    if (rest.startsWith('"')) return { kind: 'string', value: this.quoted(at), at };
    if (rest.startsWith('`')) {
      const end = this.text.indexOf('`', at + 1);
      if (end === -1) this.fail(at, 'unterminated raw string');
      this.pos = end + 1;
      return { kind: 'string', value: this.text.slice(at + 1, end), at };
    }
    if (rest.startsWith('|')) {
      this.pos += 1;
      return { kind: 'pipe', at };
    }
    if (rest.startsWith('(') || rest.startsWith(')')) return this.fail(at, 'parentheses are not supported: use a pipe');
    if (rest.startsWith('.')) return this.fail(at, 'the dot (.) is not supported: use $labels, $externalLabels or $value');
    return this.fail(at, `unexpected ${JSON.stringify(rest[0])}`);
  }

  /** A Go interpreted string literal: the escapes it shares with JSON, plus \a \v \' and \x. */
  private quoted(at: number): string {
    let i = at + 1;
    let raw = '';
    for (;;) {
      const c = this.text[i];
      if (c === undefined || c === '\n') return this.fail(at, 'unterminated quoted string');
      if (c === '"') break;
      if (c === '\\') {
        const e = this.text[i + 1] ?? '';
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v' };
        const mapped = simple[e];
        if (mapped !== undefined) {
          raw += mapped;
          i += 2;
          continue;
        }
        const hex = /^(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))/.exec(this.text.slice(i + 1));
        if (!hex) return this.fail(i, `unknown escape \\${e}`);
        const code = Number.parseInt(hex[1] ?? hex[2] ?? hex[3] ?? '0', 16);
        // Go's Unquote refuses what is not a Unicode scalar value (beyond U+10FFFF, or a surrogate).
        if (code > 0x10ffff || (code >= 0xd800 && code < 0xe000)) return this.fail(i, `escape \\${hex[0]} is not a valid code point`);
        raw += String.fromCodePoint(code);
        i += 1 + hex[0].length;
        continue;
      }
      raw += c;
      i += 1;
    }
    this.pos = i + 1;
    return raw;
  }

  private operand(token: Token): Operand {
    switch (token.kind) {
      case 'string':
        return { kind: 'string', value: token.value };
      case 'number':
        return { kind: 'number', value: token.value, int: token.int };
      case 'var': {
        if (token.name === '$value') {
          if (token.fields.length > 0) this.fail(token.at, '$value has no fields');
          return { kind: 'value' };
        }
        if (token.name === '$labels' || token.name === '$externalLabels') {
          if (token.fields.length > 1) this.fail(token.at, `${token.name}.${token.fields.join('.')}: a label value has no fields`);
          return { kind: 'labels', of: token.name, field: token.fields[0] };
        }
        return this.fail(token.at, `variable ${token.name} is not supported (only $labels, $externalLabels, $value)`);
      }
      case 'ident':
        return this.fail(token.at, `${token.name} must be the first word of a command`);
      case 'pipe':
        return this.fail(token.at, 'missing command before "|"');
    }
  }

  private pipeline(tokens: readonly Token[], open: number): Command[] {
    if (tokens.length === 0) this.fail(open, 'empty action');
    const commands: Command[] = [];
    let current: Token[] = [];
    const flush = (at: number) => {
      if (current.length === 0) this.fail(at, 'missing command in pipeline');
      commands.push(this.command(current, commands.length > 0));
      current = [];
    };
    for (const token of tokens) {
      if (token.kind === 'pipe') flush(token.at);
      else current.push(token);
    }
    flush(open);
    this.typeCheck(commands, tokens[0]?.at ?? open);
    return commands;
  }

  private command(tokens: readonly Token[], piped: boolean): Command {
    const [head, ...rest] = tokens;
    if (head === undefined) return this.fail(0, 'empty command');
    if (head.kind === 'ident') {
      if (!isFunction(head.name)) {
        const why = KNOWN_UNSUPPORTED.has(head.name) ? 'is not supported' : 'is not a known function';
        return this.fail(head.at, `${head.name} ${why} in MyMONIT templates`);
      }
      const args = rest.map((t) => this.operand(t));
      this.checkArity(head.name, args.length + (piped ? 1 : 0), head.at);
      if (head.name === 'printf') this.checkFormat(args[0], head.at);
      return { kind: 'call', fn: head.name, args };
    }
    if (piped) this.fail(head.at, 'a value cannot receive a pipe: only a function can');
    const second = rest[0];
    if (second !== undefined) this.fail(second.at, "can't give an argument to a non-function");
    return { kind: 'operand', operand: this.operand(head) };
  }

  private checkArity(fn: FunctionName, count: number, at: number): void {
    const sig = FUNCTIONS[fn];
    const ok = sig.variadic ? count >= sig.params.length : count === sig.params.length;
    if (!ok) this.fail(at, `wrong number of arguments for ${fn}: want ${sig.params.length}${sig.variadic ? ' or more' : ''}, got ${count}`);
  }

  private checkFormat(format: Operand | undefined, at: number): void {
    if (format?.kind !== 'string') {
      this.fail(at, 'printf takes a literal format string first');
    }
    for (const match of format.value.matchAll(PRINTF_VERB)) {
      const verb = match[4] ?? '';
      if (!SUPPORTED_VERBS.has(verb) || (match[1] ?? '').includes('#') || (match[1] ?? '').includes(' ')) {
        this.fail(at, `printf verb ${JSON.stringify(match[0])} is not supported (supported: %v %s %d %f %e %g %%)`);
      }
      // Go itself gives up past 1e6 (%!(BADWIDTH)); an annotation is read by people, and a huge width
      // would build a string no column holds (and, past ~5e8, one JavaScript cannot build).
      if (Number(match[2] ?? 0) > MAX_PRINTF_WIDTH || Number(match[3] || 0) > MAX_PRINTF_WIDTH) {
        this.fail(at, `printf ${JSON.stringify(match[0])}: width and precision are at most ${MAX_PRINTF_WIDTH}`);
      }
    }
  }

  /** The static types along the pipeline: a wrong type is refused now, as Go would refuse it at render. */
  private typeCheck(commands: readonly Command[], at: number): void {
    let previous: TemplateType | undefined;
    for (const command of commands) {
      if (command.kind === 'operand') {
        previous = typeOf(command.operand);
        continue;
      }
      const sig = FUNCTIONS[command.fn];
      const types = [...command.args.map(typeOf), ...(previous === undefined ? [] : [previous])];
      types.forEach((type, i) => {
        const allowed = sig.params[i] ?? sig.variadic ?? [];
        if (!allowed.includes(type)) this.fail(at, `${command.fn}: argument ${i + 1} is ${describe(type)}, want ${allowed.map(describe).join(' or ')}`);
      });
      previous = 'string';
    }
    if (previous === 'map') this.fail(at, 'a whole label set cannot be printed: name a label ($labels.name)');
  }
}

function describe(type: TemplateType): string {
  return type === 'map' ? 'a label set' : type === 'float' ? 'a number' : type === 'int' ? 'an integer' : 'a string';
}

function typeOf(operand: Operand): TemplateType {
  switch (operand.kind) {
    case 'labels':
      return operand.field === undefined ? 'map' : 'string';
    case 'value':
      return 'float';
    case 'string':
      return 'string';
    case 'number':
      return operand.int ? 'int' : 'float';
  }
}

/** Parses and checks a template; throws TemplateError naming the first unsupported construct. */
export function compileTemplate(text: string): CompiledTemplate {
  return new Parser(text).parse();
}

/** undefined when the template is in the supported subset, else the reason with its line:column. */
export function checkTemplate(text: string): string | undefined {
  try {
    compileTemplate(text);
    return undefined;
  } catch (error) {
    if (error instanceof TemplateError) return error.message;
    throw error;
  }
}

export interface TemplateData {
  readonly labels: ReadonlyMap<string, string>;
  readonly value: number;
  readonly externalLabels?: ReadonlyMap<string, string>;
}

type Evaluated = TemplateValue | { readonly type: 'map'; readonly value: ReadonlyMap<string, string> };

function evaluate(operand: Operand, data: TemplateData): Evaluated {
  switch (operand.kind) {
    case 'value':
      return { type: 'float', value: data.value };
    case 'string':
      return { type: 'string', value: operand.value };
    case 'number':
      return { type: operand.int ? 'int' : 'float', value: operand.value };
    case 'labels': {
      const map = (operand.of === '$labels' ? data.labels : data.externalLabels) ?? new Map<string, string>();
      if (operand.field === undefined) return { type: 'map', value: map };
      // Prometheus expands with missingkey=zero: a missing label is "" (checked against promtool).
      return { type: 'string', value: map.get(operand.field) ?? '' };
    }
  }
}

function scalar(value: Evaluated): TemplateValue {
  if (value.type === 'map') throw new TemplateExecError('a label set is not a scalar');
  return value;
}

function call(fn: FunctionName, args: readonly Evaluated[]): TemplateValue {
  const [first, second] = args;
  if (first === undefined) throw new TemplateExecError(`${fn}: missing argument`);
  switch (fn) {
    case 'humanize':
      return { type: 'string', value: humanize(toFloat(scalar(first))) };
    case 'humanizePercentage':
      return { type: 'string', value: humanizePercentage(toFloat(scalar(first))) };
    case 'humanizeDuration':
      return { type: 'string', value: humanizeDuration(toFloat(scalar(first))) };
    case 'toUpper':
      return { type: 'string', value: printValue(scalar(first)).toUpperCase() };
    case 'toLower':
      return { type: 'string', value: printValue(scalar(first)).toLowerCase() };
    case 'printf':
      return { type: 'string', value: sprintf(printValue(scalar(first)), args.slice(1).map(scalar)) };
    case 'index': {
      if (first.type !== 'map' || second === undefined) throw new TemplateExecError('index: want a label set and a name');
      return { type: 'string', value: first.value.get(printValue(scalar(second))) ?? '' };
    }
  }
}

/**
 * Renders a compiled template. An execution error (humanize of a label that is not a number) gives
 * Prometheus's text for it, `<error expanding template: ...>`, as the whole result.
 */
export function renderTemplate(template: CompiledTemplate, data: TemplateData): string {
  let out = '';
  try {
    for (const part of template.parts) {
      if (part.kind === 'text') {
        out += part.text;
        continue;
      }
      let previous: Evaluated | undefined;
      for (const command of part.pipeline) {
        if (command.kind === 'operand') {
          previous = evaluate(command.operand, data);
          continue;
        }
        const args = command.args.map((a) => evaluate(a, data));
        if (previous !== undefined) args.push(previous);
        previous = call(command.fn, args);
      }
      if (previous !== undefined) out += printValue(scalar(previous));
    }
    return out;
  } catch (error) {
    if (error instanceof TemplateExecError) return `<error expanding template: ${error.message}>`;
    throw error;
  }
}

const compiledTemplates = new Map<string, CompiledTemplate | string>();

/**
 * A rule's label or annotation text rendered for one alert (Prometheus's AlertTemplateData: `$labels`,
 * `$value`). A text that does not compile (refused at rule creation, so only from older rows) is kept as
 * written. Compiled templates are cached by text, bounded.
 */
export function expandTemplate(text: string, labels: ReadonlyMap<string, string>, value: number): string {
  if (!text.includes('{{')) return text;
  let compiled = compiledTemplates.get(text);
  if (compiled === undefined) {
    try {
      compiled = compileTemplate(text);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      compiled = text;
    }
    if (compiledTemplates.size >= 10_000) compiledTemplates.clear();
    compiledTemplates.set(text, compiled);
  }
  return typeof compiled === 'string' ? compiled : renderTemplate(compiled, { labels, value });
}
