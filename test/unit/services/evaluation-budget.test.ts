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

  it('lets a small evaluation borrow through debt, down to one burst below zero', () => {
    const c = clock();
    const budget = new EvaluationBudget(0.1, 1_000, 50, c.now);
    expect(budget.reserve(100)).toBe(0);
    budget.settle(100, 1_500); // ran 15x longer than charged under load: 400 ms in debt
    expect(budget.reserve(100)).toBeGreaterThan(0);
    expect(budget.reserve(50)).toBe(0);
    for (let i = 0; i < 11; i++) budget.reserve(50);
    // -400 - 12 x 50 = -1000: the floor
    expect(budget.reserve(50)).toBeGreaterThan(0);
  });
});
