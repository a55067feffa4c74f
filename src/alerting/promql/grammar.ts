/** The lezer-promql syntax tree of a query, the grammar's few lexical gaps with Go's lexer bridged. */
import type { Tree } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';

/** Whether the digits just before `end` are a whole number token (not the end of a name like `x1`). */
function endsNumber(text: string, end: number): boolean {
  let i = end;
  while (i > 0 && /\d/.test(text[i - 1] ?? '')) i--;
  return i < end && !/[\w:.]/.test(text[i - 1] ?? '');
}

/**
 * The text lezer reads: Go reads `0X1F` as hex and `5.` as 5, the grammar only `0x1f` and `5.0`. Same
 * length, so positions hold; values are read from the original text.
 */
function forGrammar(text: string): string {
  let out = '';
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (quote !== undefined) {
      if (ch === '\\' && (quote === '"' || quote === "'")) {
        out += ch + (text[i + 1] ?? '');
        i++;
        continue;
      }
      if (ch === quote || (ch === '\n' && quote !== '`')) quote = undefined;
    } else if (ch === '"' || ch === "'" || ch === '`') {
      quote = ch;
    } else if (ch === '#') {
      quote = '\n';
    } else if (ch === 'X' && text[i - 1] === '0' && !/[\w:.]/.test(text[i - 2] ?? '') && /[0-9a-fA-F]/.test(text[i + 1] ?? '')) {
      out += 'x';
      continue;
    } else if (ch === '.' && endsNumber(text, i) && !/[\deE]/.test(text[i + 1] ?? '')) {
      out += ' ';
      continue;
    }
    out += ch;
  }
  return out;
}

export function parseTree(text: string): Tree {
  return parser.parse(forGrammar(text));
}
