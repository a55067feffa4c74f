/** Alertmanager silences as the console reads and writes them, and the matcher semantics (client side). */
export interface Matcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual?: boolean;
}

export interface Silence {
  id: string;
  status: { state: 'active' | 'pending' | 'expired' };
  updatedAt: string;
  comment: string;
  createdBy: string;
  endsAt: string;
  startsAt: string;
  matchers: Matcher[];
  untilResolved?: boolean;
}

export type Operator = '=' | '!=' | '=~' | '!~';

export const OPERATORS: readonly Operator[] = ['=', '!=', '=~', '!~'];

export function operatorOf(m: Matcher): Operator {
  const equal = m.isEqual !== false;
  if (m.isRegex) return equal ? '=~' : '!~';
  return equal ? '=' : '!=';
}

export function fromOperator(name: string, op: Operator, value: string): Matcher {
  return { name, value, isRegex: op === '=~' || op === '!~', isEqual: op === '=' || op === '=~' };
}

export function formatMatcher(m: Matcher): string {
  return `${m.name}${operatorOf(m)}"${m.value}"`;
}

/** The regex Alertmanager compiles: fully anchored. Undefined when it does not compile. */
export function anchored(value: string): RegExp | undefined {
  try {
    return new RegExp(`^(?:${value})$`, 'u');
  } catch {
    return undefined;
  }
}

/**
 * Whether a matcher matches a label set, as Alertmanager decides it: a missing label is the empty string;
 * a regex is anchored at both ends. A regex that does not compile matches nothing.
 */
export function matches(m: Matcher, labels: Readonly<Record<string, string>>): boolean {
  const value = Object.prototype.hasOwnProperty.call(labels, m.name) ? (labels[m.name] ?? '') : '';
  let hit: boolean;
  if (m.isRegex) {
    const re = anchored(m.value);
    if (!re) return false;
    hit = re.test(value);
  } else hit = value === m.value;
  return m.isEqual === false ? !hit : hit;
}

export function matchesAll(matchers: readonly Matcher[], labels: Readonly<Record<string, string>>): boolean {
  return matchers.length > 0 && matchers.every((m) => matches(m, labels));
}

/** The label set an alert is matched on: its labels, with alertname and experiment as the API adds them. */
export function alertLabels(alert: { alertname: string; experiment: string; labels: Record<string, string> }): Record<string, string> {
  const labels: Record<string, string> = Object.create(null) as Record<string, string>;
  labels.alertname = alert.alertname;
  labels.experiment = alert.experiment;
  for (const [k, v] of Object.entries(alert.labels)) labels[k] = v;
  return labels;
}
