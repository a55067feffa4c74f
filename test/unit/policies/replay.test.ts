import { createMonitor, parseSignature, planReplay, restoreMonitor, startMonitorFromReplay, type MonitorSnapshot } from '../../../src/policies';

const signature = parseSignature('p(x:int)\nq(x:int)\nr(x:int,y:string)');

describe('planReplay', () => {
  it.each([
    // A past window reaches back by its upper bound; the atom at the root only needs the stored timestamp lastTs.
    ['p(x) AND ONCE[5,20] q(x)', { from: 80, back: 0 }, [['p', [null], 100, 0], ['q', [null], 80, 0]]],
    // A constant in an atom: its own entry.
    ['r(x,"a") AND NOT (q(x) SINCE[0,3] r(x,"b"))', { from: 97, back: 0 }, [['r', [null, 'a'], 100, 0], ['q', [null], 97, 0], ['r', [null, 'b'], 97, 0]]],
    // PREVIOUS at the root looks at the time point with timestamp lastTs itself, whatever its interval.
    ['p(x) AND PREVIOUS ONCE[0,2] q(x)', { from: 98, back: 0 }, [['p', [null], 100, 0], ['q', [null], 98, 0]]],
    // An unbounded PREVIOUS under a window: the time point before the window's first one.
    ['p(x) AND ONCE[0,4] PREVIOUS q(x)', { from: 96, back: 1 }, [['p', [null], 100, 0], ['q', [null], 96, 1]]],
    // A bounded PREVIOUS under a window: a timestamp bound.
    ['p(x) AND ONCE[0,4] PREVIOUS[0,3] q(x)', { from: 93, back: 0 }, [['p', [null], 100, 0], ['q', [null], 93, 0]]],
    // The future is not stored yet: nothing before lastTs (plus the operator's lower bound).
    ['p(x) AND NOT EVENTUALLY[2,9] q(x)', { from: 100, back: 0 }, [['p', [null], 100, 0], ['q', [null], 102, 0]]],
    // An unbounded past: everything.
    ['p(x) AND ONCE q(x)', { from: null, back: 0 }, [['p', [null], 100, 0], ['q', [null], null, 0]]],
  ])('%s', (formula, timePoints, predicates) => {
    const plan = planReplay(formula, {}, 100);
    expect({ from: plan.timePointsFromTs, back: plan.timePointsBack }).toEqual(timePoints);
    expect(plan.predicates.map((p) => [p.pred, p.mask, p.fromTs, p.back])).toEqual(predicates);
  });

  it('refuses a timestamp that is not a non-negative integer', () => {
    expect(() => planReplay('p(x)', {}, -1)).toThrow(RangeError);
    expect(() => planReplay('p(x)', {}, 1.5)).toThrow(RangeError);
  });
});

describe('firstTimePoint and answerFrom', () => {
  it('a monitor started mid-trace numbers its verdicts as in the whole trace', () => {
    const monitor = createMonitor(signature, 'p(x)', { firstTimePoint: 41 });
    const verdicts = [...monitor.push({ ts: 7, events: [{ pred: 'p', args: [1] }] }), ...monitor.push({ ts: 8, events: [{ pred: 'p', args: [2] }] })];
    expect(verdicts.map((v) => monitor.format(v))).toEqual(['@7 (time point 41): (1)', '@8 (time point 42): (2)']);
  });

  it('the replayed time points are never answered, also after a snapshot, even when their future window closes later', () => {
    const loaded = [
      { tp: 10, ts: 5, events: [{ pred: 'p', args: [1] }] },
      { tp: 11, ts: 6, events: [{ pred: 'p', args: [2] }] },
    ];
    const monitor = startMonitorFromReplay(signature, 'p(x) AND NOT EVENTUALLY[0,3] q(x)', {}, loaded, 12);
    const restored = restoreMonitor(signature, 'p(x) AND NOT EVENTUALLY[0,3] q(x)', {}, JSON.parse(JSON.stringify(monitor.snapshot())) as MonitorSnapshot);
    const verdicts = [...restored.push({ ts: 7, events: [{ pred: 'p', args: [3] }] }), ...restored.push({ ts: 20, events: [] }), ...restored.finish()];
    expect(verdicts.map((v) => restored.format(v))).toEqual(['@7 (time point 12): (3)']);
  });

  it('refuses loaded time points that are not consecutive or do not end at the start', () => {
    const point = (tp: number) => ({ tp, ts: tp, events: [] });
    expect(() => startMonitorFromReplay(signature, 'p(x)', {}, [point(1), point(3)], 4)).toThrow(/not consecutive/);
    expect(() => startMonitorFromReplay(signature, 'p(x)', {}, [point(1), point(2)], 4)).toThrow(/not at the start 4/);
    expect(startMonitorFromReplay(signature, 'p(x)', {}, [], 4).push({ ts: 1, events: [{ pred: 'p', args: [1] }] })[0]?.tp).toBe(4);
  });
});
