import { firingSpans, type Transition } from '../../../web/src/pages/alerts/timeline';
import { alertLabels, fromOperator, matches, matchesAll, operatorOf } from '../../../web/src/pages/silences/matchers';

/** The console's client-side silence preview (Alertmanager's matcher semantics) and the history timeline. */
describe('silence matchers in the console', () => {
  const labels = { alertname: 'Overheat', experiment: 'DEMO', severity: 'major' };

  it('anchors regexes at both ends, as Alertmanager does', () => {
    expect(matches(fromOperator('alertname', '=~', 'Over'), labels)).toBe(false);
    expect(matches(fromOperator('alertname', '=~', 'Over.*'), labels)).toBe(true);
    expect(matches(fromOperator('alertname', '=~', 'heat'), labels)).toBe(false);
    // An alternation is anchored as a whole, not only its first branch.
    expect(matches(fromOperator('alertname', '=~', 'X|Overheat'), labels)).toBe(true);
    expect(matches(fromOperator('alertname', '=~', 'Overheat|X'), { alertname: 'OverheatY' })).toBe(false);
  });

  it('treats a missing label as the empty string and negates != and !~', () => {
    expect(matches(fromOperator('rack', '=', ''), labels)).toBe(true);
    expect(matches(fromOperator('rack', '!=', ''), labels)).toBe(false);
    expect(matches(fromOperator('severity', '!=', 'major'), labels)).toBe(false);
    expect(matches(fromOperator('severity', '!~', 'crit.*'), labels)).toBe(true);
    expect(matches(fromOperator('rack', '=~', '.*'), labels)).toBe(true);
  });

  it('matches nothing with a regex that does not compile, and needs every matcher (and at least one)', () => {
    expect(matches(fromOperator('alertname', '=~', '('), labels)).toBe(false);
    expect(matchesAll([fromOperator('alertname', '=', 'Overheat'), fromOperator('experiment', '=', 'OTHER')], labels)).toBe(false);
    expect(matchesAll([fromOperator('alertname', '=', 'Overheat'), fromOperator('experiment', '=', 'DEMO')], labels)).toBe(true);
    expect(matchesAll([], labels)).toBe(false);
  });

  it('round-trips operators, and reads labels named like Object.prototype members safely', () => {
    for (const op of ['=', '!=', '=~', '!~'] as const) expect(operatorOf(fromOperator('a', op, 'b'))).toBe(op);
    expect(operatorOf({ name: 'a', value: 'b', isRegex: false })).toBe('=');
    const own = alertLabels({ alertname: 'A', experiment: 'E', labels: { constructor: 'x' } });
    expect(matches(fromOperator('constructor', '=', 'x'), own)).toBe(true);
    expect(matches(fromOperator('toString', '=', ''), own)).toBe(true);
  });
});

describe('the alert history timeline', () => {
  const base = Date.parse('2026-01-01T00:00:00Z');
  let id = 0;
  const t = (rule: number, fingerprint: string, from: Transition['from'], to: Transition['to'], atS: number, severity = 'major'): Transition => ({
    id: ++id,
    rule,
    experiment: 'DEMO',
    alertname: `R${rule}`,
    fingerprint,
    labels: {},
    from,
    to,
    severity,
    value: '1',
    at: new Date(base + atS * 1000).toISOString(),
  });

  it('draws a span per firing period of each alert, one row per rule, open spans to now, old ones clipped', () => {
    const transitions = [
      t(1, 'a', 'inactive', 'pending', 10),
      t(1, 'a', 'pending', 'firing', 20),
      t(1, 'a', 'firing', 'resolved', 50),
      t(1, 'b', 'inactive', 'firing', 30),
      t(1, 'b', 'firing', 'firing', 40, 'critical'),
      t(2, 'c', 'firing', 'resolved', 5), // fired before the transitions read
      t(3, 'd', 'inactive', 'pending', 70),
      t(3, 'd', 'pending', 'inactive', 80),
    ].reverse(); // newest first, as the API gives them
    const rows = firingSpans(transitions, base, base + 100_000);
    expect(rows.map((r) => r.rule)).toEqual([1, 2, 3]);
    const [r1, r2, r3] = rows;
    expect(r1!.spans.map((s) => [s.fingerprint, (s.startMs - base) / 1000, (s.endMs - base) / 1000, s.open, s.severity])).toEqual([
      ['a', 20, 50, false, 'major'],
      ['b', 30, 100, true, 'critical'],
    ]);
    expect(r2!.spans.map((s) => [(s.startMs - base) / 1000, (s.endMs - base) / 1000])).toEqual([[0, 5]]);
    expect(r3!.spans).toEqual([]);
  });

  it('clips spans to the window and drops those that ended before it', () => {
    const rows = firingSpans([t(1, 'a', 'firing', 'resolved', 50), t(1, 'a', 'inactive', 'firing', 10), t(1, 'b', 'firing', 'resolved', 20), t(1, 'b', 'inactive', 'firing', 15)], base + 30_000, base + 100_000);
    expect(rows[0]!.spans.map((s) => [s.fingerprint, (s.startMs - base) / 1000, (s.endMs - base) / 1000])).toEqual([['a', 30, 50]]);
  });
});
