/** The supported subset of Prometheus's Go text/template annotations, as parsed (see template.ts). */

export type TemplateType = 'string' | 'float' | 'int' | 'map';

export type Operand =
  | { readonly kind: 'labels'; readonly of: '$labels' | '$externalLabels'; readonly field?: string }
  | { readonly kind: 'value' }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number; readonly int: boolean };

export type FunctionName = 'humanize' | 'humanizePercentage' | 'humanizeDuration' | 'printf' | 'toUpper' | 'toLower' | 'index';

export type Command =
  | { readonly kind: 'operand'; readonly operand: Operand }
  | { readonly kind: 'call'; readonly fn: FunctionName; readonly args: readonly Operand[] };

export type TemplatePart = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'action'; readonly pipeline: readonly Command[] };

export interface CompiledTemplate {
  readonly parts: readonly TemplatePart[];
}

/** A construct outside the subset, or a malformed one: where (1-based line:column) and what. */
export class TemplateError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${line}:${column}: ${reason}`);
    this.name = 'TemplateError';
  }
}
