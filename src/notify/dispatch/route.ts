/**
 * Alertmanager's routing tree (dispatch/route.go, 0.25): which routes an alert's labels reach, each route's
 * key and ID, and the group labels and group key of an alert in a route.
 */
import type { LabelSet } from '../alert';
import type { Route } from '../config/model';
import { matchesAll } from '../matchers';
import { compareGoStrings } from '../matchers-parse';

/**
 * Route.Match: the deepest matching routes, depth first; a child that matched stops the search among its
 * siblings unless it has `continue`; a route none of whose children matched is itself the match. Nothing
 * when the route's own matchers fail (the root has none, so the root always matches something).
 */
export function matchRoutes(route: Route, labels: LabelSet): Route[] {
  if (!matchesAll(route.matchers, labels)) return [];
  const all: Route[] = [];
  for (const child of route.routes) {
    const matches = matchRoutes(child, labels);
    all.push(...matches);
    if (matches.length > 0 && !child.continue) break;
  }
  if (all.length === 0) all.push(route);
  return all;
}

/**
 * Route.Key(): the matchers of the path from the root, `{}/{a="b"}/...` (the group key's first part). The ID
 * (Route.ID()) is the same path with each route's position among its siblings after its matchers
 * (`{}/{a="b"}/0/{c="d"}/1`): the key is the ID without those positions (outside quoted values).
 */
export function routeKey(route: Route): string {
  const id = route.id;
  let out = '';
  let inQuotes = false;
  for (let i = 0; i < id.length; i++) {
    const ch = id[i] ?? '';
    out += ch;
    if (inQuotes) {
      if (ch === '\\') {
        out += id[i + 1] ?? '';
        i++;
      } else if (ch === '"') inQuotes = false;
      continue;
    }
    if (ch === '"') inQuotes = true;
    else if (ch === '}') {
      const position = /^\/\d+(?=\/|$)/.exec(id.slice(i + 1));
      if (position !== null) i += position[0].length;
    }
  }
  return out;
}

/** getGroupLabels: the alert's labels named in the route's group_by (all of them for `...`). */
export function groupLabels(route: Route, labels: LabelSet): Map<string, string> {
  const out = new Map<string, string>();
  const groupBy = route.groupBy;
  if (groupBy.all) {
    for (const [name, value] of labels) out.set(name, value);
    return out;
  }
  for (const name of groupBy.labels) {
    const value = labels.get(name);
    if (value !== undefined) out.set(name, value);
  }
  return out;
}

/** aggrGroup.GroupKey(): `<route key>:<group labels as model.LabelSet.String()>`. */
export function groupKey(route: Route, groupLabelSet: LabelSet): string {
  return `${routeKey(route)}:${formatLabelSet(groupLabelSet)}`;
}

/** model.LabelSet.String(): `{a="b", c="d"}`, names sorted, values quoted as Go's %q. */
export function formatLabelSet(labels: LabelSet): string {
  const names = [...labels.keys()].sort(compareGoStrings);
  return `{${names.map((name) => `${name}=${goQuote(labels.get(name) ?? '')}`).join(', ')}}`;
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const SHORT_ESCAPES: ReadonlyMap<string, string> = new Map([
  ['\x07', '\\a'],
  ['\b', '\\b'],
  ['\f', '\\f'],
  ['\n', '\\n'],
  ['\r', '\\r'],
  ['\t', '\\t'],
  ['\v', '\\v'],
  ['\\', '\\\\'],
  ['"', '\\"'],
]);

/** Go's strconv.Quote (what %q prints for a string). */
export function goQuote(value: string): string {
  let out = '"';
  for (const ch of value) {
    const short = SHORT_ESCAPES.get(ch);
    if (short !== undefined) {
      out += short;
      continue;
    }
    if (PRINTABLE.test(ch)) {
      out += ch;
      continue;
    }
    const code = ch.codePointAt(0) ?? 0;
    if (code === 0xfffd && ch !== '\ufffd') out += '\\ufffd';
    else if (code < 0x80) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code >= 0xd800 && code <= 0xdfff) out += '\\ufffd';
    else if (code <= 0xffff) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/** `amtool config routes test`'s output: the receivers of the matching routes, in order, comma-separated (repeats kept). */
export function routesTestOutput(route: Route, labels: LabelSet): string {
  return matchRoutes(route, labels)
    .map((r) => r.receiver)
    .join(',');
}
