import { aggregateJson, isoMicros } from '../../../src/rest/representations';
import { problem, toProblem } from '../../../src/rest/problem';
import { NotFoundError, ValidationError } from '../../../src/domain/errors';

describe('REST representations', () => {
  it('writes timestamps with microsecond precision', () => {
    expect(isoMicros(BigInt(Date.parse('2026-11-01T00:00:02.000Z')) * 1000n + 123n)).toBe('2026-11-01T00:00:02.000123Z');
    expect(isoMicros(1_700_000_000_123_456n)).toBe('2023-11-14T22:13:20.123456Z');
  });
});

describe('problem+json mapping', () => {
  it('maps domain errors to their status and stable type', () => {
    expect(toProblem(new NotFoundError('no such thing'))).toMatchObject({ status: 404, type: 'https://mymonit.dev/problems/not-found', detail: 'no such thing' });
    expect(toProblem(new ValidationError('bad'))).toMatchObject({ status: 400 });
  });

  it('never exposes an unexpected error', () => {
    const out = toProblem(new Error('ECONNREFUSED 10.0.0.3:3306 at Pool.query (pool.js:12)'));
    expect(out.status).toBe(500);
    expect(JSON.stringify(out)).not.toContain('10.0.0.3');
  });

  it('maps body-parser failures', () => {
    expect(toProblem({ type: 'entity.parse.failed', status: 400 }).type).toBe('https://mymonit.dev/problems/malformed-json');
    expect(toProblem({ type: 'entity.too.large', status: 413 }).status).toBe(413);
    expect(problem(502).type).toBe('https://mymonit.dev/problems/bad-gateway');
  });
});

describe('aggregate representation', () => {
  it('answers null for a value no JSON number holds (a sum past the double range), and keeps the others', () => {
    const series = { id: 1, experiment: 'E', metric: 'm', source: null, unit: null, tags: {} };
    const json = aggregateJson('1m', 'sum', [
      { series, points: [{ timestampUs: 0n, value: Infinity, count: 2 }, { timestampUs: 60_000_000n, value: -1.5, count: 1 }] },
    ]);
    expect(JSON.stringify(json.series[0]!.points.map((p) => p.value))).toBe('[null,-1.5]');
    expect(json.series[0]!.points[0]!.value).toBeNull();
  });
});
