import { PolicySyntaxError, type SourcePosition } from './errors';

export type TokenKind = 'ident' | 'int' | 'float' | 'unit' | 'string' | 'symbol' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly pos: SourcePosition;
}

const SYMBOLS = [':', '<-', '<=', '>=', '(', ')', '[', ']', ',', '.', ';', '=', '<', '>', '+', '-', '*', '/', '@'];

/** Splits a formula or signature into tokens; `#` and `(* *)` comments are skipped. */
export function tokenize(text: string, source: 'signature' | 'formula'): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const here = (): SourcePosition => ({ line, column: i - lineStart + 1 });
  const fail = (reason: string): never => {
    throw new PolicySyntaxError(source, here(), reason);
  };
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '(' && text[i + 1] === '*') {
      const start = here();
      i += 2;
      while (i < text.length && !(text[i] === '*' && text[i + 1] === ')')) {
        if (text[i] === '\n') {
          line++;
          lineStart = i + 1;
        }
        i++;
      }
      if (i >= text.length) throw new PolicySyntaxError(source, start, 'unterminated comment');
      i += 2;
      continue;
    }
    const pos = here();
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_']*/.exec(text.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'ident', text: m[0], pos });
      i += m[0].length;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const rest = text.slice(i);
      const float = /^[0-9]+\.[0-9]*([eE][-+]?[0-9]+)?|^[0-9]+[eE][-+]?[0-9]+/.exec(rest);
      if (float) {
        tokens.push({ kind: 'float', text: float[0], pos });
        i += float[0].length;
        continue;
      }
      const int = /^[0-9]+/.exec(rest) as RegExpExecArray;
      const after = rest[int[0].length];
      if (after !== undefined && /[smhd]/.test(after) && !/[A-Za-z0-9_]/.test(rest[int[0].length + 1] ?? '')) {
        tokens.push({ kind: 'unit', text: int[0] + after, pos });
        i += int[0].length + 1;
        continue;
      }
      if (after !== undefined && /[A-Za-z_]/.test(after)) fail(`unexpected character '${after}' after the number ${int[0]}`);
      tokens.push({ kind: 'int', text: int[0], pos });
      i += int[0].length;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"' && text[j] !== '\n') j++;
      if (text[j] !== '"') fail('unterminated string constant');
      tokens.push({ kind: 'string', text: text.slice(i + 1, j), pos });
      i = j + 1;
      continue;
    }
    const symbol = SYMBOLS.find((s) => text.startsWith(s, i));
    if (symbol === undefined) fail(`unexpected character '${c}'`);
    tokens.push({ kind: 'symbol', text: symbol as string, pos });
    i += (symbol as string).length;
  }
  tokens.push({ kind: 'eof', text: '', pos: here() });
  return tokens;
}
