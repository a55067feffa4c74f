/**
 * MINIMAL LOCAL STAND-INS for code other parts of issue 13 own, used by the Alertmanager API (inputs):
 * each is one small function so the merge replaces it by the owner's:
 *
 * - parseMatcher      -> the config helper's src/notify/matchers-parse.ts (Alertmanager's labels.ParseMatcher)
 * - matchRoutes       -> the config helper's src/notify/dispatch/route.ts matchRoutes(route, labels)
 * - groupLabelsOf     -> the config helper's group labels (dispatch getGroupLabels)
 * - silencedBy        -> the silence helper's src/notify/silence/ silencedBy(silences, labels, now)
 * - inhibitedBy       -> the silence helper's src/notify/inhibit/ Inhibitor
 *
 * They follow Alertmanager 0.25 closely enough for the API's tests; they are not the reference.
 */
import { RE2JS } from 're2js';
import type { NotifyAlert, LabelSet } from '../alert';
import type { InhibitRule, Route } from '../config/model';
import { matchesAll, type CompiledMatcher, type MatchType } from '../matchers';
import { silenceState, type Silence } from '../silence/silence';

export class MatcherSyntaxError extends Error {}

const MATCHER = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*([\s\S]*?)\s*$/;

/** Alertmanager's regex matcher: RE2, anchored `^(?:re)$`; Go's message when it does not compile. */
function compileAnchored(source: string): RE2JS {
  try {
    return RE2JS.compile(`^(?:${source})$`);
  } catch (error) {
    throw new MatcherSyntaxError(error instanceof Error ? error.message : `error parsing regexp: ${String(error)}`);
  }
}

export function compileMatcher(name: string, type: MatchType, value: string): CompiledMatcher {
  if (type === '=') return { name, type, value, matches: (v) => v === value };
  if (type === '!=') return { name, type, value, matches: (v) => v !== value };
  const re = compileAnchored(value);
  return type === '=~' ? { name, type, value, matches: (v) => re.matches(v) } : { name, type, value, matches: (v) => !re.matches(v) };
}

/** Alertmanager 0.25 pkg/labels.ParseMatcher: `name op value`, the value optionally double-quoted with \" \\ \n escapes. */
export function parseMatcher(text: string): CompiledMatcher {
  const match = MATCHER.exec(text);
  if (match === null) throw new MatcherSyntaxError(`bad matcher format: ${text}`);
  const [, name, op, raw] = match as unknown as [string, string, MatchType, string];
  let rest = raw;
  let expectQuote = false;
  if (rest.startsWith('"')) {
    rest = rest.slice(1);
    expectQuote = true;
  }
  let value = '';
  const chars = [...rest];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === '\\' && i < chars.length - 1) {
      const next = chars[++i]!;
      value += next === 'n' ? '\n' : next === '"' || next === '\\' ? next : `\\${next}`;
    } else if (ch === '"') {
      if (!expectQuote || i < chars.length - 1) throw new MatcherSyntaxError(`matcher value contains unescaped double quote: ${raw}`);
      expectQuote = false;
    } else {
      value += ch;
    }
  }
  if (expectQuote) throw new MatcherSyntaxError(`matcher value contains unescaped double quote: ${raw}`);
  return compileMatcher(name, op, value);
}

/** Alertmanager's dispatch Route.Match: the deepest matching routes, `continue` honoured; the node itself when no child matches. */
export function matchRoutes(route: Route, labels: LabelSet): Route[] {
  if (!matchesAll(route.matchers, labels)) return [];
  const all: Route[] = [];
  for (const child of route.routes) {
    const matches = matchRoutes(child, labels);
    all.push(...matches);
    if (matches.length > 0 && !child.continue) break;
  }
  return all.length === 0 ? [route] : all;
}

/** dispatch getGroupLabels: the alert's labels the route groups by (all of them with `...`). */
export function groupLabelsOf(route: Route, labels: LabelSet): LabelSet {
  const group = new Map<string, string>();
  for (const [name, value] of labels) {
    if (route.groupBy.all || route.groupBy.labels.includes(name)) group.set(name, value);
  }
  return new Map([...group].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The ids of the active silences whose matchers all match, sorted. */
export function silencedBy(silences: readonly Silence[], labels: LabelSet, nowMs: number): string[] {
  const compiled = (silence: Silence) => silence.matchers.map((m) => compileMatcher(m.name, m.type, m.value));
  return silences
    .filter((silence) => silenceState(silence, nowMs) === 'active' && matchesAll(compiled(silence), labels))
    .map((silence) => silence.id)
    .sort();
}

/**
 * Alertmanager's Inhibitor.Mutes: the first rule whose target matchers match the alert and that has a
 * firing source alert (not the alert itself when it is a target too) with equal `equal` labels; its
 * fingerprint (the smallest, Alertmanager takes whichever its map yields first).
 */
export function inhibitedBy(rules: readonly InhibitRule[], alerts: readonly NotifyAlert[], alert: NotifyAlert, nowMs: number): string[] {
  for (const rule of rules) {
    if (!matchesAll(rule.targetMatchers, alert.labels)) continue;
    const alsoSource = matchesAll(rule.sourceMatchers, alert.labels);
    const sources = alerts
      .filter((source) => source.endsAtMs > nowMs && matchesAll(rule.sourceMatchers, source.labels))
      .filter((source) => !(alsoSource && matchesAll(rule.targetMatchers, source.labels)))
      .filter((source) => rule.equal.every((name) => (source.labels.get(name) ?? '') === (alert.labels.get(name) ?? '')))
      .map((source) => source.fingerprint)
      .sort();
    if (sources.length > 0) return [sources[0]!];
  }
  return [];
}
