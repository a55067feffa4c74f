import { classifyByThresholds } from '../../../../src/alerting/classify/thresholds';
import type { Severity, ThresholdClassifier } from '../../../../src/alerting/rules/rule';

const cpu: ThresholdClassifier = {
  kind: 'thresholds',
  thresholds: [
    { severity: 'critical', op: '>=', value: 100 },
    { severity: 'major', op: '>=', value: 90 },
    { severity: 'minor', op: '>', value: 75 },
  ],
};

describe('classifyByThresholds', () => {
  it.each<[number, Severity]>([
    [100, 'critical'],
    [150, 'critical'],
    [99.9, 'major'],
    [90, 'major'],
    [75.5, 'minor'],
    [75, 'ok'],
    [-3, 'ok'],
    [Number.POSITIVE_INFINITY, 'critical'],
    [Number.NEGATIVE_INFINITY, 'ok'],
  ])('the first threshold met wins: %p is %s', (value, severity) => {
    expect(classifyByThresholds(cpu, value)).toBe(severity);
  });

  it('a NaN value is unknown, not ok', () => {
    expect(classifyByThresholds(cpu, Number.NaN)).toBe('unknown');
  });

  it('no thresholds: ok', () => {
    expect(classifyByThresholds({ kind: 'thresholds', thresholds: [] }, 5)).toBe('ok');
  });

  it.each<[ThresholdClassifier['thresholds'][number]['op'], number, boolean]>([
    ['>', 1, false],
    ['>=', 1, true],
    ['<', 1, false],
    ['<=', 1, true],
    ['==', 1, true],
    ['!=', 1, false],
    ['!=', 2, true],
    ['<', 0, true],
  ])('operator %s against 1 with value %p meets: %p', (op, value, meets) => {
    const c: ThresholdClassifier = { kind: 'thresholds', thresholds: [{ severity: 'minor', op, value: 1 }] };
    expect(classifyByThresholds(c, value)).toBe(meets ? 'minor' : 'ok');
  });
});
