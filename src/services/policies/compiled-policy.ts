import { createMonitor, parseFormula, parseSignature, type Formula, type Monitor, type Signature, type ValueType } from '../../policies';

/** A policy's texts parsed once: the signature, the formula, and the verdicts' columns and types. */
export interface CompiledPolicy {
  readonly signature: Signature;
  readonly formula: Formula;
  readonly variables: readonly string[];
  readonly types: readonly ValueType[];
}

export interface PolicyTexts {
  readonly signature: string;
  readonly formula: string;
  readonly negate: boolean;
}

const cache = new Map<string, CompiledPolicy>();
const CACHED = 256;

/**
 * Parses a policy's signature and formula and builds its monitor once to check it: throws the engine's
 * PolicySyntaxError, PolicyTypeError or PolicyNotMonitorableError (ValidationErrors naming line and column).
 */
export function compilePolicy(texts: PolicyTexts): { compiled: CompiledPolicy; monitor: Monitor } {
  const signature = parseSignature(texts.signature);
  const formula = parseFormula(texts.formula);
  const monitor = createMonitor(signature, formula, { negate: texts.negate });
  return { compiled: { signature, formula, variables: monitor.variables, types: monitor.types }, monitor };
}

/** compilePolicy's result for a stored policy, kept for the next calls (texts are the cache key: a change is a miss). */
export function compiledPolicy(texts: PolicyTexts): CompiledPolicy {
  const key = JSON.stringify([texts.signature, texts.formula, texts.negate]);
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const { compiled } = compilePolicy(texts);
  if (cache.size >= CACHED) cache.delete(cache.keys().next().value as string);
  cache.set(key, compiled);
  return compiled;
}
