import type { CheckJob } from '../../../../src/checks/ports';
import { resultMeasures } from '../../../../src/services/checks/result-measures';

const T = Date.UTC(2026, 10, 1);

function job(overrides: Partial<CheckJob> = {}): CheckJob {
  return {
    checkId: 1,
    checkName: 'disk_free',
    checkVersion: 1,
    experimentId: 7,
    experiment: 'EXP',
    kind: 'plugin',
    params: { kind: 'plugin', args: [] },
    plugin: 'df',
    timeoutMs: 1000,
    host: { id: 3, experimentId: 7, name: 'web-1', address: '10.0.0.1', description: '' },
    scheduleId: 1,
    slotMs: T,
    fencingToken: 1,
    ...overrides,
  };
}

describe('a check result as measures', () => {
  it('the value as field=value, each further figure as field=<name>; metric = check, source = host; plugin tagged', () => {
    const { rows, refused } = resultMeasures(job(), { outcome: 'ok', value: 0.5, message: '', startedAtMs: T + 3, durationMs: 1, fields: new Map([['inodes', 10]]) }, T + 3);
    expect(refused).toEqual([]);
    expect(rows).toEqual([
      { experiment: 'EXP', experimentId: 7, metric: 'disk_free', source: 'web-1', unit: null, value: 0.5, timestampUs: BigInt(T + 3) * 1000n, tags: { check_kind: 'plugin', field: 'value', plugin: 'df' } },
      { experiment: 'EXP', experimentId: 7, metric: 'disk_free', source: 'web-1', unit: null, value: 10, timestampUs: BigInt(T + 3) * 1000n, tags: { check_kind: 'plugin', field: 'inodes', plugin: 'df' } },
    ]);
  });

  it('a built-in check has no plugin tag; no value, no primary measure', () => {
    const { rows } = resultMeasures(job({ kind: 'http', plugin: undefined }), { outcome: 'failed', message: '', startedAtMs: T, durationMs: 1, fields: new Map([['status_code', 503]]) }, T);
    expect(rows.map((r) => r.tags)).toEqual([{ check_kind: 'http', field: 'status_code' }]);
  });

  it('refuses one by one, saying why: non-finite numbers, a field named value, what the Measure schema refuses', () => {
    const fields = new Map([
      ['value', 1],
      ['nan', Number.NaN],
      ['x'.repeat(129), 1],
      ['ok', 2],
    ]);
    const { rows, refused } = resultMeasures(job(), { outcome: 'ok', value: Number.NEGATIVE_INFINITY, message: '', startedAtMs: T, durationMs: 1, fields }, T);
    expect(rows.map((r) => r.tags.field)).toEqual(['ok']);
    expect(refused).toEqual([
      "field=value: the name is the run's own value",
      'field=value: -Infinity is not a finite number',
      'field=nan: NaN is not a finite number',
      `field=${'x'.repeat(129)}: /tags/field: must NOT have more than 128 characters`,
    ]);
  });

  it('a check or host name outside the measure contract stores no measure, and says so', () => {
    const { rows, refused } = resultMeasures(job({ checkName: 'disk free' }), { outcome: 'ok', value: 1, message: '', startedAtMs: T, durationMs: 1 }, T);
    expect(rows).toEqual([]);
    expect(refused).toEqual(['field=value: /metric: must match pattern "^[A-Za-z0-9_.:/-]{1,128}$"']);
  });
});
