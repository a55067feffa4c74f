import { comparePriority, highestPriority, priorityOfLabels, priorityOfSeverity } from '../../../src/tickets/priority';

describe('ticket priority', () => {
  it.each([
    ['critical', 'critical'],
    ['CRITICAL', 'critical'],
    [' page ', 'critical'],
    ['high', 'critical'],
    ['major', 'major'],
    ['error', 'major'],
    ['minor', 'minor'],
    ['warning', 'minor'],
    ['info', 'minor'],
    ['unknown', 'unknown'],
    ['ok', 'unknown'],
    ['none', 'unknown'],
    ['', 'unknown'],
    ['__proto__', 'unknown'],
    ['toString', 'unknown'],
  ])('severity %j is %s', (severity, priority) => {
    expect(priorityOfSeverity(severity)).toBe(priority);
  });

  it('no severity label is unknown', () => {
    expect(priorityOfLabels(new Map([['alertname', 'x']]))).toBe('unknown');
    expect(priorityOfLabels(new Map([['severity', 'warning']]))).toBe('minor');
  });

  it('orders critical > major > minor > unknown', () => {
    expect(comparePriority('critical', 'major')).toBeGreaterThan(0);
    expect(comparePriority('major', 'minor')).toBeGreaterThan(0);
    expect(comparePriority('minor', 'unknown')).toBeGreaterThan(0);
    expect(comparePriority('minor', 'minor')).toBe(0);
    expect(highestPriority(['minor', 'unknown', 'major', 'minor'])).toBe('major');
    expect(highestPriority([])).toBe('unknown');
  });
});
