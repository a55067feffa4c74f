import { EvaluationBudget } from '../../../src/services/evaluation-budget';

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 0;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('EvaluationBudget', () => {
  it('grants up to its burst at once, then accrues share x elapsed time', () => {
    const c = clock();
    const budget = new EvaluationBudget(0.1, 1_000, 0, c.now);
    expect(budget.reserve(600)).toBe(0);
    expect(budget.reserve(400)).toBe(0);
    // empty: 300 ms of evaluation needs 3 s of wall time at a 10% share
    expect(budget.reserve(300)).toBe(3_000);
    c.advance(2_990);
    expect(budget.reserve(300)).toBe(10);
    c.advance(10);
    expect(budget.reserve(300)).toBe(0);
  });

  it('lets a cheap evaluation through while an expensive one waits', () => {
    const c = clock();
    const budget = new EvaluationBudget(0.1, 1_000, 0, c.now);
    expect(budget.reserve(950)).toBe(0);
    expect(budget.reserve(500)).toBeGreaterThan(0);
    expect(budget.reserve(5)).toBe(0);
  });

  it('settles a reservation with the real duration, never above the burst', () => {
    const c = clock();
    const budget = new EvaluationBudget(0.1, 1_000, 0, c.now);
    expect(budget.reserve(1_000)).toBe(0);
    budget.settle(1_000, 200); // it took 200 ms: 800 ms come back
    expect(budget.reserve(800)).toBe(0);
    expect(budget.reserve(1)).toBeGreaterThan(0);
    budget.settle(0, 0);
    c.advance(1_000_000);
    expect(budget.reserve(1_000)).toBe(0);
    expect(budget.reserve(1)).toBeGreaterThan(0);
  });

  it('charges an evaluation dearer than the burst once the bucket is full, running it into debt', () => {
    const c = clock();
    const budget = new EvaluationBudget(0.5, 100, 0, c.now);
    expect(budget.reserve(400)).toBe(0);
    // 300 ms of debt + 100 needed = 800 ms at a 50% share
    expect(budget.reserve(100)).toBe(800);
  });

  it('never grants anything with a zero share', () => {
    const budget = new EvaluationBudget(0, 1_000, 0, clock().now);
    expect(budget.reserve(0)).toBe(Number.POSITIVE_INFINITY);
  });

  it('admits a small evaluation whatever the debt of the others, within an allowance of its own', () => {
    const c = clock();
    const budget = new EvaluationBudget(0.1, 1_000, 50, c.now);
    expect(budget.reserve(100)).toBe(0);
    // Ran 50x longer than charged under load: 4 s in debt, 41 s of wall time at a 10% share before another.
    budget.settle(100, 5_000);
    expect(budget.reserve(100)).toBe(41_000);
    // The small ones still go, up to their own burst (20 x 50 ms) ...
    for (let i = 0; i < 20; i++) expect(budget.reserve(50)).toBe(0);
    // ... then at the share: 50 ms of evaluation every 500 ms.
    expect(budget.reserve(50)).toBe(500);
    c.advance(500);
    expect(budget.reserve(50)).toBe(0);
    // They are charged to the shared bucket too: the expensive ones pay their time back.
    // -4000 - 21 x 50 + 50 accrued = -5000: 5.1 s to pay back before a 100 ms one, 51 s of wall time.
    expect(budget.reserve(100)).toBe(51_000);
  });
});
