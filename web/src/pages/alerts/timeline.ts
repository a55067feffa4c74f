/** Firing spans per rule from the alert history (transitions newest first, as /alerts/history gives them). */
export interface Transition {
  id: number;
  rule: number;
  experiment: string;
  alertname: string;
  fingerprint: string;
  labels: Record<string, string>;
  from: 'inactive' | 'pending' | 'firing';
  to: 'pending' | 'firing' | 'resolved' | 'inactive';
  severity: string;
  value: string;
  at: string;
}

export interface Span {
  fingerprint: string;
  labels: Record<string, string>;
  startMs: number;
  endMs: number;
  open: boolean;
  severity: string;
}

export interface RuleRow {
  rule: number;
  alertname: string;
  experiment: string;
  spans: Span[];
}

/**
 * Rows of firing spans, one per rule, inside [fromMs, nowMs]: a span opens at a transition to firing and
 * closes at the next transition of the same alert out of firing; one still open runs to now; one whose
 * opening is older than the window starts at the window's start.
 */
export function firingSpans(transitions: readonly Transition[], fromMs: number, nowMs: number): RuleRow[] {
  const rows = new Map<number, RuleRow>();
  const byAlert = new Map<string, Transition[]>();
  for (const t of transitions) {
    const key = `${t.rule}/${t.fingerprint}`;
    const list = byAlert.get(key) ?? [];
    list.push(t);
    byAlert.set(key, list);
    if (!rows.has(t.rule)) rows.set(t.rule, { rule: t.rule, alertname: t.alertname, experiment: t.experiment, spans: [] });
  }
  for (const list of byAlert.values()) {
    list.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.id - b.id);
    const first = list[0];
    if (!first) continue;
    const row = rows.get(first.rule) as RuleRow;
    let open: Span | undefined;
    for (const t of list) {
      const at = Date.parse(t.at);
      if (!Number.isFinite(at)) continue;
      if (t.to === 'firing') {
        if (open) open.severity = t.severity;
        else open = { fingerprint: t.fingerprint, labels: t.labels, startMs: at, endMs: nowMs, open: true, severity: t.severity };
      } else if (open) {
        row.spans.push({ ...open, endMs: at, open: false });
        open = undefined;
      } else if (t.from === 'firing') {
        // its opening is older than the transitions read: it fired since before the window
        row.spans.push({ fingerprint: t.fingerprint, labels: t.labels, startMs: fromMs, endMs: at, open: false, severity: t.severity });
      }
    }
    if (open) row.spans.push(open);
  }
  for (const row of rows.values()) {
    row.spans = row.spans
      .filter((s) => s.endMs >= fromMs)
      .map((s) => ({ ...s, startMs: Math.max(s.startMs, fromMs) }))
      .sort((a, b) => a.startMs - b.startMs);
  }
  return [...rows.values()].sort((a, b) => a.alertname.localeCompare(b.alertname) || a.rule - b.rule);
}
