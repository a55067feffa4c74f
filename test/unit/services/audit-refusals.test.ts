import { RefusalAudit } from '../../../src/services/audit-refusals';
import type { AuditRecord } from '../../../src/services/audit-trail';

describe('RefusalAudit: anonymous 401s write a bounded number of audit rows', () => {
  let rows: AuditRecord[];
  let audit: RefusalAudit;
  const failures: unknown[] = [];

  beforeEach(() => {
    rows = [];
    audit = new RefusalAudit(
      async (record) => {
        rows.push(record);
      },
      { windowMs: 60000, burst: 3, maxSources: 2 },
      (error) => failures.push(error),
    );
  });

  const summaries = () => rows.filter((row) => row.detail?.aggregated !== undefined);

  it('writes one row per refusal up to the burst, per source', () => {
    for (let i = 0; i < 3; i++) audit.refused('10.0.0.1', 'token malformed', `r${i}`);
    audit.refused('10.0.0.2', 'token expired', 'r9');
    expect(rows).toHaveLength(4);
    expect(rows.every((row) => row.action === 'auth.fail' && row.outcome === 'failure')).toBe(true);
    expect(rows[3]!.detail).toEqual({ reason: 'token expired' });
  });

  it('aggregates refusals past the burst into one summary row per source when the window ends', async () => {
    for (let i = 0; i < 1000; i++) audit.refused('10.0.0.1', i % 2 ? 'token malformed' : 'token expired', `r${i}`);
    expect(rows).toHaveLength(3);
    await audit.rollOver();
    expect(rows).toHaveLength(4);
    expect(summaries()).toEqual([
      expect.objectContaining({
        action: 'auth.fail',
        actor: null,
        detail: expect.objectContaining({ aggregated: 997, windowSeconds: 60, firstRequestId: 'r3', otherSources: false }),
      }),
    ]);
    expect(JSON.stringify(rows)).not.toContain('10.0.0.1');
  });

  it('starts a fresh burst in the next window, and writes no summary for a window with nothing aggregated', async () => {
    for (let i = 0; i < 4; i++) audit.refused('10.0.0.1', 'token malformed', `a${i}`);
    await audit.rollOver();
    for (let i = 0; i < 3; i++) audit.refused('10.0.0.1', 'token malformed', `b${i}`);
    await audit.rollOver();
    expect(rows).toHaveLength(3 + 1 + 3);
    expect(summaries()).toHaveLength(1);
  });

  it('puts sources past maxSources into one shared bucket, so many addresses still write a bounded number of rows', async () => {
    for (let source = 0; source < 500; source++) {
      for (let i = 0; i < 10; i++) audit.refused(`10.0.${source >> 8}.${source & 255}`, 'token malformed', `s${source}-${i}`);
    }
    await audit.rollOver();
    // 2 tracked sources + the shared bucket, each with 3 rows and 1 summary.
    expect(rows).toHaveLength(3 * 4);
    expect(summaries().map((row) => row.detail?.aggregated)).toEqual([7, 7, 498 * 10 - 3]);
    expect(summaries()[2]!.detail?.otherSources).toBe(true);
  });

  it('writes the summaries of the current window on stop', async () => {
    for (let i = 0; i < 5; i++) audit.refused('10.0.0.1', 'token malformed', `r${i}`);
    await audit.stop();
    expect(summaries()).toHaveLength(1);
    expect(failures).toEqual([]);
  });

  it('reports a failing write to its error callback instead of throwing', async () => {
    const errors: unknown[] = [];
    const failing = new RefusalAudit(() => Promise.reject(new Error('db down')), { windowMs: 60000, burst: 1, maxSources: 1 }, (error) =>
      errors.push(error),
    );
    expect(() => failing.refused('10.0.0.1', 'token malformed', 'r1')).not.toThrow();
    failing.refused('10.0.0.1', 'token malformed', 'r2');
    await failing.stop();
    expect(errors).toHaveLength(2);
  });
});
