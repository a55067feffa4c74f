import { RE2JS } from 're2js';
import { goTimeString } from './go-format';
import { formatGoTime } from './go-time';
import { type Command, type Node, type Operand, type Pipeline, TemplateError } from './parse';

/**
 * The values templates see, modelled on Alertmanager's Go types: structs (template.Data, template.Alert,
 * template.Pair) with their fields, KV (a label set, with SortedPairs, Names, Values, Remove, String),
 * Pairs, Alerts (with Firing and Resolved), time.Time (with Format, Unix, UTC, String), strings, numbers,
 * booleans, string slices and nil.
 */
export class GoStruct {
  constructor(
    readonly typeName: string,
    readonly fields: ReadonlyMap<string, unknown>,
  ) {}
}

export class KV {
  constructor(readonly map: ReadonlyMap<string, string>) {}

  /** Sorted by name, `alertname` first (template.KV.SortedPairs). */
  sortedPairs(): Pairs {
    const keys = [...this.map.keys()].filter((k) => k !== 'alertname').sort(byteOrder);
    if (this.map.has('alertname')) keys.unshift('alertname');
    return new Pairs(keys.map((k) => pair(k, this.map.get(k)!)));
  }

  toString(): string {
    return this.sortedPairs().toString();
  }
}

export class Pairs {
  constructor(readonly items: readonly GoStruct[]) {}

  names(): string[] {
    return this.items.map((p) => p.fields.get('Name') as string);
  }

  values(): string[] {
    return this.items.map((p) => p.fields.get('Value') as string);
  }

  toString(): string {
    return this.items.map((p) => `${String(p.fields.get('Name'))}=${String(p.fields.get('Value'))}`).join(', ');
  }
}

export class Alerts {
  constructor(readonly items: readonly GoStruct[]) {}
}

export class GoTime {
  /** undefined: Go's zero time. */
  constructor(readonly ms: number | undefined) {}
}

/** Text html/template does not escape again (Alertmanager's safeHtml). */
export class SafeHtml {
  constructor(readonly html: string) {}
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function pair(name: string, value: string): GoStruct {
  return new GoStruct('template.Pair', new Map([['Name', name], ['Value', value]]));
}

export interface ExecuteOptions {
  /** html/template: every printed value is HTML-escaped unless it came from safeHtml. */
  readonly html: boolean;
  /** Bound of the output (characters) and of the work (nodes evaluated): a runaway template fails. */
  readonly maxOutput: number;
  readonly maxSteps: number;
}

const MAX_DEPTH = 100;

function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float64';
  if (typeof value === 'boolean') return 'bool';
  if (value instanceof GoStruct) return value.typeName;
  if (value instanceof KV) return 'template.KV';
  if (value instanceof Pairs) return 'template.Pairs';
  if (value instanceof Alerts) return 'template.Alerts';
  if (value instanceof GoTime) return 'time.Time';
  if (value instanceof SafeHtml) return 'template.HTML';
  if (Array.isArray(value)) return '[]string';
  return 'unknown';
}

/** fmt's %v of a value, as text/template prints it. */
export function printValue(value: unknown): string {
  if (value === null || value === undefined) return '<no value>';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(value).replace(/e\+?(-?)(\d)$/, 'e+$1$2');
  if (typeof value === 'boolean') return String(value);
  if (value instanceof KV || value instanceof Pairs) return value.toString();
  if (value instanceof GoTime) return goTimeString(value.ms);
  if (value instanceof SafeHtml) return value.html;
  if (value instanceof Alerts) return `[${value.items.map(printValue).join(' ')}]`;
  if (value instanceof GoStruct) return `{${[...value.fields.values()].map(printValue).join(' ')}}`;
  if (Array.isArray(value)) return `[${value.map(printValue).join(' ')}]`;
  return String(value);
}

function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof KV) return value.map.size > 0;
  if (value instanceof Pairs || value instanceof Alerts) return value.items.length > 0;
  return true;
}

function length(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (Array.isArray(value)) return value.length;
  if (value instanceof KV) return value.map.size;
  if (value instanceof Pairs || value instanceof Alerts) return value.items.length;
  throw new Error(`len of type ${typeName(value)}`);
}

export function htmlEscape(text: string): string {
  return text.replace(/[&<>"'\0]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;', '\0': '\uFFFD' })[c]!);
}

function asString(value: unknown, fn: string): string {
  if (typeof value === 'string') return value;
  if (value instanceof SafeHtml) return value.html;
  throw new Error(`${fn}: expected string; found ${typeName(value)}`);
}

function compile(pattern: string): RE2JS {
  try {
    return RE2JS.compile(pattern);
  } catch (error) {
    throw new Error(`bad regexp ${JSON.stringify(pattern)}: ${(error as Error).message}`, { cause: error });
  }
}

function basicKind(value: unknown): 'string' | 'number' | 'bool' | 'nil' | undefined {
  if (typeof value === 'string' || value instanceof SafeHtml) return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'bool';
  if (value === null || value === undefined) return 'nil';
  return undefined;
}

function comparable(fn: string, a: unknown, b: unknown): [string | number | boolean | null, string | number | boolean | null] {
  const ka = basicKind(a);
  const kb = basicKind(b);
  if (ka === undefined || kb === undefined) throw new Error(`${fn}: invalid type for comparison`);
  if (ka !== kb) throw new Error(`${fn}: incompatible types for comparison`);
  const norm = (v: unknown) => (v instanceof SafeHtml ? v.html : (v as string | number | boolean | null | undefined) ?? null);
  return [norm(a), norm(b)];
}

function sprintf(format: string, args: unknown[]): string {
  let index = 0;
  return format.replace(/%([-+# 0]*)(\d+)?(?:\.(\d+))?([%svdqfxXt])/g, (_m, _flags: string, width: string | undefined, precision: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    if (index >= args.length) return `%!${verb}(MISSING)`;
    const arg = args[index++];
    let text: string;
    switch (verb) {
      case 'd':
        text = typeof arg === 'number' && Number.isInteger(arg) ? String(arg) : `%!d(${typeName(arg)}=${printValue(arg)})`;
        break;
      case 'f':
        text = typeof arg === 'number' ? arg.toFixed(precision === undefined ? 6 : Number(precision)) : `%!f(${typeName(arg)}=${printValue(arg)})`;
        break;
      case 'q':
        text = JSON.stringify(printValue(arg));
        break;
      case 'x':
      case 'X':
        text = typeof arg === 'number' ? arg.toString(16) : Buffer.from(printValue(arg)).toString('hex');
        if (verb === 'X') text = text.toUpperCase();
        break;
      default:
        text = printValue(arg);
        if (verb === 's' && precision !== undefined) text = [...text].slice(0, Number(precision)).join('');
    }
    return width === undefined ? text : text.padStart(Number(width));
  }) + (index < args.length ? `%!(EXTRA ${args.slice(index).map((a) => `${typeName(a)}=${printValue(a)}`).join(', ')})` : '');
}

type Fn = (args: unknown[]) => unknown;

const FUNCTIONS: ReadonlyMap<string, Fn> = new Map<string, Fn>([
  ['not', (a) => !truthy(a[0])],
  ['len', (a) => length(a[0])],
  ['index', (a) => {
    let value = a[0];
    for (const key of a.slice(1)) {
      if (value instanceof KV) value = value.map.get(asString(key, 'index')) ?? '';
      else if (Array.isArray(value) || value instanceof Pairs || value instanceof Alerts) {
        const items: readonly unknown[] = Array.isArray(value) ? value : value.items;
        if (typeof key !== 'number' || !Number.isInteger(key) || key < 0 || key >= items.length) throw new Error(`index out of range: ${printValue(key)}`);
        value = items[key];
      } else throw new Error(`can't index item of type ${typeName(value)}`);
    }
    return value;
  }],
  ['eq', (a) => {
    if (a.length < 2) throw new Error('eq: missing argument for comparison');
    return a.slice(1).some((b) => {
      const [x, y] = comparable('eq', a[0], b);
      return x === y;
    });
  }],
  ['ne', (a) => {
    const [x, y] = comparable('ne', a[0], a[1]);
    return x !== y;
  }],
  ...(['lt', 'le', 'gt', 'ge'] as const).map((name): [string, Fn] => [name, (a) => {
    const [x, y] = comparable(name, a[0], a[1]);
    if (typeof x === 'boolean' || x === null) throw new Error(`${name}: invalid type for comparison`);
    const c = typeof x === 'string' ? byteOrder(x, y as string) : (x as number) - (y as number);
    return name === 'lt' ? c < 0 : name === 'le' ? c <= 0 : name === 'gt' ? c > 0 : c >= 0;
  }]),
  ['print', (a) => a.map((v, i) => (i > 0 && typeof v !== 'string' && typeof a[i - 1] !== 'string' ? ' ' : '') + printValue(v)).join('')],
  ['println', (a) => `${a.map(printValue).join(' ')}\n`],
  ['printf', (a) => sprintf(asString(a[0], 'printf'), a.slice(1))],
  ['html', (a) => htmlEscape(a.map(printValue).join(''))],
  ['urlquery', (a) => encodeURIComponent(a.map(printValue).join('')).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)],
  ['toUpper', (a) => asString(a[0], 'toUpper').toUpperCase()],
  ['toLower', (a) => asString(a[0], 'toLower').toLowerCase()],
  ['title', (a) => asString(a[0], 'title').replace(/(^|[^\p{L}\p{N}'])(\p{L})/gu, (_m, p: string, c: string) => p + c.toUpperCase())],
  ['trimSpace', (a) => asString(a[0], 'trimSpace').trim()],
  ['join', (a) => {
    const list = a[1];
    if (!Array.isArray(list)) throw new Error(`join: expected []string; found ${typeName(list)}`);
    return list.map((v) => asString(v, 'join')).join(asString(a[0], 'join'));
  }],
  ['match', (a) => compile(asString(a[0], 'match')).matcher(asString(a[1], 'match')).find()],
  ['safeHtml', (a) => new SafeHtml(asString(a[0], 'safeHtml'))],
  ['reReplaceAll', (a) => compile(asString(a[0], 'reReplaceAll')).matcher(asString(a[2], 'reReplaceAll')).replaceAll(asString(a[1], 'reReplaceAll'))],
  ['stringSlice', (a) => a.map((v) => asString(v, 'stringSlice'))],
]);

const ARITY: ReadonlyMap<string, [number, number]> = new Map([
  ['not', [1, 1]], ['len', [1, 1]], ['index', [1, Infinity]], ['ne', [2, 2]], ['lt', [2, 2]], ['le', [2, 2]], ['gt', [2, 2]], ['ge', [2, 2]],
  ['printf', [1, Infinity]], ['toUpper', [1, 1]], ['toLower', [1, 1]], ['title', [1, 1]], ['trimSpace', [1, 1]], ['join', [2, 2]],
  ['match', [2, 2]], ['safeHtml', [1, 1]], ['reReplaceAll', [3, 3]], ['and', [1, Infinity]], ['or', [1, Infinity]], ['eq', [1, Infinity]],
]);

/** A field or method of a value, as Go's template resolves `.Name` on it (missingkey=zero for KV). */
function field(value: unknown, name: string, args: unknown[]): unknown {
  const noArgs = () => {
    if (args.length > 0) throw new Error(`${name} is not a method but has arguments`);
  };
  if (value instanceof GoStruct) {
    noArgs();
    if (value.fields.has(name)) return value.fields.get(name);
  } else if (value instanceof KV) {
    if (name === 'SortedPairs') return value.sortedPairs();
    if (name === 'Names') return value.sortedPairs().names();
    if (name === 'Values') return value.sortedPairs().values();
    if (name === 'String') return value.toString();
    if (name === 'Remove') {
      const keys = args[0];
      if (!Array.isArray(keys)) throw new Error(`Remove: expected []string; found ${typeName(keys)}`);
      const map = new Map(value.map);
      for (const key of keys) map.delete(String(key));
      return new KV(map);
    }
    noArgs();
    return value.map.get(name) ?? '';
  } else if (value instanceof Pairs) {
    if (name === 'Names') return value.names();
    if (name === 'Values') return value.values();
    if (name === 'String') return value.toString();
  } else if (value instanceof Alerts) {
    if (name === 'Firing' || name === 'Resolved') {
      const status = name === 'Firing' ? 'firing' : 'resolved';
      return new Alerts(value.items.filter((a) => a.fields.get('Status') === status));
    }
  } else if (value instanceof GoTime) {
    if (name === 'Format') return formatGoTime(value.ms, asString(args[0], 'Format'));
    if (name === 'Unix') return value.ms === undefined ? -62135596800 : Math.floor(value.ms / 1000);
    if (name === 'UnixMilli') return value.ms === undefined ? -62135596800000 : value.ms;
    if (name === 'UTC' || name === 'Local') return value;
    if (name === 'String') return goTimeString(value.ms);
    if (name === 'IsZero') return value.ms === undefined;
  } else if (value === null || value === undefined) {
    throw new Error(`nil pointer evaluating ${typeName(value)}.${name}`);
  }
  throw new Error(`can't evaluate field ${name} in type ${typeName(value)}`);
}

interface Scope {
  readonly vars: Array<[string, unknown]>;
}

/** Runs parsed templates against data. */
export class Executor {
  private out = '';
  private steps = 0;

  constructor(
    private readonly templateName: string,
    private readonly defines: ReadonlyMap<string, readonly Node[]>,
    private readonly options: ExecuteOptions,
  ) {}

  run(nodes: readonly Node[], data: unknown): string {
    this.out = '';
    this.steps = 0;
    this.walk(nodes, data, { vars: [['$', data]] }, 0, this.templateName);
    return this.out;
  }

  private fail(name: string, line: number, message: string): never {
    throw new TemplateError(`template: ${name}:${line}: executing "${name}": ${message}`);
  }

  private emit(text: string): void {
    this.out += text;
    if (this.out.length > this.options.maxOutput) throw new TemplateError(`template: ${this.templateName}: output larger than ${this.options.maxOutput} characters`);
  }

  private step(): void {
    if (++this.steps > this.options.maxSteps) throw new TemplateError(`template: ${this.templateName}: more than ${this.options.maxSteps} steps`);
  }

  private walk(nodes: readonly Node[], dot: unknown, scope: Scope, depth: number, name: string): void {
    const mark = scope.vars.length;
    for (const node of nodes) {
      this.step();
      switch (node.type) {
        case 'text':
          this.emit(node.text);
          break;
        case 'action': {
          const value = this.pipeline(node.pipeline, dot, scope, name);
          if (node.pipeline.declare) break;
          this.emit(this.print(value));
          break;
        }
        case 'if':
        case 'with': {
          const inner: Scope = { vars: [...scope.vars] };
          const value = this.pipeline(node.pipeline, dot, inner, name);
          if (truthy(value)) this.walk(node.then, node.type === 'with' ? value : dot, inner, depth, name);
          else this.walk(node.otherwise, dot, inner, depth, name);
          break;
        }
        case 'range': {
          const inner: Scope = { vars: [...scope.vars] };
          const declare = node.pipeline.declare;
          const value = this.pipeline({ ...node.pipeline, declare: undefined }, dot, inner, name);
          let entries: Array<[unknown, unknown]>;
          if (value === null || value === undefined) entries = [];
          else if (Array.isArray(value)) entries = value.map((v, i) => [i, v]);
          else if (value instanceof Pairs || value instanceof Alerts) entries = value.items.map((v, i) => [i, v]);
          else if (value instanceof KV) entries = [...value.map.keys()].sort(byteOrder).map((k) => [k, value.map.get(k)]);
          else if (typeof value === 'number' && Number.isInteger(value)) entries = Array.from({ length: Math.max(0, value) }, (_v, i) => [i, i]);
          else this.fail(name, node.pipeline.line, `range can't iterate over ${printValue(value)}`);
          if (entries.length === 0) {
            this.walk(node.otherwise, dot, inner, depth, name);
            break;
          }
          for (const [key, element] of entries) {
            this.step();
            const iteration: Scope = { vars: [...inner.vars] };
            if (declare?.names.length === 1) iteration.vars.push([declare.names[0]!, element]);
            if (declare?.names.length === 2) iteration.vars.push([declare.names[0]!, key], [declare.names[1]!, element]);
            this.walk(node.body, element, iteration, depth, name);
          }
          break;
        }
        case 'template': {
          const body = this.defines.get(node.name);
          if (body === undefined) this.fail(name, node.line, `no such template "${node.name}"`);
          if (depth >= MAX_DEPTH) this.fail(name, node.line, `exceeded maximum template depth (${MAX_DEPTH})`);
          const value = node.pipeline ? this.pipeline(node.pipeline, dot, scope, name) : null;
          this.walk(body, value, { vars: [['$', value]] }, depth + 1, node.name);
          break;
        }
      }
    }
    scope.vars.length = mark;
  }

  private print(value: unknown): string {
    const text = printValue(value);
    if (!this.options.html || value instanceof SafeHtml) return text;
    return htmlEscape(text);
  }

  private lookup(scope: Scope, variable: string, name: string, line: number): unknown {
    for (let i = scope.vars.length - 1; i >= 0; i--) if (scope.vars[i]![0] === variable) return scope.vars[i]![1];
    return this.fail(name, line, `undefined variable: ${variable}`);
  }

  private pipeline(pipeline: Pipeline, dot: unknown, scope: Scope, name: string): unknown {
    let value: unknown;
    let first = true;
    for (const command of pipeline.commands) {
      value = this.command(command, dot, scope, name, pipeline.line, first ? undefined : { value });
      first = false;
    }
    const declare = pipeline.declare;
    if (declare) {
      const variable = declare.names[0]!;
      if (declare.assign) {
        let found = false;
        for (let i = scope.vars.length - 1; i >= 0 && !found; i--) {
          if (scope.vars[i]![0] === variable) {
            scope.vars[i]![1] = value;
            found = true;
          }
        }
        if (!found) this.fail(name, pipeline.line, `undefined variable: ${variable}`);
      } else scope.vars.push([variable, value]);
    }
    return value;
  }

  private command(command: Command, dot: unknown, scope: Scope, name: string, line: number, piped: { value: unknown } | undefined): unknown {
    const [head, ...rest] = command.args;
    try {
      if (head!.type === 'function') {
        const fn = head!.name;
        // and / or evaluate lazily, as Go does since 1.18.
        if (fn === 'and' || fn === 'or') {
          const operands: Array<() => unknown> = rest.map((o) => () => this.operand(o, dot, scope, name, line));
          if (piped) operands.push(() => piped.value);
          this.arity(fn, operands.length);
          let result: unknown;
          for (const operand of operands) {
            result = operand();
            if (fn === 'and' ? !truthy(result) : truthy(result)) return result;
          }
          return result;
        }
        const args = rest.map((o) => this.operand(o, dot, scope, name, line));
        if (piped) args.push(piped.value);
        this.arity(fn, args.length);
        return FUNCTIONS.get(fn)!(args);
      }
      if (head!.type === 'field' || head!.type === 'variable' || head!.type === 'pipeline') {
        const args = rest.map((o) => this.operand(o, dot, scope, name, line));
        if (piped) args.push(piped.value);
        return this.operand(head!, dot, scope, name, line, args);
      }
      if (rest.length > 0 || piped) throw new Error(`can't give argument to non-function ${printValue(this.operand(head!, dot, scope, name, line))}`);
      return this.operand(head!, dot, scope, name, line);
    } catch (error) {
      if (error instanceof TemplateError) throw error;
      return this.fail(name, line, (error as Error).message);
    }
  }

  private arity(fn: string, count: number): void {
    const [min, max] = ARITY.get(fn) ?? [0, Infinity];
    if (count < min || count > max) throw new Error(`wrong number of args for ${fn}: want ${min === max ? min : `at least ${min}`} got ${count}`);
  }

  /** An operand's value; `args` go to the last element of a field chain (a method call). */
  private operand(operand: Operand, dot: unknown, scope: Scope, name: string, line: number, args: unknown[] = []): unknown {
    const chain = (start: unknown, path: readonly string[]): unknown => {
      if (path.length === 0 && args.length > 0) throw new Error(`can't give argument to non-function ${printValue(start)}`);
      let value = start;
      path.forEach((element, i) => {
        value = field(value, element, i === path.length - 1 ? args : []);
      });
      return value;
    };
    switch (operand.type) {
      case 'dot':
        return dot;
      case 'field':
        return chain(dot, operand.path);
      case 'variable':
        return chain(this.lookup(scope, operand.name, name, line), operand.path);
      case 'pipeline':
        return chain(this.pipeline(operand.pipeline, dot, scope, name), operand.path);
      case 'string':
      case 'number':
      case 'bool':
        return operand.value;
      case 'nil':
        throw new Error('nil is not a command');
      case 'function': {
        this.arity(operand.name, 0);
        return FUNCTIONS.get(operand.name)!([]);
      }
    }
  }
}
