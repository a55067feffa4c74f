/**
 * Check parameters from their JSON form, validated for the check's kind. Keys are read with Object.hasOwn
 * and copied into Maps, never used as properties of a plain object.
 */
import type { CheckKind, CheckParams } from './model';

/** [path below `params`, message], e.g. ['steps[2].url', 'must be an http:// or https:// URL']. */
export type ParamProblem = readonly [string, string];

export type ParsedParams = { readonly ok: true; readonly params: CheckParams } | { readonly ok: false; readonly problems: readonly ParamProblem[] };

/** Implemented by the built-in checks' part (src/checks/builtin/); a stand-in until then. */
export function parseCheckParams(kind: CheckKind, raw: unknown): ParsedParams {
  void raw;
  return { ok: false, problems: [['', `parameters of ${kind} checks are not implemented yet`]] };
}

/** The JSON form of validated parameters (what the API returns and the checks table stores). */
export function checkParamsToJson(params: CheckParams): unknown {
  const entries = Object.entries(params).filter(([key]) => key !== 'kind');
  return Object.fromEntries(entries.map(([key, value]) => [key, value instanceof Map ? Object.fromEntries(value) : value]));
}
