/**
 * The parser of MyMONIT's Go text/template subset (what Alertmanager's notification templates use): text,
 * `{{ }}` actions with `{{-` / `-}}` trimming and comments; pipelines of commands joined by `|`; fields
 * (`.A.B`), variables (`$`, `$x`, `$x.A`), string/raw-string/number/bool/nil literals, parenthesised
 * pipelines; `if` / `else if` / `else`, `range` (with `$i, $e :=`), `with` / `else`, `define`, `template`,
 * `block`, `end`, variable declaration and assignment. Everything else (break, continue, `else with`,
 * unknown functions, ...) is refused here with an error naming it, before anything runs. Pure.
 */

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

export type Operand =
  | { readonly type: 'dot' }
  | { readonly type: 'field'; readonly receiver?: Operand; readonly path: readonly string[] }
  | { readonly type: 'variable'; readonly name: string; readonly path: readonly string[] }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'number'; readonly value: number }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'nil' }
  | { readonly type: 'function'; readonly name: string }
  | { readonly type: 'pipeline'; readonly pipeline: Pipeline; readonly path: readonly string[] };

export interface Command {
  readonly args: readonly Operand[];
}

export interface Pipeline {
  readonly line: number;
  readonly declare?: { readonly names: readonly string[]; readonly assign: boolean };
  readonly commands: readonly Command[];
}

export type Node =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'action'; readonly pipeline: Pipeline }
  | { readonly type: 'if' | 'with'; readonly pipeline: Pipeline; readonly then: readonly Node[]; readonly otherwise: readonly Node[] }
  | { readonly type: 'range'; readonly pipeline: Pipeline; readonly body: readonly Node[]; readonly otherwise: readonly Node[] }
  | { readonly type: 'template'; readonly name: string; readonly pipeline?: Pipeline; readonly line: number };

/** Functions a template may call (Go's builtins MyMONIT implements, and Alertmanager's DefaultFuncs). */
export const SUPPORTED_FUNCTIONS: ReadonlySet<string> = new Set([
  'and', 'or', 'not', 'len', 'index', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'print', 'printf', 'println', 'html', 'urlquery',
  'toUpper', 'toLower', 'title', 'trimSpace', 'join', 'match', 'safeHtml', 'reReplaceAll', 'stringSlice',
]);

/** Go builtins MyMONIT does not implement: named in the refusal, so that it is clear what to rewrite. */
const UNSUPPORTED_BUILTINS = new Set(['call', 'js', 'slice']);

interface Token {
  readonly kind: 'word' | 'field' | 'variable' | 'string' | 'number' | 'open' | 'close' | 'pipe' | 'declare' | 'assign' | 'comma';
  readonly text: string;
  /** For string tokens: the unquoted value. */
  readonly value?: string;
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

const GO_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v' };

function unquote(body: string, fail: (message: string) => never): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e !== undefined && GO_ESCAPES[e] !== undefined) out += GO_ESCAPES[e];
    else if (e === 'x' || e === 'u' || e === 'U') {
      const width = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + width);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) fail(`bad escape \\${e} in a string`);
      out += e === 'x' ? String.fromCharCode(parseInt(hex, 16)) : String.fromCodePoint(parseInt(hex, 16));
      i += width;
    } else fail(`unsupported escape \\${e ?? ''} in a string`);
  }
  return out;
}

/** The tokens of one action's text. */
function tokenize(source: string, fail: (message: string) => never): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const identChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_]/.test(c);
  while (i < source.length) {
    const c = source[i]!;
    if (isSpace(c)) {
      i++;
    } else if (c === '(') {
      tokens.push({ kind: 'open', text: c });
      i++;
    } else if (c === ')') {
      tokens.push({ kind: 'close', text: c });
      i++;
      // A field chain on a parenthesised pipeline: `(...).Field`.
      let path = '';
      while (source[i] === '.' && identChar(source[i + 1])) {
        let j = i + 1;
        while (identChar(source[j])) j++;
        path += source.slice(i, j);
        i = j;
      }
      if (path) tokens.push({ kind: 'field', text: path });
    } else if (c === '|') {
      tokens.push({ kind: 'pipe', text: c });
      i++;
    } else if (c === ',') {
      tokens.push({ kind: 'comma', text: c });
      i++;
    } else if (c === ':' && source[i + 1] === '=') {
      tokens.push({ kind: 'declare', text: ':=' });
      i += 2;
    } else if (c === '=') {
      tokens.push({ kind: 'assign', text: '=' });
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < source.length && source[j] !== '"') j += source[j] === '\\' ? 2 : 1;
      if (j >= source.length) fail('unterminated quoted string');
      tokens.push({ kind: 'string', text: source.slice(i, j + 1), value: unquote(source.slice(i + 1, j), fail) });
      i = j + 1;
    } else if (c === '`') {
      const j = source.indexOf('`', i + 1);
      if (j < 0) fail('unterminated raw quoted string');
      tokens.push({ kind: 'string', text: source.slice(i, j + 1), value: source.slice(i + 1, j).replace(/\r/g, '') });
      i = j + 1;
    } else if (c === "'") {
      fail('character constants are not supported by MyMONIT templates');
    } else if (c === '.' || c === '$') {
      let j = i + 1;
      while (identChar(source[j]) || (source[j] === '.' && identChar(source[j + 1]))) j++;
      tokens.push({ kind: c === '.' ? 'field' : 'variable', text: source.slice(i, j) });
      i = j;
    } else if (/[0-9+-]/.test(c)) {
      const match = /^[+-]?(0[xX][0-9a-fA-F_]+|[0-9_]*\.?[0-9_]+([eE][+-]?[0-9]+)?)/.exec(source.slice(i));
      if (!match || match[0] === '' || /^[+-]$/.test(match[0])) fail(`unexpected "${c}" in an action`);
      tokens.push({ kind: 'number', text: match[0] });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (identChar(source[j])) j++;
      tokens.push({ kind: 'word', text: source.slice(i, j) });
      i = j;
    } else {
      fail(`unexpected "${c}" in an action`);
    }
  }
  return tokens;
}

interface Action {
  readonly tokens: Token[];
  readonly line: number;
}

type Item = { readonly type: 'text'; readonly text: string } | { readonly type: 'action'; readonly action: Action };

/** Text and actions, trim markers applied, comments dropped. */
function scan(name: string, text: string): Item[] {
  const items: Item[] = [];
  let i = 0;
  let line = 1;
  let trimNext = false;
  while (i <= text.length) {
    const open = text.indexOf('{{', i);
    let chunk = open < 0 ? text.slice(i) : text.slice(i, open);
    const trimBefore = open >= 0 && text[open + 2] === '-' && isSpace(text[open + 3]);
    if (trimNext) chunk = chunk.replace(/^[ \t\r\n]+/, '');
    if (trimBefore) chunk = chunk.replace(/[ \t\r\n]+$/, '');
    if (chunk) items.push({ type: 'text', text: chunk });
    if (open < 0) break;
    line += (text.slice(i, open).match(/\n/g) ?? []).length;
    let start = open + 2 + (trimBefore ? 2 : 0);
    const actionLine = line;
    const fail = (message: string): never => {
      throw new TemplateError(`template: ${name}:${actionLine}: ${message}`);
    };
    while (isSpace(text[start])) start++;
    if (text.startsWith('/*', start)) {
      const endComment = text.indexOf('*/', start + 2);
      if (endComment < 0) fail('unclosed comment');
      let after = endComment + 2;
      while (isSpace(text[after])) after++;
      const trimAfter = text.startsWith('-}}', after);
      if (!trimAfter && !text.startsWith('}}', after)) fail('comment ends before closing delimiter');
      line += (text.slice(open, after).match(/\n/g) ?? []).length;
      i = after + (trimAfter ? 3 : 2);
      trimNext = trimAfter;
      continue;
    }
    // The closing delimiter, outside quoted strings.
    let j = start;
    let close = -1;
    while (j < text.length) {
      const c = text[j];
      if (c === '"') {
        j++;
        while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
        j++;
      } else if (c === '`') {
        const end = text.indexOf('`', j + 1);
        j = end < 0 ? text.length : end + 1;
      } else if (text.startsWith('}}', j)) {
        close = j;
        break;
      } else j++;
    }
    if (close < 0) fail('unclosed action');
    const trimAfter = close > start && text[close - 1] === '-' && isSpace(text[close - 2]);
    const inner = text.slice(start, trimAfter ? close - 1 : close);
    items.push({ type: 'action', action: { tokens: tokenize(inner, fail), line: actionLine } });
    line += (text.slice(open, close).match(/\n/g) ?? []).length;
    i = close + 2;
    trimNext = trimAfter;
  }
  return items;
}

/** Parses `text` (named `name` in errors); definitions go to `defines`, the main body is returned. */
export function parseTemplate(name: string, text: string, defines: Map<string, readonly Node[]>): readonly Node[] {
  const items = scan(name, text);
  let pos = 0;

  function failAt(line: number, message: string): never {
    throw new TemplateError(`template: ${name}:${line}: ${message}`);
  }

  function parsePipeline(tokens: Token[], line: number, allowDeclare: 'one' | 'range' | 'none'): Pipeline {
    let index = 0;
    let declare: Pipeline['declare'];
    // `$x :=`, `$x =`, `$i, $e :=` (range only).
    const variableAt = (k: number) => tokens[k]?.kind === 'variable' && !tokens[k]!.text.slice(1).includes('.');
    if (variableAt(0) && (tokens[1]?.kind === 'declare' || tokens[1]?.kind === 'assign')) {
      if (allowDeclare === 'none') failAt(line, 'a variable cannot be declared here');
      declare = { names: [tokens[0]!.text], assign: tokens[1]!.kind === 'assign' };
      index = 2;
    } else if (variableAt(0) && tokens[1]?.kind === 'comma' && variableAt(2) && tokens[3]?.kind === 'declare') {
      if (allowDeclare !== 'range') failAt(line, 'two variables can only be declared by range');
      declare = { names: [tokens[0]!.text, tokens[2]!.text], assign: false };
      index = 4;
    }
    const commands: Command[] = [];
    const parseCommandList = (stopAtClose: boolean): void => {
      for (;;) {
        const args: Operand[] = [];
        while (index < tokens.length && tokens[index]!.kind !== 'pipe' && !(stopAtClose && tokens[index]!.kind === 'close')) {
          args.push(parseOperand());
        }
        if (args.length === 0) failAt(line, 'missing value for command');
        commands.push({ args });
        if (tokens[index]?.kind !== 'pipe') return;
        index++;
      }
    };
    const parseOperand = (): Operand => {
      const token = tokens[index++]!;
      switch (token.kind) {
        case 'field': {
          if (token.text === '.') return { type: 'dot' };
          return { type: 'field', path: token.text.slice(1).split('.') };
        }
        case 'variable': {
          const [variable, ...path] = token.text.split('.');
          return { type: 'variable', name: variable!, path };
        }
        case 'string':
          return { type: 'string', value: token.value! };
        case 'number': {
          const value = Number(token.text.replace(/_/g, ''));
          if (!Number.isFinite(value)) failAt(line, `bad number syntax: ${token.text}`);
          return { type: 'number', value };
        }
        case 'open': {
          const saved = commands.splice(0);
          parseCommandList(true);
          if (tokens[index]?.kind !== 'close') failAt(line, 'unclosed left paren');
          index++;
          const inner: Pipeline = { line, commands: commands.splice(0) };
          commands.push(...saved);
          let path: string[] = [];
          if (tokens[index]?.kind === 'field' && tokens[index]!.text !== '.') path = tokens[index++]!.text.slice(1).split('.');
          return { type: 'pipeline', pipeline: inner, path };
        }
        case 'word': {
          if (token.text === 'true' || token.text === 'false') return { type: 'bool', value: token.text === 'true' };
          if (token.text === 'nil') return { type: 'nil' };
          if (SUPPORTED_FUNCTIONS.has(token.text)) return { type: 'function', name: token.text };
          if (UNSUPPORTED_BUILTINS.has(token.text)) failAt(line, `function "${token.text}" is not supported by MyMONIT templates`);
          if (['if', 'range', 'with', 'define', 'template', 'block', 'end', 'else', 'break', 'continue'].includes(token.text)) {
            failAt(line, `unexpected keyword "${token.text}" in a command`);
          }
          return failAt(line, `function "${token.text}" not defined`);
        }
        case 'assign':
        case 'close':
        case 'comma':
        case 'declare':
        case 'pipe':
          return failAt(line, `unexpected "${token.text}" in a command`);
      }
    };
    if (index >= tokens.length) failAt(line, 'missing value for command');
    parseCommandList(false);
    if (index < tokens.length) failAt(line, `unexpected "${tokens[index]!.text}" in a command`);
    return { line, ...(declare ? { declare } : {}), commands };
  }

  /** Nodes until `end` / `else` (returned as the stop keyword with its remaining tokens). */
  function parseList(inside: string | undefined): { nodes: Node[]; stop?: { word: 'end' | 'else'; rest: Token[]; line: number } } {
    const nodes: Node[] = [];
    while (pos < items.length) {
      const item = items[pos++]!;
      if (item.type === 'text') {
        nodes.push(item);
        continue;
      }
      const { tokens, line } = item.action;
      if (tokens.length === 0) failAt(line, 'missing value for command');
      const head = tokens[0]!;
      const keyword = head.kind === 'word' ? head.text : undefined;
      const rest = tokens.slice(1);
      switch (keyword) {
        case 'end':
        case 'else':
          if (inside === undefined) failAt(line, `unexpected {{${keyword}}}`);
          if (keyword === 'end' && rest.length > 0) failAt(line, 'unexpected tokens after end');
          return { nodes, stop: { word: keyword, rest, line } };
        case 'if':
        case 'with':
        case 'range':
          nodes.push(parseControl(keyword, rest, line));
          break;
        case 'template':
        case 'block': {
          if (rest[0]?.kind !== 'string') failAt(line, `${keyword}: the name must be a quoted string`);
          const templateName = rest[0].value!;
          const pipeline = rest.length > 1 ? parsePipeline(rest.slice(1), line, 'none') : undefined;
          if (keyword === 'block') {
            if (!pipeline) failAt(line, 'block: missing pipeline');
            const body = parseList('block');
            if (body.stop?.word !== 'end') failAt(line, 'block: missing {{end}}');
            defines.set(templateName, body.nodes);
          }
          nodes.push({ type: 'template', name: templateName, ...(pipeline ? { pipeline } : {}), line });
          break;
        }
        case 'define': {
          if (inside !== undefined) failAt(line, 'define is only allowed at the top level');
          if (rest.length !== 1 || rest[0]!.kind !== 'string') failAt(line, 'define: the name must be one quoted string');
          const body = parseList('define');
          if (body.stop?.word !== 'end') failAt(line, `define "${rest[0]!.value}": missing {{end}}`);
          defines.set(rest[0]!.value!, body.nodes);
          break;
        }
        case 'break':
        case 'continue':
          return failAt(line, `{{${keyword}}} is not supported by MyMONIT templates`);
        case undefined:
        default:
          nodes.push({ type: 'action', pipeline: parsePipeline(tokens, line, 'one') });
      }
    }
    if (inside !== undefined) failAt(items.length > 0 ? 0 : 1, `unexpected EOF: {{${inside}}} without {{end}}`);
    return { nodes };
  }

  function parseControl(keyword: 'if' | 'with' | 'range', tokens: Token[], line: number): Node {
    const pipeline = parsePipeline(tokens, line, keyword === 'range' ? 'range' : 'one');
    const then = parseList(keyword);
    let otherwise: Node[] = [];
    if (then.stop?.word === 'else') {
      const rest = then.stop.rest;
      if (rest.length > 0) {
        if (keyword !== 'if' || rest[0]?.kind !== 'word' || rest[0].text !== 'if') {
          failAt(then.stop.line, `{{else ${rest[0]?.text ?? ''}}} is not supported by MyMONIT templates (only {{else if}})`);
        }
        // `else if` is an `if` nested in the else branch, sharing its `end`.
        otherwise = [parseControl('if', rest.slice(1), then.stop.line)];
      } else {
        const tail = parseList(keyword);
        if (tail.stop?.word !== 'end') failAt(line, `{{${keyword}}}: expected {{end}}`);
        otherwise = tail.nodes;
      }
    } else if (then.stop?.word !== 'end') failAt(line, `{{${keyword}}} without {{end}}`);
    return keyword === 'range'
      ? { type: 'range', pipeline, body: then.nodes, otherwise }
      : { type: keyword, pipeline, then: then.nodes, otherwise };
  }

  const result = parseList(undefined);
  return result.nodes;
}
