import type { LabelSet } from '../notify/alert';
import type { TicketPriority } from './ticket';

/**
 * A ticket's priority is the most severe `severity` label among the group's firing alerts, in MyMONIT's
 * severities (critical > major > minor > unknown). MyMONIT's own alerts carry one of those; alerts from
 * Prometheus carry whatever their rules chose, so the common spellings are mapped (case-insensitive,
 * surrounding blanks ignored):
 *
 * | severity label                                                          | priority |
 * |-------------------------------------------------------------------------|----------|
 * | critical, crit, emergency, emerg, alert, fatal, disaster, page, p1, sev1, high      | critical |
 * | major, error, err, p2, sev2                                             | major    |
 * | minor, warning, warn, medium, average, low, info, informational, notice, p3, p4, p5, sev3, sev4, sev5 | minor |
 * | anything else, `ok`, `none`, `unknown`, or no label                     | unknown  |
 *
 * `unknown` ranks lowest: it says nothing of how bad the problem is, and any known severity in the group
 * is a better guide. (`high` is critical: Zabbix and Grafana OnCall use high as the level under disaster.)
 */
const SPELLINGS = new Map<string, Exclude<TicketPriority, 'unknown'>>();
for (const word of ['critical', 'crit', 'emergency', 'emerg', 'alert', 'fatal', 'disaster', 'page', 'p1', 'sev1', 'high']) SPELLINGS.set(word, 'critical');
for (const word of ['major', 'error', 'err', 'p2', 'sev2']) SPELLINGS.set(word, 'major');
for (const word of ['minor', 'warning', 'warn', 'medium', 'average', 'low', 'info', 'informational', 'notice', 'p3', 'p4', 'p5', 'sev3', 'sev4', 'sev5']) {
  SPELLINGS.set(word, 'minor');
}

const RANK: Readonly<Record<TicketPriority, number>> = { critical: 3, major: 2, minor: 1, unknown: 0 };

/** The priority a `severity` label value stands for. */
export function priorityOfSeverity(value: string | undefined): TicketPriority {
  if (value === undefined) return 'unknown';
  return SPELLINGS.get(value.trim().toLowerCase()) ?? 'unknown';
}

/** The priority of one alert's labels. */
export function priorityOfLabels(labels: LabelSet): TicketPriority {
  return priorityOfSeverity(labels.get('severity'));
}

/** Positive when `a` is more severe than `b`. */
export function comparePriority(a: TicketPriority, b: TicketPriority): number {
  return RANK[a] - RANK[b];
}

/** The most severe of `priorities`; `unknown` for none. */
export function highestPriority(priorities: Iterable<TicketPriority>): TicketPriority {
  let best: TicketPriority = 'unknown';
  for (const p of priorities) if (comparePriority(p, best) > 0) best = p;
  return best;
}
